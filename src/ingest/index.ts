// Public entry of the ingest module: line protocol (parse, encode) and typed points into storage write batches.
export { LineProtocolParser } from "./line-protocol/line-protocol-parser.ts";
export type { LineError, ParseOptions, ParseReport } from "./line-protocol/line-protocol-parser.ts";
export { appendPoints } from "./line-protocol/append-points.ts";
export { encodeLineProtocol } from "./line-protocol/encode-line-protocol.ts";
export type { FieldValue, PointInput } from "./line-protocol/point-input.ts";
export { LineSplitter } from "./line-protocol/line-splitter.ts";
export { decodeRemoteWrite } from "./remote-write/remote-write-decoder.ts";
export type {
  RemoteWriteOptions,
  RemoteWriteResult,
  RemoteWriteSeriesError,
} from "./remote-write/remote-write-decoder.ts";
