// The merge policy: size tiers, suffix runs of one tier, full merges and rewrites that purge deletes.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mergeStart, tierOf } from "./compaction-policy.ts";

const MIB = 1 << 20;
const seg = (mib: number, hasDeletes = false): { bytes: number; hasDeletes: boolean } => ({
  bytes: mib * MIB,
  hasDeletes,
});

describe("compaction policy", () => {
  it("puts segments in tiers of 4× size from 4 MiB up", () => {
    assert.deepEqual(
      [0.01, 1, 3.9, 4, 15.9, 16, 64].map((m) => tierOf(m * MIB)),
      [0, 0, 0, 1, 1, 2, 3],
    );
  });

  it("merges the newest run of one tier once it has fanIn segments", () => {
    const options = { fanIn: 4, full: false };
    assert.equal(mergeStart([seg(1), seg(1), seg(1)], options), -1);
    assert.equal(mergeStart([seg(1), seg(1), seg(1), seg(1)], options), 0);
    // A big older segment stays; the small newest ones merge.
    assert.equal(mergeStart([seg(40), seg(1), seg(2), seg(1), seg(1)], options), 1);
    // Smaller leftovers between same-tier segments join the run.
    assert.equal(mergeStart([seg(40), seg(8), seg(0.5), seg(8), seg(5)], options), 1);
    assert.equal(mergeStart([], options), -1);
  });

  it("merges everything when full, and rewrites a lone segment only when it holds deleted points", () => {
    const full = { fanIn: 4, full: true };
    assert.equal(mergeStart([seg(40), seg(1)], full), 0);
    assert.equal(mergeStart([seg(40)], full), -1);
    assert.equal(mergeStart([seg(40, true)], full), 0);
  });
});
