// Process entry of the `strata` command line (bin/strata.js imports it): tunes V8, then runs argv and sets the
// exit code.
import { setFlagsFromString } from "node:v8";

// Compile every function to baseline machine code on first call (Sparkplug) instead of interpreting it until it
// is hot: a server's per-request code (parsers, planners, encoders) runs once per query, so it stays in the
// interpreter for hundreds of requests otherwise. Measured on bench:server's smallest query, 20-100 runs after a
// fresh start: medians about 20-45% lower (noisy VM); the very first run costs more, since everything it touches
// compiles. Set before any other module is loaded, so it applies to all of them; it changes when code is compiled,
// not what it does.
setFlagsFromString("--always-sparkplug");

const { runCli } = await import("./run-cli.ts");
// exitCode rather than process.exit(), so buffered stdout is written out before the process ends.
process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
