// `strata serve`: runs the HTTP server until SIGTERM or SIGINT, then drains, flushes and exits 0.
// Configuration: flags > STRATA_* environment > JSON file (--config) > defaults (src/server/config).
import { isTsdbError } from "../base/index.ts";
import { SETTINGS, StrataServer, envName, flagName, loadServerConfig } from "../server/index.ts";
import type { ServerConfig } from "../server/index.ts";
import type { CliCommand } from "./cli-command.ts";

/** Exit code for a bad configuration (distinct from 1, a runtime failure). */
const EXIT_BAD_CONFIG = 2;

const HELP = `usage: strata serve [--config FILE] [--listen HOST:PORT] [--data-dir DIR] [flags]

Serves the InfluxDB 1.x/2.x write and query APIs, the Prometheus API and remote write, and Strata's own
API over HTTP, on an embedded data directory. Stops cleanly (drain, flush) on SIGTERM or SIGINT.

Every setting comes from, in order of precedence: a flag, a STRATA_* environment variable, the JSON
config file (--config FILE or STRATA_CONFIG; keys are the setting names below), the default.

settings (flag, environment variable, default):
${SETTINGS.map((s) => `  --${flagName(s.key).padEnd(24)}${envName(s.key).padEnd(32)}${s.help}`).join("\n")}

flags:
  --config FILE               JSON config file
  -h, --help                  show this help

exit codes: 0 stopped cleanly, 1 error, 2 bad configuration
`;

/** The `serve` command. */
export const serveCommand: CliCommand = {
  summary: "run the HTTP server (InfluxDB, Prometheus and Strata APIs)",
  help: HELP,
  positionals: false,
  options: {
    config: { type: "string" },
    ...Object.fromEntries(SETTINGS.map((s) => [flagName(s.key), { type: "string" as const }])),
  },
  async run(values, _positionals, io) {
    let config: ServerConfig;
    try {
      config = loadServerConfig({ flags: values, env: process.env });
    } catch (error) {
      if (!isTsdbError(error) || error.code !== "SERVER_BAD_CONFIG") throw error;
      io.stderr.write(`error: ${error.message} [${error.code}]\n`);
      return EXIT_BAD_CONFIG;
    }
    // Handlers go in before the server opens, so a signal during startup still shuts down cleanly.
    let onSignal: (signal: string) => void = () => undefined;
    const signalled = new Promise<string>((resolve) => (onSignal = resolve));
    const onTerm = (): void => onSignal("SIGTERM");
    const onInt = (): void => onSignal("SIGINT");
    process.once("SIGTERM", onTerm);
    process.once("SIGINT", onInt);
    let server: StrataServer;
    try {
      server = await StrataServer.open(config);
    } catch (error) {
      process.off("SIGTERM", onTerm);
      process.off("SIGINT", onInt);
      throw error;
    }
    const signal = await signalled;
    process.off("SIGTERM", onTerm);
    process.off("SIGINT", onInt);
    server.log.info({ signal }, "signal received");
    // A second signal while draining means "now": exit without waiting for the flush (the WAL keeps the data).
    const force = (): void => {
      server.log.warn("second signal: exiting before shutdown finished");
      process.exit(1);
    };
    process.once("SIGTERM", force);
    process.once("SIGINT", force);
    try {
      await server.close();
    } finally {
      process.off("SIGTERM", force);
      process.off("SIGINT", force);
    }
    server.log.info("stopped");
    return 0;
  },
};
