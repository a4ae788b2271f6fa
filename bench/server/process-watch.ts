// Observes a benchmarked server from outside: peak resident memory sampled from /proc/<pid>/status, and the bytes
// its data directory holds once background flushes and compactions have stopped changing it.
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as path from "node:path";

const KIB = 1024;

/** Samples VmRSS of `pid` every `intervalMs` until stop(); `peakBytes` is the highest sample (0 if unreadable). */
export class RssSampler {
  /** Highest VmRSS seen so far, in bytes; updated by the timer. */
  peakBytes = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    intervalMs = 100,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  /** Takes a last sample and stops the timer; returns the peak in bytes. */
  stop(): number {
    this.sample();
    clearInterval(this.timer);
    return this.peakBytes;
  }

  private sample(): void {
    const rss = rssBytes(this.pid);
    if (rss > this.peakBytes) this.peakBytes = rss;
  }
}

/** VmRSS of `pid` in bytes, or 0 when the process is gone or /proc is not available. */
function rssBytes(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
    return match === null ? 0 : Number(match[1]) * KIB;
  } catch {
    // The process exited between samples: no reading this time.
    return 0;
  }
}

/** Bytes under a directory: `apparent` sums file sizes (what bytes/value uses), `allocated` sums st_blocks × 512 (du). */
export interface DiskUsage {
  apparent: number;
  allocated: number;
  files: number;
}

/** Walks `dir` (files that vanish mid-walk, as during a compaction, are skipped). */
async function diskUsage(dir: string): Promise<DiskUsage> {
  const usage: DiskUsage = { apparent: 0, allocated: 0, files: 0 };
  for (const entry of await fsp.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    try {
      const st = await fsp.stat(path.join(entry.parentPath, entry.name));
      usage.apparent += st.size;
      usage.allocated += st.blocks * 512;
      usage.files++;
    } catch {
      // Removed by a compaction between readdir and stat: it no longer counts.
    }
  }
  return usage;
}

/**
 * Polls diskUsage(dir) every `pollMs` until its sizes and file count have not changed for `stableFor` polls in a row
 * (background flushes and merges have settled) or `timeoutMs` passed; returns the last reading and the wait.
 */
export async function settledDiskUsage(
  dir: string,
  options: { pollMs?: number; stableFor?: number; timeoutMs?: number } = {},
): Promise<{ usage: DiskUsage; waitedSeconds: number; settled: boolean }> {
  const pollMs = options.pollMs ?? 1_000;
  const stableFor = options.stableFor ?? 10;
  const deadline = performance.now() + (options.timeoutMs ?? 120_000);
  const start = performance.now();
  let last = await diskUsage(dir);
  let stable = 0;
  while (stable < stableFor && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    const now = await diskUsage(dir);
    stable =
      now.apparent === last.apparent && now.allocated === last.allocated && now.files === last.files ? stable + 1 : 0;
    last = now;
  }
  return { usage: last, waitedSeconds: (performance.now() - start) / 1000, settled: stable >= stableFor };
}
