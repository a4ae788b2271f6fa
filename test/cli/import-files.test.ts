import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { importFiles } from "../../src/cli/import-files.ts";
import type { BadLine } from "../../src/cli/import-files.ts";
import { Strata } from "../../src/embedded/index.ts";

describe("importFiles", () => {
  let tmp = "";
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  // 40 records over 43 physical lines: two string values span lines, line 10 and line 30 are bad.
  function writeInput(name: string): string {
    const lines: string[] = [];
    for (let i = 1; i <= 40; i++) {
      if (i === 10 || i === 30) lines.push(`cpu,host=h${i % 3} usage=oops ${i}000000000`);
      else if (i === 5) lines.push(`cpu,host=h${i % 3} note="two\nlines",usage=${i}i ${i}000000000`);
      else if (i === 20) lines.push(`cpu,host=h${i % 3} note="three\nphysical\nlines",usage=${i}i ${i}000000000`);
      else lines.push(`cpu,host=h${i % 3} usage=${i}i ${i}000000000`);
    }
    const file = path.join(tmp, name);
    fs.writeFileSync(file, lines.join("\n") + "\n");
    return file;
  }

  const table = [
    { name: "one batch, one chunk", input: { batchLines: 5000, concurrency: 4, chunkBytes: 1 << 20 } },
    { name: "small batches and tiny chunks", input: { batchLines: 3, concurrency: 4, chunkBytes: 7 } },
    { name: "one write at a time", input: { batchLines: 4, concurrency: 1, chunkBytes: 64 } },
  ];
  for (const { name, input } of table) {
    it(`maps bad lines to file lines and stores the rest (${name})`, async () => {
      const file = writeInput(`${name.replaceAll(" ", "-")}.lp`);
      const dir = fs.mkdtempSync(path.join(tmp, "data-"));
      const strata = await Strata.open(dir, { sync: "never" });
      const bad: BadLine[] = [];
      const progress: number[] = [];
      try {
        const summary = await importFiles(strata, [file, file], {
          db: "db",
          ...input,
          onBadLine: (b) => bad.push(b),
          onProgress: (bytes) => progress.push(bytes),
        });
        const size = fs.statSync(file).size;
        assert.deepEqual(summary, { files: 2, points: 76, badLines: 4, bytes: 2 * size });
        // Record 10 sits on physical line 11 (one string spans two lines); record 30 on line 33.
        assert.deepEqual(
          bad.map((b) => [b.file, b.line, b.code]),
          [
            [file, 11, "INGEST_BAD_LINE"],
            [file, 33, "INGEST_BAD_LINE"],
            [file, 11, "INGEST_BAD_LINE"],
            [file, 33, "INGEST_BAD_LINE"],
          ],
        );
        assert.ok(bad.every((b) => b.column > 0));
        assert.deepEqual(
          progress,
          [...progress].sort((a, b) => a - b),
        );
        assert.equal(progress.at(-1), 2 * size);
        const result = await strata.query("db", { measurement: "cpu", fields: ["note"] });
        assert.deepEqual(result.series[0]!.values[0], ["two\nlines", "three\nphysical\nlines"]);
      } finally {
        await strata.close();
      }
    });
  }

  it("imports a last record without a trailing newline", async () => {
    const file = path.join(tmp, "no-newline.lp");
    fs.writeFileSync(file, "m f=1i 1\nm f=2i 2");
    const strata = await Strata.open(fs.mkdtempSync(path.join(tmp, "data-")), { sync: "never" });
    try {
      const summary = await importFiles(strata, [file], { db: "db", batchLines: 1, chunkBytes: 3 });
      assert.equal(summary.points, 2);
      assert.equal(summary.badLines, 0);
    } finally {
      await strata.close();
    }
  });

  it("rejects with the storage error when a write fails", async () => {
    const file = path.join(tmp, "limit.lp");
    fs.writeFileSync(file, Array.from({ length: 20 }, (_, i) => `m,t=${i} f=1i ${i}`).join("\n") + "\n");
    const strata = await Strata.open(fs.mkdtempSync(path.join(tmp, "data-")), {
      sync: "never",
      autoCreateDatabases: false,
    });
    try {
      await assert.rejects(importFiles(strata, [file], { db: "absent", batchLines: 2 }), {
        code: "STORAGE_DB_NOT_FOUND",
      });
    } finally {
      await strata.close();
    }
  });
});
