// Starts one peer process (a real database, Prometheus or Strata itself) on loopback, waits until its health URL
// answers, and stops it by PID (SIGTERM, then SIGKILL). Knows nothing about any particular peer's flags.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

/** A running peer. `url` is `http://127.0.0.1:<port>` (no trailing slash). */
export interface Peer {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** The peer's data directory (inside `dir` for peers the harness made, else the caller's). */
  readonly dataDir: string;
  /** SIGTERM, SIGKILL after `graceMs` (default 10 s); resolves once the process has exited and owned dirs are gone. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL now; resolves once the process has exited. Removes nothing (the caller restarts on the same data). */
  kill(): Promise<void>;
  /** The last ~64 KiB of the process's stdout and stderr, for failure messages. */
  output(): string;
  /** Whether the process has exited (by itself or by stop/kill). */
  exited(): boolean;
}

/** What to spawn and how to tell that it is ready. */
export interface PeerSpec {
  name: string;
  command: string;
  args: string[];
  port: number;
  dataDir: string;
  /** Path polled with GET until it answers `healthStatus` (e.g. "/ping"). */
  healthPath: string;
  /** Status that means ready (default: any 2xx). */
  healthStatus?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Directories removed by stop() (and by the exit hook), e.g. the temp dir holding config and data. */
  ownedDirs?: string[];
  /** How long to wait for health before failing (default 30 s). */
  startTimeoutMs?: number;
}

const OUTPUT_KEEP_CHARS = 64 * 1024;
const HEALTH_POLL_MS = 50;

// Every live child, killed synchronously when the test process exits without stopping it (a failed assertion
// before `after`, an uncaught error) or is told to stop (the test runner's SIGTERM, Ctrl-C, a closed terminal):
// no peer outlives the run. A SIGKILL of the test process itself is the one case this cannot cover.
const live = new Map<number, { child: ChildProcess; dirs: string[] }>();
function killAllLive(): void {
  for (const [pid, { dirs }] of live) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone: nothing to clean up for this pid.
    }
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  }
  live.clear();
}
process.on("exit", killAllLive);
const EXIT_SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;
for (const [signal, number] of Object.entries(EXIT_SIGNALS)) {
  // Installing a listener replaces Node's default "exit on signal", so exit as the default would (128 + n).
  process.once(signal, () => {
    killAllLive();
    process.exit(128 + number);
  });
}

/** A fresh temp dir `strata-<prefix>-XXXXXX` under the OS temp dir. */
export function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `strata-${prefix}-`));
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released). Another process could take
 * it before the peer binds; startPeer() reports that as an early exit and the start helpers retry.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("no port from listen(0)"))));
    });
  });
}

/** Spawns `spec`, resolves once `healthPath` answers; rejects (after killing it) on early exit or timeout. */
export async function startPeer(spec: PeerSpec): Promise<Peer> {
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const keep = (chunk: Buffer): void => {
    out += chunk.toString("utf8");
    if (out.length > 2 * OUTPUT_KEEP_CHARS) out = out.slice(-OUTPUT_KEEP_CHARS);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  // A holder rather than a `let`: the exit callback sets it, which control-flow narrowing cannot see.
  const state: { exit: string | null } = { exit: null };
  const exitedPromise = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      state.exit = signal ?? `code ${code}`;
      if (child.pid !== undefined) live.delete(child.pid);
      resolve();
    });
  });
  const spawnError = new Promise<Error>((resolve) => child.once("error", resolve));
  const pid = child.pid;
  const dirs = spec.ownedDirs ?? [];
  if (pid === undefined) {
    const err = await spawnError;
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`${spec.name}: spawn ${spec.command} failed: ${err.message}`);
  }
  live.set(pid, { child, dirs });
  const url = `http://127.0.0.1:${spec.port}`;
  const removeDirs = (): void => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  };
  const signalAndWait = async (signal: NodeJS.Signals, graceMs: number): Promise<void> => {
    if (state.exit !== null) return;
    signalPid(pid, signal);
    if (signal === "SIGKILL") return exitedPromise;
    const timer = setTimeout(() => {
      if (state.exit === null) signalPid(pid, "SIGKILL");
    }, graceMs);
    await exitedPromise;
    clearTimeout(timer);
  };
  const peer: Peer = {
    name: spec.name,
    url,
    port: spec.port,
    pid,
    dataDir: spec.dataDir,
    async stop(graceMs = 10_000) {
      await signalAndWait("SIGTERM", graceMs);
      removeDirs();
    },
    kill: () => signalAndWait("SIGKILL", 0),
    output: () => out.slice(-OUTPUT_KEEP_CHARS),
    exited: () => state.exit !== null,
  };
  const deadline = Date.now() + (spec.startTimeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (state.exit !== null) {
      removeDirs();
      throw new PeerStartError(`${spec.name} exited (${state.exit}) before it was ready:\n${peer.output()}`);
    }
    if (await healthy(url + spec.healthPath, spec.healthStatus)) return peer;
    await sleep(HEALTH_POLL_MS);
  }
  await peer.stop(2_000);
  throw new PeerStartError(
    `${spec.name} not ready at ${url}${spec.healthPath} after ${spec.startTimeoutMs ?? 30_000} ms:\n${out}`,
  );
}

/** A peer that exited or never became healthy (start helpers retry with a new port once). */
class PeerStartError extends Error {
  override name = "PeerStartError";
}

/** Runs `start` with a new free port, retrying once if the peer exits early (the port may have been taken). */
export async function startOnFreePort<T>(start: (port: number) => Promise<T>): Promise<T> {
  try {
    return await start(await freePort());
  } catch (err) {
    if (!(err instanceof PeerStartError)) throw err;
    return start(await freePort());
  }
}

async function healthy(url: string, status: number | undefined): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return status === undefined ? res.ok : res.status === status;
  } catch {
    // Not listening yet (ECONNREFUSED) or slow to answer: poll again.
    return false;
  }
}

// kill(2) that tolerates a process which exited since we last looked (its exit event is still queued).
function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The absolute path of `name` on PATH, or undefined when it is not installed. */
export function findBinary(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir === "") continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // Not in this PATH entry: keep looking.
    }
  }
  return undefined;
}

/**
 * A node:test `skip` value: false when every binary is on PATH, else a message naming the missing ones and the
 * Debian packages that provide them (`.ci/run` installs them).
 */
export function skipUnlessInstalled(binaries: string[]): false | string {
  const missing = binaries.filter((b) => findBinary(b) === undefined);
  if (missing.length === 0) return false;
  const packages = missing.map((b) => DEBIAN_PACKAGE[b] ?? b);
  return `needs ${missing.join(", ")} (apt-get install ${[...new Set(packages)].join(" ")})`;
}

const DEBIAN_PACKAGE: Record<string, string> = {
  influxd: "influxdb",
  influx: "influxdb-client",
  prometheus: "prometheus",
  "victoria-metrics": "victoria-metrics",
};
