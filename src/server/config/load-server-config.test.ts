import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadServerConfig } from "./load-server-config.ts";
import {
  DEFAULT_CONFIG,
  defaultMaxMemoryBytes,
  deriveFromMemory,
  engineOptions,
  envName,
  flagName,
  isAuthEnabled,
  splitListen,
} from "./server-config.ts";

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

const isBadConfig = (e: unknown): boolean => (e as { code?: string }).code === "SERVER_BAD_CONFIG";

describe("loadServerConfig", () => {
  let tmp = "";
  let file = "";
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
    file = path.join(tmp, "strata.json");
    fs.writeFileSync(file, JSON.stringify({ listen: "0.0.0.0:9000", dataDir: "/file", maxBodyBytes: 100, auth: true }));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("returns the documented defaults with no sources", () => {
    const config = loadServerConfig();
    assert.deepEqual(config, DEFAULT_CONFIG);
    assert.equal(config.listen, "127.0.0.1:8086");
    assert.equal(config.maxBodyBytes, 25 * 1024 * 1024);
    assert.equal(config.lookbackDeltaMs, 300_000);
  });

  it("applies flags over env over file over defaults", () => {
    const cases = [
      { name: "file only", input: { flags: { config: file }, env: {} }, want: ["0.0.0.0:9000", "/file", 100] },
      {
        name: "env over file",
        input: { flags: { config: file }, env: { STRATA_DATA_DIR: "/env", STRATA_MAX_BODY_BYTES: "200" } },
        want: ["0.0.0.0:9000", "/env", 200],
      },
      {
        name: "flags over env",
        input: {
          flags: { config: file, "data-dir": "/flag", listen: "127.0.0.1:1" },
          env: { STRATA_DATA_DIR: "/env", STRATA_LISTEN: "127.0.0.1:2" },
        },
        want: ["127.0.0.1:1", "/flag", 100],
      },
      {
        name: "STRATA_CONFIG names the file",
        input: { flags: {}, env: { STRATA_CONFIG: file } },
        want: ["0.0.0.0:9000", "/file", 100],
      },
    ];
    for (const c of cases) {
      const config = loadServerConfig(c.input);
      assert.deepEqual([config.listen, config.dataDir, config.maxBodyBytes], c.want, c.name);
    }
  });

  it("reads booleans and enums from strings", () => {
    const config = loadServerConfig({
      env: { STRATA_AUTO_CREATE_DATABASES: "false", STRATA_AUTH: "off", STRATA_SYNC: "never" },
    });
    assert.equal(config.autoCreateDatabases, false);
    assert.equal(config.auth, "off");
    assert.equal(config.sync, "never");
  });

  it("reads the retention of new databases as a duration and hands it to the engine", () => {
    const DAY_NS = 86_400_000_000_000;
    assert.equal(DEFAULT_CONFIG.retention, 0);
    assert.equal(loadServerConfig({ flags: { retention: "30d" } }).retention, 30 * DAY_NS);
    assert.equal(loadServerConfig({ env: { STRATA_RETENTION: "1h30m" } }).retention, 5_400_000_000_000);
    assert.equal(loadServerConfig({ flags: { retention: "INF" } }).retention, 0);
    assert.equal(loadServerConfig({ flags: { retention: "52w" } }).retention, 364 * DAY_NS);
    assert.equal(engineOptions(loadServerConfig({ flags: { retention: "2w" } })).defaultRetentionNs, 14 * DAY_NS);
    for (const bad of ["30 days", "-1h", "1.5h"]) {
      assert.throws(() => loadServerConfig({ flags: { retention: bad } }), isBadConfig, bad);
    }
  });

  it("rejects bad values naming the setting and its source", () => {
    const cases = [
      {
        name: "int",
        input: { env: { STRATA_MAX_BODY_BYTES: "lots" } },
        want: /maxBodyBytes \(from environment variable STRATA_MAX_BODY_BYTES\)/,
      },
      { name: "enum", input: { flags: { sync: "sometimes" } }, want: /sync \(from flag --sync\)/ },
      { name: "listen", input: { flags: { listen: "8086" } }, want: /listen/ },
      { name: "zero", input: { flags: { "max-concurrent-queries": "0" } }, want: /maxConcurrentQueries/ },
    ];
    for (const c of cases) {
      assert.throws(
        () => loadServerConfig(c.input),
        (e: unknown) => isBadConfig(e) && c.want.test((e as Error).message),
        c.name,
      );
    }
  });

  it("rejects unknown keys, unreadable files and non-JSON files", () => {
    const unknown = path.join(tmp, "unknown.json");
    fs.writeFileSync(unknown, JSON.stringify({ listne: "x:1" }));
    const broken = path.join(tmp, "broken.json");
    fs.writeFileSync(broken, "{");
    for (const f of [unknown, broken, path.join(tmp, "missing.json")])
      assert.throws(() => loadServerConfig({ file: f }), isBadConfig, f);
  });

  it("derives env and flag names from setting keys, without the unit for maxMemoryBytes", () => {
    assert.equal(envName("maxBodyBytes"), "STRATA_MAX_BODY_BYTES");
    assert.equal(flagName("maxBodyBytes"), "max-body-bytes");
    assert.equal(envName("maxMemoryBytes"), "STRATA_MAX_MEMORY");
    assert.equal(flagName("maxMemoryBytes"), "max-memory");
  });

  it("reads the memory budget as a size from each source", () => {
    const sized = path.join(tmp, "sized.json");
    fs.writeFileSync(sized, JSON.stringify({ maxMemoryBytes: "2GiB", headBudgetBytes: 1048576 }));
    const cases = [
      { name: "flag", input: { flags: { "max-memory": "512MiB" } }, want: 512 * MIB },
      { name: "env", input: { env: { STRATA_MAX_MEMORY: "1.5GiB" } }, want: 1.5 * GIB },
      { name: "file, as a string", input: { file: sized }, want: 2 * GIB },
      { name: "bytes", input: { flags: { "max-memory": "600000000" } }, want: 600_000_000 },
      {
        name: "flag over env",
        input: { flags: { "max-memory": "300MiB" }, env: { STRATA_MAX_MEMORY: "1GiB" } },
        want: 300 * MIB,
      },
    ];
    for (const c of cases) assert.equal(loadServerConfig(c.input).maxMemoryBytes, c.want, c.name);
    // Other byte settings take sizes too; integers still work.
    assert.equal(loadServerConfig({ flags: { "max-body-bytes": "10MiB" } }).maxBodyBytes, 10 * MIB);
    assert.equal(loadServerConfig({ file: sized }).headBudgetBytes, 1048576);
  });

  it("rejects sizes that are not sizes, naming the setting", () => {
    for (const value of ["lots", "0", "-1GiB", "1.5"]) {
      assert.throws(
        () => loadServerConfig({ env: { STRATA_MAX_MEMORY: value } }),
        (e: unknown) =>
          isBadConfig(e) && /maxMemoryBytes \(from environment variable STRATA_MAX_MEMORY\)/.test((e as Error).message),
        value,
      );
    }
  });

  it("derives the head budget, block cache and query caps from the memory budget", () => {
    const config = loadServerConfig({ flags: { "max-memory": "512MiB" } });
    assert.deepEqual(
      [config.headBudgetBytes, config.blockCacheBytes, config.maxPointsPerQuery, config.maxSeriesPerQuery],
      [256 * MIB, 32 * MIB, Math.floor((512 * MIB) / 3 / 16), Math.floor((512 * MIB) / 3 / 1024)],
    );
    assert.deepEqual(deriveFromMemory(512 * MIB), {
      headBudgetBytes: config.headBudgetBytes,
      blockCacheBytes: config.blockCacheBytes,
      maxPointsPerQuery: config.maxPointsPerQuery,
      maxSeriesPerQuery: config.maxSeriesPerQuery,
    });
    // The engine gets them.
    const engine = engineOptions(config);
    assert.deepEqual(
      [engine.headBudgetBytes, engine.blockCacheBytes, engine.maxQueryPoints, engine.maxQuerySeries],
      [config.headBudgetBytes, config.blockCacheBytes, config.maxPointsPerQuery, config.maxSeriesPerQuery],
    );
  });

  it("keeps explicitly set head budget and caps over derived ones, from any source", () => {
    const file2 = path.join(tmp, "caps.json");
    fs.writeFileSync(file2, JSON.stringify({ maxPointsPerQuery: 123 }));
    const config = loadServerConfig({
      file: file2,
      flags: { "max-memory": "512MiB", "head-budget-bytes": "64MiB" },
      env: { STRATA_MAX_SERIES_PER_QUERY: "77" },
    });
    assert.deepEqual(
      [config.maxMemoryBytes, config.headBudgetBytes, config.maxPointsPerQuery, config.maxSeriesPerQuery],
      [512 * MIB, 64 * MIB, 123, 77],
    );
  });

  it("defaults the memory budget to a quarter of memory within [256 MiB, 1 GiB]", () => {
    const cases = [
      { name: "small machine", input: 512 * MIB, want: 256 * MIB },
      { name: "2 GiB", input: 2 * GIB, want: 512 * MIB },
      { name: "large machine", input: 64 * GIB, want: GIB },
    ];
    for (const c of cases) assert.equal(defaultMaxMemoryBytes(c.input), c.want, c.name);
    assert.equal(DEFAULT_CONFIG.maxMemoryBytes, defaultMaxMemoryBytes());
    assert.equal(DEFAULT_CONFIG.headBudgetBytes, deriveFromMemory(DEFAULT_CONFIG.maxMemoryBytes).headBudgetBytes);
  });

  it("turns auth on automatically only beyond loopback", () => {
    const cases = [
      { name: "127.0.0.1", input: "127.0.0.1:8086", want: false },
      { name: "localhost", input: "localhost:8086", want: false },
      { name: "::1", input: "[::1]:8086", want: false },
      { name: "all interfaces", input: "0.0.0.0:8086", want: true },
      { name: "empty host", input: ":8086", want: true },
    ];
    for (const c of cases) assert.equal(isAuthEnabled({ ...DEFAULT_CONFIG, listen: c.input }), c.want, c.name);
    assert.equal(isAuthEnabled({ ...DEFAULT_CONFIG, listen: "0.0.0.0:1", auth: "off" }), false);
    assert.deepEqual(splitListen("[::1]:80"), { host: "::1", port: 80 });
  });
});
