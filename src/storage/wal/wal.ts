// The write-ahead log: replay on open, group-committed appends, rotation and removal of numbered files
// (docs/format/wal.md). Payloads are opaque bytes; this module knows nothing of write batches or the head.
import type { FileHandle } from "node:fs/promises";
import { rm } from "node:fs/promises";
import * as path from "node:path";
import { InvalidError, LimitError, UnavailableError, isTsdbError } from "../../base/index.ts";
import { WAL_HEADER_BYTES, WAL_MAX_PAYLOAD_BYTES, WAL_RECORD_HEADER_BYTES, getU32, walFileName } from "./wal-format.ts";
import { createWalFile, ensureWalDir, listWalSeqs, reopenWalFile, syncWalDir } from "./wal-files.ts";
import {
  WAL_GROUP_INITIAL_BYTES,
  WAL_STEP_CLOSE,
  WAL_STEP_REMOVE,
  WAL_STEP_ROTATE,
  WAL_STEP_SYNC,
  WalControl,
  WalGroup,
} from "./wal-group.ts";
import { scanWalFile } from "./wal-scan.ts";
import type { WalFileScan, WalRecordCallback } from "./wal-scan.ts";
import type { SyncMode, WalDamage, WalOptions, WalReplayReport } from "./wal-types.ts";

const DEFAULT_SYNC_INTERVAL_MS = 1000;
const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;
/** Smallest accepted maxFileBytes: a header plus a few small records (tests use tiny files). */
const MIN_MAX_FILE_BYTES = 64;
/** Group buffers larger than this are dropped after use instead of kept as the spare, to bound idle memory. */
const MAX_SPARE_BYTES = 4 * 1024 * 1024;

const STATE_OPEN = 0;
const STATE_CLOSING = 1;
const STATE_FAILED = 2;
const STATE_CLOSED = 3;

/**
 * A write-ahead log in one directory of numbered files. One writer loop owns the files: appends, rotations,
 * removals and close are queued and run in call order, so calls may interleave freely. Not safe for two
 * processes on one directory; the caller holds the data-directory lock.
 */
export class Wal {
  /** Immutable after construction. */
  private readonly dir: string;
  private readonly syncMode: SyncMode;
  private readonly syncIntervalMs: number;
  private readonly maxFileBytes: number;
  private readonly onTimer: () => void;
  /** Current file and its state. Written only by the writer loop (and open). */
  private fh: FileHandle;
  private seq: number;
  private fileBytes: number;
  /** True when bytes were written to `fh` since its last fsync. */
  private dirty: boolean;
  /** Files before the current one, ascending, with their sizes; changed by the writer loop only. */
  private readonly closedSeqs: number[];
  private readonly closedSizes: number[];
  private closedBytes: number;
  /** Pending groups and control steps in call order; appended by callers, consumed by the writer loop. */
  private readonly queue: Array<WalGroup | WalControl>;
  /** The queued group still accepting appends, or null once the loop took it or a control step followed it. */
  private openGroup: WalGroup | null;
  private running: boolean;
  private state: number;
  /** Set once on the first I/O failure; every later append rejects with it. */
  private failure: UnavailableError | null;
  private closePromise: Promise<void> | null;
  private timer: NodeJS.Timeout | null;
  /** One reusable group buffer, to avoid a fresh allocation per group. */
  private spare: Uint8Array | null;
  /** Test-only counters (read through walIoStats): write syscalls and record fsyncs/fdatasyncs. */
  private writeCount: number;
  private syncCount: number;

  private constructor(dir: string, opts: Required<WalOptions>, fh: FileHandle, seq: number, fileBytes: number) {
    this.dir = dir;
    this.syncMode = opts.sync;
    this.syncIntervalMs = opts.syncIntervalMs;
    this.maxFileBytes = opts.maxFileBytes;
    this.onTimer = () => this.timerFired();
    this.fh = fh;
    this.seq = seq;
    this.fileBytes = fileBytes;
    this.dirty = false;
    this.closedSeqs = [];
    this.closedSizes = [];
    this.closedBytes = 0;
    this.queue = [];
    this.openGroup = null;
    this.running = false;
    this.state = STATE_OPEN;
    this.failure = null;
    this.closePromise = null;
    this.timer = null;
    this.spare = null;
    this.writeCount = 0;
    this.syncCount = 0;
  }

  /**
   * Opens (creating if needed) the WAL in `dir`, replays every file in sequence order through `onRecord`, and
   * returns the WAL ready for appends plus a report of what replay found. `payload` passed to `onRecord` aliases a
   * read buffer valid only during the call; `position` names the file and record offset. Damage never throws:
   * a torn tail of the last file is cut, other damage stops replay of its file (docs/format/wal.md#recovery).
   * Throws InvalidError `STORAGE_WAL_OPTIONS` for bad options, CorruptError `STORAGE_WAL_VERSION` for a file of
   * another format version, UnavailableError `STORAGE_WAL_OPEN` when the file system fails, and rethrows what
   * `onRecord` throws (files opened so far are closed first).
   */
  static async open(
    dir: string,
    options: WalOptions,
    onRecord: WalRecordCallback,
  ): Promise<{ wal: Wal; report: WalReplayReport }> {
    const opts = resolveOptions(options);
    const seqs = await fsStep(`list wal directory ${dir}`, async () => {
      await ensureWalDir(dir);
      return listWalSeqs(dir);
    });
    const report: WalReplayReport = { records: 0, files: 0, damage: [] };
    const sizes: number[] = [];
    let last: WalFileScan | null = null;
    for (let i = 0; i < seqs.length; i++) {
      const seq = seqs[i];
      const name = walFileName(seq);
      if (i > 0 && seq !== seqs[i - 1] + 1) report.damage.push(gapDamage(seqs[i - 1], seq));
      const scan = await scanWalFile(path.join(dir, name), name, seq, onRecord);
      report.files++;
      report.records += scan.records;
      sizes.push(scan.sizeBytes);
      const isLast = i === seqs.length - 1;
      if (scan.reason !== "") {
        report.damage.push({ file: name, offset: scan.validEnd, reason: scan.reason, truncated: isLast && scan.tail });
      }
      if (isLast) last = scan;
    }
    const wal = await Wal.openTail(dir, opts, seqs, last);
    const keep = last !== null && wal.seq === seqs[seqs.length - 1] ? seqs.length - 1 : seqs.length;
    for (let i = 0; i < keep; i++) {
      wal.closedSeqs.push(seqs[i]);
      wal.closedSizes.push(sizes[i]);
      wal.closedBytes += sizes[i];
    }
    return { wal, report };
  }

  /** Picks the file to append to: the last file (cut to its valid prefix) or, after mid-file damage, a new one. */
  private static async openTail(
    dir: string,
    opts: Required<WalOptions>,
    seqs: number[],
    last: WalFileScan | null,
  ): Promise<Wal> {
    return fsStep(`open wal file for appending in ${dir}`, async () => {
      if (last === null) return new Wal(dir, opts, await createWalFile(dir, 1), 1, WAL_HEADER_BYTES);
      const seq = seqs[seqs.length - 1];
      if (last.reason === "" || last.tail) {
        const fh = await reopenWalFile(dir, seq, last.validEnd, last.sizeBytes, !last.headerOk);
        return new Wal(dir, opts, fh, seq, last.headerOk ? last.validEnd : WAL_HEADER_BYTES);
      }
      // Damage with data after it stays on disk untouched for inspection; appends go to a fresh file so the next
      // replay reaches them.
      return new Wal(dir, opts, await createWalFile(dir, seq + 1), seq + 1, WAL_HEADER_BYTES);
    });
  }

  /** Sequence number of the file appends currently go to. Changes when a queued rotation runs. */
  get currentSeq(): number {
    return this.seq;
  }

  /** Total bytes of the WAL files on disk (written bytes; appends still queued are not counted). */
  sizeBytes(): number {
    return this.closedBytes + this.fileBytes;
  }

  /**
   * Appends one record of `type` (integer 1..255) with `payload`, which is copied before this returns, so the
   * caller may reuse its buffer at once. Records land in call order. The promise, shared by every append of the
   * same commit group, resolves after one write syscall for the group and, in `"always"` mode, its fdatasync.
   * Rejects with InvalidError `STORAGE_WAL_BAD_TYPE`, LimitError `STORAGE_WAL_RECORD_TOO_LARGE` (payload over
   * 128 MiB), UnavailableError `STORAGE_WAL_CLOSED` after close, and UnavailableError `STORAGE_WAL_WRITE` when
   * the write or sync failed (then and for every later append: the WAL stays failed). Callers must handle the
   * promise: a failed group rejects it for every caller.
   */
  append(type: number, payload: Uint8Array): Promise<void> {
    if (this.state !== STATE_OPEN) return Promise.reject(this.unavailable());
    if (!Number.isInteger(type) || type < 1 || type > 255) {
      return Promise.reject(new InvalidError("STORAGE_WAL_BAD_TYPE", `wal record type ${type} is outside 1..255`));
    }
    if (payload.length > WAL_MAX_PAYLOAD_BYTES) {
      return Promise.reject(
        new LimitError(
          "STORAGE_WAL_RECORD_TOO_LARGE",
          `wal record of ${payload.length} bytes exceeds limit ${WAL_MAX_PAYLOAD_BYTES}`,
        ),
      );
    }
    let group = this.openGroup;
    if (group === null) {
      group = new WalGroup(this.takeBuffer());
      this.openGroup = group;
      this.queue.push(group);
      this.kick();
    }
    group.add(type, payload);
    return group.promise;
  }

  /**
   * Finishes the current file after every append queued before this call (written and fsynced), then starts the
   * next file; appends made after this call go to the new file. Resolves with the sequence of the closed file.
   * Rejects with UnavailableError `STORAGE_WAL_CLOSED` after close, or `STORAGE_WAL_WRITE` on I/O failure (the
   * WAL then fails).
   */
  rotate(): Promise<number> {
    if (this.state !== STATE_OPEN) return Promise.reject(this.unavailable());
    return this.enqueue(WAL_STEP_ROTATE, 0, false);
  }

  /**
   * Deletes every file with sequence ≤ `seq`, oldest first, then fsyncs the directory. Runs after the steps queued
   * before it. Rejects with InvalidError `STORAGE_WAL_BAD_SEQ` for a negative or fractional `seq`,
   * InvalidError `STORAGE_WAL_REMOVE_CURRENT` when `seq` reaches the file being appended to, UnavailableError
   * `STORAGE_WAL_REMOVE` when deleting fails (the WAL stays usable), or `STORAGE_WAL_CLOSED`.
   */
  async removeUpTo(seq: number): Promise<void> {
    if (this.state !== STATE_OPEN) throw this.unavailable();
    if (!Number.isInteger(seq) || seq < 0) {
      throw new InvalidError("STORAGE_WAL_BAD_SEQ", `wal sequence ${seq} is not a non-negative integer`);
    }
    await this.enqueue(WAL_STEP_REMOVE, seq, false);
  }

  /**
   * Writes and fsyncs every queued append, closes the file and stops the interval timer. Idempotent: later calls
   * return the same promise. After a failure it only releases the file. Rejects with UnavailableError
   * `STORAGE_WAL_CLOSE` when the final fsync or close fails.
   */
  close(): Promise<void> {
    if (this.closePromise !== null) return this.closePromise;
    if (this.state === STATE_OPEN) this.state = STATE_CLOSING;
    this.closePromise = this.enqueue(WAL_STEP_CLOSE, 0, false).then(() => undefined);
    return this.closePromise;
  }

  private enqueue(step: number, arg: number, detached: boolean): Promise<number> {
    const op = new WalControl(step, arg, detached);
    this.queue.push(op);
    this.openGroup = null;
    this.kick();
    return op.promise;
  }

  private unavailable(): UnavailableError {
    return this.failure ?? new UnavailableError("STORAGE_WAL_CLOSED", `wal in ${this.dir} is closed`);
  }

  private kick(): void {
    if (this.running) return;
    this.running = true;
    void this.run();
  }

  /** The writer loop: the only code that writes, syncs, rotates or closes files. Never rejects. */
  private async run(): Promise<void> {
    // One microtask of delay lets appends made in the same tick join the first group.
    await Promise.resolve();
    while (this.queue.length > 0) {
      const op = this.queue.shift()!;
      if (op === this.openGroup) this.openGroup = null;
      if (this.failure !== null) {
        await this.settleFailed(op);
        continue;
      }
      try {
        if (op instanceof WalGroup) await this.commit(op);
        else await this.control(op);
      } catch (err) {
        this.fail(err);
        if (op instanceof WalGroup) op.reject(this.failure!);
        else if (op.step === WAL_STEP_CLOSE) await this.settleFailed(op);
        else op.reject(this.failure!);
      }
    }
    this.running = false;
  }

  private async commit(group: WalGroup): Promise<void> {
    await this.writeRecords(group.buf, group.len);
    if (this.syncMode === "always") await this.syncData();
    else if (this.syncMode === "interval") this.armTimer();
    if (group.buf.length <= MAX_SPARE_BYTES) this.spare = group.buf;
    group.resolve();
  }

  /** Writes framed records `buf[0 .. len)`, starting a new file whenever the next record would pass the limit. */
  private async writeRecords(buf: Uint8Array, len: number): Promise<void> {
    let pos = 0;
    while (pos < len) {
      const room = this.maxFileBytes - this.fileBytes;
      const fileHasRecords = this.fileBytes > WAL_HEADER_BYTES;
      let end = pos;
      while (end < len) {
        const next = end + WAL_RECORD_HEADER_BYTES + getU32(buf, end);
        // An empty file takes at least one record, however large, so the loop always advances.
        if (next - pos > room && (end > pos || fileHasRecords)) break;
        end = next;
      }
      if (end === pos) {
        await this.rotateFile();
        continue;
      }
      await this.writeAll(buf, pos, end - pos);
      pos = end;
    }
  }

  private async writeAll(buf: Uint8Array, from: number, byteLength: number): Promise<void> {
    let done = 0;
    while (done < byteLength) {
      this.writeCount++;
      const { bytesWritten } = await this.fh.write(buf, from + done, byteLength - done, this.fileBytes);
      if (bytesWritten <= 0) throw new UnavailableError("STORAGE_WAL_WRITE", "wal write made no progress");
      done += bytesWritten;
      this.fileBytes += bytesWritten;
      this.dirty = true;
    }
  }

  private async syncData(): Promise<void> {
    this.syncCount++;
    await this.fh.datasync();
    this.dirty = false;
  }

  /** Fsyncs and closes the current file, then creates the next one (header and directory fsynced). */
  private async rotateFile(): Promise<number> {
    const closed = this.seq;
    this.syncCount++;
    await this.fh.sync();
    this.dirty = false;
    const next = await createWalFile(this.dir, closed + 1);
    const old = this.fh;
    this.fh = next;
    this.closedSeqs.push(closed);
    this.closedSizes.push(this.fileBytes);
    this.closedBytes += this.fileBytes;
    this.seq = closed + 1;
    this.fileBytes = WAL_HEADER_BYTES;
    await old.close();
    return closed;
  }

  private async control(op: WalControl): Promise<void> {
    switch (op.step) {
      case WAL_STEP_ROTATE:
        op.resolve(await this.rotateFile());
        return;
      case WAL_STEP_REMOVE:
        await this.removeFiles(op);
        return;
      case WAL_STEP_SYNC:
        if (this.dirty) await this.syncData();
        op.resolve(0);
        return;
      default:
        await this.closeFile(op);
    }
  }

  /** Deletes closed files up to `op.arg`; failures reject `op` alone, since appends are unaffected. */
  private async removeFiles(op: WalControl): Promise<void> {
    const upTo = op.arg;
    if (upTo >= this.seq) {
      const msg = `cannot remove wal files up to ${upTo}: file ${this.seq} is being appended to`;
      op.reject(new InvalidError("STORAGE_WAL_REMOVE_CURRENT", msg));
      return;
    }
    let removed = 0;
    try {
      while (this.closedSeqs.length > 0 && this.closedSeqs[0] <= upTo) {
        // force: a file already gone is the outcome we want.
        await rm(path.join(this.dir, walFileName(this.closedSeqs[0])), { force: true });
        this.closedSeqs.shift();
        this.closedBytes -= this.closedSizes.shift()!;
        removed++;
      }
      if (removed > 0) await syncWalDir(this.dir);
      op.resolve(0);
    } catch (err) {
      op.reject(new UnavailableError("STORAGE_WAL_REMOVE", `remove wal files up to ${upTo} failed`, { cause: err }));
    }
  }

  private async closeFile(op: WalControl): Promise<void> {
    this.clearTimer();
    this.state = STATE_CLOSED;
    try {
      try {
        if (this.dirty) {
          this.syncCount++;
          await this.fh.sync();
          this.dirty = false;
        }
      } finally {
        await this.fh.close();
      }
      op.resolve(0);
    } catch (err) {
      op.reject(
        new UnavailableError("STORAGE_WAL_CLOSE", `close wal file ${walFileName(this.seq)} failed`, { cause: err }),
      );
    }
  }

  /** After a failure: groups and steps reject with it; close still releases the file. */
  private async settleFailed(op: WalGroup | WalControl): Promise<void> {
    if (op instanceof WalGroup) {
      op.reject(this.failure!);
    } else if (op.step === WAL_STEP_CLOSE) {
      this.state = STATE_CLOSED;
      try {
        await this.fh.close();
        op.resolve(0);
      } catch (err) {
        op.reject(
          new UnavailableError("STORAGE_WAL_CLOSE", `close failed wal file ${walFileName(this.seq)}`, { cause: err }),
        );
      }
    } else {
      op.reject(this.failure!);
    }
  }

  private fail(err: unknown): void {
    if (this.failure !== null) return;
    const file = walFileName(this.seq);
    this.failure = new UnavailableError("STORAGE_WAL_WRITE", `append to wal file ${file} failed`, { cause: err });
    if (this.state === STATE_OPEN) this.state = STATE_FAILED;
    this.clearTimer();
  }

  private armTimer(): void {
    if (this.timer !== null || !this.dirty) return;
    this.timer = setTimeout(this.onTimer, this.syncIntervalMs);
    // The interval sync must not keep the process alive; "interval" durability ends at process exit by contract.
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer === null) return;
    clearTimeout(this.timer);
    this.timer = null;
  }

  private timerFired(): void {
    this.timer = null;
    if (this.state === STATE_OPEN && this.failure === null) void this.enqueue(WAL_STEP_SYNC, 0, true);
  }

  private takeBuffer(): Uint8Array {
    const buf = this.spare;
    if (buf === null) return new Uint8Array(WAL_GROUP_INITIAL_BYTES);
    this.spare = null;
    return buf;
  }
}

/**
 * Test-only view of a WAL's I/O counters: `writes` counts write syscalls for records, `syncs` counts
 * fdatasync/fsync calls that persist records (rotation, interval and close syncs included; header and directory
 * syncs at file creation excluded). Not exported from index.ts.
 */
export function walIoStats(wal: Wal): { writes: number; syncs: number } {
  return { writes: wal["writeCount"], syncs: wal["syncCount"] };
}

function resolveOptions(options: WalOptions): Required<WalOptions> {
  const sync = options.sync ?? "always";
  const syncIntervalMs = options.syncIntervalMs ?? DEFAULT_SYNC_INTERVAL_MS;
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (sync !== "always" && sync !== "interval" && sync !== "never") {
    throw new InvalidError("STORAGE_WAL_OPTIONS", `wal sync mode ${String(sync)} is not always, interval or never`);
  }
  if (!Number.isFinite(syncIntervalMs) || syncIntervalMs <= 0) {
    throw new InvalidError("STORAGE_WAL_OPTIONS", `wal syncIntervalMs ${syncIntervalMs} is not a positive number`);
  }
  if (!Number.isSafeInteger(maxFileBytes) || maxFileBytes < MIN_MAX_FILE_BYTES) {
    throw new InvalidError("STORAGE_WAL_OPTIONS", `wal maxFileBytes ${maxFileBytes} is not an integer ≥ 64`);
  }
  return { sync, syncIntervalMs, maxFileBytes };
}

function gapDamage(before: number, after: number): WalDamage {
  const reason = `missing wal files ${before + 1}..${after - 1} between ${walFileName(before)} and ${walFileName(after)}`;
  return { file: walFileName(before + 1), offset: 0, reason, truncated: false };
}

/** Runs file-system work of open, wrapping non-Strata failures as UnavailableError `STORAGE_WAL_OPEN`. */
async function fsStep<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isTsdbError(err)) throw err;
    throw new UnavailableError("STORAGE_WAL_OPEN", `${what} failed`, { cause: err });
  }
}
