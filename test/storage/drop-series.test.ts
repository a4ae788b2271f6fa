// StorageEngine.dropSeries: dropped series leave listings and queries, survive flush and reopen, and their
// keys can be written again as new series.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Strata } from "../../src/index.ts";

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-drop-"));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const LP = "m,t=a v=1 10\nm,t=b v=2 20\nn,t=a w=1 10\n";

describe("engine dropSeries", () => {
  it("removes matching series from series, measurements and queries", async () => {
    const dir = tempDir();
    const db = await Strata.open(dir, { sync: "never" });
    try {
      await db.write("db", LP);
      const dropped = await db.engine.dropSeries("db", {
        measurement: "m",
        where: [{ key: "t", op: "=", value: "a" }],
      });
      assert.equal(dropped, 1);
      assert.deepEqual(
        (await db.engine.series("db")).map((s) => s.key),
        ["m,t=b", "n,t=a"],
      );
      const result = await db.query("db", { measurement: "m", fields: ["v"] });
      assert.deepEqual(result.series[0]!.times, [20n]);
      assert.equal(await db.engine.dropSeries("db", { measurement: "m" }), 1);
      assert.deepEqual(await db.engine.measurements("db"), ["n"]);
      assert.deepEqual(await db.engine.tagValues("db", "m", "t"), []);
    } finally {
      await db.close();
    }
  });

  it("keeps dropped series gone across flush and reopen, and accepts their keys again", async () => {
    const dir = tempDir();
    let db = await Strata.open(dir, { sync: "always" });
    await db.write("db", LP);
    await db.engine.dropSeries("db", { measurement: "m" });
    await db.close();
    db = await Strata.open(dir, { sync: "always" });
    try {
      assert.deepEqual(await db.engine.measurements("db"), ["n"]);
      assert.deepEqual(await db.engine.damage(), []);
      await db.write("db", "m,t=a v=5 50\n");
      const result = await db.query("db", { measurement: "m", fields: ["v"] });
      assert.deepEqual(result.series[0]!.times, [50n]);
      await db.engine.flush();
      assert.deepEqual(
        (await db.engine.series("db")).map((s) => s.key),
        ["m,t=a", "n,t=a"],
      );
    } finally {
      await db.close();
    }
  });

  it("returns 0 when nothing matches and throws NotFoundError for an unknown database", async () => {
    const dir = tempDir();
    const db = await Strata.open(dir, { sync: "never" });
    try {
      await db.write("db", LP);
      assert.equal(await db.engine.dropSeries("db", { measurement: "zzz" }), 0);
      await assert.rejects(db.engine.dropSeries("nope", {}), { category: "not_found" });
    } finally {
      await db.close();
    }
  });
});
