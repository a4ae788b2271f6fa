// Runs the PromQL golden scripts in testdata/*.test (Prometheus promqltest style: load, eval, expected lines)
// against a real StorageEngine in a temporary directory.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isTsdbError } from "../../base/index.ts";
import { FieldType, StorageEngine, WriteBatch, formatSeriesKey } from "../../storage/index.ts";
import type { PromQueryData } from "../../wire/index.ts";
import { parseDurationText, parseNumberText } from "./lexer.ts";
import { promInstantQuery, promRangeQuery } from "./index.ts";
import { labelsKey } from "./labels.ts";

const TESTDATA = path.join(import.meta.dirname, "testdata");
const STALE_BITS = new Uint32Array([2, 0x7ff00000]);
const STALE = new Float64Array(STALE_BITS.buffer)[0]!;

type Point = number | "missing" | "stale";

/** Expands promqltest value notation: `1 2 _ stale`, `0+10x5`, `5-1x3`, `_x3`, `1x3`. */
function expandValues(text: string): Point[] {
  const out: Point[] = [];
  for (const tok of text
    .trim()
    .split(/\s+/)
    .filter((t) => t !== "")) {
    if (tok === "_") out.push("missing");
    else if (tok === "stale") out.push("stale");
    else if (/^_x\d+$/.test(tok)) for (let i = 0; i < Number(tok.slice(2)); i++) out.push("missing");
    else {
      const m = /^(-?[^+\-x]+|-?Inf|NaN)(?:([+-])([^x]+))?x(\d+)$/.exec(tok);
      if (m !== null) {
        const start = num(m[1]!);
        const step = m[2] === undefined ? 0 : (m[2] === "-" ? -1 : 1) * num(m[3]!);
        for (let i = 0; i <= Number(m[4]); i++) out.push(start + i * step);
      } else out.push(num(tok));
    }
  }
  return out;
}

function num(tok: string): number {
  const t = tok.trim();
  const neg = t.startsWith("-");
  const body = neg || t.startsWith("+") ? t.slice(1) : t;
  const lower = body.toLowerCase();
  const v = lower === "inf" ? Infinity : lower === "nan" ? NaN : parseNumberText(body);
  if (v === undefined) throw new Error(`bad number ${tok}`);
  return neg ? -v : v;
}

function durationMs(text: string): number {
  const s = parseDurationText(text) ?? Number(text);
  return Math.round(s * 1000);
}

/** Splits `name{a="b"} rest` into labels and the rest of the line. */
function parseSeriesLine(line: string): { labels: Record<string, string>; rest: string } {
  const m = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)?(\{[^}]*\})?\s*(.*)$/.exec(line)!;
  const labels: Record<string, string> = {};
  if (m[1] !== undefined) labels["__name__"] = m[1];
  if (m[2] !== undefined) {
    const re = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/gy;
    const body = m[2].slice(1, -1);
    let r: RegExpExecArray | null;
    while ((r = re.exec(body)) !== null) labels[r[1]!] = JSON.parse(`"${r[2]!}"`) as string;
  }
  return { labels, rest: m[3]! };
}

interface EvalCase {
  line: number;
  mode: "instant" | "range";
  ordered: boolean;
  fail: boolean;
  failCode: string | undefined;
  atMs: number;
  endMs: number;
  stepMs: number;
  expr: string;
  expected: string[];
  db: string;
}

interface Script {
  loads: Array<{ db: string; intervalMs: number; lines: string[] }>;
  evals: EvalCase[];
}

function parseScript(text: string, file: string): Script {
  const lines = text.split("\n");
  const script: Script = { loads: [], evals: [] };
  let dbIndex = 0;
  let db = `${file}-0`;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "" || line.trim().startsWith("#")) continue;
    const body: string[] = [];
    while (i + 1 < lines.length && /^\s+\S/.test(lines[i + 1]!) && !lines[i + 1]!.trim().startsWith("#"))
      body.push(lines[++i]!.trim());
    if (line === "clear") {
      db = `${file}-${++dbIndex}`;
      continue;
    }
    let m = /^load\s+(\S+)$/.exec(line);
    if (m !== null) {
      script.loads.push({ db, intervalMs: durationMs(m[1]!), lines: body });
      continue;
    }
    m = /^eval(_ordered|_fail)?\s+instant\s+at\s+(\S+)\s+(.*)$/.exec(line);
    const r = /^eval(_fail)?\s+range\s+from\s+(\S+)\s+to\s+(\S+)\s+step\s+(\S+)\s+(.*)$/.exec(line);
    if (m === null && r === null) throw new Error(`${file}:${i + 1}: cannot parse ${line}`);
    const fail = m !== null ? m[1] === "_fail" : r![1] === "_fail";
    const failCode = fail && body[0]?.startsWith("code ") ? body[0].slice(5).trim() : undefined;
    script.evals.push({
      line: i + 1,
      mode: m !== null ? "instant" : "range",
      ordered: m !== null && m[1] === "_ordered",
      fail,
      failCode,
      atMs: durationMs(m !== null ? m[2]! : r![2]!),
      endMs: r !== null ? durationMs(r[3]!) : 0,
      stepMs: r !== null ? durationMs(r[4]!) : 0,
      expr: m !== null ? m[3]! : r![5]!,
      expected: fail ? [] : body,
      db,
    });
  }
  return script;
}

async function load(engine: StorageEngine, db: string, intervalMs: number, lines: string[]): Promise<void> {
  const batch = new WriteBatch();
  for (const line of lines) {
    const { labels, rest } = parseSeriesLine(line);
    const name = labels["__name__"]!;
    const tags = Object.entries(labels)
      .filter(([k]) => k !== "__name__")
      .sort((a, b) => (a[0] < b[0] ? -1 : 1));
    const key = formatSeriesKey(name, tags);
    expandValues(rest).forEach((p, i) => {
      if (p === "missing") return;
      const ms = i * intervalMs;
      batch.addPoint(key, name, Math.floor(ms / 1000), (ms % 1000) * 1e6);
      batch.addNumber("value", FieldType.Float, p === "stale" ? STALE : p);
    });
  }
  await engine.write(db, batch);
}

function close(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  return Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b));
}

function parseWireValue(s: string): number {
  return s === "+Inf" ? Infinity : s === "-Inf" ? -Infinity : Number(s);
}

function checkInstant(c: EvalCase, data: PromQueryData): void {
  if (data.resultType === "scalar") {
    assert.equal(c.expected.length, 1, `scalar result ${data.result[1]} but expected ${c.expected.join("; ")}`);
    assert.ok(close(parseWireValue(data.result[1]), num(c.expected[0]!)), `got ${data.result[1]}`);
    return;
  }
  if (data.resultType === "string") {
    assert.equal(JSON.stringify(data.result[1]), c.expected[0]);
    return;
  }
  if (data.resultType === "matrix") {
    const got = data.result.map((s) => `${labelsKey(s.metric)} ${s.values.map((p) => p[1]).join(" ")}`).sort();
    const want = c.expected
      .map((l) => {
        const { labels, rest } = parseSeriesLine(l);
        return `${labelsKey(labels)} ${rest.trim().split(/\s+/).join(" ")}`;
      })
      .sort();
    assert.deepEqual(got, want);
    return;
  }
  assert.equal(data.resultType, "vector");
  const got = data.result.map((s) => ({ key: labelsKey(s.metric), v: parseWireValue(s.value[1]) }));
  const want = c.expected.map((l) => {
    const { labels, rest } = parseSeriesLine(l);
    return { key: labelsKey(labels), v: num(rest) };
  });
  const show = (): string => JSON.stringify(data.result);
  assert.equal(got.length, want.length, `got ${show()}`);
  if (!c.ordered) {
    got.sort((a, b) => (a.key < b.key ? -1 : 1));
    want.sort((a, b) => (a.key < b.key ? -1 : 1));
  }
  for (let i = 0; i < got.length; i++) {
    assert.equal(got[i]!.key, want[i]!.key, `got ${show()}`);
    assert.ok(close(got[i]!.v, want[i]!.v), `value of ${want[i]!.key}: got ${got[i]!.v}, want ${want[i]!.v}`);
  }
}

function checkRange(c: EvalCase, data: PromQueryData): void {
  assert.equal(data.resultType, "matrix");
  if (data.resultType !== "matrix") return;
  const got = new Map<string, Map<number, number>>();
  for (const s of data.result)
    got.set(labelsKey(s.metric), new Map(s.values.map(([t, v]) => [Math.round(t * 1000), parseWireValue(v)])));
  assert.equal(got.size, c.expected.length, `got ${JSON.stringify(data.result)}`);
  for (const line of c.expected) {
    const { labels, rest } = parseSeriesLine(line);
    const series = got.get(labelsKey(labels));
    assert.ok(series !== undefined, `missing ${line}; got ${JSON.stringify(data.result)}`);
    const want = expandValues(rest);
    let n = 0;
    want.forEach((p, i) => {
      const t = c.atMs + i * c.stepMs;
      if (p === "missing" || p === "stale") {
        assert.ok(!series.has(t), `${line}: unexpected point at ${t}`);
        return;
      }
      n++;
      assert.ok(series.has(t) && close(series.get(t)!, p), `${line}: at ${t} got ${series.get(t)}, want ${p}`);
    });
    assert.equal(series.size, n, `${line}: got ${JSON.stringify([...series])}`);
  }
}

const files = fs.readdirSync(TESTDATA).filter((f) => f.endsWith(".test"));

describe("promql golden scripts", () => {
  let dir = "";
  let engine: StorageEngine;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
    engine = await StorageEngine.open(dir, { sync: "never" });
  });
  after(async () => {
    await engine.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const file of files) {
    const script = parseScript(fs.readFileSync(path.join(TESTDATA, file), "utf8"), file);
    describe(file, () => {
      before(async () => {
        for (const l of script.loads) await load(engine, l.db, l.intervalMs, l.lines);
      });
      for (const c of script.evals) {
        it(`line ${c.line}: ${c.expr}`, async () => {
          const run = (): Promise<PromQueryData> =>
            c.mode === "instant"
              ? promInstantQuery(engine, c.db, c.expr, c.atMs)
              : promRangeQuery(engine, c.db, c.expr, c.atMs, c.endMs, c.stepMs);
          if (c.fail) {
            await assert.rejects(
              run(),
              (e: unknown) => isTsdbError(e) && (c.failCode === undefined || e.code === c.failCode),
            );
            return;
          }
          const data = await run();
          if (c.mode === "instant") checkInstant(c, data);
          else checkRange(c, data);
        });
      }
    });
  }
});
