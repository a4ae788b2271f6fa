// The `strata` command line: argument parsing, command dispatch, help, version and error reporting.
// Commands live in their own files; this one knows nothing of storage beyond opening it.
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { InvalidError, isTsdbError } from "../base/index.ts";
import type { CliCommand, CliIo } from "./cli-command.ts";
import { importCommand } from "./import-command.ts";
import { queryCommand } from "./query-command.ts";
import { serveCommand } from "./serve-command.ts";
import { statsCommand } from "./stats-command.ts";
import { tokenCommand } from "./token-command.ts";

const COMMANDS: Record<string, CliCommand> = {
  serve: serveCommand,
  import: importCommand,
  stats: statsCommand,
  query: queryCommand,
  token: tokenCommand,
};

const MAIN_HELP = `usage: strata <command> [flags]

Strata: a time-series database for Node.js. Commands work on an embedded data directory
(stop any server using it first: a directory is opened by one process at a time).

commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(8)}${c.summary}`)
  .join("\n")}

flags:
  -h, --help      show help (also: strata <command> --help)
  -v, --version   print the version

exit codes: 0 success, 1 error, 2 import finished but some lines were rejected, or a bad serve configuration
`;

/**
 * Runs the command line `argv` (without the node and script arguments) and resolves to the exit code: 0 on
 * success, 1 on an error (printed as `error: <message> [CODE]`, no stack trace unless it is a bug), 2 when an
 * import rejected some lines. Never rejects.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const [name, ...rest] = argv;
    if (name === undefined) {
      io.stderr.write(MAIN_HELP);
      return 1;
    }
    if (name === "-h" || name === "--help" || name === "help") {
      io.stdout.write(MAIN_HELP);
      return 0;
    }
    if (name === "-v" || name === "--version") {
      io.stdout.write(`strata ${version()}\n`);
      return 0;
    }
    const command = COMMANDS[name];
    if (command === undefined) {
      const what = name.startsWith("-") ? `unknown flag ${name}` : `unknown command "${name}"`;
      throw new InvalidError(
        "CLI_UNKNOWN_COMMAND",
        `${what}: expected one of ${Object.keys(COMMANDS).join(", ")} (see strata --help)`,
      );
    }
    const parsed = parse(name, command, rest);
    if (parsed.values.help === true) {
      io.stdout.write(command.help);
      return 0;
    }
    return await command.run(parsed.values as Record<string, string | boolean | undefined>, parsed.positionals, io);
  } catch (error) {
    io.stderr.write(describeError(error));
    return 1;
  }
}

/** The package version, read from package.json (two levels up in src/cli and dist/cli alike). */
function version(): string {
  const text = fs.readFileSync(new URL("../../package.json", import.meta.url), "utf8");
  return (JSON.parse(text) as { version: string }).version;
}

function parse(name: string, command: CliCommand, args: string[]): ReturnType<typeof parseArgs> {
  try {
    return parseArgs({
      args,
      options: { ...command.options, help: { type: "boolean", short: "h" } },
      allowPositionals: command.positionals,
      strict: true,
    });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== "string" || !code.startsWith("ERR_PARSE_ARGS")) throw error;
    const message = (error as Error).message;
    const unknown = /^Unknown option '([^']+)'/.exec(message);
    const text =
      unknown !== null
        ? `unknown flag ${unknown[1]} for strata ${name}`
        : code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL"
          ? `strata ${name} takes no arguments: ${message.replace(/^Unexpected argument '([^']*)'.*$/s, "unexpected $1")}`
          : message.replace(/\.$/, "").replace(/^./, (c) => c.toLowerCase());
    throw new InvalidError("CLI_BAD_ARGS", `${text} (see strata ${name} --help)`, { cause: error });
  }
}

function describeError(error: unknown): string {
  if (isTsdbError(error)) return `error: ${error.message} [${error.code}]\n`;
  const code = (error as { code?: unknown } | null)?.code;
  // Node system errors (ENOENT, EACCES, EISDIR, ...) are the user's environment, not a bug: message only.
  if (error instanceof Error && typeof code === "string" && /^E[A-Z]+$/.test(code)) return `error: ${error.message}\n`;
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return `error: internal error (a bug in strata; please report it): ${detail}\n`;
}
