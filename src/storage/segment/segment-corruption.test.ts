// Crash-safety and corruption behaviour of segment files on a real temp dir, plus writer input validation.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CorruptError } from "../../base/index.ts";
import { FieldType } from "../model/index.ts";
import type { ColumnValues } from "../model/index.ts";
import { DecodedBlock, SEGMENT_TMP_SUFFIX, SegmentReader, SegmentWriter } from "./index.ts";
import { SEGMENT_CORRUPT } from "./segment-format.ts";
import type { SegmentColumnMeta } from "./index.ts";
import { SEGMENT_HEADER_SIZE, SEGMENT_TRAILER_SIZE } from "./segment-format.ts";

let dir = "";
let fileNo = 0;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
});
after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function nextPath(): string {
  return path.join(dir, `seg-${fileNo++}.seg`);
}

function meta(seriesId: number, fieldId: number, type: FieldType = FieldType.Float): SegmentColumnMeta {
  return { seriesId, seriesKey: `m,s=${seriesId}`, fieldId, fieldName: `f${fieldId}`, type };
}

/** Writes 3 columns of 100 points in blocks of 50 (6 blocks) and returns the path. */
async function writeSample(): Promise<string> {
  const file = nextPath();
  const w = await SegmentWriter.create(file, 1_700_000_000_000_000_000n, 3_600e9, { blockPoints: 50 });
  const offsets = new Float64Array(100).map((_, i) => i * 1e9);
  for (let s = 0; s < 3; s++)
    w.addColumn(
      meta(s, 0),
      offsets,
      new Float64Array(100).map((_, i) => i * s + 0.5),
      0,
      100,
    );
  await w.finish();
  return file;
}

function mutate(file: string, fn: (b: Buffer) => Buffer): void {
  fs.writeFileSync(file, fn(fs.readFileSync(file)));
}

function flipBit(at: (b: Buffer) => number): (b: Buffer) => Buffer {
  return (b) => {
    b[at(b)] ^= 0x10;
    return b;
  };
}

function footerOffset(b: Buffer): number {
  return Number(b.readBigUInt64LE(b.length - SEGMENT_TRAILER_SIZE));
}

void describe("segment crash safety", () => {
  void it("leaves only a .tmp file until finish, and it never opens as a segment", async () => {
    const file = nextPath();
    const w = await SegmentWriter.create(file, 0n, 1e9);
    w.addColumn(meta(1, 1), new Float64Array([1, 2]), new Float64Array([3, 4]), 0, 2);
    await w.drain();
    assert.ok(fs.existsSync(file + SEGMENT_TMP_SUFFIX));
    assert.ok(!fs.existsSync(file));
    // A crash here leaves a .tmp without footer or trailer: not a segment (the engine deletes *.tmp at open).
    await assert.rejects(SegmentReader.open(file + SEGMENT_TMP_SUFFIX), { code: SEGMENT_CORRUPT });
    await w.finish();
    assert.ok(!fs.existsSync(file + SEGMENT_TMP_SUFFIX));
    assert.ok(fs.existsSync(file));
  });

  void it("overwrites a leftover .tmp from a crashed writer", async () => {
    const file = nextPath();
    fs.writeFileSync(file + SEGMENT_TMP_SUFFIX, Buffer.alloc(10_000, 0xab));
    const w = await SegmentWriter.create(file, 0n, 1e9);
    w.addColumn(meta(1, 1), new Float64Array([1]), new Float64Array([3]), 0, 1);
    const { byteLength } = await w.finish();
    assert.equal(fs.statSync(file).size, byteLength);
    const r = await SegmentReader.open(file);
    assert.equal(r.blockCount, 1);
    await r.close();
  });

  void it("abort removes the temp file and is idempotent", async () => {
    const file = nextPath();
    const w = await SegmentWriter.create(file, 0n, 1e9);
    w.addColumn(meta(1, 1), new Float64Array([1]), new Float64Array([3]), 0, 1);
    await w.abort();
    await w.abort();
    assert.ok(!fs.existsSync(file + SEGMENT_TMP_SUFFIX) && !fs.existsSync(file));
    assert.throws(() => w.addColumn(meta(2, 1), new Float64Array([1]), new Float64Array([3]), 0, 1), {
      code: "STORAGE_SEGMENT_CLOSED",
    });
  });

  void it("writes a valid empty segment", async () => {
    const file = nextPath();
    const w = await SegmentWriter.create(file, 0n, 1e9);
    assert.deepEqual(await w.finish(), { byteLength: fs.statSync(file).size, blockCount: 0, pointCount: 0 });
    const r = await SegmentReader.open(file);
    assert.deepEqual([r.blockCount, r.columns().length, r.findBlocks(0, 0)], [0, 0, [0, 0]]);
    await r.close();
    await r.close();
  });

  void it("reports a missing file as not found", async () => {
    await assert.rejects(SegmentReader.open(path.join(dir, "nope.seg")), { code: "STORAGE_SEGMENT_NOT_FOUND" });
  });
});

void describe("segment corruption", () => {
  const openFailures = [
    { name: "empty file", input: () => Buffer.alloc(0) },
    { name: "truncated footer", input: (b: Buffer) => b.subarray(0, b.length - SEGMENT_TRAILER_SIZE - 3) },
    { name: "truncated trailer", input: (b: Buffer) => b.subarray(0, b.length - 1) },
    { name: "bad trailer magic", input: flipBit((b) => b.length - 1) },
    { name: "flipped bit in trailer footer offset", input: flipBit((b) => b.length - SEGMENT_TRAILER_SIZE) },
    { name: "flipped bit in the footer", input: flipBit((b) => footerOffset(b) + 3) },
    { name: "flipped bit in the last footer byte", input: flipBit((b) => b.length - SEGMENT_TRAILER_SIZE - 1) },
    { name: "flipped bit in the header", input: flipBit(() => 9) },
    { name: "bad header magic", input: flipBit(() => 0) },
    { name: "garbage appended", input: (b: Buffer) => Buffer.concat([b, Buffer.from([1, 2, 3])]) },
  ];
  for (const t of openFailures) {
    void it(`refuses to open a segment with a ${t.name}`, async () => {
      const file = await writeSample();
      mutate(file, t.input);
      await assert.rejects(SegmentReader.open(file), (err: unknown) => {
        assert.ok(err instanceof CorruptError);
        assert.equal(err.code, SEGMENT_CORRUPT);
        assert.equal(err.file, file);
        assert.ok(err.offset >= 0);
        return true;
      });
    });
  }

  void it("refuses a newer format version with its own code", async () => {
    const file = await writeSample();
    mutate(file, (b) => {
      b.writeUInt16LE(99, 4);
      return b;
    });
    // The header crc fails first: a version bump without a valid crc is just corruption.
    await assert.rejects(SegmentReader.open(file), { code: SEGMENT_CORRUPT });
  });

  void it("opens a segment with a flipped bit in one block, fails that block only", async () => {
    const file = await writeSample();
    const healthy = await SegmentReader.open(file);
    const [b0] = healthy.findBlocks(1, 0);
    await healthy.close();
    // Block 2 is the first block of series 1; flip a byte in its middle.
    const blockOffset = SEGMENT_HEADER_SIZE + blockBytesBefore(fs.readFileSync(file), b0);
    mutate(
      file,
      flipBit(() => blockOffset + 3),
    );
    const r = await SegmentReader.open(file);
    const out = new DecodedBlock();
    assert.throws(
      () => r.readBlock(b0, out),
      (err: unknown) => {
        assert.ok(err instanceof CorruptError);
        assert.equal(err.code, SEGMENT_CORRUPT);
        assert.equal(err.file, file);
        assert.equal(err.offset, blockOffset);
        return true;
      },
    );
    for (let b = 0; b < r.blockCount; b++) {
      if (b === b0) continue;
      r.readBlock(b, out);
      assert.equal(out.count, 50);
    }
    await r.close();
    assert.throws(() => r.readBlock(0, out), { code: "STORAGE_SEGMENT_CLOSED" });
  });

  void it("fails a block read when the file was cut inside the blocks", async () => {
    const file = await writeSample();
    const r = await SegmentReader.open(file);
    fs.truncateSync(file, SEGMENT_HEADER_SIZE + 10);
    assert.throws(() => r.readBlock(r.blockCount - 1, new DecodedBlock()), { code: SEGMENT_CORRUPT });
    await r.close();
  });
});

// File offset of block `block`, found from the bytes alone: each block ends with the crc32 of the rest of it, so
// the shortest prefix whose trailing 4 bytes check is the block. Keeps the test independent of codec sizes.
function blockBytesBefore(bytes: Buffer, block: number): number {
  let pos = SEGMENT_HEADER_SIZE;
  for (let b = 0; b < block; b++) {
    let end = pos + 5;
    while (end <= bytes.length && crcOf(bytes, pos, end - 4) !== bytes.readUInt32LE(end - 4)) end++;
    pos = end;
  }
  return pos - SEGMENT_HEADER_SIZE;
}

function crcOf(bytes: Buffer, start: number, end: number): number {
  let c = ~0 >>> 0;
  for (let i = start; i < end; i++) {
    c ^= bytes[i];
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return ~c >>> 0;
}

void describe("segment writer validation", () => {
  const f64 = (...xs: number[]): Float64Array => new Float64Array(xs);
  const table: { name: string; input: [SegmentColumnMeta, Float64Array, ColumnValues][]; want: string }[] = [
    { name: "offsets not increasing", input: [[meta(1, 1), f64(1, 1), f64(0, 0)]], want: "STORAGE_SEGMENT_OFFSETS" },
    { name: "negative offset", input: [[meta(1, 1), f64(-1), f64(0)]], want: "STORAGE_SEGMENT_OFFSETS" },
    { name: "fractional offset", input: [[meta(1, 1), f64(0.5), f64(0)]], want: "STORAGE_SEGMENT_OFFSETS" },
    { name: "offset at 2^53", input: [[meta(1, 1), f64(2 ** 53), f64(0)]], want: "STORAGE_SEGMENT_OFFSETS" },
    { name: "NaN offset", input: [[meta(1, 1), f64(NaN), f64(0)]], want: "STORAGE_SEGMENT_OFFSETS" },
    {
      name: "field order going back",
      input: [
        [meta(1, 2), f64(1), f64(0)],
        [meta(1, 1), f64(1), f64(0)],
      ],
      want: "STORAGE_SEGMENT_ORDER",
    },
    {
      name: "series order going back",
      input: [
        [meta(2, 0), f64(1), f64(0)],
        [meta(1, 5), f64(1), f64(0)],
      ],
      want: "STORAGE_SEGMENT_ORDER",
    },
    {
      name: "continued column going back in time",
      input: [
        [meta(1, 1), f64(5), f64(0)],
        [meta(1, 1), f64(5), f64(0)],
      ],
      want: "STORAGE_SEGMENT_OFFSETS",
    },
    {
      name: "one series with two keys",
      input: [
        [meta(1, 1), f64(5), f64(0)],
        [{ ...meta(1, 2), seriesKey: "other" }, f64(5), f64(0)],
      ],
      want: "STORAGE_SEGMENT_META",
    },
    { name: "strings for a float field", input: [[meta(1, 1), f64(1), ["x"]]], want: "STORAGE_SEGMENT_VALUES" },
    {
      name: "bigints for a float field",
      input: [[meta(1, 1), f64(1), new BigInt64Array(1)]],
      want: "STORAGE_SEGMENT_VALUES",
    },
    {
      name: "an unsafe integer",
      input: [[meta(1, 1, FieldType.Int), f64(1), f64(2 ** 53)]],
      want: "STORAGE_SEGMENT_VALUES",
    },
    { name: "a negative uint", input: [[meta(1, 1, FieldType.Uint), f64(1), f64(-1)]], want: "STORAGE_SEGMENT_VALUES" },
    { name: "a bool of 2", input: [[meta(1, 1, FieldType.Bool), f64(1), f64(2)]], want: "STORAGE_SEGMENT_VALUES" },
    { name: "series id beyond uint32", input: [[meta(2 ** 32, 1), f64(1), f64(0)]], want: "STORAGE_SEGMENT_META" },
    {
      name: "unknown type",
      input: [[{ ...meta(1, 1), type: 9 as FieldType }, f64(1), f64(0)]],
      want: "STORAGE_SEGMENT_META",
    },
  ];
  for (const t of table) {
    void it(`rejects ${t.name} and stays usable`, async () => {
      const file = nextPath();
      const w = await SegmentWriter.create(file, 0n, 1e9);
      const last = t.input.length - 1;
      for (let i = 0; i < last; i++) w.addColumn(t.input[i][0], t.input[i][1], t.input[i][2], 0, 1);
      const [m, o, v] = t.input[last];
      assert.throws(() => w.addColumn(m, o, v, 0, o.length), { code: t.want });
      w.addColumn(meta(3000, 0), f64(1, 2), f64(1, 2), 0, 2);
      await w.finish();
      const r = await SegmentReader.open(file);
      assert.equal(r.findBlocks(3000, 0)[1] - r.findBlocks(3000, 0)[0], 1);
      await r.close();
    });
  }

  void it("rejects bad create options", async () => {
    await assert.rejects(SegmentWriter.create(nextPath(), 0n, 0), { code: "STORAGE_SEGMENT_OPTIONS" });
    await assert.rejects(SegmentWriter.create(nextPath(), 2n ** 63n, 1), { code: "STORAGE_SEGMENT_OPTIONS" });
    await assert.rejects(SegmentWriter.create(nextPath(), 0n, 1, { blockPoints: 0 }), {
      code: "STORAGE_SEGMENT_OPTIONS",
    });
  });
});
