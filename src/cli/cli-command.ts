// The shape of a CLI command and of the streams the CLI writes to; shared by the dispatcher and the commands.
import type { ParseArgsConfig } from "node:util";

/** Where the CLI writes; process.stdout and process.stderr satisfy it. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number };
}

/** A command: its one-line summary, full help, flags, and body (resolving to the exit code). */
export interface CliCommand {
  summary: string;
  help: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  /** Whether it takes positional arguments. */
  positionals: boolean;
  /** Runs with parsed flags; throws TsdbError subclasses for user errors. */
  run(values: Record<string, string | boolean | undefined>, positionals: string[], io: CliIo): Promise<number>;
}
