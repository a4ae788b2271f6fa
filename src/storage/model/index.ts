// The data model shared by every storage module and by ingest: field types, write batches, series keys.
export { FieldType, fieldTypeName, isFieldType } from "./field-type.ts";
export type { FieldTypeName, ColumnValues } from "./field-type.ts";
export { WriteBatch } from "./write-batch.ts";
export { formatSeriesKey, parseSeriesKey, compareKeys } from "./series-key.ts";
export type { Tag } from "./series-key.ts";
