// InfluxDB 1.x line protocol → columnar WriteBatch, byte by byte, with InfluxDB's partial-write behaviour.
// Grammar, error messages and deviations: docs/format/line-protocol.md. Knows nothing of storage beyond WriteBatch.
import { FieldType } from "../../storage/index.ts";
import type { WriteBatch } from "../../storage/index.ts";
import type { Precision } from "../../base/index.ts";
import { ByteInterner, hashBytes } from "./byte-interner.ts";
import { LineValueScanner } from "./line-value-scanner.ts";
import { SeriesSectionParser } from "./series-section-parser.ts";

const NEWLINE = 10;
const RETURN = 13;
const TAB = 9;
const SPACE = 32;
const QUOTE = 34;
const HASH = 35;
const COMMA = 44;
const EQUALS = 61;
const BACKSLASH = 92;
const NUL = 0;

/** Bytes of a bad line quoted back in its LineError. */
const ERROR_TEXT_BYTES = 100;
const EMPTY = Buffer.alloc(0);
const DEFAULT_MAX_CACHE_ENTRIES = 100_000;
// Raw key bytes each cache may hold before it is cleared: keys can be 64 KiB, so entries alone bound nothing.
const MAX_CACHE_BYTES = 32 * 1024 * 1024;
const NS_TRUNCATE = { ns: 1, us: 1_000, ms: 1_000_000, s: 1_000_000_000 } as const;

/** A rejected line. */
export interface LineError {
  /** 1-based line number (of the line's first physical line when a string value spans several). */
  line: number;
  /** 1-based byte column of the problem, counted from the start of the line. */
  column: number;
  /** Reason, in InfluxDB's wording where it has one (`invalid field format`, `missing tag value`, …). */
  message: string;
  /** The first ≤ 100 bytes of the bad line, decoded as UTF-8. */
  text: string;
}

/** How to read timestamps, and the time of lines that have none. */
export interface ParseOptions {
  /** Unit of the timestamps in the text. */
  precision: Precision;
  /** Arrival time (whole seconds, floor) for lines without a timestamp; truncated to `precision` as InfluxDB does. */
  defaultSec: number;
  /** Nanoseconds within `defaultSec`, 0 ≤ defaultNsec < 1e9. */
  defaultNsec: number;
}

/** What one `parse` call appended and rejected. */
export interface ParseReport {
  /** Points appended to the batch. */
  points: number;
  /** Field values appended to the batch. */
  values: number;
  /** One entry per rejected line, in input order. */
  errors: LineError[];
}

/**
 * Parses line protocol into a WriteBatch. Stateful only for caches: raw series-section bytes → (canonical series
 * key, measurement), and raw field-key bytes → field name, each bounded by `maxCacheEntries` and cleared when
 * full. Reuse one parser per connection or import; not safe for concurrent use (parse is synchronous).
 */
export class LineProtocolParser {
  /** Cache bound per cache (series, field names); immutable after construction. */
  readonly maxCacheEntries: number;
  private readonly series = new ByteInterner();
  private readonly seriesKeys: string[] = [];
  private readonly seriesMeasurements: string[] = [];
  private readonly fieldKeys = new ByteInterner();
  private readonly fieldNames: string[] = [];
  // Per field id: the record stamp that last used it, to find duplicate field keys within a line.
  private fieldStamp: Int32Array = new Int32Array(1024);
  // Per field id: the field id that followed it last time (-1: none). Per series id: its first field id.
  private nextField: Int32Array = new Int32Array(1024).fill(-1);
  private firstField: Int32Array = new Int32Array(1024).fill(-1);
  private stamp = 0;
  private readonly values = new LineValueScanner();
  private readonly sections = new SeriesSectionParser();
  private errPos = 0;
  private errMsg = "";
  private extraLines = 0;
  private scanEnd = 0;
  private precision: Precision = "ns";
  private defaultSec = 0;
  private defaultNsec = 0;

  /**
   * `maxCacheEntries` bounds each cache (default 100,000 entries; each cache also holds at most 32 MiB of key
   * bytes); a full cache is cleared between lines.
   */
  constructor(options: { maxCacheEntries?: number } = {}) {
    this.maxCacheEntries = Math.max(1, options.maxCacheEntries ?? DEFAULT_MAX_CACHE_ENTRIES);
  }

  /**
   * Appends every valid line of `input` to `batch` (it does not reset the batch) and reports each bad line in
   * `errors`; a bad line adds nothing. `firstLine` is the number of the input's first line (default 1), so a
   * caller feeding chunks split at newlines can keep numbering. Lines are split on `\n` outside quoted string
   * field values; `\r\n` is accepted. Never throws for bad input. `input` is only read, and is not retained.
   */
  parse(input: Uint8Array, batch: WriteBatch, options: ParseOptions, firstLine = 1): ParseReport {
    const view = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    this.values.view = view;
    this.sections.view = view;
    this.precision = options.precision;
    const unit = NS_TRUNCATE[options.precision];
    this.defaultSec = options.defaultSec;
    this.defaultNsec = options.defaultNsec - (options.defaultNsec % unit);
    const startPoints = batch.pointCount;
    const startValues = batch.valueCount;
    const errors: LineError[] = [];
    const length = input.length;
    let nextQuote = view.indexOf(QUOTE);
    let pos = 0;
    let line = firstLine;
    while (pos < length) {
      let end = view.indexOf(NEWLINE, pos);
      if (end === -1) end = length;
      let extra = 0;
      // Only a record holding a quote can hold a newline inside a string value.
      if (nextQuote !== -1 && nextQuote < end) {
        end = this.recordEnd(input, pos, length);
        extra = this.extraLines;
      }
      this.parseLine(input, pos, end, line, batch, errors);
      pos = end + 1;
      line += 1 + extra;
      if (nextQuote !== -1 && nextQuote < pos) nextQuote = view.indexOf(QUOTE, pos);
    }
    this.values.view = EMPTY; // drop the reference to the caller's bytes
    this.sections.view = EMPTY;
    return { points: batch.pointCount - startPoints, values: batch.valueCount - startValues, errors };
  }

  // One physical record [lineStart, end): skips blanks and comments, parses, and on failure undoes and reports.
  private parseLine(
    buf: Uint8Array,
    lineStart: number,
    end: number,
    line: number,
    batch: WriteBatch,
    errors: LineError[],
  ): void {
    let start = lineStart;
    while (start < end && isBlank(buf[start])) start++;
    if (start < end && buf[end - 1] === RETURN) end--;
    if (start >= end || buf[start] === HASH) return;
    if (this.series.size >= this.maxCacheEntries || this.series.poolBytes > MAX_CACHE_BYTES) this.clearSeriesCache();
    if (this.fieldKeys.size >= this.maxCacheEntries || this.fieldKeys.poolBytes > MAX_CACHE_BYTES) {
      this.clearFieldCache();
    }
    const before = batch.pointCount;
    if (this.parseRecord(buf, start, end, line, batch)) return;
    if (batch.pointCount > before) batch.dropLastPoint();
    errors.push({
      line,
      column: this.errPos - lineStart + 1,
      message: this.errMsg,
      text: this.values.view.toString("utf8", lineStart, Math.min(end, lineStart + ERROR_TEXT_BYTES)),
    });
  }

  // Parses one non-blank line [start, end). Returns false with errPos/errMsg set. Long on purpose: it is the
  // per-line loop, and splitting the field loop would add a call per field (line-protocol-parser.bench.ts).
  private parseRecord(buf: Uint8Array, start: number, end: number, line: number, batch: WriteBatch): boolean {
    // Series section: up to the first unescaped space. A backslash directly before a space always escapes it
    // (a backslash is never itself the escaped byte), so native indexOf finds the end.
    const view = this.values.view;
    let keyEnd = view.indexOf(SPACE, start);
    while (keyEnd !== -1 && keyEnd < end && buf[keyEnd - 1] === BACKSLASH) keyEnd = view.indexOf(SPACE, keyEnd + 1);
    if (keyEnd === -1 || keyEnd > end) keyEnd = end;
    const seriesHash = hashBytes(buf, start, keyEnd);
    let seriesId = this.series.find(buf, start, keyEnd, seriesHash);
    if (seriesId < 0) {
      if (!this.sections.parse(buf, start, keyEnd)) return this.fail(this.sections.errPos, this.sections.errMsg);
      seriesId = this.addSeries(buf, start, keyEnd, seriesHash);
    }
    let i = keyEnd;
    while (i < end && isBlank(buf[i])) i++;
    if (i >= end) return this.fail(i, "missing fields");
    const point = batch.addPoint(this.seriesKeys[seriesId], this.seriesMeasurements[seriesId], 0, 0, line);
    const firstValue = batch.valueCount;
    const stamp = this.nextStamp();
    const values = this.values;
    const fieldKeys = this.fieldKeys;
    let prevField = -1;
    // Field section: key=value[,key=value…]. Lines of one series usually repeat their field keys in order, so
    // the key that followed the previous one last time is tried first, by a plain byte comparison.
    for (;;) {
      const keyStart = i;
      let fieldId = prevField < 0 ? this.firstField[seriesId] : this.nextField[prevField];
      if (fieldId >= 0) {
        const keyStop = keyStart + fieldKeys.lengthOf(fieldId);
        if (keyStop < end && buf[keyStop] === EQUALS && fieldKeys.equalsAt(fieldId, buf, keyStart)) i = keyStop;
        else fieldId = -1;
      }
      if (fieldId < 0) {
        fieldId = this.scanFieldKey(buf, keyStart, end);
        if (fieldId < 0) return false;
        i = this.scanEnd;
        if (prevField < 0) this.firstField[seriesId] = fieldId;
        else this.nextField[prevField] = fieldId;
      }
      prevField = fieldId;
      i++; // the equals sign
      if (i >= end || buf[i] === COMMA || buf[i] === SPACE) return this.fail(i, "missing field value");
      i = values.scanValue(buf, i, end);
      if (i < 0) return this.fail(values.errPos, values.errMsg);
      const name = this.fieldNames[fieldId];
      if (this.fieldStamp[fieldId] === stamp) {
        if (!this.replaceDuplicate(batch, firstValue, name, keyStart)) return false;
      } else {
        this.fieldStamp[fieldId] = stamp;
        if (values.type === FieldType.String) batch.addString(name, values.str);
        else if (values.isBig) batch.addBigInt(name, values.type, values.big);
        else batch.addNumber(name, values.type, values.num);
      }
      if (i >= end) return this.setTime(batch, point, this.defaultSec, this.defaultNsec);
      const c = buf[i];
      if (c === SPACE) break;
      if (c !== COMMA) return this.fail(i, "invalid field format"); // text glued to a closing quote
      i++;
    }
    // Timestamp section: optional integer, then only spaces.
    while (i < end && isBlank(buf[i])) i++;
    if (i >= end) return this.setTime(batch, point, this.defaultSec, this.defaultNsec);
    i = values.scanTimestamp(buf, i, end, this.precision);
    if (i < 0) return this.fail(values.errPos, values.errMsg);
    for (; i < end; i++) {
      if (buf[i] !== SPACE) return this.fail(i, "point is invalid: unexpected text after the timestamp");
    }
    return this.setTime(batch, point, values.sec, values.nsec);
  }

  // A field key up to its unescaped `=`: returns its id (interning it on first sight) with `scanEnd` at the `=`,
  // or -1 on error. A backslash directly before `=`, `,` or space escapes it.
  private scanFieldKey(buf: Uint8Array, start: number, end: number): number {
    let i = start;
    for (; i < end; i++) {
      const c = buf[i];
      if (c === EQUALS || c === COMMA || c === SPACE) {
        if (buf[i - 1] === BACKSLASH && i > start) continue;
        if (c === EQUALS) break;
        this.fail(i, "invalid field format");
        return -1;
      }
    }
    if (i >= end) {
      this.fail(i, "invalid field format");
      return -1;
    }
    if (i === start) {
      this.fail(i, "missing field key");
      return -1;
    }
    this.scanEnd = i;
    const hash = hashBytes(buf, start, i);
    const found = this.fieldKeys.find(buf, start, i, hash);
    if (found >= 0) return found;
    if (!this.sections.decodeName(buf, start, i, true)) {
      this.fail(start, this.sections.errMsg);
      return -1;
    }
    return this.addFieldName(buf, start, i, hash, this.sections.name);
  }

  private setTime(batch: WriteBatch, point: number, sec: number, nsec: number): boolean {
    batch.sec[point] = sec;
    batch.nsec[point] = nsec;
    return true;
  }

  // A field key repeated within one line: the last value wins, as in InfluxDB's storage; a type change fails.
  private replaceDuplicate(batch: WriteBatch, firstValue: number, name: string, keyStart: number): boolean {
    const values = this.values;
    let j = firstValue;
    while (batch.valueField[j] !== name) j++;
    if (batch.valueType[j] !== values.type) {
      return this.fail(keyStart, `field type conflict: field "${name}" repeats with another type`);
    }
    batch.valueStr[j] = values.type === FieldType.String ? values.str : "";
    batch.valueBig.delete(j);
    batch.valueNum[j] = values.isBig ? NaN : values.num;
    if (values.isBig) batch.valueBig.set(j, values.big);
    return true;
  }

  private addFieldName(buf: Uint8Array, start: number, end: number, hash: number, name: string): number {
    const id = this.fieldKeys.add(buf, start, end, hash);
    this.fieldNames.push(name);
    if (id >= this.fieldStamp.length) {
      this.fieldStamp = growInt32(this.fieldStamp, 0);
      this.nextField = growInt32(this.nextField, -1);
    }
    this.fieldStamp[id] = 0;
    this.nextField[id] = -1;
    return id;
  }

  private addSeries(buf: Uint8Array, start: number, end: number, hash: number): number {
    const id = this.series.add(buf, start, end, hash);
    this.seriesKeys.push(this.sections.seriesKey);
    this.seriesMeasurements.push(this.sections.measurement);
    if (id >= this.firstField.length) this.firstField = growInt32(this.firstField, -1);
    this.firstField[id] = -1;
    return id;
  }

  private nextStamp(): number {
    if (this.stamp === 0x7fffffff) {
      this.fieldStamp.fill(0);
      this.stamp = 0;
    }
    return ++this.stamp;
  }

  private clearSeriesCache(): void {
    this.series.clear();
    this.seriesKeys.length = 0;
    this.seriesMeasurements.length = 0;
  }

  private clearFieldCache(): void {
    this.fieldKeys.clear();
    this.fieldNames.length = 0;
    this.fieldStamp.fill(0);
    this.nextField.fill(-1);
    this.firstField.fill(-1); // field ids it holds are gone
  }

  /**
   * End of the record starting at `start` when it holds a quote: the first newline outside a string field value
   * (a value starting with `"` right after an unescaped `=` in the field section), as InfluxDB's scanLine.
   * Sets `extraLines` to the newlines inside string values.
   */
  private recordEnd(buf: Uint8Array, start: number, length: number): number {
    let i = start;
    let inFields = false;
    let afterEquals = false;
    this.extraLines = 0;
    while (i < length && isBlank(buf[i])) i++;
    if (buf[i] === HASH) {
      const newline = this.values.view.indexOf(NEWLINE, i);
      return newline === -1 ? length : newline; // a comment has no string values
    }
    for (; i < length; i++) {
      const c = buf[i];
      if (c === NEWLINE) return i;
      if (c === BACKSLASH) {
        const n = buf[i + 1];
        if (n === SPACE || n === COMMA || n === EQUALS) i++;
        afterEquals = false;
        continue;
      }
      if (c === QUOTE && afterEquals) {
        i = this.stringEnd(buf, i + 1, length);
        afterEquals = false;
        continue;
      }
      if (c === SPACE) inFields = true;
      afterEquals = inFields && c === EQUALS;
    }
    return length;
  }

  // Index of the closing quote of a string value whose body starts at i (or length); counts its newlines.
  private stringEnd(buf: Uint8Array, i: number, length: number): number {
    for (; i < length; i++) {
      const c = buf[i];
      if (c === QUOTE) return i;
      if (c === NEWLINE) this.extraLines++;
      else if (c === BACKSLASH && (buf[i + 1] === QUOTE || buf[i + 1] === BACKSLASH)) i++;
    }
    return length;
  }

  private fail(pos: number, message: string): boolean {
    this.errPos = pos;
    this.errMsg = message;
    return false;
  }
}

function growInt32(from: Int32Array, fill: number): Int32Array {
  const to = new Int32Array(from.length * 2).fill(fill);
  to.set(from);
  return to;
}

// InfluxDB's skipWhitespace: space, tab and NUL separate sections and may lead a line.
function isBlank(c: number): boolean {
  return c === SPACE || c === TAB || c === NUL;
}
