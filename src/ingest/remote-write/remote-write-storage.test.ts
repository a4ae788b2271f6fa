// Remote-write samples through the storage engine: stored as measurement/value/tags and read back exactly.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { StorageEngine, WriteBatch } from "../../storage/index.ts";
import { decodeRemoteWrite } from "./remote-write-decoder.ts";
import { encodeWriteRequest } from "./remote-write.test-support.ts";

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const STALE_NAN_BITS = 0x7ff0000000000002n;
/** The quiet bit: V8 sets it when a signalling NaN is stored in a plain number[] (QueryResult's value arrays). */
const QUIET_BIT = 0x0008000000000000n;

function bitsOf(x: number): bigint {
  const f = new Float64Array(1);
  f[0] = x;
  return new BigUint64Array(f.buffer)[0]!;
}

describe("remote write into storage", () => {
  it("stores samples and stale markers readable from head, segments and after reopen", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
    dirs.push(dir);
    const stale = new Float64Array(new BigUint64Array([STALE_NAN_BITS]).buffer)[0]!;
    const body = encodeWriteRequest({
      timeseries: [
        {
          labels: [
            { name: "__name__", value: "up" },
            { name: "job", value: "node" },
          ],
          samples: [
            { value: 1, timestamp: 1_700_000_000_001 },
            { value: stale, timestamp: 1_700_000_015_001 },
          ],
        },
      ],
    });
    const batch = new WriteBatch();
    decodeRemoteWrite(body, batch);
    let engine = await StorageEngine.open(dir, { sync: "always" });
    const check = async (): Promise<void> => {
      const result = await engine.query("prom", { measurement: "up", fields: ["value"] });
      const series = result.series[0]!;
      assert.deepEqual(
        (await engine.series("prom")).map((s) => s.key),
        ["up,job=node"],
      );
      assert.deepEqual(series.times, [1_700_000_000_001_000_000n, 1_700_000_015_001_000_000n]);
      assert.equal(series.values[0]![0], 1);
      // The engine keeps the exact bits (WAL, head and codecs are bit-exact); the quiet bit is the result arrays'.
      assert.equal(bitsOf(series.values[0]![1] as number) & ~QUIET_BIT, STALE_NAN_BITS);
    };
    try {
      assert.equal((await engine.write("prom", batch)).accepted, 2);
      await check();
      await engine.flush();
      await check();
      await engine.close();
      engine = await StorageEngine.open(dir, { sync: "always" });
      await check();
    } finally {
      await engine.close();
    }
  });
});
