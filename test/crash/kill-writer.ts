// Child process of the kill -9 test: runs the crash workload against a data directory until it is killed.
// Usage: node --import tsx kill-writer.ts <dataDir> <seed> <firstOpId>. Prints one line per event to stdout:
// "r" once open, "i <id>" before an op is issued, "a <id>" after it was acknowledged, "x <id> <code>" on failure.
import * as fs from "node:fs";
import { Strata, isTsdbError } from "../../src/index.ts";
import {
  CRASH_DB,
  CRASH_ENGINE_OPTIONS,
  MEASUREMENTS,
  SERIES,
  crashOp,
  slotStart,
  slotTime,
  toLineProtocol,
} from "./crash-workload.ts";
import type { CrashOp } from "./crash-workload.ts";

const IN_FLIGHT = 3;
/** The parent kills us long before this; it only bounds an orphan's life. */
const MAX_LIFE_MS = 60_000;

const [dir, seedText, firstText] = process.argv.slice(2);
if (dir === undefined || seedText === undefined || firstText === undefined) {
  process.stderr.write("usage: kill-writer.ts <dataDir> <seed> <firstOpId>\n");
  process.exit(2);
}
const seed = Number(seedText);
let nextId = Number(firstText);

/** Pipes to the parent are written synchronously on Linux; writeSync makes that explicit, so nothing printed is lost. */
function emit(line: string): void {
  fs.writeSync(1, line + "\n");
}

setTimeout(() => process.exit(4), MAX_LIFE_MS).unref();

const db = await Strata.open(dir, CRASH_ENGINE_OPTIONS);
await db.createDatabase(CRASH_DB);
emit("r");

async function run(op: CrashOp): Promise<void> {
  if (op.kind === "write") {
    await db.write(CRASH_DB, toLineProtocol(op.points));
    return;
  }
  const def = SERIES[op.series]!;
  await db.delete(
    CRASH_DB,
    {
      measurement: MEASUREMENTS[def.measurement]!.name,
      where: [
        { key: "host", op: "=", value: def.host },
        { key: "dc", op: "=", value: def.dc },
      ],
    },
    { start: slotStart(def.measurement, op.fromSlot), end: slotTime(def.measurement, op.toSlot) },
  );
}

async function worker(): Promise<void> {
  for (;;) {
    const id = nextId++;
    const op = crashOp(seed, id);
    emit(`i ${id}`);
    try {
      await run(op);
    } catch (error) {
      const code = isTsdbError(error) ? error.code : "UNKNOWN";
      emit(`x ${id} ${code}`);
      process.stderr.write(`op ${id} failed: ${String((error as Error)?.stack ?? error)}\n`);
      process.exit(3);
    }
    emit(`a ${id}`);
  }
}

await Promise.all(Array.from({ length: IN_FLIGHT }, () => worker()));
