#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ (or under the given folders) with Node's built-in runner.
// Node 20 does not expand test globs itself and silently runs nothing on a folder, so we list files here.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

function collect(dir, out) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === "node_modules" || name.startsWith(".")) continue;
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith(".test.ts")) out.push(path);
  }
  return out;
}

const roots = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ["src", "test"];
const files = roots.flatMap((root) => (statSync(root).isFile() ? [root] : collect(root, []))).sort();
if (files.length === 0) {
  console.error("run-tests: no test files found under " + roots.join(", "));
  process.exit(1);
}
const args = ["--import", "tsx", "--test", "--test-concurrency=2", ...files];
const result = spawnSync(process.execPath, args, { stdio: "inherit" });
process.exit(result.status ?? 1);
