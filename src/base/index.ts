// Public entry of layer 0: errors, assertions, time units and byte helpers.
export {
  TsdbError,
  isTsdbError,
  InvalidError,
  NotFoundError,
  ConflictError,
  LimitError,
  UnavailableError,
  CorruptError,
  InternalError,
} from "./errors.ts";
export { assert } from "./assert.ts";
export {
  NS_PER_SEC,
  MIN_TIME_NS,
  MAX_TIME_NS,
  parsePrecision,
  isTimeInRange,
  toNs,
  splitNs,
  toTimeNs,
  formatRfc3339,
  parseDuration,
  SystemClock,
} from "./time.ts";
export type { Precision, Clock } from "./time.ts";
export { crc32, putUvarint, getUvarint, uvarintSize, zigzag, unzigzag } from "./bytes.ts";
export { SafeRegex } from "./regex/index.ts";
export type { SafeRegexOptions } from "./regex/index.ts";
