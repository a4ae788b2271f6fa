// appendPoints: typed points into a batch, validation errors, all-or-nothing behaviour.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FieldType, WriteBatch } from "../../storage/index.ts";
import { InvalidError } from "../../base/index.ts";
import { appendPoints } from "./append-points.ts";
import type { PointInput } from "./point-input.ts";

void describe("appendPoints", () => {
  void it("maps each value kind to its field type", () => {
    const batch = new WriteBatch();
    const n = appendPoints(
      [
        {
          measurement: "m",
          tags: { b: "2", a: "1", empty: "" },
          fields: {
            f: 1.5,
            i: 5n,
            big: -(2n ** 63n),
            u: { type: "unsigned", value: 2n ** 64n - 1n },
            ui: { type: "unsigned", value: 3 },
            ni: { type: "integer", value: -4 },
            fl: { type: "float", value: 10n },
            b: false,
            s: "x",
          },
          time: 1_500_000_000n,
        },
      ],
      batch,
      7,
      8,
    );
    assert.equal(n, 1);
    assert.equal(batch.seriesKeys[0], "m,a=1,b=2");
    assert.deepEqual([batch.sec[0], batch.nsec[0], batch.lines[0]], [1, 500_000_000, 0]);
    const types = [...batch.valueType.subarray(0, batch.valueCount)];
    const { Float, Int, Uint, Bool, String } = FieldType;
    assert.deepEqual(types, [Float, Int, Int, Uint, Uint, Int, Float, Bool, String]);
    assert.deepEqual([batch.bigValue(2), batch.bigValue(3)], [-(2n ** 63n), 2n ** 64n - 1n]);
    assert.deepEqual([batch.valueNum[4], batch.valueNum[5], batch.valueNum[6], batch.valueStr[8]], [3, -4, 10, "x"]);
  });

  const times: { name: string; input: PointInput["time"]; want: [number, number] }[] = [
    { name: "absent time uses the default", input: undefined, want: [7, 8] },
    { name: "number ns", input: 1_500_000_001, want: [1, 500_000_001] },
    { name: "negative number ns", input: -1, want: [-1, 999_999_999] },
    { name: "bigint int64 min", input: -(2n ** 63n), want: [-9223372037, 145224192] },
    { name: "Date", input: new Date(-1), want: [-1, 999_000_000] },
  ];
  for (const c of times) {
    void it(`reads time: ${c.name}`, () => {
      const batch = new WriteBatch();
      appendPoints([{ measurement: "m", fields: { v: 1 }, time: c.input }], batch, 7, 8);
      assert.deepEqual([batch.sec[0], batch.nsec[0]], c.want);
    });
  }

  const bad: { name: string; input: unknown }[] = [
    { name: "a null point", input: null },
    { name: "empty measurement", input: { measurement: "", fields: { v: 1 } } },
    { name: "no fields", input: { measurement: "m", fields: {} } },
    { name: "empty field key", input: { measurement: "m", fields: { "": 1 } } },
    { name: "empty tag key", input: { measurement: "m", tags: { "": "x" }, fields: { v: 1 } } },
    { name: "non-string tag value", input: { measurement: "m", tags: { k: 1 }, fields: { v: 1 } } },
    { name: "NaN", input: { measurement: "m", fields: { v: NaN } } },
    { name: "Infinity", input: { measurement: "m", fields: { v: -Infinity } } },
    { name: "int64 overflow", input: { measurement: "m", fields: { v: 2n ** 63n } } },
    { name: "negative unsigned", input: { measurement: "m", fields: { v: { type: "unsigned", value: -1n } } } },
    { name: "uint64 overflow", input: { measurement: "m", fields: { v: { type: "unsigned", value: 2n ** 64n } } } },
    { name: "unsafe integer number", input: { measurement: "m", fields: { v: { type: "integer", value: 2 ** 53 } } } },
    { name: "unknown value", input: { measurement: "m", fields: { v: null } } },
    { name: "lone surrogate", input: { measurement: "m", fields: { v: "\ud800" } } },
    { name: "unsafe number time", input: { measurement: "m", fields: { v: 1 }, time: 2 ** 60 } },
    { name: "invalid Date", input: { measurement: "m", fields: { v: 1 }, time: new Date(NaN) } },
    { name: "time above int64", input: { measurement: "m", fields: { v: 1 }, time: 2n ** 63n } },
    { name: "long series key", input: { measurement: "m", tags: { k: "x".repeat(70_000) }, fields: { v: 1 } } },
  ];
  for (const c of bad) {
    void it(`rejects ${c.name} with INGEST_BAD_POINT and appends nothing`, () => {
      const batch = new WriteBatch();
      appendPoints([{ measurement: "ok", fields: { v: 1 } }], batch, 0, 0);
      const points = [{ measurement: "ok2", fields: { v: 2, w: 3 } }, c.input] as PointInput[];
      assert.throws(
        () => appendPoints(points, batch, 0, 0),
        (error: unknown) =>
          error instanceof InvalidError && error.code === "INGEST_BAD_POINT" && /point 1/.test(error.message),
      );
      assert.deepEqual([batch.pointCount, batch.valueCount], [1, 1]);
    });
  }
});
