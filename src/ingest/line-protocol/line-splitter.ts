// Finds where line-protocol records end in a byte stream read in arbitrary chunks, so an importer can cut
// batches at record boundaries without holding the whole file (the CLI importer; later streamed HTTP bodies).
// Mirrors LineProtocolParser's record rule; line-splitter.test.ts checks the two agree on any input.

const NEWLINE = 10;
const TAB = 9;
const SPACE = 32;
const QUOTE = 34;
const HASH = 35;
const COMMA = 44;
const EQUALS = 61;
const BACKSLASH = 92;
const NUL = 0;

// Scanner states between bytes. A record ends at a newline in every state but the two string states.
const LINE_START = 0; // only blanks so far
const COMMENT = 1; // a line starting with `#`
const BODY = 2; // inside a record, outside any string value
const BODY_ESCAPE = 3; // BODY right after a backslash
const STRING = 4; // inside a double-quoted string field value
const STRING_ESCAPE = 5; // STRING right after a backslash

/**
 * A streaming record splitter for InfluxDB line protocol. A record ends at `\n` unless the newline sits inside a
 * double-quoted string field value (one that starts right after a field's `=`; quotes in measurements, tags and
 * field keys are literal), exactly as `LineProtocolParser` splits its input; `#` comment lines hold no strings.
 *
 * State carries over between `scan` calls, so chunks may be cut anywhere, even inside a UTF-8 sequence or an
 * escape. Not safe for concurrent use; one instance per stream. Mutable fields are its scan state only.
 */
export class LineSplitter {
  private state = LINE_START;
  /** Whether the current record is past its series section (the first unescaped space). */
  private inFields = false;
  /** Whether the previous byte was an `=` of the field section, so a quote would open a string value. */
  private afterEquals = false;

  /**
   * Scans `chunk` (the next bytes of the stream; only read, not retained) and appends to `ends` the index within
   * `chunk` of every newline that ends a record. Returns the number of indexes appended.
   */
  scan(chunk: Uint8Array, ends: number[]): number {
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const length = buf.length;
    const before = ends.length;
    let nextQuote = buf.indexOf(QUOTE);
    let i = 0;
    while (i < length) {
      if (this.state === LINE_START) {
        // Fast path: a record without a quote before its newline ends at that newline.
        const newline = buf.indexOf(NEWLINE, i);
        if (newline === -1) {
          i = this.step(buf, i, length, ends);
          continue;
        }
        if (nextQuote !== -1 && nextQuote < i) nextQuote = buf.indexOf(QUOTE, i);
        if (nextQuote === -1 || nextQuote > newline) {
          ends.push(newline);
          i = newline + 1;
          continue;
        }
      }
      i = this.step(buf, i, length, ends);
    }
    return ends.length - before;
  }

  /** Forgets any partial record, as at the start of a new stream. */
  reset(): void {
    this.state = LINE_START;
    this.inFields = false;
    this.afterEquals = false;
  }

  /** True when the bytes scanned so far end exactly at a record boundary. */
  atRecordStart(): boolean {
    return this.state === LINE_START;
  }

  // Byte by byte from i until one record ends (its newline pushed, index after it returned) or the chunk does.
  private step(buf: Uint8Array, i: number, length: number, ends: number[]): number {
    for (; i < length; i++) {
      const c = buf[i]!;
      switch (this.state) {
        case LINE_START:
          if (c === NEWLINE) return this.endRecord(i, ends);
          if (c === SPACE || c === TAB || c === NUL) continue;
          if (c === HASH) {
            this.state = COMMENT;
            continue;
          }
          this.state = BODY;
          this.body(c);
          continue;
        case COMMENT:
          if (c === NEWLINE) return this.endRecord(i, ends);
          continue;
        case BODY:
          if (c === NEWLINE) return this.endRecord(i, ends);
          this.body(c);
          continue;
        case BODY_ESCAPE:
          // A backslash escapes a following space, comma or equals sign; anything else is read normally.
          this.state = BODY;
          if (c === SPACE || c === COMMA || c === EQUALS) continue;
          if (c === NEWLINE) return this.endRecord(i, ends);
          this.body(c);
          continue;
        case STRING:
          if (c === QUOTE) {
            this.state = BODY;
            this.afterEquals = false;
          } else if (c === BACKSLASH) {
            this.state = STRING_ESCAPE;
          }
          continue;
        default: // STRING_ESCAPE: the escaped quote or backslash, or a plain byte of the string (even a newline)
          this.state = STRING;
          continue;
      }
    }
    return length;
  }

  // One byte c (not a newline) of the body state.
  private body(c: number): void {
    if (c === BACKSLASH) {
      this.state = BODY_ESCAPE;
      this.afterEquals = false;
      return;
    }
    if (c === QUOTE && this.afterEquals) {
      this.state = STRING;
      this.afterEquals = false;
      return;
    }
    if (c === SPACE) this.inFields = true;
    this.afterEquals = this.inFields && c === EQUALS;
  }

  private endRecord(i: number, ends: number[]): number {
    ends.push(i);
    this.state = LINE_START;
    this.inFields = false;
    this.afterEquals = false;
    return i + 1;
  }
}
