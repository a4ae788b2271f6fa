// Process entry of the `strata` command line (bin/strata.js imports it): runs argv and sets the exit code.
import { runCli } from "./run-cli.ts";

// exitCode rather than process.exit(), so buffered stdout is written out before the process ends.
process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
