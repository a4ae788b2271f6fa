// Public entry of the column codecs: per-type block encoders/decoders with 1-byte encoding ids
// (docs/format/codecs.md). Knows nothing of segments, files or series.
export { ByteWriter } from "./byte-writer.ts";
export { encodeTimestamps, decodeTimestamps } from "./timestamp-codec.ts";
export { encodeFloats, decodeFloats } from "./float-codec.ts";
export { encodeInts, decodeInts } from "./int-codec.ts";
export { encodeBigInts, decodeBigInts } from "./bigint-codec.ts";
export { encodeBools, decodeBools } from "./bool-codec.ts";
export { encodeStrings, decodeStrings } from "./string-codec.ts";
export { EncodingId } from "./encoding-id.ts";
export { CORRUPT_BLOCK_CODE } from "./corrupt-block.ts";
