// Starts `strata serve` from this checkout's sources as a child process on a loopback port and stops it by PID.
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { makeTempDir, startOnFreePort, startPeer } from "./peer-process.ts";
import type { Peer } from "./peer-process.ts";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** The CLI entry run through tsx, rather than bin/strata.js, which prefers a possibly stale dist/ build. */
const CLI_MAIN = path.join(REPO, "src", "cli", "main.ts");

/** Options for {@link startStrata}. */
export interface StrataOptions {
  /** Data directory kept by stop() (the caller owns it); default: a temp dir that stop() removes. */
  dataDir?: string;
  /** Extra `strata serve` flags, e.g. `["--sync", "never"]`. */
  args?: string[];
  /** Port to listen on (e.g. the previous one, on restart); default: a free one. */
  port?: number;
  /** Extra environment variables. */
  env?: Record<string, string>;
  startTimeoutMs?: number;
}

let serveAvailable: boolean | undefined;

/** Whether this checkout's CLI has a `strata serve` command (`strata serve --help` exits 0); cached. */
export function strataServerAvailable(): boolean {
  serveAvailable ??=
    spawnSync(process.execPath, ["--import", "tsx", CLI_MAIN, "serve", "--help"], {
      cwd: REPO,
      stdio: "ignore",
      timeout: 30_000,
    }).status === 0;
  return serveAvailable;
}

/**
 * Spawns `node --import tsx src/cli/main.ts serve --data-dir DIR --listen 127.0.0.1:PORT ...args` with the
 * repository as cwd; resolves when `GET /health` answers 200 (startup includes WAL replay, hence the 60 s default).
 */
export function startStrata(options: StrataOptions = {}): Promise<Peer> {
  const start = (port: number): Promise<Peer> => {
    const owned = options.dataDir === undefined ? makeTempDir("server") : undefined;
    const dataDir = options.dataDir ?? path.join(owned!, "data");
    return startPeer({
      name: "strata",
      command: process.execPath,
      args: [
        "--import",
        "tsx",
        CLI_MAIN,
        "serve",
        "--data-dir",
        dataDir,
        "--listen",
        `127.0.0.1:${port}`,
        // Requests are not logged at warn; a test asks for more with its own --log-level.
        ...(options.args?.includes("--log-level") === true ? [] : ["--log-level", "warn"]),
        ...(options.args ?? []),
      ],
      cwd: REPO,
      env: { ...process.env, ...options.env },
      port,
      dataDir,
      healthPath: "/health",
      healthStatus: 200,
      ownedDirs: owned === undefined ? [] : [owned],
      startTimeoutMs: options.startTimeoutMs ?? 60_000,
    });
  };
  return options.port === undefined ? startOnFreePort(start) : start(options.port);
}
