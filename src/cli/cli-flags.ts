// Flag checks shared by the CLI commands: required values, enumerations, integers, an existing data directory.
import * as fs from "node:fs";
import { InvalidError, NotFoundError } from "../base/index.ts";

/** Flag values as node:util parseArgs returns them. */
export type FlagValues = Record<string, string | boolean | undefined>;

/** The string value of `--name`; throws InvalidError (CLI_BAD_ARGS) when absent or empty. */
export function requiredFlag(values: FlagValues, name: string, command: string): string {
  const value = values[name];
  if (typeof value !== "string" || value === "") {
    throw new InvalidError("CLI_BAD_ARGS", `strata ${command} needs --${name} (see strata ${command} --help)`);
  }
  return value;
}

/** The value of `--name` when it is one of `allowed`, `fallback` when absent; throws InvalidError otherwise. */
export function choiceFlag<T extends string>(values: FlagValues, name: string, allowed: readonly T[], fallback: T): T {
  const value = values[name];
  if (value === undefined) return fallback;
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  throw new InvalidError("CLI_BAD_ARGS", `invalid --${name} ${JSON.stringify(value)}: use ${allowed.join(", ")}`);
}

/** The positive integer value of `--name`, `fallback` when absent; throws InvalidError otherwise. */
export function positiveIntFlag(values: FlagValues, name: string, fallback: number): number {
  const value = values[name];
  if (value === undefined) return fallback;
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new InvalidError("CLI_BAD_ARGS", `invalid --${name} ${JSON.stringify(value)}: use a positive integer`);
  }
  return n;
}

/** The `--data-dir` value, which must name an existing directory; throws NotFoundError (CLI_DATA_DIR_NOT_FOUND). */
export function existingDataDir(values: FlagValues, command: string): string {
  const dir = requiredFlag(values, "data-dir", command);
  if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new NotFoundError("CLI_DATA_DIR_NOT_FOUND", `data directory not found: ${dir}`);
  }
  return dir;
}
