// Generated code is committed; this fails when regenerating it would change it (STYLE.md §9).
import { it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { format } from "prettier";

it("case-fold-table.ts matches what case-fold-table.gen.ts generates", async () => {
  const here = import.meta.dirname;
  const run = spawnSync(process.execPath, ["--import", "tsx", path.join(here, "case-fold-table.gen.ts")], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(run.status, 0, run.stderr);
  const config = JSON.parse(fs.readFileSync(path.join(here, "../../../.prettierrc.json"), "utf8")) as object;
  const generated = await format(run.stdout, { ...config, parser: "typescript" });
  assert.equal(generated, fs.readFileSync(path.join(here, "case-fold-table.ts"), "utf8"));
});
