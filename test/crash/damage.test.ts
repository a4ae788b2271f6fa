// On-disk damage of a closed data directory (torn or corrupted WAL records, broken segment footers and blocks,
// leftover temp files), then reopen: open never throws, damage is reported by file and offset, every point outside
// the damaged region is served exactly, and the directory keeps taking writes that survive another reopen.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { CorruptError, Strata } from "../../src/index.ts";
import { DAMAGE_DB, WAL_RECORDS, fixtureLines, laterPoints, segmentPoints, walPoints } from "./damage-fixture.ts";
import type { FixturePoint } from "./damage-fixture.ts";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, "../..");
const WAL_HEADER = 16;
const RECORD_HEADER = 9;
const SEGMENT_HEADER = 32;
const TRAILER = 28;

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** The pristine fixture, built once by a child that exits without closing (WAL records left unflushed). */
let fixture = "";
before(async () => {
  fixture = tempDir();
  const child = spawn(process.execPath, ["--import", "tsx", path.join(HERE, "fixture-writer.ts"), fixture], {
    cwd: REPO,
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
  const code = await new Promise<number | null>((resolve, reject) => child.on("error", reject).on("close", resolve));
  assert.equal(code, 0);
  assert.equal(out, "done\n");
});

const dbDir = (dir: string): string => path.join(dir, "data", DAMAGE_DB);
const segmentFile = (dir: string, seq: number): string =>
  path.join(dbDir(dir), "segments", String(seq).padStart(12, "0") + ".seg");

/** WAL files of the fixture database, ascending. */
function walFiles(dir: string): string[] {
  const walDir = path.join(dbDir(dir), "wal");
  return fs
    .readdirSync(walDir)
    .filter((n) => /^\d{8,}\.wal$/.test(n))
    .sort()
    .map((n) => path.join(walDir, n));
}

/** Offsets and payload lengths of the records of a WAL file (docs/format/wal.md). */
function walRecords(file: string): Array<{ offset: number; length: number }> {
  const bytes = fs.readFileSync(file);
  const out: Array<{ offset: number; length: number }> = [];
  for (let at = WAL_HEADER; at + RECORD_HEADER <= bytes.length;) {
    const length = bytes.readUInt32LE(at);
    out.push({ offset: at, length });
    at += RECORD_HEADER + length;
  }
  return out;
}

/** footerOffset and footerByteLength from a segment trailer (docs/format/segment.md §5). */
function segmentTrailer(file: string): { footerOffset: number; footerLength: number } {
  const bytes = fs.readFileSync(file);
  const at = bytes.length - TRAILER;
  return { footerOffset: Number(bytes.readBigUInt64LE(at)), footerLength: bytes.readUInt32LE(at + 8) };
}

function flipBit(file: string, offset: number, bit = 4): void {
  const bytes = fs.readFileSync(file);
  assert.ok(offset < bytes.length, `offset ${offset} is inside ${file}`);
  bytes[offset]! ^= 1 << bit;
  fs.writeFileSync(file, bytes);
}

/** The fixture's data regions: "a" (segment 1), "b" (segment 2), "w0".."w9" (WAL records), "z" (written after reopen). */
function regionPoints(region: string): FixturePoint[] {
  if (region === "a" || region === "b") return segmentPoints(region);
  if (region === "z") return laterPoints();
  return walPoints(Number(region.slice(1)));
}
const FIXTURE_REGIONS = ["a", "b", ...Array.from({ length: WAL_RECORDS }, (_, r) => `w${r}`)];

interface Expectation {
  /** Damage open must report: file base name and, where the fault makes it knowable, the offset. */
  damage: Array<{ file: string; offset?: number }>;
  /** Regions the fault destroys; everything else must be served exactly. */
  lost: string[];
  /** For a damaged block: the field and series whose reads must fail, the file and offset they must name. */
  badBlock?: { series: string; field: string; file: string; offset: number; firstGoodTime: bigint };
}

interface Fault {
  name: string;
  /** Damages the closed directory `dir` and says what open should make of it. */
  apply(dir: string): Expectation;
}

const FAULTS: Fault[] = [
  {
    name: "torn wal tail (last record cut in half)",
    apply(dir) {
      const file = walFiles(dir).at(-1)!;
      const last = walRecords(file).at(-1)!;
      fs.truncateSync(file, last.offset + RECORD_HEADER + (last.length >> 1));
      return { damage: [{ file: path.basename(file), offset: last.offset }], lost: [`w${WAL_RECORDS - 1}`] };
    },
  },
  {
    name: "bad crc in the last wal record",
    apply(dir) {
      const file = walFiles(dir).at(-1)!;
      const last = walRecords(file).at(-1)!;
      flipBit(file, last.offset + 4, 0);
      return { damage: [{ file: path.basename(file), offset: last.offset }], lost: [`w${WAL_RECORDS - 1}`] };
    },
  },
  {
    name: "flipped bit in a middle wal record",
    apply(dir) {
      const file = walFiles(dir).at(-1)!;
      const middle = walRecords(file)[4]!;
      flipBit(file, middle.offset + RECORD_HEADER + 20);
      // wal.md: no record boundary after the damage can be trusted, so replay of the file stops there.
      const lost = Array.from({ length: WAL_RECORDS - 4 }, (_, k) => `w${4 + k}`);
      return { damage: [{ file: path.basename(file), offset: middle.offset }], lost };
    },
  },
  {
    name: "zero-filled wal tail (crash while extending the file)",
    apply(dir) {
      const file = walFiles(dir).at(-1)!;
      const size = fs.statSync(file).size;
      fs.appendFileSync(file, Buffer.alloc(4096));
      return { damage: [{ file: path.basename(file), offset: size }], lost: [] };
    },
  },
  {
    name: "zero-length wal file (crash while creating the next file)",
    apply(dir) {
      const last = walFiles(dir).at(-1)!;
      const next = String(Number(path.basename(last, ".wal")) + 1).padStart(8, "0") + ".wal";
      fs.writeFileSync(path.join(path.dirname(last), next), "");
      return { damage: [{ file: next, offset: 0 }], lost: [] };
    },
  },
  {
    name: "truncated segment footer",
    apply(dir) {
      const file = segmentFile(dir, 1);
      const { footerOffset, footerLength } = segmentTrailer(file);
      fs.truncateSync(file, footerOffset + (footerLength >> 1));
      return { damage: [{ file: path.basename(file) }], lost: ["a"] };
    },
  },
  {
    name: "flipped bit in a segment footer",
    apply(dir) {
      const file = segmentFile(dir, 2);
      const { footerOffset } = segmentTrailer(file);
      flipBit(file, footerOffset + 5);
      return { damage: [{ file: path.basename(file), offset: footerOffset }], lost: ["b"] };
    },
  },
  {
    name: "flipped bit inside a segment data block",
    apply(dir) {
      // Block 0 of segment 1 is column (a, f), its first third: 20,000 points split into three blocks of 6666 or 6667.
      const file = segmentFile(dir, 1);
      flipBit(file, SEGMENT_HEADER + 100);
      const firstGoodTime = segmentPoints("a")[6667]!.time;
      return {
        damage: [],
        lost: [],
        badBlock: { series: "a", field: "f", file: path.basename(file), offset: SEGMENT_HEADER, firstGoodTime },
      };
    },
  },
  {
    name: "leftover *.tmp segment (crash during a flush)",
    apply(dir) {
      const full = fs.readFileSync(segmentFile(dir, 2));
      fs.writeFileSync(segmentFile(dir, 3) + ".tmp", full.subarray(0, full.length >> 1));
      return { damage: [], lost: [] };
    },
  },
];

type Row = { f: unknown; i: unknown };

async function readSeries(db: Strata, series: string, fields: string[], start?: bigint): Promise<Map<bigint, Row>> {
  const result = await db.query(DAMAGE_DB, {
    measurement: "m",
    where: [{ key: "s", op: "=", value: series }],
    fields,
    ...(start === undefined ? {} : { start }),
  });
  const out = new Map<bigint, Row>();
  for (const rs of result.series) {
    for (let r = 0; r < rs.times.length; r++) {
      const row: Row = { f: null, i: null };
      rs.columns.slice(1).forEach((c, k) => (row[c as keyof Row] = rs.values[k]![r]));
      out.set(rs.times[r]!, row);
    }
  }
  return out;
}

const sameFloat = (a: unknown, b: number): boolean =>
  typeof a === "number" && new Float64Array([a])[0] === b && Object.is(a, b);
const sameInt = (a: unknown, b: bigint): boolean => (typeof a === "number" || typeof a === "bigint") && BigInt(a) === b;

/**
 * Checks that every point of the regions not in `lost` is served with its exact values and that nothing served
 * differs from what was written. Returns a list of problems (empty when all is well).
 */
async function checkData(db: Strata, regions: string[], want: Expectation): Promise<string[]> {
  const problems: string[] = [];
  const written = new Map<string, Map<bigint, FixturePoint>>();
  for (const region of regions) {
    for (const p of regionPoints(region)) {
      let bySeries = written.get(p.series);
      if (bySeries === undefined) written.set(p.series, (bySeries = new Map()));
      bySeries.set(p.time, p);
    }
  }
  for (const [series, points] of written) {
    const bad = want.badBlock?.series === series ? want.badBlock : undefined;
    // Reads that would touch the damaged block are checked separately; the rest of the column must be served.
    const reads: Array<{ fields: string[]; start?: bigint }> =
      bad === undefined
        ? [{ fields: ["f", "i"] }]
        : [{ fields: ["f", "i"].filter((f) => f !== bad.field) }, { fields: [bad.field], start: bad.firstGoodTime }];
    for (const read of reads) {
      const got = await readSeries(db, series, read.fields, read.start);
      for (const [time, row] of got) {
        const p = points.get(time);
        if (p === undefined) problems.push(`series ${series}: time ${time} was never written`);
        else if ((row.f !== null && !sameFloat(row.f, p.f)) || (row.i !== null && !sameInt(row.i, p.i))) {
          problems.push(
            `series ${series} time ${time}: got f=${String(row.f)} i=${String(row.i)}, want f=${p.f} i=${p.i}`,
          );
        }
      }
      for (const region of regions) {
        if (want.lost.includes(region)) continue;
        let missing = 0;
        for (const p of regionPoints(region)) {
          if (p.series !== series || (read.start !== undefined && p.time < read.start)) continue;
          const row = got.get(p.time);
          if (row === undefined || read.fields.some((f) => row[f as keyof Row] === null)) missing++;
        }
        if (missing > 0)
          problems.push(
            `region ${region} (series ${series}, fields ${read.fields.join(",")}): ${missing} points missing`,
          );
      }
    }
  }
  return problems;
}

/** Asserts that reads touching the damaged block fail with a CorruptError naming its file and offset. */
async function checkBadBlock(db: Strata, bad: NonNullable<Expectation["badBlock"]>): Promise<void> {
  await assert.rejects(
    db.query(DAMAGE_DB, { measurement: "m", where: [{ key: "s", op: "=", value: bad.series }], fields: [bad.field] }),
    (error: unknown) => {
      assert.ok(error instanceof CorruptError, `want CorruptError, got ${String(error)}`);
      assert.equal(error.category, "corrupt");
      assert.match(error.code, /^STORAGE_(SEGMENT_)?CORRUPT/);
      assert.equal(path.basename(error.file), bad.file);
      assert.equal(error.offset, bad.offset);
      return true;
    },
  );
}

type DamageList = Awaited<ReturnType<Strata["engine"]["damage"]>>;
const describeDamage = (damage: DamageList): string =>
  JSON.stringify(damage.map((d) => ({ file: path.basename(d.file), offset: d.offset, reason: d.reason })));

describe("reopen after on-disk damage", () => {
  for (const fault of FAULTS) {
    it(`survives ${fault.name}`, async () => {
      const dir = tempDir();
      fs.cpSync(fixture, dir, { recursive: true });
      const want = fault.apply(dir);

      let db = await Strata.open(dir, { sync: "always" });
      const damage = await db.engine.damage();
      try {
        assert.equal(damage.length, want.damage.length, `damage reported: ${describeDamage(damage)}`);
        for (const w of want.damage) {
          const d = damage.find((x) => path.basename(x.file) === w.file);
          assert.ok(d !== undefined, `damage names ${w.file}: ${describeDamage(damage)}`);
          assert.ok(
            Number.isInteger(d.offset) && d.offset >= 0,
            `damage of ${w.file} has an offset: ${describeDamage(damage)}`,
          );
          if (w.offset !== undefined)
            assert.equal(d.offset, w.offset, `damage offset in ${w.file}: ${describeDamage(damage)}`);
        }
        assert.deepEqual(await checkData(db, FIXTURE_REGIONS, want), []);
        if (want.badBlock !== undefined) await checkBadBlock(db, want.badBlock);
        await db.write(DAMAGE_DB, fixtureLines(laterPoints()));
      } finally {
        await db.close();
      }

      db = await Strata.open(dir, { sync: "always" });
      try {
        const again = await db.engine.damage();
        for (const d of again) {
          assert.ok(
            damage.some((x) => x.file === d.file),
            `second open reports new damage ${describeDamage([d])}; first open reported ${describeDamage(damage)}`,
          );
        }
        assert.deepEqual(await checkData(db, [...FIXTURE_REGIONS, "z"], want), []);
        if (want.badBlock !== undefined) await checkBadBlock(db, want.badBlock);
      } finally {
        await db.close();
      }
      assert.deepEqual(
        fs.readdirSync(path.join(dbDir(dir), "segments")).filter((n) => n.endsWith(".tmp")),
        [],
        "no temporary segment is left after open",
      );
    });
  }

  it("moves an unreadable segment aside as <name>.corrupt and keeps serving the others (segment.md §6)", async () => {
    const dir = tempDir();
    fs.cpSync(fixture, dir, { recursive: true });
    const file = segmentFile(dir, 2);
    flipBit(file, segmentTrailer(file).footerOffset + 5);
    const db = await Strata.open(dir, { sync: "always" });
    try {
      assert.equal((await db.engine.damage()).length, 1);
      assert.deepEqual(await checkData(db, FIXTURE_REGIONS, { damage: [], lost: ["b"] }), []);
    } finally {
      await db.close();
    }
    assert.ok(fs.existsSync(file + ".corrupt"), `${path.basename(file)}.corrupt exists`);
    assert.ok(!fs.existsSync(file), `${path.basename(file)} was moved aside`);
  });
});
