import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { LineProtocolParser } from "../../ingest/index.ts";
import { WriteBatch } from "../../storage/index.ts";
import { LineBodyParser, parseWritePrecision } from "./line-body-parser.ts";

const LINES = [
  "cpu,host=a v=1 10",
  'note s="two\nlines" 20',
  'q s="with \\" quote and \\\\" 30',
  "# a comment",
  "",
  "bad line",
  "cpu,host=b v=2i,w=true 40",
  "x y",
  "m\\ n,t\\=k=v\\,w f=1.5",
  "  ",
];

/** What a batch holds, as plain data. */
function snapshot(batch: WriteBatch): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < batch.pointCount; i++)
    out.push([batch.seriesKeys[i], batch.sec[i], batch.nsec[i], batch.lines[i]]);
  for (let j = 0; j < batch.valueCount; j++) out.push([batch.valueField[j], batch.valueNum[j], batch.valueStr[j]]);
  return out;
}

function parseChunks(chunks: Buffer[], precision: "ns" | "m" = "ns"): { batch: WriteBatch; errors: unknown[] } {
  const batch = new WriteBatch();
  const body = new LineBodyParser(new LineProtocolParser(), batch, precision, 1_700_000_000, 5, 1_000_000);
  for (const c of chunks) body.push(c);
  body.end();
  return { batch, errors: body.errors.map((e) => [e.line, e.message, e.text]) };
}

describe("LineBodyParser", () => {
  it("gives the same points and line-numbered errors however the body is cut into chunks", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...LINES), { minLength: 1, maxLength: 30 }),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 12 }),
        (lines, finalNewline, cuts) => {
          const text = Buffer.from(lines.join("\n") + (finalNewline ? "\n" : ""), "utf8");
          const whole = parseChunks([text]);
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const chunks: Buffer[] = [];
          let from = 0;
          for (const p of points) {
            chunks.push(text.subarray(from, p));
            from = p;
          }
          chunks.push(text.subarray(from));
          const cut = parseChunks(chunks);
          assert.deepEqual(snapshot(cut.batch), snapshot(whole.batch));
          assert.deepEqual(cut.errors, whole.errors);
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it("numbers lines after a multi-line string value", () => {
    const { errors } = parseChunks([Buffer.from('a s="1\n2\n3" 1\nbad\n')]);
    assert.deepEqual(
      errors.map((e) => (e as unknown[])[0]),
      [4],
    );
  });

  it("scales minute timestamps and truncates the default time to the minute", () => {
    const { batch } = parseChunks([Buffer.from("a v=1 2\nb v=1\n")], "m");
    assert.equal(batch.sec[0], 120);
    assert.equal(batch.sec[1], Math.floor(1_700_000_000 / 60) * 60);
    assert.equal(batch.nsec[1], 0);
  });

  it("throws SERVER_TOO_MANY_VALUES past maxValues", () => {
    const batch = new WriteBatch();
    const body = new LineBodyParser(new LineProtocolParser(), batch, "ns", 0, 0, 3);
    assert.throws(
      () => body.push(Buffer.from("a x=1,y=2 1\na x=1,y=2 2\n")),
      (e: unknown) => (e as { code?: string }).code === "SERVER_TOO_MANY_VALUES",
    );
  });

  it("parses precisions, with m and h only for InfluxDB 1.x", () => {
    const cases = [
      { name: "empty", input: [null, true], want: "ns" },
      { name: "n", input: ["n", true], want: "ns" },
      { name: "u", input: ["u", false], want: "us" },
      { name: "ms", input: ["ms", false], want: "ms" },
      { name: "m v1", input: ["m", true], want: "m" },
      { name: "h v1", input: ["h", true], want: "h" },
    ] as const;
    for (const c of cases) assert.equal(parseWritePrecision(c.input[0], c.input[1]), c.want, c.name);
    for (const bad of [
      ["m", false],
      ["x", true],
    ] as const) {
      assert.throws(
        () => parseWritePrecision(bad[0], bad[1]),
        (e: unknown) => (e as { code?: string }).code === "SERVER_BAD_PRECISION",
      );
    }
  });
});
