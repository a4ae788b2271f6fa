import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { open } from "lmdb";
import { ConflictError, CorruptError, LimitError, NotFoundError, UnavailableError } from "../../base/index.ts";
import { FieldType, formatSeriesKey } from "../model/index.ts";
import { SeriesIndex } from "./index.ts";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let dirCount = 0;
function freshDir(): string {
  return path.join(root, `db${dirCount++}`);
}

async function reopen(index: SeriesIndex, maxSeries?: number): Promise<SeriesIndex> {
  await index.flushed();
  await index.close();
  return SeriesIndex.open(index.dir, maxSeries === undefined ? {} : { maxSeries });
}

describe("SeriesIndex catalog", () => {
  it("allocates dense ids from 1 and finds them again", async () => {
    const index = await SeriesIndex.open(freshDir());
    try {
      assert.equal(index.getOrCreateSeries("cpu,host=a"), 1);
      assert.equal(index.getOrCreateSeries("cpu,host=b"), 2);
      assert.equal(index.getOrCreateSeries("mem"), 3);
      assert.equal(index.getOrCreateSeries("cpu,host=a"), 1);
      assert.equal(index.findSeries("cpu,host=b"), 2);
      assert.equal(index.findSeries("cpu,host=c"), undefined);
      assert.equal(index.seriesKey(3), "mem");
      assert.equal(index.seriesCount(), 3);
      assert.throws(() => index.seriesKey(4), NotFoundError);
      assert.throws(() => index.seriesKey(0), NotFoundError);
    } finally {
      await index.close();
    }
  });

  it("keeps ids, keys, fields and postings across reopen", async () => {
    let index = await SeriesIndex.open(freshDir());
    const keys = Array.from({ length: 50 }, (_, i) =>
      formatSeriesKey(i % 2 === 0 ? "cpu" : "disk", [
        ["host", `h${i}`],
        ["dc", `dc${i % 3}`],
      ]),
    );
    const ids = keys.map((k) => index.getOrCreateSeries(k));
    const f = index.getOrCreateField("cpu", "usage", FieldType.Float);
    const g = index.getOrCreateField("disk", "free", FieldType.Int);
    index = await reopen(index);
    try {
      assert.deepEqual(
        keys.map((k) => index.findSeries(k)),
        ids,
      );
      assert.deepEqual(
        ids.map((id) => index.seriesKey(id)),
        keys,
      );
      assert.equal(index.seriesCount(), 50);
      assert.deepEqual(index.findField("cpu", "usage"), { id: f, type: FieldType.Float });
      assert.deepEqual(index.fieldById(g), { measurement: "disk", name: "free", type: FieldType.Int });
      assert.deepEqual(index.measurements(), ["cpu", "disk"]);
      assert.deepEqual(
        Array.from(index.select("cpu", [{ key: "dc", op: "=", value: "dc0" }], true)),
        [1, 7, 13, 19, 25, 31, 37, 43, 49],
      );
      assert.equal(index.getOrCreateSeries("cpu,host=new"), 51);
    } finally {
      await index.close();
    }
  });

  it("rejects keys that are not canonical", async () => {
    const index = await SeriesIndex.open(freshDir());
    try {
      for (const key of ["", "cpu,b=1,a=2", "cpu,a=", "cpu a"]) {
        assert.throws(() => index.getOrCreateSeries(key), { code: "STORAGE_BAD_SERIES_KEY" });
      }
      assert.equal(index.seriesCount(), 0);
    } finally {
      await index.close();
    }
  });

  it("refuses to create series beyond maxSeries, also after reopen", async () => {
    let index = await SeriesIndex.open(freshDir(), { maxSeries: 3 });
    for (let i = 0; i < 3; i++) index.getOrCreateSeries(`cpu,host=h${i}`);
    assert.throws(
      () => index.getOrCreateSeries("cpu,host=h3"),
      (err: unknown) => {
        assert.ok(err instanceof LimitError);
        assert.equal(err.code, "STORAGE_SERIES_LIMIT");
        return true;
      },
    );
    assert.equal(index.getOrCreateSeries("cpu,host=h1"), 2);
    index = await reopen(index, 3);
    try {
      assert.throws(() => index.getOrCreateSeries("cpu,host=h3"), { code: "STORAGE_SERIES_LIMIT" });
      assert.equal(index.seriesCount(), 3);
      index.deleteSeries(Uint32Array.of(1));
      assert.equal(index.getOrCreateSeries("cpu,host=h3"), 4);
    } finally {
      await index.close();
    }
  });

  it("treats maxSeries 0 as unlimited and persists batches spanning several catalog records", async () => {
    let index = await SeriesIndex.open(freshDir(), { maxSeries: 0 });
    for (let i = 0; i < 10_000; i++) index.getOrCreateSeries(`m,i=${i}`);
    assert.equal(index.seriesCount(), 10_000);
    index = await reopen(index, 0);
    try {
      assert.equal(index.seriesCount(), 10_000);
      assert.equal(index.findSeries("m,i=4097"), 4098);
      assert.equal(index.seriesKey(10_000), "m,i=9999");
    } finally {
      await index.close();
    }
  });

  it("persists escaped and non-ASCII keys", async () => {
    const keys = ["c\\ pu,a\\=b=x\\,y", "cpu,host=\u00e9\u65e5\u672c", "cpu,emoji=\u{1f600}"];
    let index = await SeriesIndex.open(freshDir());
    const ids = keys.map((k) => index.getOrCreateSeries(k));
    index = await reopen(index);
    try {
      assert.deepEqual(
        keys.map((k) => index.findSeries(k)),
        ids,
      );
      assert.deepEqual(index.tagValues("c pu", "a=b"), ["x,y"]);
      assert.deepEqual(index.tagValues("cpu", "host"), ["\u00e9\u65e5\u672c"]);
    } finally {
      await index.close();
    }
  });

  it("persists series created and deleted in the same turn as deleted", async () => {
    let index = await SeriesIndex.open(freshDir());
    index.getOrCreateSeries("cpu,host=a");
    index.getOrCreateSeries("cpu,host=b");
    index.deleteSeries(Uint32Array.of(1));
    index = await reopen(index);
    try {
      assert.equal(index.findSeries("cpu,host=a"), undefined);
      assert.equal(index.findSeries("cpu,host=b"), 2);
      assert.equal(index.getOrCreateSeries("cpu,host=a"), 3);
    } finally {
      await index.close();
    }
  });

  it("reports a malformed catalog record as corrupt", async () => {
    const dir = freshDir();
    const index = await SeriesIndex.open(dir);
    index.getOrCreateSeries("cpu,host=a");
    await index.flushed();
    await index.close();
    const env = open({ path: dir, maxDbs: 8 });
    const series = env.openDB<Buffer, number>({ name: "series", keyEncoding: "uint32", encoding: "binary" });
    await series.put(2, Buffer.from([200, 1, 65]));
    await env.close();
    await assert.rejects(SeriesIndex.open(dir), (err: unknown) => {
      assert.ok(err instanceof CorruptError);
      assert.equal(err.code, "STORAGE_CORRUPT");
      return true;
    });
  });

  it("deletes series durably and never reuses their ids", async () => {
    let index = await SeriesIndex.open(freshDir());
    for (let i = 1; i <= 6; i++) index.getOrCreateSeries(`cpu,host=h${i},rack=r${i % 2}`);
    index.deleteSeries(Uint32Array.of(6, 2, 2, 99));
    assert.equal(index.seriesCount(), 4);
    assert.equal(index.findSeries("cpu,host=h2"), undefined);
    assert.throws(() => index.seriesKey(2), NotFoundError);
    assert.deepEqual(index.tagValues("cpu", "host"), ["h1", "h3", "h4", "h5"]);
    index = await reopen(index);
    try {
      assert.equal(index.seriesCount(), 4);
      assert.equal(index.findSeries("cpu,host=h6,rack=r0"), undefined);
      assert.deepEqual(Array.from(index.select("cpu", [{ key: "rack", op: "=", value: "r0" }], true)), [4]);
      assert.equal(index.getOrCreateSeries("cpu,host=h6,rack=r0"), 7);
      index.deleteSeries(Uint32Array.of(7));
    } finally {
      await index.close();
    }
    // The deleted maximum id must not come back either.
    index = await SeriesIndex.open(index.dir);
    try {
      assert.equal(index.getOrCreateSeries("cpu,host=h7"), 8);
    } finally {
      await index.close();
    }
  });

  it("drops a measurement from postings when its last series goes", async () => {
    const index = await SeriesIndex.open(freshDir());
    try {
      index.getOrCreateSeries("cpu,host=a");
      index.getOrCreateSeries("cpu,host=b");
      index.getOrCreateSeries("mem,host=a");
      index.deleteSeries(Uint32Array.of(1, 2));
      assert.deepEqual(index.measurements(), ["mem"]);
      assert.deepEqual(index.tagKeys("cpu"), []);
      assert.deepEqual(Array.from(index.select("cpu", [], true)), []);
      assert.deepEqual(Array.from(index.select(undefined, [], true)), [3]);
    } finally {
      await index.close();
    }
  });

  it("refuses changes once closed, and close is idempotent", async () => {
    const index = await SeriesIndex.open(freshDir());
    index.getOrCreateSeries("cpu");
    const a = index.close();
    const b = index.close();
    assert.equal(a, b);
    await a;
    assert.throws(() => index.getOrCreateSeries("cpu"), UnavailableError);
    assert.throws(() => index.getOrCreateField("cpu", "x", FieldType.Float), UnavailableError);
  });

  it("refuses a directory written by a newer format version", async () => {
    const dir = freshDir();
    await (await SeriesIndex.open(dir)).close();
    const env = open({ path: dir, maxDbs: 8 });
    const meta = env.openDB<Buffer, string>({ name: "meta", encoding: "binary" });
    await meta.put("formatVersion", Buffer.from([2, 0, 0, 0]));
    await env.close();
    await assert.rejects(SeriesIndex.open(dir), (err: unknown) => {
      assert.ok(err instanceof CorruptError);
      assert.equal(err.code, "STORAGE_INDEX_VERSION");
      return true;
    });
  });
});

describe("SeriesIndex fields", () => {
  it("gives stable dense field ids per database and rejects type changes", async () => {
    let index = await SeriesIndex.open(freshDir());
    assert.equal(index.getOrCreateField("cpu", "usage", FieldType.Float), 1);
    assert.equal(index.getOrCreateField("cpu", "count", FieldType.Int), 2);
    assert.equal(index.getOrCreateField("mem", "usage", FieldType.Float), 3);
    assert.equal(index.getOrCreateField("cpu", "usage", FieldType.Float), 1);
    assert.throws(
      () => index.getOrCreateField("cpu", "usage", FieldType.String),
      (err: unknown) => {
        assert.ok(err instanceof ConflictError);
        assert.equal(err.code, "STORAGE_FIELD_TYPE_CONFLICT");
        return true;
      },
    );
    index = await reopen(index);
    try {
      assert.throws(() => index.getOrCreateField("cpu", "usage", FieldType.Bool), {
        code: "STORAGE_FIELD_TYPE_CONFLICT",
      });
      assert.deepEqual(index.fields("cpu"), [
        { name: "count", id: 2, type: FieldType.Int },
        { name: "usage", id: 1, type: FieldType.Float },
      ]);
      assert.deepEqual(index.fields("nope"), []);
      assert.equal(index.findField("cpu", "nope"), undefined);
      assert.throws(() => index.fieldById(9), NotFoundError);
      assert.equal(index.getOrCreateField("disk", "free", FieldType.Uint), 4);
    } finally {
      await index.close();
    }
  });

  it("drops the schema of a measurement only when it has no series, without reusing field ids", async () => {
    let index = await SeriesIndex.open(freshDir());
    index.getOrCreateSeries("cpu,host=a");
    index.getOrCreateField("cpu", "usage", FieldType.Float);
    index.getOrCreateField("cpu", "idle", FieldType.Float);
    index.dropMeasurementIfEmpty("cpu");
    assert.deepEqual(index.findField("cpu", "usage"), { id: 1, type: FieldType.Float });
    index.deleteSeries(Uint32Array.of(1));
    index.dropMeasurementIfEmpty("cpu");
    assert.equal(index.findField("cpu", "usage"), undefined);
    assert.throws(() => index.fieldById(2), NotFoundError);
    assert.deepEqual(index.measurements(), []);
    index = await reopen(index);
    try {
      assert.deepEqual(index.fields("cpu"), []);
      assert.equal(index.getOrCreateField("cpu", "usage", FieldType.Int), 3);
    } finally {
      await index.close();
    }
  });
});
