import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { formatSeriesKey, parseSeriesKey } from "../model/index.ts";
import { splitSeriesKey } from "./series-key-split.ts";

/** What splitSeriesKey must return, defined through the model's parse/format pair. */
function reference(key: string): string[] | null {
  const p = parseSeriesKey(key);
  if (p.measurement === "" || formatSeriesKey(p.measurement, p.tags) !== key) return null;
  return [p.measurement, ...p.tags.flatMap((t) => [t[0], t[1]])];
}

/** Shared scratch, as the index uses it: stale entries from earlier calls must not leak into results. */
const scratch: string[] = [];
function split(key: string): string[] | null {
  const n = splitSeriesKey(key, scratch);
  return n < 0 ? null : scratch.slice(0, n);
}

/** Strings rich in the characters canonical form cares about. */
const text = fc.string({ unit: fc.constantFrom("a", "b", "z", "=", ",", " ", "\\", "é", "1"), maxLength: 8 });

describe("splitSeriesKey", () => {
  const cases = [
    { name: "measurement only", input: "cpu", want: ["cpu"] },
    { name: "sorted tags", input: "cpu,a=1,b=2", want: ["cpu", "a", "1", "b", "2"] },
    { name: "escaped separators", input: "c\\ pu,a\\=b=x\\,y", want: ["c pu", "a=b", "x,y"] },
    { name: "equals sign in measurement", input: "a=b,k=v", want: ["a=b", "k", "v"] },
    { name: "empty key", input: "", want: null },
    { name: "empty measurement", input: ",a=1", want: null },
    { name: "unsorted tags", input: "cpu,b=1,a=2", want: null },
    { name: "duplicate tag keys", input: "cpu,a=1,a=2", want: null },
    { name: "empty tag value", input: "cpu,a=", want: null },
    { name: "empty tag key, which the model formats", input: "cpu,=1", want: ["cpu", "", "1"] },
    { name: "missing equals", input: "cpu,a", want: null },
    { name: "trailing comma", input: "cpu,a=1,", want: null },
    { name: "unescaped space", input: "cpu,a=1 2", want: null },
    { name: "unescaped equals in value", input: "cpu,a=1=2", want: null },
  ];
  for (const c of cases) {
    it(`handles ${c.name}`, () => assert.deepEqual(split(c.input), c.want));
  }

  it("splits every formatted key like parseSeriesKey", () => {
    fc.assert(
      fc.property(
        text.filter((m) => m !== ""),
        fc.array(fc.tuple(text, text), { maxLength: 5 }),
        (m, tags) => {
          const key = formatSeriesKey(m, tags);
          assert.deepEqual(split(key), reference(key));
        },
      ),
      { seed: 42, numRuns: 2000 },
    );
  });

  it("accepts exactly the canonical keys among arbitrary strings", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("a", "b", "=", ",", " ", "\\"), maxLength: 14 }), (key) => {
        assert.deepEqual(split(key), reference(key));
      }),
      { seed: 42, numRuns: 5000 },
    );
  });
});
