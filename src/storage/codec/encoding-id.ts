// The 1-byte encoding ids that open every codec block (docs/format/codecs.md "Encoding ids").
// Ids are unique across codecs so a block decoded with the wrong codec fails fast. Never renumber.

/** Encoding ids stored as the first byte of each encoded column block. Never renumber: segment files store them. */
export const EncodingId = {
  /** Timestamps: first offset and one delta. */
  TsConstDelta: 0x10,
  /** Timestamps: first offset then every delta as a uvarint. */
  TsDeltaRaw: 0x11,
  /** Timestamps: first offset, scale, deltas/scale bit-packed per 128-value miniblock. */
  TsDeltaPacked: 0x12,
  /** Timestamps: first offset, scale, first delta/scale, delta-of-deltas bit-packed per miniblock. */
  TsDodPacked: 0x13,
  /** Floats: one 8-byte bit pattern for every value. */
  FloatConst: 0x20,
  /** Floats: 8 little-endian bytes per value. */
  FloatRaw: 0x21,
  /** Floats: Gorilla XOR bit stream. */
  FloatGorilla: 0x22,
  /** Floats: k-decimal values as scaled integers, followed by an int block. */
  FloatDecimal: 0x23,
  /** Ints: one zigzag varint for every value. */
  IntConst: 0x30,
  /** Ints: one zigzag varint per value. */
  IntRaw: 0x31,
  /** Ints: first value, zigzag deltas bit-packed per 128-value miniblock (frame of reference). */
  IntDeltaPacked: 0x32,
  /** Ints: first value, raw-deflated stream of zigzag-varint deltas. */
  IntDeltaDeflate: 0x33,
  /** BigInts: one 8-byte little-endian value for every row. */
  BigConst: 0x40,
  /** BigInts: 8 little-endian bytes per value. */
  BigRaw: 0x41,
  /** Bools: one byte (0 or 1) for every value. */
  BoolConst: 0x50,
  /** Bools: LSB-first bitmap. */
  BoolBitmap: 0x51,
  /** Strings: uvarint byte length then UTF-8 bytes, per value. */
  StrPlain: 0x60,
  /** Strings: the plain body, raw-deflated. */
  StrPlainDeflate: 0x61,
  /** Strings: dictionary of distinct values plus bit-packed indexes. */
  StrDict: 0x62,
} as const;
export type EncodingId = (typeof EncodingId)[keyof typeof EncodingId];
