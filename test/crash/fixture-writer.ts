// Child process that builds the damage-test fixture and exits without closing, as a crash would leave it:
// segment 1 holds series "a", segment 2 series "b", and the WAL WAL_RECORDS records of series "w".
// Usage: node --import tsx fixture-writer.ts <dataDir>. Prints "done" when everything is durable.
import * as fs from "node:fs";
import { Strata } from "../../src/index.ts";
import { DAMAGE_DB, WAL_RECORDS, fixtureLines, segmentPoints, walPoints } from "./damage-fixture.ts";

const dir = process.argv[2];
if (dir === undefined) {
  process.stderr.write("usage: fixture-writer.ts <dataDir>\n");
  process.exit(2);
}
const db = await Strata.open(dir, { sync: "always" });
await db.write(DAMAGE_DB, fixtureLines(segmentPoints("a")));
await db.flush();
await db.write(DAMAGE_DB, fixtureLines(segmentPoints("b")));
await db.flush();
for (let r = 0; r < WAL_RECORDS; r++) await db.write(DAMAGE_DB, fixtureLines(walPoints(r)));
fs.writeSync(1, "done\n");
// No close: the WAL records stay unflushed, exactly as after a crash (sync "always" made them durable).
process.exit(0);
