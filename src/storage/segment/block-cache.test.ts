// BlockCache: served blocks equal decoded ones, LRU eviction within the byte bound, forget, and the off switch.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FieldType } from "../model/index.ts";
import { BlockCache, DecodedBlock, SegmentReader, SegmentWriter } from "./index.ts";

let dir = "";
let reader: SegmentReader;
const POINTS = 100;
const COLUMNS = 12;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-cache-"));
  const file = path.join(dir, "a.seg");
  const w = await SegmentWriter.create(file, 0n, 86_400e9);
  for (let s = 1; s <= COLUMNS; s++) {
    const offsets = Float64Array.from({ length: POINTS }, (_, i) => i * 1000);
    const meta = { seriesId: s, seriesKey: `m,s=${s}`, fieldId: 1, fieldName: "v", type: FieldType.String };
    const floats = { ...meta, fieldId: 2, fieldName: "f", type: FieldType.Float };
    w.addColumn(
      meta,
      offsets,
      Array.from({ length: POINTS }, (_, i) => `s${s}-${i}`),
      0,
      POINTS,
    );
    w.addColumn(
      floats,
      offsets,
      Float64Array.from({ length: POINTS }, (_, i) => s * 1000 + i),
      0,
      POINTS,
    );
  }
  await w.finish();
  reader = await SegmentReader.open(file);
});
after(async () => {
  await reader.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function snapshot(b: DecodedBlock): { offsets: number[]; values: unknown[]; type: FieldType } {
  return { offsets: [...b.offsets.subarray(0, b.count)], values: [...b.values].slice(0, b.count), type: b.type };
}

describe("BlockCache", () => {
  it("serves a cached block equal to a fresh decode, counting hits and misses", () => {
    const cache = new BlockCache(1 << 20);
    const direct = new DecodedBlock();
    const viaCache = new DecodedBlock();
    for (let pass = 0; pass < 2; pass++) {
      for (let b = 0; b < reader.blockCount; b++) {
        reader.readBlock(b, direct);
        cache.read(reader, b, viaCache);
        assert.deepEqual(snapshot(viaCache), snapshot(direct));
      }
    }
    const stats = cache.stats();
    assert.equal(stats.misses, reader.blockCount);
    assert.equal(stats.hits, reader.blockCount);
    assert.equal(stats.entries, reader.blockCount);
  });

  it("does not let a caller's changes to its block reach the cache", () => {
    const cache = new BlockCache(1 << 20);
    const out = new DecodedBlock();
    const [b] = reader.findBlocks(1, 2);
    cache.read(reader, b, out);
    (out.values as Float64Array).fill(-1);
    out.count = 3;
    cache.read(reader, b, out);
    assert.equal(out.count, POINTS);
    assert.equal((out.values as Float64Array)[5], 1005);
  });

  it("evicts the least recently used blocks to stay within its bytes", () => {
    const out = new DecodedBlock();
    const floatBlocks = Array.from({ length: COLUMNS }, (_, s) => reader.findBlocks(s + 1, 2)[0]);
    const probe = new BlockCache(1 << 20);
    probe.read(reader, floatBlocks[0]!, out);
    const one = probe.stats().bytes;
    // Room for eight equal blocks (a block is kept only when it is at most an eighth of the cache).
    const cache = new BlockCache(one * 8);
    for (const b of floatBlocks.slice(0, 9)) cache.read(reader, b, out);
    assert.ok(cache.stats().bytes <= one * 8);
    assert.equal(cache.stats().entries, 8);
    cache.read(reader, floatBlocks[1]!, out); // touched: now the youngest
    cache.read(reader, floatBlocks[9]!, out); // evicts the oldest, floatBlocks[2]
    cache.read(reader, floatBlocks[1]!, out);
    assert.equal(cache.stats().hits, 2);
    cache.read(reader, floatBlocks[2]!, out);
    assert.equal(cache.stats().misses, 11);
  });

  it("keeps no block bigger than an eighth of the cache", () => {
    const cache = new BlockCache(1000);
    const out = new DecodedBlock();
    cache.read(reader, 0, out);
    cache.read(reader, 0, out);
    assert.deepEqual([cache.stats().hits, cache.stats().entries, cache.stats().bytes], [0, 0, 0]);
    assert.equal(out.count, POINTS);
  });

  it("forgets a reader's blocks", () => {
    const cache = new BlockCache(1 << 20);
    const out = new DecodedBlock();
    for (let b = 0; b < 4; b++) cache.read(reader, b, out);
    cache.forget(reader);
    assert.deepEqual([cache.stats().entries, cache.stats().bytes], [0, 0]);
  });

  it("reads straight through when its size is 0", () => {
    const cache = new BlockCache(0);
    const out = new DecodedBlock();
    cache.read(reader, 1, out);
    cache.read(reader, 1, out);
    assert.deepEqual([cache.stats().hits, cache.stats().misses, cache.stats().entries], [0, 0, 0]);
    assert.equal(out.count, POINTS);
  });
});
