// Validates and decodes the series section of a line (`measurement[,tag=value…]`) into its canonical series key.
// Runs only on a series-cache miss, so it favours clarity over speed; knows nothing of fields or batches.
import { isUtf8 } from "node:buffer";
import { formatSeriesKey } from "../../storage/index.ts";
import type { Tag } from "../../storage/index.ts";

const COMMA = 44;
const SPACE = 32;
const EQUALS = 61;
const BACKSLASH = 92;

/** InfluxDB's limit on the escaped measurement-and-tags key, in bytes. */
export const MAX_KEY_BYTES = 65535;

/**
 * Parser of series sections and field keys (one per line-protocol parser; result fields are overwritten by
 * every call). Methods return true on success, or false with `errPos` (absolute byte index) and `errMsg` set.
 */
export class SeriesSectionParser {
  /** Canonical series key of the last parsed section. */
  seriesKey = "";
  /** Unescaped measurement of the last parsed section. */
  measurement = "";
  /** Unescaped name from the last `decodeName` call. */
  name = "";
  /** Absolute byte index of the last error. */
  errPos = 0;
  /** Message of the last error. */
  errMsg = "";
  /** Buffer view over the bytes being parsed; set by the parser per input. */
  view: Buffer = Buffer.alloc(0);
  // Unescaped bytes of the name being decoded; grows by doubling.
  private scratch = Buffer.alloc(256);

  /**
   * Parses `buf[start, end)`, which holds no unescaped space. Fails with InfluxDB's reasons: missing
   * measurement, missing tag key, missing tag value, invalid tag format, duplicate tags, max key length exceeded.
   */
  parse(buf: Uint8Array, start: number, end: number): boolean {
    if (end - start > MAX_KEY_BYTES)
      return this.fail(start, `max key length exceeded: ${end - start} > ${MAX_KEY_BYTES}`);
    if (buf[start] === COMMA) return this.fail(start, "missing measurement");
    let i = start;
    while (i < end && buf[i] !== COMMA)
      i += buf[i] === BACKSLASH && isSpecial(buf[i + 1], false) && i + 1 < end ? 2 : 1;
    if (!this.decodeName(buf, start, i, false)) return false;
    const measurement = this.name;
    const tags: Tag[] = [];
    while (i < end) {
      const keyStart = ++i; // skip the comma
      if (i === end || buf[i] === COMMA || buf[i] === EQUALS) return this.fail(i, "missing tag key");
      while (i < end && buf[i] !== EQUALS && buf[i] !== COMMA) i += skip(buf, i, end);
      if (i === end || buf[i] === COMMA) return this.fail(i, "missing tag value");
      if (!this.decodeName(buf, keyStart, i, true)) return false;
      const key = this.name;
      const valueStart = ++i; // skip the equals sign
      if (i === end || buf[i] === COMMA) return this.fail(i, "missing tag value");
      while (i < end && buf[i] !== COMMA) {
        if (buf[i] === EQUALS) return this.fail(i, "invalid tag format");
        i += skip(buf, i, end);
      }
      if (!this.decodeName(buf, valueStart, i, true)) return false;
      for (let t = 0; t < tags.length; t++) {
        if (tags[t][0] === key) return this.fail(keyStart, "duplicate tags");
      }
      tags.push([key, this.name]);
    }
    this.measurement = measurement;
    this.seriesKey = formatSeriesKey(measurement, tags);
    return true;
  }

  /**
   * Unescapes `buf[start, end)` into `name`: a backslash before `,` or space (and `=` when `equalsEscapes`)
   * is dropped, any other backslash is literal. Fails when the bytes are not valid UTF-8.
   */
  decodeName(buf: Uint8Array, start: number, end: number, equalsEscapes: boolean): boolean {
    if (end - start > this.scratch.length) this.scratch = Buffer.alloc(Math.max(end - start, this.scratch.length * 2));
    const out = this.scratch;
    let n = 0;
    let nonAscii = false;
    for (let i = start; i < end; i++) {
      let c = buf[i];
      if (c === BACKSLASH && i + 1 < end && isSpecial(buf[i + 1], equalsEscapes)) c = buf[++i]!;
      if (c >= 0x80) nonAscii = true;
      out[n++] = c;
    }
    if (nonAscii && !isUtf8(out.subarray(0, n))) return this.fail(start, "invalid utf-8");
    this.name = out.toString("utf8", 0, n);
    return true;
  }

  private fail(pos: number, message: string): boolean {
    this.errPos = pos;
    this.errMsg = message;
    return false;
  }
}

function isSpecial(c: number | undefined, equalsEscapes: boolean): boolean {
  return c === COMMA || c === SPACE || (equalsEscapes && c === EQUALS);
}

// Width of the token at i inside tags: 2 for an escaped `,` `=` or space, else 1.
function skip(buf: Uint8Array, i: number, end: number): number {
  return buf[i] === BACKSLASH && i + 1 < end && isSpecial(buf[i + 1], true) ? 2 : 1;
}
