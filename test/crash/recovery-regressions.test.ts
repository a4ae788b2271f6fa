// Minimal deterministic reproductions of recovery bugs the kill -9 test found, kept as regression tests.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Strata } from "../../src/index.ts";

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe("recovery regressions", () => {
  it("keeps points written after a delete when segment sequences reserved before a reopen had no file", async () => {
    // A flush reserves one segment sequence per head partition; a partition whose points were all deleted gets no
    // file (as does every partition of a flush cut short by a crash). A later delete records
    // maxSegmentSeq = nextSeq - 1, which counts that sequence. After a reopen nextSeq is recomputed from the files
    // alone, so the next flush reuses the sequence and the old tombstone hides the newer segment's points.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
    dirs.push(dir);
    const a = { measurement: "m", where: [{ key: "s", op: "=" as const, value: "a" }] };
    const far = 1_000_000_000_000_000n; // a later partition than t = 1
    let db = await Strata.open(dir);
    await db.write("db", `m,s=b v=1 1\nm,s=a v=1 ${far}`);
    await db.delete("db", a, { start: far, end: far }); // the head's later partition is now empty
    await db.flush(); // segment 1 holds s=b; sequence 2 (the empty partition) gets no file
    await db.delete("db", a, { start: far, end: far }); // tombstone with maxSegmentSeq = 2
    await db.close();

    db = await Strata.open(dir);
    await db.write("db", `m,s=a v=2 ${far}`); // acknowledged after both deletes
    await db.close(); // flushes it into a new segment

    db = await Strata.open(dir);
    try {
      const result = await db.query("db", { measurement: "m", where: a.where });
      assert.deepEqual(
        result.series.map((s) => [s.times, s.values]),
        [[[far], [[2]]]],
      );
    } finally {
      await db.close();
    }
  });
});
