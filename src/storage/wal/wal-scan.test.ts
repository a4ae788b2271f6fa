// Properties of replay: after any crash point the WAL replays exactly a prefix of what was appended, and the
// bounded-memory reader gives the same answer for any chunk size.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { Wal } from "./index.ts";
import type { WalPosition } from "./index.ts";
import { scanWalFile } from "./wal-scan.ts";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let runs = 0;

interface Rec {
  type: number;
  payload: Uint8Array;
  position: WalPosition;
}

async function readAll(dir: string): Promise<{ wal: Wal; recs: Rec[] }> {
  const recs: Rec[] = [];
  const { wal, report } = await Wal.open(dir, { sync: "never" }, (type, payload, position) =>
    recs.push({ type, payload: payload.slice(), position }),
  );
  assert.equal(report.records, recs.length);
  return { wal, recs };
}

async function writeAll(dir: string, payloads: Uint8Array[], maxFileBytes: number): Promise<void> {
  const { wal } = await Wal.open(dir, { sync: "never", maxFileBytes }, () => undefined);
  await Promise.all(payloads.map((p, i) => wal.append(1 + (i % 255), p)));
  await wal.close();
}

function walFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((n) => n.endsWith(".wal"))
    .sort();
}

const payloadsArb = fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 40 });

void describe("Wal replay properties", () => {
  void it("replays exactly the records wholly before a random crash point, then appends after them", async () => {
    await fc.assert(
      fc.asyncProperty(
        payloadsArb,
        fc.integer({ min: 64, max: 3000 }),
        fc.nat(),
        fc.constantFrom("cut", "zeros", "garbage"),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        async (payloads, maxFileBytes, cutSeed, tail, garbage) => {
          const dir = path.join(root, `prop-${++runs}`);
          await writeAll(dir, payloads, maxFileBytes);
          const written = await readAll(dir);
          await written.wal.close();
          assert.equal(written.recs.length, payloads.length);

          // Crash at a global offset over the concatenated files: cut that file there, drop the later ones.
          const files = walFiles(dir);
          const sizes = files.map((f) => fs.statSync(path.join(dir, f)).size);
          const total = sizes.reduce((a, b) => a + b, 0);
          let at = cutSeed % (total + 1);
          let k = 0;
          while (k < files.length - 1 && at >= sizes[k]) at -= sizes[k++];
          const victim = path.join(dir, files[k]);
          const kept = fs.readFileSync(victim).subarray(0, at);
          const extra =
            tail === "zeros" ? Buffer.alloc(garbage.length * 8) : tail === "garbage" ? garbage : Buffer.alloc(0);
          fs.writeFileSync(victim, Buffer.concat([kept, extra]));
          for (const f of files.slice(k + 1)) fs.rmSync(path.join(dir, f));

          const want = written.recs.filter((r) => {
            const fileIndex = files.indexOf(r.position.file);
            return fileIndex < k || (fileIndex === k && r.position.offset + 9 + r.payload.length <= at);
          });
          const reopened = await readAll(dir);
          assert.deepEqual(
            reopened.recs.map((r) => [r.type, r.payload]),
            want.map((r) => [r.type, r.payload]),
          );
          const extraRec = new Uint8Array([7, 7, 7]);
          await reopened.wal.append(9, extraRec);
          await reopened.wal.close();
          const again = await readAll(dir);
          await again.wal.close();
          assert.deepEqual(
            again.recs.map((r) => [r.type, r.payload]),
            [...want.map((r) => [r.type, r.payload]), [9, extraRec]],
          );
          fs.rmSync(dir, { recursive: true });
        },
      ),
      { seed: 42, numRuns: 150 },
    );
  });

  void it("reads the same records and damage with any chunk size", async () => {
    await fc.assert(
      fc.asyncProperty(
        payloadsArb,
        fc.integer({ min: 1, max: 600 }),
        fc.nat(),
        async (payloads, chunkBytes, cutSeed) => {
          const dir = path.join(root, `chunk-${++runs}`);
          await writeAll(dir, payloads, 64 * 1024 * 1024);
          const file = path.join(dir, "00000001.wal");
          const bytes = fs.readFileSync(file);
          fs.writeFileSync(file, bytes.subarray(0, cutSeed % (bytes.length + 1)));
          const scan = async (chunk?: number) => {
            const seen: number[][] = [];
            const result = await scanWalFile(
              file,
              "00000001.wal",
              1,
              (type, payload, pos) => seen.push([type, pos.offset, ...payload]),
              chunk,
            );
            return { result, seen };
          };
          assert.deepEqual(await scan(chunkBytes), await scan());
          fs.rmSync(dir, { recursive: true });
        },
      ),
      { seed: 42, numRuns: 150 },
    );
  });
});
