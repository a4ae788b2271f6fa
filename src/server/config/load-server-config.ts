// Resolves the server configuration from defaults, a JSON file, STRATA_* environment variables and flags
// (flags > env > file > defaults), checking every value and naming the setting and its source on error.
import * as fs from "node:fs";
import { InvalidError, isTsdbError, parseDuration } from "../../base/index.ts";
import { parseByteSize } from "./byte-size.ts";
import {
  DEFAULT_CONFIG,
  DERIVED_FROM_MEMORY,
  SETTINGS,
  deriveFromMemory,
  envName,
  flagName,
  splitListen,
} from "./server-config.ts";
import type { ServerConfig, SettingSpec } from "./server-config.ts";

/** Where configuration comes from; each part is optional. */
export interface ConfigSources {
  /** Flag values keyed by flag name without dashes (`data-dir`), as node:util parseArgs returns them. */
  flags?: Record<string, string | boolean | undefined>;
  /** Environment (process.env); only STRATA_* variables are read. */
  env?: Record<string, string | undefined>;
  /** Path of a JSON config file; overrides `--config` and STRATA_CONFIG when given. */
  file?: string;
}

/**
 * Resolves the configuration. The file is `flags.config`, else `STRATA_CONFIG`, else none; it holds a JSON object
 * whose keys are setting names (`{"listen": "0.0.0.0:8086", "maxBodyBytes": 1048576}`). Throws InvalidError
 * (SERVER_BAD_CONFIG) naming the setting and where its value came from when a value is bad, a file key is
 * unknown, or the file cannot be read or parsed. Settings of DERIVED_FROM_MEMORY that no source gives follow the
 * resolved maxMemoryBytes (deriveFromMemory).
 */
export function loadServerConfig(sources: ConfigSources = {}): ServerConfig {
  const flags = sources.flags ?? {};
  const env = sources.env ?? {};
  const config: ServerConfig = { ...DEFAULT_CONFIG };
  const explicit = new Set<keyof ServerConfig>();
  const flagFile = flags.config;
  const file = sources.file ?? (typeof flagFile === "string" ? flagFile : undefined) ?? env.STRATA_CONFIG;
  if (file !== undefined && file !== "") applyFile(config, file, explicit);
  for (const spec of SETTINGS) {
    const name = envName(spec.key);
    const value = env[name];
    if (value !== undefined && value !== "") {
      set(config, spec, value, `environment variable ${name}`);
      explicit.add(spec.key);
    }
  }
  for (const spec of SETTINGS) {
    const value = flags[flagName(spec.key)];
    if (value !== undefined) {
      set(config, spec, value, `flag --${flagName(spec.key)}`);
      explicit.add(spec.key);
    }
  }
  const derived = deriveFromMemory(config.maxMemoryBytes);
  for (const key of DERIVED_FROM_MEMORY) if (!explicit.has(key)) config[key] = derived[key];
  return config;
}

function applyFile(config: ServerConfig, file: string, explicit: Set<keyof ServerConfig>): void {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (cause) {
    throw new InvalidError("SERVER_BAD_CONFIG", `cannot read config file ${file}: ${(cause as Error).message}`, {
      cause,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new InvalidError("SERVER_BAD_CONFIG", `config file ${file} is not JSON: ${(cause as Error).message}`, {
      cause,
    });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new InvalidError("SERVER_BAD_CONFIG", `config file ${file} must hold a JSON object`);
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    const spec = SETTINGS.find((s) => s.key === key);
    if (spec === undefined) {
      throw new InvalidError(
        "SERVER_BAD_CONFIG",
        `unknown setting "${key}" in config file ${file}: expected one of ${SETTINGS.map((s) => s.key).join(", ")}`,
      );
    }
    set(config, spec, value, `config file ${file}`);
    explicit.add(spec.key);
  }
}

/** Checks `raw` against the spec and stores it; strings from env/flags are converted first. */
function set(config: ServerConfig, spec: SettingSpec, raw: unknown, source: string): void {
  const fail = (want: string): never => {
    throw new InvalidError(
      "SERVER_BAD_CONFIG",
      `invalid setting ${spec.key} (from ${source}): ${JSON.stringify(raw)} is not ${want}`,
    );
  };
  const record = config as unknown as Record<string, unknown>;
  switch (spec.kind) {
    case "int": {
      const n = typeof raw === "number" ? raw : typeof raw === "string" && /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
      const min = spec.min ?? 1;
      if (!Number.isSafeInteger(n) || n < min) fail(min === 0 ? "a non-negative integer" : "a positive integer");
      record[spec.key] = n;
      return;
    }
    case "size": {
      const n = typeof raw === "number" ? raw : typeof raw === "string" ? parseByteSize(raw) : NaN;
      if (!Number.isSafeInteger(n) || n < (spec.min ?? 1))
        fail("a positive size in bytes (e.g. 1048576, 512MiB, 1GiB)");
      record[spec.key] = n;
      return;
    }
    case "duration": {
      // Nanoseconds as a number, or a duration text (30d, 1h30m, 0); "inf" means 0, keep forever, as InfluxQL's INF.
      let n = NaN;
      if (typeof raw === "number") n = raw;
      else if (typeof raw === "string" && /^(0|inf)$/i.test(raw.trim())) n = 0;
      else if (typeof raw === "string") {
        try {
          n = Number(parseDuration(raw.trim()));
        } catch (error) {
          if (!isTsdbError(error)) throw error;
        }
      }
      // Whole ns beyond 2^53 (104 days) stay whole as doubles; storage uses them as BigInt.
      if (!Number.isInteger(n) || n < 0 || n >= 2 ** 63) fail("a duration (e.g. 30d, 12h, 90m; 0 for none)");
      record[spec.key] = n;
      return;
    }
    case "bool": {
      if (typeof raw === "boolean") record[spec.key] = raw;
      else if (raw === "true" || raw === "1") record[spec.key] = true;
      else if (raw === "false" || raw === "0") record[spec.key] = false;
      else fail("true or false");
      return;
    }
    case "enum": {
      const value = raw === true ? "on" : raw === false ? "off" : raw; // `"auth": true` reads naturally in JSON
      if (typeof value !== "string" || !spec.values!.includes(value)) fail(`one of ${spec.values!.join(", ")}`);
      record[spec.key] = value;
      return;
    }
    default: {
      if (typeof raw !== "string" || raw === "") fail("a non-empty string");
      if (spec.key === "listen" && splitListen(raw as string).port < 0) fail("host:port (e.g. 127.0.0.1:8086)");
      if (spec.key === "listen" && splitListen(raw as string).port > 65535) fail("a port in 0-65535");
      record[spec.key] = raw;
    }
  }
}
