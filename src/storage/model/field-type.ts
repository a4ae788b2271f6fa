// Field value types of the data model (DESIGN.md "Data model"); numeric codes are stored on disk.

/** On-disk and in-memory code of a field's type. Never renumber: segment and WAL files store these. */
export const FieldType = {
  Float: 1,
  Int: 2,
  Uint: 3,
  Bool: 4,
  String: 5,
} as const;
export type FieldType = (typeof FieldType)[keyof typeof FieldType];

/** Public names of field types, as InfluxDB's SHOW FIELD KEYS prints them. */
export type FieldTypeName = "float" | "integer" | "unsigned" | "boolean" | "string";

const NAMES: Record<FieldType, FieldTypeName> = {
  [FieldType.Float]: "float",
  [FieldType.Int]: "integer",
  [FieldType.Uint]: "unsigned",
  [FieldType.Bool]: "boolean",
  [FieldType.String]: "string",
};

/** The public name of a field type code. */
export function fieldTypeName(type: FieldType): FieldTypeName {
  return NAMES[type];
}

/** True for a valid field type code (used when reading bytes from disk). */
export function isFieldType(code: number): code is FieldType {
  return code >= FieldType.Float && code <= FieldType.String;
}

/**
 * A column of field values, in the representation every storage module shares:
 * - Float, Bool (0/1) and Int/Uint whose values are all safe integers: Float64Array;
 * - Int/Uint holding any value beyond ±2^53: BigInt64Array / BigUint64Array (exact, slower path);
 * - String: string[].
 */
export type ColumnValues = Float64Array | BigInt64Array | BigUint64Array | string[];
