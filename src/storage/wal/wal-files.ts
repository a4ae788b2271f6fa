// File-system steps of the WAL directory: listing WAL files, creating a file with its header, fsyncing the
// directory. Knows file names and headers, not records or queues.
import { mkdir, open, readdir } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import * as path from "node:path";
import { UnavailableError } from "../../base/index.ts";
import { WAL_HEADER_BYTES, encodeWalHeader, parseWalFileName, walFileName } from "./wal-format.ts";

/** Creates `dir` and missing parents, fsyncing the parent of each directory it made. Throws Node errors. */
export async function ensureWalDir(dir: string): Promise<void> {
  const created = await mkdir(dir, { recursive: true });
  if (created === undefined) return;
  const first = path.resolve(created);
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    await syncWalDir(path.dirname(d));
    if (d === first || d === path.dirname(d)) break;
  }
}

/** Sequence numbers of the WAL files in `dir`, ascending; other names are ignored. Throws Node errors. */
export async function listWalSeqs(dir: string): Promise<number[]> {
  const seqs: number[] = [];
  for (const name of await readdir(dir)) {
    const seq = parseWalFileName(name);
    if (seq > 0) seqs.push(seq);
  }
  return seqs.sort((a, b) => a - b);
}

/** Fsyncs directory `dir` so created, renamed or deleted entries survive a crash. Throws Node errors. */
export async function syncWalDir(dir: string): Promise<void> {
  const fh = await open(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Creates WAL file `seq` in `dir` (failing if it exists), writes its header, fsyncs the file and the directory,
 * and returns the handle open for writing at offset 16. The caller owns and must close the handle.
 */
export async function createWalFile(dir: string, seq: number): Promise<FileHandle> {
  const fh = await open(path.join(dir, walFileName(seq)), "wx");
  try {
    await writeHeader(fh, seq);
  } catch (err) {
    await fh.close();
    throw err;
  }
  await syncWalDir(dir);
  return fh;
}

/**
 * Opens existing WAL file `seq` for appending at `validEnd`: cuts anything past `validEnd` (a torn tail) and, when
 * `rewriteHeader`, replaces the whole file with a fresh header (a file torn during creation). Fsyncs what it
 * changed. Returns the handle; the caller owns it. Throws Node errors.
 */
export async function reopenWalFile(
  dir: string,
  seq: number,
  validEnd: number,
  sizeBytes: number,
  rewriteHeader: boolean,
): Promise<FileHandle> {
  const fh = await open(path.join(dir, walFileName(seq)), "r+");
  try {
    if (rewriteHeader) {
      await fh.truncate(0);
      await writeHeader(fh, seq);
    } else if (validEnd < sizeBytes) {
      await fh.truncate(validEnd);
      await fh.sync();
    }
  } catch (err) {
    await fh.close();
    throw err;
  }
  return fh;
}

async function writeHeader(fh: FileHandle, seq: number): Promise<void> {
  const header = encodeWalHeader(seq);
  const { bytesWritten } = await fh.write(header, 0, WAL_HEADER_BYTES, 0);
  if (bytesWritten !== WAL_HEADER_BYTES) {
    throw new UnavailableError(
      "STORAGE_WAL_WRITE",
      `short wal header write: ${bytesWritten} of ${WAL_HEADER_BYTES} bytes`,
    );
  }
  await fh.sync();
}
