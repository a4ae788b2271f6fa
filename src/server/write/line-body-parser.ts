// Streams a line-protocol request body into a WriteBatch chunk by chunk: complete records go to the parser as they
// arrive (LineSplitter finds where records end), so only a partial record is ever held besides the batch.
import { InvalidError, LimitError } from "../../base/index.ts";
import type { Precision } from "../../base/index.ts";
import { LineSplitter } from "../../ingest/index.ts";
import type { LineError, LineProtocolParser } from "../../ingest/index.ts";
import type { WriteBatch } from "../../storage/index.ts";

/** InfluxDB 1.x write precisions; `m` and `h` are parsed as seconds and scaled. */
export type WritePrecision = Precision | "m" | "h";

const PRECISIONS: Record<string, WritePrecision> = {
  "": "ns",
  n: "ns",
  ns: "ns",
  u: "us",
  us: "us",
  µ: "us",
  ms: "ms",
  s: "s",
  m: "m",
  h: "h",
};

const NEWLINE = 10;

/**
 * Parses a `precision` parameter: ns|n, us|u, ms, s, and with `minutesAndHours` (InfluxDB 1.x /write) also m, h.
 * Throws InvalidError (SERVER_BAD_PRECISION) otherwise.
 */
export function parseWritePrecision(text: string | null, minutesAndHours: boolean): WritePrecision {
  const p = PRECISIONS[text ?? ""];
  if (p === undefined || (!minutesAndHours && (p === "m" || p === "h"))) {
    const allowed = minutesAndHours ? "n, ns, u, us, ms, s, m or h" : "ns, us, ms or s";
    throw new InvalidError("SERVER_BAD_PRECISION", `invalid precision "${text}": use ${allowed}`);
  }
  return p;
}

/**
 * One request body's parse state: feed chunks with `push`, then `end`. Appends valid lines to `batch` and collects
 * bad lines in `errors` (line numbers count from 1 across chunks). Throws LimitError (SERVER_TOO_MANY_VALUES)
 * as soon as the batch holds more than `maxValues` values. `parser` is shared (parse calls are synchronous).
 */
export class LineBodyParser {
  readonly errors: LineError[] = [];
  private readonly splitter = new LineSplitter();
  private readonly ends: number[] = [];
  /** Chunks of a record not yet ended (usually none, sometimes one tail). */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private line = 1;
  private readonly parser: LineProtocolParser;
  private readonly batch: WriteBatch;
  private readonly maxValues: number;
  private readonly scale: number;
  private readonly options: { precision: Precision; defaultSec: number; defaultNsec: number };

  /** `nowSec`/`nowNsec` is the arrival time, given to lines without a timestamp (truncated to the precision). */
  constructor(
    parser: LineProtocolParser,
    batch: WriteBatch,
    precision: WritePrecision,
    nowSec: number,
    nowNsec: number,
    maxValues: number,
  ) {
    this.parser = parser;
    this.batch = batch;
    this.maxValues = maxValues;
    // Minutes and hours: parse the numbers as seconds, then multiply (the default time in minutes/hours too).
    this.scale = precision === "m" ? 60 : precision === "h" ? 3600 : 1;
    this.options =
      this.scale === 1
        ? { precision: precision as Precision, defaultSec: nowSec, defaultNsec: nowNsec }
        : { precision: "s", defaultSec: Math.floor(nowSec / this.scale), defaultNsec: 0 };
  }

  /** Parses every record `chunk` completes; keeps its unfinished tail. `chunk` may be retained until `end`. */
  push(chunk: Buffer): void {
    const ends = this.ends;
    ends.length = 0;
    this.splitter.scan(chunk, ends);
    if (ends.length === 0) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      return;
    }
    const cut = ends[ends.length - 1]! + 1;
    const head = chunk.subarray(0, cut);
    this.parse(this.pending.length === 0 ? head : this.takePending(head));
    if (cut < chunk.length) {
      this.pending.push(chunk.subarray(cut));
      this.pendingBytes = chunk.length - cut;
    }
  }

  /** Parses the last record (one without a final newline) and applies m/h scaling. */
  end(): void {
    if (this.pending.length > 0) this.parse(this.takePending(null));
    if (this.scale !== 1) {
      const sec = this.batch.sec;
      for (let i = 0; i < this.batch.pointCount; i++) sec[i] = sec[i]! * this.scale;
    }
  }

  private takePending(head: Buffer | null): Buffer {
    if (head !== null) {
      this.pending.push(head);
      this.pendingBytes += head.length;
    }
    const joined = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    return joined;
  }

  private parse(input: Buffer): void {
    const report = this.parser.parse(input, this.batch, this.options, this.line);
    for (const e of report.errors) this.errors.push(e);
    // Physical lines consumed: every newline, including ones inside string values (the parser numbers them so).
    let lines = 0;
    for (let i = input.indexOf(NEWLINE); i !== -1; i = input.indexOf(NEWLINE, i + 1)) lines++;
    this.line += lines;
    if (this.batch.valueCount > this.maxValues) {
      throw new LimitError(
        "SERVER_TOO_MANY_VALUES",
        `request has more than ${this.maxValues} field values (maxValuesPerRequest): split it into smaller writes`,
      );
    }
  }
}
