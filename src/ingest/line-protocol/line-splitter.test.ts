import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { LineSplitter } from "./line-splitter.ts";
import { LineProtocolParser } from "./line-protocol-parser.ts";
import { WriteBatch } from "../../storage/index.ts";

// Record-ending newline offsets of `text`, fed to one splitter in pieces cut at `cuts` (byte offsets).
function recordEnds(input: Uint8Array, cuts: number[] = []): number[] {
  const splitter = new LineSplitter();
  const out: number[] = [];
  const bounds = [
    0,
    ...[...new Set(cuts)].filter((c) => c > 0 && c < input.length).sort((a, b) => a - b),
    input.length,
  ];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const ends: number[] = [];
    splitter.scan(input.subarray(bounds[k], bounds[k + 1]), ends);
    for (const e of ends) out.push(bounds[k]! + e);
  }
  return out;
}

const enc = (s: string): Uint8Array => Buffer.from(s, "utf8");

describe("LineSplitter", () => {
  const table: Array<{ name: string; input: string; want: number[] }> = [
    { name: "ends plain records at every newline", input: "a f=1\nb f=2\n", want: [5, 11] },
    { name: "leaves an unterminated last record open", input: "a f=1\nb f=2", want: [5] },
    { name: "ends empty and blank lines", input: "\n \t\n", want: [0, 3] },
    { name: "keeps a newline inside a string field value", input: 'a s="x\ny"\nb f=1\n', want: [9, 15] },
    { name: "ends a record at a newline after the string closes", input: 'a s="x" 1\n', want: [9] },
    { name: "treats a quote in a tag value as literal", input: 'a,t="x f=1\nb f=2\n', want: [10, 16] },
    { name: "treats a quote in the measurement as literal", input: '"a f=1\n', want: [6] },
    { name: "treats a quote not right after = as literal", input: 'a f=x"\nb f=1\n', want: [6, 12] },
    { name: "honours an escaped quote inside a string", input: 'a s="x\\"\ny"\n', want: [11] },
    { name: "honours an escaped backslash before the closing quote", input: 'a s="x\\\\"\nb f=1\n', want: [9, 15] },
    { name: "ignores quotes in comment lines", input: '# s="x\na f=1\n', want: [6, 12] },
    { name: "ignores quotes in comments after leading blanks", input: '  # ="\na f=1\n', want: [6, 12] },
    { name: "does not start fields at an escaped space", input: 'a\\ b="x\nc f=1\n', want: [7, 13] },
    { name: "does not open a string after an escaped equals sign", input: 'a f\\="x\nb f=1\n', want: [7, 13] },
    { name: "opens a string after a later field's equals sign", input: 'a f=1,s="\n"\n', want: [11] },
    { name: "keeps an unterminated string open to the end", input: 'a s="x\nb f=1\n', want: [] },
  ];
  for (const { name, input, want } of table) {
    it(name, () => {
      const bytes = enc(input);
      assert.deepEqual(recordEnds(bytes), want);
      // Every single-byte chunking agrees with the whole-buffer scan.
      assert.deepEqual(
        recordEnds(
          bytes,
          Array.from({ length: bytes.length }, (_, i) => i),
        ),
        want,
      );
    });
  }

  it("reports a record boundary only between records", () => {
    const splitter = new LineSplitter();
    splitter.scan(enc('a s="x\n'), []);
    assert.equal(splitter.atRecordStart(), false);
    splitter.scan(enc('y"\n'), []);
    assert.equal(splitter.atRecordStart(), true);
    splitter.scan(enc("a\\"), []);
    splitter.reset();
    assert.equal(splitter.atRecordStart(), true);
  });

  // Fragments that exercise every state: quotes, escapes, newlines, comments, blanks, multi-byte UTF-8.
  const fragment = fc.noBias(
    fc.constantFrom(
      "cpu",
      ",t=a",
      ',t="q',
      " ",
      "\t",
      "f=1i",
      "f=1.5",
      's="x',
      'cpu s="',
      ',g="',
      "\\=",
      '"',
      "\\",
      '\\"',
      "\\\\",
      "\n",
      "\r\n",
      "#",
      "=",
      ",",
      "é",
      " 1000000000",
      'cpu,h=a s="multi\nline" 2000000000\n',
      "cpu,h=b f=2i 3000000000\n",
    ),
  ); // every fragment equally likely: fast-check otherwise favours the first ones
  const input = fc.array(fragment, { maxLength: 80, size: "medium" }).map((parts) => enc(parts.join("")));

  it("finds the same record ends for any chunking", () => {
    fc.assert(
      fc.property(input, fc.array(fc.nat({ max: 400 }), { maxLength: 12 }), (bytes, cuts) => {
        assert.deepEqual(recordEnds(bytes, cuts), recordEnds(bytes));
      }),
      { seed: 42, numRuns: 2000 },
    );
  });

  it("cuts input into pieces that parse exactly like the whole input", () => {
    const options = { precision: "ns" as const, defaultSec: 7, defaultNsec: 0 };
    fc.assert(
      fc.property(input, fc.array(fc.nat({ max: 400 }), { maxLength: 12 }), (bytes, cuts) => {
        const whole = new WriteBatch();
        const wholeReport = new LineProtocolParser().parse(bytes, whole, options);
        // Cut at the record ends found by a chunked scan, parse each piece on its own with its line numbers.
        const pieces = new WriteBatch();
        const parser = new LineProtocolParser();
        const errors = [];
        let start = 0;
        let line = 1;
        for (const end of [...recordEnds(bytes, cuts).map((e) => e + 1), bytes.length]) {
          const piece = bytes.subarray(start, end);
          errors.push(...parser.parse(piece, pieces, options, line).errors);
          for (const b of piece) if (b === 10) line++;
          start = end;
        }
        assert.deepEqual(errors, wholeReport.errors);
        assert.equal(pieces.pointCount, whole.pointCount);
        assert.deepEqual(pieces.seriesKeys, whole.seriesKeys);
        assert.deepEqual(pieces.lines.subarray(0, pieces.pointCount), whole.lines.subarray(0, whole.pointCount));
        assert.deepEqual(pieces.valueField, whole.valueField);
        assert.deepEqual(pieces.valueStr, whole.valueStr);
        assert.deepEqual(pieces.valueNum.subarray(0, pieces.valueCount), whole.valueNum.subarray(0, whole.valueCount));
      }),
      { seed: 42, numRuns: 1000 },
    );
  });
});
