// Real kill -9 tests of the embedded engine: a child writes the crash workload with sync "always", the parent kills it
// at a seeded random moment (often mid-flush), reopens the directory and checks every acknowledged write and delete.
// Rounds accumulate state in one directory, so recovery after recovery is exercised. STRATA_SOAK=1: 200 rounds.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { Strata } from "../../src/index.ts";
import { CRASH_DB, CRASH_ENGINE_OPTIONS, OPS_PER_ROUND, Rng, mixSeed } from "./crash-workload.ts";
import { checkRun, parseWriterLog, readState } from "./crash-model.ts";
import type { ModelState } from "./crash-model.ts";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, "../..");
const WRITER = path.join(HERE, "kill-writer.ts");

const SOAK = process.env.STRATA_SOAK === "1";
const ROUNDS = Number(process.env.STRATA_CRASH_ROUNDS ?? (SOAK ? 200 : 20));
/** Without compaction segments pile up; a long soak starts a fresh directory now and then. */
const ROUNDS_PER_DIR = 50;
const SEED =
  process.env.STRATA_CRASH_SEED !== undefined
    ? Number(process.env.STRATA_CRASH_SEED)
    : (Date.now() ^ (process.pid << 8)) >>> 0;

const children = new Set<ChildProcess>();
const dirs: string[] = [];
let failed = false;
after(() => {
  for (const child of children) child.kill("SIGKILL");
  for (const dir of dirs) {
    if (failed && process.env.STRATA_CRASH_KEEP === "1") console.error(`kept data directory ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * When to kill: a random time after spawn (startup, often during open and WAL replay) or after the writer is open
 * (timer); or, after a random delay, at the next flush step seen in the segments directory: its first temp file
 * (flush-start), a temp file once some of its segments are renamed into place (flush-mid: a half-done flush), or a
 * new segment with no temp file (flush-end: between partitions, or before the WAL is truncated). The workload's
 * partitions lie in the past, so background compaction merges them after flushes: merge-mid kills while a merge's
 * output (`<low>-<high>.seg.tmp`) is being written, merge-end as soon as a new merge output is renamed into place
 * (often before its inputs are deleted).
 */
type KillMode = "startup" | "timer" | "flush-start" | "flush-mid" | "flush-end" | "merge-mid" | "merge-end";

interface RoundPlan {
  mode: KillMode;
  /** ms after spawn (startup) or after the writer is open (others) before killing or starting to watch. */
  delayMs: number;
}

function planRound(round: number): RoundPlan {
  const rng = new Rng(mixSeed(SEED, 0x7f000000 + round));
  const pick = rng.float();
  if (pick < 0.1) return { mode: "startup", delayMs: 150 + rng.int(750) };
  if (pick < 0.25) return { mode: "flush-start", delayMs: 50 + rng.int(650) };
  if (pick < 0.4) return { mode: "flush-mid", delayMs: 50 + rng.int(650) };
  if (pick < 0.55) return { mode: "flush-end", delayMs: 50 + rng.int(650) };
  if (pick < 0.65) return { mode: "merge-mid", delayMs: 50 + rng.int(650) };
  if (pick < 0.75) return { mode: "merge-end", delayMs: 50 + rng.int(650) };
  return { mode: "timer", delayMs: 50 + rng.int(1450) };
}

interface RoundOutcome {
  lines: string[];
  stderr: string;
  /** How the child ended: "SIGKILL" when we killed it. */
  ended: string;
  killedDuringFlush: boolean;
}

/** Spawns the writer and kills it per `plan`; resolves with its output once it is dead. */
function runWriter(dir: string, round: number, plan: RoundPlan): Promise<RoundOutcome> {
  const child = spawn(process.execPath, ["--import", "tsx", WRITER, dir, String(SEED), String(round * OPS_PER_ROUND)], {
    cwd: REPO,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  const segmentsDir = path.join(dir, "data", CRASH_DB, "segments");
  const lines: string[] = [];
  let partial = "";
  let stderr = "";
  let killedDuringFlush = false;
  const timers: NodeJS.Timeout[] = [];
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  const watchFlush = (mode: KillMode): void => {
    const segCount = (names: string[]): number => names.filter((n) => n.endsWith(".seg")).length;
    const isMerge = (n: string): boolean => n.includes("-");
    let baseline = -1;
    let mergedBefore: Set<string> | null = null;
    const poll = setInterval(() => {
      let names: string[];
      try {
        names = fs.readdirSync(segmentsDir);
      } catch {
        return;
      }
      if (baseline < 0) baseline = segCount(names);
      mergedBefore ??= new Set(names.filter((n) => isMerge(n) && n.endsWith(".seg")));
      const temp = names.some((n) => n.endsWith(".tmp"));
      const renamed = segCount(names) > baseline;
      let hit: boolean;
      if (mode === "merge-mid") hit = names.some((n) => isMerge(n) && n.endsWith(".tmp"));
      else if (mode === "merge-end") hit = names.some((n) => isMerge(n) && n.endsWith(".seg") && !mergedBefore!.has(n));
      else hit = mode === "flush-start" ? temp : mode === "flush-mid" ? temp && renamed : renamed && !temp;
      if (hit) {
        killedDuringFlush = true;
        kill();
      }
    }, 1);
    timers.push(poll);
    timers.push(setTimeout(kill, 1500)); // no flush seen: kill anyway
  };
  const onReady = (): void => {
    if (plan.mode === "timer") timers.push(setTimeout(kill, plan.delayMs));
    else if (plan.mode !== "startup") timers.push(setTimeout(() => watchFlush(plan.mode), plan.delayMs));
  };
  if (plan.mode === "startup") timers.push(setTimeout(kill, plan.delayMs));
  timers.push(setTimeout(kill, 20_000)); // a writer that never becomes ready must not hang the test
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => {
    const parts = (partial + chunk).split("\n");
    partial = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      if (line === "r") onReady();
    }
  });
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      for (const t of timers) clearTimeout(t);
      children.delete(child);
      if (partial !== "") lines.push(partial); // a line cut by the kill is reported by the log parser
      resolve({ lines, stderr, ended: signal ?? `exit code ${code}`, killedDuringFlush });
    });
  });
}

/**
 * Damage a kill -9 may leave: only the torn tail of the last WAL or tombstone-log file, which open cut (so the file
 * now ends at the reported offset, or holds a fresh 16-byte header when the header itself was torn).
 */
function unexpectedDamage(dir: string, damage: Awaited<ReturnType<Strata["engine"]["damage"]>>): string[] {
  const out: string[] = [];
  for (const d of damage) {
    const name = path.basename(d.file);
    const torn = ["wal", "tombstones"].some((sub) => {
      const logDir = path.join(dir, "data", encodeURIComponent(d.database), sub);
      const names = fs.existsSync(logDir)
        ? fs
            .readdirSync(logDir)
            .filter((n) => /^\d{8,}\.wal$/.test(n))
            .sort()
        : [];
      if (!/^\d{8,}\.wal$/.test(name) || names[names.length - 1] !== name) return false;
      const size = fs.statSync(path.join(logDir, name)).size;
      return size === d.offset || (d.offset === 0 && size === 16);
    });
    if (!torn) out.push(`${d.database}: ${d.file} at ${d.offset}: ${d.reason}`);
  }
  return out;
}

describe("kill -9 recovery", () => {
  it(`keeps acknowledged writes and deletes across ${ROUNDS} kill -9 rounds`, async (t) => {
    t.diagnostic(`seed ${SEED} (rerun with STRATA_CRASH_SEED=${SEED}; STRATA_CRASH_KEEP=1 keeps a failed directory)`);
    const started = performance.now();
    const totals = {
      issued: 0,
      acked: 0,
      inFlight: 0,
      deletesAcked: 0,
      flushKills: 0,
      tornTails: 0,
      modes: {} as Record<string, number>,
    };
    let dir = "";
    let base: ModelState = new Map();
    for (let round = 1; round <= ROUNDS; round++) {
      if ((round - 1) % ROUNDS_PER_DIR === 0) {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
        dirs.push(dir);
        base = new Map();
      }
      const plan = planRound(round);
      const context = `seed ${SEED} (rerun with STRATA_CRASH_SEED=${SEED}), round ${round}, kill mode ${plan.mode} after ${plan.delayMs} ms, dir ${dir}`;
      const outcome = await runWriter(dir, round, plan);
      const log = parseWriterLog(outcome.lines, SEED);
      try {
        assert.equal(outcome.ended, "SIGKILL", `writer ended by itself (${context}):\n${outcome.stderr}`);
        assert.deepEqual(log.failures, [], `writer reported failures (${context}):\n${outcome.stderr}`);

        let db: Strata;
        try {
          db = await Strata.open(dir, CRASH_ENGINE_OPTIONS);
        } catch (error) {
          assert.fail(`reopen after kill -9 threw (${context}): ${String((error as Error).stack ?? error)}`);
        }
        try {
          const damage = await db.engine.damage();
          assert.deepEqual(unexpectedDamage(dir, damage), [], `damage beyond a torn wal tail (${context})`);
          totals.tornTails += damage.length;
          const { state, problems } = await readState(db);
          assert.deepEqual(problems, [], `data that was never written (${context})`);
          const { violations, count } = checkRun(base, log.ops, state);
          assert.equal(
            count,
            0,
            `${count} keys hold a value no acknowledged history allows (${context}):\n${violations.join("\n")}`,
          );
          base = state;
        } finally {
          await db.close();
        }
      } catch (error) {
        failed = true;
        throw error;
      }
      const acked = log.ops.filter((o) => o.ackPos !== Infinity);
      totals.issued += log.ops.length;
      totals.acked += acked.length;
      totals.inFlight += log.ops.length - acked.length;
      totals.deletesAcked += acked.filter((o) => o.op.kind === "delete").length;
      totals.flushKills += outcome.killedDuringFlush ? 1 : 0;
      totals.modes[plan.mode] = (totals.modes[plan.mode] ?? 0) + 1;
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    t.diagnostic(`seed ${SEED}: ${ROUNDS} rounds in ${seconds} s; ${JSON.stringify(totals)}`);
  });
});
