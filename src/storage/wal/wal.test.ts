// Behaviour of the WAL on a real temporary directory: round trips, group commit, sync modes, rotation, removal,
// ordering of interleaved calls and the failed state.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CorruptError, InvalidError, UnavailableError, crc32 } from "../../base/index.ts";
import { Wal } from "./index.ts";
import type { WalOptions, WalPosition, WalReplayReport } from "./index.ts";
import { walIoStats } from "./wal.ts";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let dirCount = 0;
function freshDir(): string {
  return path.join(root, `wal-${++dirCount}`);
}

interface Seen {
  type: number;
  payload: Uint8Array;
  position: WalPosition;
}

async function replay(
  dir: string,
  options: WalOptions = {},
): Promise<{ wal: Wal; report: WalReplayReport; seen: Seen[] }> {
  const seen: Seen[] = [];
  const { wal, report } = await Wal.open(dir, options, (type, payload, position) => {
    seen.push({ type, payload: payload.slice(), position });
  });
  return { wal, report, seen };
}

/** Deterministic payload i: length varies with i, bytes derived from i. */
function payloadOf(i: number, byteLength = (i * 37) % 300): Uint8Array {
  const p = new Uint8Array(byteLength);
  for (let j = 0; j < byteLength; j++) p[j] = (i * 31 + j * 7) & 0xff;
  return p;
}

function walFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((n) => n.endsWith(".wal"))
    .sort();
}

void describe("Wal", () => {
  void it("round-trips many records across explicit and size-based rotations", async () => {
    const dir = freshDir();
    const { wal, report } = await replay(dir, { maxFileBytes: 4096, sync: "never" });
    assert.deepEqual(report, { records: 0, files: 0, damage: [] });
    const n = 500;
    const closedSeqs: number[] = [];
    for (let i = 0; i < n; i++) {
      await wal.append(1 + (i % 255), payloadOf(i));
      if (i % 97 === 96) closedSeqs.push(await wal.rotate());
    }
    await wal.append(7, payloadOf(n, 10_000)); // larger than maxFileBytes: gets a file of its own
    const lastSeq = wal.currentSeq;
    const size = wal.sizeBytes();
    await wal.close();
    assert.ok(lastSeq > closedSeqs.length + 5, `expected size-based rotations, got ${lastSeq} files`);
    const files = walFiles(dir);
    assert.equal(files.length, lastSeq);
    let onDisk = 0;
    for (const f of files) onDisk += fs.statSync(path.join(dir, f)).size;
    assert.equal(size, onDisk);
    for (const f of files.slice(0, -2)) assert.ok(fs.statSync(path.join(dir, f)).size <= 4096, f);

    const again = await replay(dir);
    assert.deepEqual(again.report, { records: n + 1, files: lastSeq, damage: [] });
    for (let i = 0; i < n; i++) {
      assert.equal(again.seen[i].type, 1 + (i % 255));
      assert.deepEqual(again.seen[i].payload, payloadOf(i));
    }
    assert.deepEqual(again.seen[n].payload, payloadOf(n, 10_000));
    for (let i = 1; i < again.seen.length; i++) {
      const a = again.seen[i - 1].position;
      const b = again.seen[i].position;
      assert.ok(b.file > a.file || (b.file === a.file && b.offset > a.offset), "positions ascend");
    }
    assert.equal(again.wal.currentSeq, lastSeq, "appends continue in the last file");
    await again.wal.close();
  });

  void it("writes the byte layout documented in docs/format/wal.md", async () => {
    const dir = freshDir();
    const { wal } = await replay(dir);
    await wal.append(7, new Uint8Array([0x61, 0x62, 0x63]));
    await wal.close();
    const b = fs.readFileSync(path.join(dir, "00000001.wal"));
    assert.deepEqual([...b.subarray(0, 12)], [0x53, 0x54, 0x57, 0x4c, 1, 0, 0, 0, 1, 0, 0, 0]);
    assert.equal(b.readUInt32LE(12), crc32(b.subarray(0, 12)));
    assert.equal(b.length, 16 + 9 + 3);
    assert.equal(b.readUInt32LE(16), 3);
    assert.equal(b.readUInt32LE(20), crc32(Buffer.from([3, 0, 0, 0, 7, 0x61, 0x62, 0x63])));
    assert.deepEqual([...b.subarray(24)], [7, 0x61, 0x62, 0x63]);
  });

  void it("copies the payload so the caller may reuse its buffer at once", async () => {
    const dir = freshDir();
    const { wal } = await replay(dir, { sync: "never" });
    const buf = new Uint8Array([1, 2, 3]);
    const done = wal.append(1, buf);
    buf.fill(9);
    await done;
    await wal.append(1, buf);
    await wal.close();
    const again = await replay(dir);
    assert.deepEqual(
      again.seen.map((s) => [...s.payload]),
      [
        [1, 2, 3],
        [9, 9, 9],
      ],
    );
    await again.wal.close();
  });

  void it("commits 1,000 concurrent appends with far fewer writes and fsyncs, in call order", async () => {
    const dir = freshDir();
    const { wal } = await replay(dir);
    const before = walIoStats(wal);
    const pending: Promise<void>[] = [];
    for (let i = 0; i < 1000; i++) pending.push(wal.append(1, payloadOf(i, 64)));
    await Promise.all(pending);
    const stats = walIoStats(wal);
    assert.ok(stats.syncs - before.syncs <= 10, `syncs: ${stats.syncs - before.syncs}`);
    assert.ok(stats.writes - before.writes <= 10, `writes: ${stats.writes - before.writes}`);
    await wal.close();
    const again = await replay(dir);
    assert.equal(again.report.records, 1000);
    for (let i = 0; i < 1000; i++) assert.deepEqual(again.seen[i].payload, payloadOf(i, 64));
    await again.wal.close();
  });

  void it("groups appends that arrive while a commit is in flight", async () => {
    const dir = freshDir();
    const { wal } = await replay(dir);
    const before = walIoStats(wal).syncs;
    const workers: Promise<void>[] = [];
    for (let w = 0; w < 16; w++) {
      workers.push(
        (async () => {
          for (let i = 0; i < 20; i++) await wal.append(1, payloadOf(w * 100 + i, 32));
        })(),
      );
    }
    await Promise.all(workers);
    const syncs = walIoStats(wal).syncs - before;
    assert.ok(syncs < (16 * 20) / 4, `16 appenders x 20 appends took ${syncs} fsyncs`);
    await wal.close();
  });

  void it("fsyncs every commit in always mode and never in never mode until close", async () => {
    const always = await replay(freshDir(), { sync: "always" });
    const a0 = walIoStats(always.wal).syncs;
    for (let i = 0; i < 5; i++) await always.wal.append(1, payloadOf(i));
    assert.equal(walIoStats(always.wal).syncs - a0, 5);
    await always.wal.close();
    assert.equal(walIoStats(always.wal).syncs - a0, 5, "close has nothing left to sync");

    const never = await replay(freshDir(), { sync: "never" });
    for (let i = 0; i < 5; i++) await never.wal.append(1, payloadOf(i));
    assert.equal(walIoStats(never.wal).syncs, 0);
    await never.wal.close();
    assert.equal(walIoStats(never.wal).syncs, 1, "close fsyncs written data");
  });

  void it("fsyncs once per interval in interval mode", async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const { wal } = await replay(freshDir(), { sync: "interval", syncIntervalMs: 500 });
    await wal.append(1, payloadOf(1));
    await wal.append(1, payloadOf(2));
    assert.equal(walIoStats(wal).syncs, 0, "appends resolve after the write alone");
    t.mock.timers.tick(499);
    await wal.append(1, payloadOf(3));
    assert.equal(walIoStats(wal).syncs, 0);
    t.mock.timers.tick(1);
    await wal.append(1, payloadOf(4)); // queued behind the timer's sync, so that sync is done when this resolves
    assert.equal(walIoStats(wal).syncs, 1);
    t.mock.timers.tick(500);
    await wal.rotate();
    assert.equal(walIoStats(wal).syncs, 3, "one interval sync, then the rotation's");
    await wal.close();
  });

  void it("puts records in the file chosen by call order when append and rotate interleave", async () => {
    const dir = freshDir();
    const { wal } = await replay(dir, { sync: "never" });
    const a = wal.append(1, payloadOf(1, 5));
    const r = wal.rotate();
    const b = wal.append(2, payloadOf(2, 5));
    const r2 = wal.rotate();
    const c = wal.append(3, payloadOf(3, 5));
    const [, closed, , closed2] = await Promise.all([a, r, b, r2, c]);
    assert.equal(closed, 1);
    assert.equal(closed2, 2);
    await wal.close();
    const again = await replay(dir);
    assert.deepEqual(
      again.seen.map((s) => [s.type, s.position.file]),
      [
        [1, "00000001.wal"],
        [2, "00000002.wal"],
        [3, "00000003.wal"],
      ],
    );
    await again.wal.close();
  });

  void it("removes files up to a sequence and replays only the rest", async () => {
    const dir = freshDir();
    const { wal } = await replay(dir, { sync: "never" });
    for (let f = 0; f < 4; f++) {
      await wal.append(1, payloadOf(f, 100));
      await wal.rotate();
    }
    await wal.append(1, payloadOf(4, 100));
    const fullSize = wal.sizeBytes();
    await wal.removeUpTo(2);
    assert.deepEqual(walFiles(dir), ["00000003.wal", "00000004.wal", "00000005.wal"]);
    assert.equal(wal.sizeBytes(), fullSize - 2 * (16 + 9 + 100));
    await wal.removeUpTo(1); // nothing left at or below 1
    await assert.rejects(
      wal.removeUpTo(5),
      (e) => e instanceof InvalidError && e.code === "STORAGE_WAL_REMOVE_CURRENT",
    );
    await assert.rejects(wal.removeUpTo(-1), (e) => e instanceof InvalidError && e.code === "STORAGE_WAL_BAD_SEQ");
    await wal.close();
    const again = await replay(dir);
    assert.deepEqual(again.report, { records: 3, files: 3, damage: [] });
    assert.deepEqual(again.seen[0].payload, payloadOf(2, 100));
    await again.wal.close();
  });

  void it("runs removeUpTo after a rotate queued before it", async () => {
    const dir = freshDir();
    const { wal } = await replay(dir, { sync: "never" });
    void wal.append(1, payloadOf(1));
    const rotated = wal.rotate();
    const removed = wal.removeUpTo(1);
    await Promise.all([rotated, removed]);
    assert.deepEqual(walFiles(dir), ["00000002.wal"]);
    await wal.close();
  });

  void it("rejects bad record types and oversized options with invalid errors", async () => {
    const { wal } = await replay(freshDir());
    for (const type of [0, 256, 1.5, -1, NaN]) {
      await assert.rejects(
        wal.append(type, new Uint8Array(1)),
        (e) => e instanceof InvalidError && e.code === "STORAGE_WAL_BAD_TYPE",
      );
    }
    await wal.append(255, new Uint8Array(0));
    await wal.close();
    const bad: WalOptions[] = [
      { sync: "sometimes" as unknown as "always" },
      { syncIntervalMs: 0 },
      { maxFileBytes: 10 },
      { maxFileBytes: 1.5e3 + 0.5 },
    ];
    for (const options of bad) {
      await assert.rejects(
        Wal.open(freshDir(), options, () => undefined),
        (e) => e instanceof InvalidError && e.code === "STORAGE_WAL_OPTIONS",
      );
    }
  });

  void it("rejects appends after close and closes idempotently", async () => {
    const { wal } = await replay(freshDir());
    const pending = wal.append(1, payloadOf(1));
    const closing = wal.close();
    assert.equal(wal.close(), closing);
    await assert.rejects(
      wal.append(1, payloadOf(2)),
      (e) => e instanceof UnavailableError && e.code === "STORAGE_WAL_CLOSED",
    );
    await pending; // queued before close: written and synced
    await closing;
    await assert.rejects(wal.rotate(), (e) => e instanceof UnavailableError && e.code === "STORAGE_WAL_CLOSED");
    await assert.rejects(wal.removeUpTo(0), (e) => e instanceof UnavailableError && e.code === "STORAGE_WAL_CLOSED");
  });

  void it("rejects a group whose fdatasync fails and stays failed", async () => {
    const dir = freshDir();
    const { wal } = await replay(dir);
    await wal.append(1, payloadOf(1));
    const fh = wal["fh"];
    fh.datasync = () => Promise.reject(new Error("EIO: injected"));
    const isWrite = (e: unknown) => e instanceof UnavailableError && e.code === "STORAGE_WAL_WRITE";
    const [a, b] = await Promise.allSettled([wal.append(1, payloadOf(2)), wal.append(1, payloadOf(3))]);
    assert.ok(a.status === "rejected" && isWrite(a.reason));
    assert.ok(b.status === "rejected" && isWrite(b.reason));
    await assert.rejects(wal.append(1, payloadOf(4)), isWrite);
    await assert.rejects(wal.rotate(), isWrite);
    await wal.close();
    const again = await replay(dir);
    assert.ok(again.report.records >= 1, "the acknowledged record survives");
    await again.wal.close();
  });

  void it("rejects pending appends when the write itself fails", async () => {
    const { wal } = await replay(freshDir(), { sync: "never" });
    const fh = wal["fh"];
    fh.write = () => Promise.reject(new Error("ENOSPC: injected"));
    await assert.rejects(
      wal.append(1, payloadOf(1)),
      (e) => e instanceof UnavailableError && e.code === "STORAGE_WAL_WRITE",
    );
    await assert.rejects(
      wal.append(1, payloadOf(2)),
      (e) => e instanceof UnavailableError && e.code === "STORAGE_WAL_WRITE",
    );
    await wal.close();
  });

  void it("refuses a file of another format version", async () => {
    const dir = freshDir();
    fs.mkdirSync(dir);
    const header = new Uint8Array(16);
    const dv = new DataView(header.buffer);
    header.set([0x53, 0x54, 0x57, 0x4c]);
    dv.setUint16(4, 2, true);
    dv.setUint32(8, 1, true);
    dv.setUint32(12, crc32(header.subarray(0, 12)), true);
    fs.writeFileSync(path.join(dir, "00000001.wal"), header);
    await assert.rejects(
      Wal.open(dir, {}, () => undefined),
      (e) => e instanceof CorruptError && e.code === "STORAGE_WAL_VERSION",
    );
  });

  void it("ignores other files and reports a gap in the sequence", async () => {
    const dir = freshDir();
    const { wal } = await replay(dir, { sync: "never" });
    for (let i = 0; i < 3; i++) {
      await wal.append(1, payloadOf(i));
      await wal.rotate();
    }
    await wal.close();
    fs.rmSync(path.join(dir, "00000002.wal"));
    fs.writeFileSync(path.join(dir, "notes.txt"), "x");
    fs.writeFileSync(path.join(dir, "1.wal"), "x");
    const again = await replay(dir);
    assert.equal(again.report.records, 2);
    assert.deepEqual(
      again.report.damage.map((d) => [d.file, d.offset, d.truncated]),
      [["00000002.wal", 0, false]],
    );
    await again.wal.close();
  });

  void it("rethrows what onRecord throws", async () => {
    const dir = freshDir();
    const { wal } = await replay(dir);
    await wal.append(1, payloadOf(1));
    await wal.close();
    const boom = new InvalidError("TEST_BOOM", "boom");
    await assert.rejects(
      Wal.open(dir, {}, () => {
        throw boom;
      }),
      (e) => e === boom,
    );
  });
});
