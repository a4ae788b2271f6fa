// A lock file so two processes never open one data directory (LMDB would allow it; the WAL would not).
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import { UnavailableError } from "../base/index.ts";

const LOCK_FILE = "LOCK";

/** Takes the lock, replacing one left by a dead process (e.g. after kill -9). */
export async function acquireDirLock(dir: string): Promise<void> {
  const file = path.join(dir, LOCK_FILE);
  const held = await fsp.readFile(file, "utf8").catch(() => "");
  const pid = Number(held.trim());
  if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
    throw new UnavailableError("STORAGE_DIR_LOCKED", `data directory ${dir} is in use by process ${pid}`);
  }
  await fsp.writeFile(file, `${process.pid}\n`);
}

export async function releaseDirLock(dir: string): Promise<void> {
  await fsp.rm(path.join(dir, LOCK_FILE), { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means it exists but belongs to someone else: still alive.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
