// Starts a real Strata server on 127.0.0.1 port 0 over a temporary data directory, for the server tests.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pino } from "pino";
import { DEFAULT_CONFIG, StrataServer } from "../../src/server/index.ts";
import type { ServerConfig } from "../../src/server/index.ts";

/** A running test server; `close()` stops it and deletes its directory (unless `keep`). */
export interface TestServer {
  server: StrataServer;
  url: string;
  /** Temporary root; the data directory is `dataDir`. */
  tmp: string;
  dataDir: string;
  close(options?: { keep?: boolean }): Promise<void>;
}

/** Opens a server with test defaults (silent logs, free port) and `overrides`. */
export async function startServer(overrides: Partial<ServerConfig> = {}, tmpDir?: string): Promise<TestServer> {
  const tmp = tmpDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
  const dataDir = path.join(tmp, "data");
  const config: ServerConfig = { ...DEFAULT_CONFIG, listen: "127.0.0.1:0", dataDir, logLevel: "silent", ...overrides };
  const server = await StrataServer.open(config, { logger: pino({ level: "silent" }) });
  return {
    server,
    url: server.url,
    tmp,
    dataDir,
    async close(options = {}) {
      await server.close();
      if (options.keep !== true) fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** POSTs `body` to `url` and returns status and parsed JSON body (or null for an empty one). */
export async function post(
  url: string,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(url, { method: "POST", body, headers });
  const text = await res.text();
  return { status: res.status, body: text === "" ? null : JSON.parse(text), headers: res.headers };
}
