import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { StorageEngine } from "../../src/storage/index.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const MAIN = path.join(ROOT, "src/cli/main.ts");

interface Served {
  child: ChildProcess;
  url: string;
  logs: string[];
  exited: Promise<number | null>;
  stderr: () => string;
}

/** Spawns `strata serve` on a free port and resolves once its "ready" log line appears (or it exits). */
function serve(args: string[], env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, "serve", "--listen", "127.0.0.1:0", ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
  });
  const logs: string[] = [];
  let err = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => {
    let url = "";
    let buffered = "";
    child.stdout!.on("data", (d: Buffer) => {
      buffered += d.toString();
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        logs.push(line);
        const entry = JSON.parse(line) as { msg: string; url?: string };
        if (entry.msg === "listening") url = entry.url!;
        if (entry.msg === "ready") resolve({ child, url, logs, exited, stderr: () => err });
      }
    });
    void exited.then(() => resolve({ child, url, logs, exited, stderr: () => err }));
  });
}

describe("strata serve process", () => {
  let tmp = "";
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("flushes on SIGTERM, exits 0, and keeps acknowledged writes across a restart", async () => {
    const dataDir = path.join(tmp, "sigterm");
    const first = await serve(["--data-dir", dataDir]);
    try {
      const res = await fetch(`${first.url}/write?db=s&precision=s`, {
        method: "POST",
        body: "cpu v=1 10\ncpu v=2 20\n",
      });
      assert.equal(res.status, 204);
    } finally {
      first.child.kill("SIGTERM");
    }
    assert.equal(await first.exited, 0, first.stderr());
    assert.ok(first.logs.some((l) => l.includes('"msg":"request"') && l.includes('"status":204')));
    assert.ok(first.logs.some((l) => l.includes("flushed and closed")));

    const second = await serve(["--data-dir", dataDir]);
    second.child.kill("SIGTERM");
    assert.equal(await second.exited, 0, second.stderr());
    const engine = await StorageEngine.open(dataDir);
    try {
      const stats = (await engine.stats()).find((s) => s.name === "s")!;
      assert.ok(stats.segments >= 1, "SIGTERM flushed the head to a segment");
      const result = await engine.query("s", { measurement: "cpu" });
      assert.deepEqual(result.series[0]!.values[0], [1, 2]);
    } finally {
      await engine.close();
    }
  });

  it("exits 2 naming the setting on a bad configuration", async () => {
    const run = await serve(["--data-dir", path.join(tmp, "bad")], { STRATA_MAX_BODY_BYTES: "huge" });
    assert.equal(await run.exited, 2);
    assert.match(run.stderr(), /maxBodyBytes.*STRATA_MAX_BODY_BYTES.*\[SERVER_BAD_CONFIG\]/);
  });

  it("exits 1 with a clear error when another process holds the data directory", async () => {
    const dataDir = path.join(tmp, "locked");
    const holder = await serve(["--data-dir", dataDir]);
    try {
      const second = await serve(["--data-dir", dataDir]);
      assert.equal(await second.exited, 1);
      assert.match(second.stderr(), /data directory .* is in use by process \d+ \[STORAGE_DIR_LOCKED\]/);
    } finally {
      holder.child.kill("SIGTERM");
      await holder.exited;
    }
  });
});
