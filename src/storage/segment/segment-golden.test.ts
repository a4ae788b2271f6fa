// Format fixture: testdata/segment-v1.seg must read forever (STYLE §6). Regenerate only with UPDATE_GOLDEN=1 and
// only together with a version bump and a new fixture; old fixtures are never deleted.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { FieldType } from "../model/index.ts";
import type { ColumnValues } from "../model/index.ts";
import { BlockStatsScratch } from "./block-stats.ts";
import { DecodedBlock, SegmentReader, SegmentWriter } from "./index.ts";
import type { SegmentColumnMeta } from "./index.ts";

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), "testdata", "segment-v1.seg");
const UPDATE = process.env["UPDATE_GOLDEN"] === "1";
const START_NS = -1_234_567_890_123_456_789n;

interface Col {
  meta: SegmentColumnMeta;
  offsets: number[];
  values: ColumnValues;
}

function col(seriesId: number, fieldId: number, type: FieldType, offsets: number[], values: ColumnValues): Col {
  const seriesKey = `weather,city=zürich,id=${seriesId}`;
  return { meta: { seriesId, seriesKey, fieldId, fieldName: `field ${fieldId}`, type }, offsets, values };
}

const COLUMNS: Col[] = [
  col(4, 0, FieldType.Float, [0, 10, 20, 30, 45], new Float64Array([1.5, -0, NaN, Infinity, 2.25])),
  col(4, 1, FieldType.Int, [0, 10, 20, 30], new Float64Array([-3, 7, 7, 9_007_199_254_740_991])),
  col(4, 2, FieldType.Uint, [5, 6], new BigUint64Array([0n, 18_446_744_073_709_551_615n])),
  col(4, 3, FieldType.Int, [1, 2, 3], new BigInt64Array([-9_223_372_036_854_775_808n, 0n, 1n])),
  col(9, 0, FieldType.Bool, [1, 2, 3, 4], new Float64Array([1, 0, 0, 1])),
  col(9, 7, FieldType.String, [0, 9_007_199_254_740_990], ["", "été ☀"]),
];

let dir = "";
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
});
after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

async function writeFixture(file: string): Promise<void> {
  const w = await SegmentWriter.create(file, START_NS, 9_007_199_254_740_991, { blockPoints: 3 });
  for (const c of COLUMNS) w.addColumn(c.meta, Float64Array.from(c.offsets), c.values, 0, c.offsets.length);
  await w.finish();
}

void describe("segment format v1 fixture", () => {
  void it("still reads testdata/segment-v1.seg", async () => {
    if (UPDATE) {
      fs.mkdirSync(path.dirname(FIXTURE), { recursive: true });
      await writeFixture(FIXTURE);
    }
    // Read a copy: the reader never writes, but the fixture must stay pristine even if that changed.
    const copy = path.join(dir, "fixture.seg");
    fs.copyFileSync(FIXTURE, copy);
    const r = await SegmentReader.open(copy);
    try {
      assert.equal(r.partitionStartNs, START_NS);
      assert.equal(r.partitionDurationNs, 9_007_199_254_740_991);
      assert.deepEqual(
        r.columns(),
        COLUMNS.map((c) => c.meta),
      );
      assert.deepEqual(Array.from(r.blockCountPoints), [2, 3, 2, 2, 2, 3, 2, 2, 2]);
      const out = new DecodedBlock();
      for (const c of COLUMNS) {
        const [b0, b1] = r.findBlocks(c.meta.seriesId, c.meta.fieldId);
        const offsets: number[] = [];
        const values: unknown[] = [];
        for (let b = b0; b < b1; b++) {
          r.readBlock(b, out);
          for (let i = 0; i < out.count; i++) {
            offsets.push(out.offsets[i]);
            values.push(out.values[i]);
          }
        }
        assert.deepEqual(offsets, c.offsets);
        assert.deepEqual(values, Array.from(c.values as ArrayLike<unknown>));
      }
      const st = new BlockStatsScratch();
      r.blockStats(1, st); // float block at [20, 30, 45]: NaN, Infinity, 2.25
      assert.deepEqual(
        { ...st },
        {
          count: 3,
          minOff: 20,
          maxOff: 45,
          sum: NaN,
          min: 2.25,
          max: Infinity,
          minAtOff: 45,
          maxAtOff: 30,
          first: NaN,
          last: 2.25,
          statsExact: true,
        },
      );
    } finally {
      await r.close();
    }
  });
});
