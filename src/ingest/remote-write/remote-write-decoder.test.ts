// decodeRemoteWrite: mapping to the batch, label validation, metadata, limits, malformed input, fuzzing, round trip.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { compressSync } from "snappy";
import { InvalidError, LimitError } from "../../base/index.ts";
import { FieldType, WriteBatch, formatSeriesKey } from "../../storage/index.ts";
import { decodeRemoteWrite } from "./remote-write-decoder.ts";
import type { RemoteWriteOptions } from "./remote-write-decoder.ts";
import { encodeWriteRequest, encodeWriteRequestProto } from "./remote-write.test-support.ts";
import type { TestWriteRequest } from "./remote-write.test-support.ts";

type Labels = Array<{ name: string; value: string }>;

function labels(obj: Record<string, string>): Labels {
  return Object.entries(obj).map(([name, value]) => ({ name, value }));
}

function decode(
  req: TestWriteRequest,
  opts?: RemoteWriteOptions,
): { batch: WriteBatch; result: ReturnType<typeof decodeRemoteWrite> } {
  const batch = new WriteBatch();
  const result = decodeRemoteWrite(encodeWriteRequest(req), batch, opts);
  return { batch, result };
}

function points(
  batch: WriteBatch,
): Array<{ key: string; measurement: string; sec: number; nsec: number; value: number }> {
  const out = [];
  for (let i = 0; i < batch.pointCount; i++) {
    assert.equal(batch.valuePoint[i], i);
    assert.equal(batch.valueField[i], "value");
    assert.equal(batch.valueType[i], FieldType.Float);
    out.push({
      key: batch.seriesKeys[i]!,
      measurement: batch.measurements[i]!,
      sec: batch.sec[i]!,
      nsec: batch.nsec[i]!,
      value: batch.valueNum[i]!,
    });
  }
  return out;
}

function bitsOf(x: number): bigint {
  return new BigUint64Array(new Float64Array([x]).buffer)[0]!;
}

function fromBits(bits: bigint): number {
  return new Float64Array(new BigUint64Array([bits]).buffer)[0]!;
}

const STALE_NAN_BITS = 0x7ff0000000000002n;

describe("decodeRemoteWrite mapping", () => {
  const cases = [
    {
      name: "metric name becomes the measurement and the other labels sorted tags",
      input: { labels: labels({ zone: "b", __name__: "up", job: "node" }), ms: 1_700_000_000_123 },
      want: { key: "up,job=node,zone=b", measurement: "up", sec: 1_700_000_000, nsec: 123_000_000 },
    },
    {
      name: "empty-valued labels are dropped",
      input: { labels: labels({ __name__: "up", a: "", b: "x" }), ms: 0 },
      want: { key: "up,b=x", measurement: "up", sec: 0, nsec: 0 },
    },
    {
      name: "times before 1970 floor to whole seconds",
      input: { labels: labels({ __name__: "m" }), ms: -1 },
      want: { key: "m", measurement: "m", sec: -1, nsec: 999_000_000 },
    },
    {
      name: "special characters are escaped in the series key",
      input: { labels: labels({ __name__: "a b,c", "k=1": "v 2" }), ms: 5 },
      want: { key: "a\\ b\\,c,k\\=1=v\\ 2", measurement: "a b,c", sec: 0, nsec: 5_000_000 },
    },
    {
      name: "labels sorting before __name__ stay tags",
      input: { labels: labels({ A: "1", _a: "2", __name__: "m" }), ms: 1000 },
      want: { key: "m,A=1,_a=2", measurement: "m", sec: 1, nsec: 0 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { batch, result } = decode({
        timeseries: [{ labels: c.input.labels, samples: [{ value: 2.5, timestamp: c.input.ms }] }],
      });
      assert.deepEqual(result.errors, []);
      assert.equal(result.samples, 1);
      assert.deepEqual(points(batch), [{ ...c.want, value: 2.5 }]);
    });
  }

  it("keeps Prometheus stale markers and other NaN payloads bit for bit", () => {
    const stale = fromBits(STALE_NAN_BITS);
    const { batch } = decode({
      timeseries: [
        {
          labels: labels({ __name__: "up" }),
          samples: [
            { value: stale, timestamp: 1 },
            { value: fromBits(0xfff8000000000001n), timestamp: 2 },
            { value: -0, timestamp: 3 },
          ],
        },
      ],
    });
    const bits = new BigUint64Array(batch.valueNum.buffer, 0, 3);
    assert.deepEqual(Array.from(bits), [STALE_NAN_BITS, 0xfff8000000000001n, 0x8000000000000000n]);
  });

  it("appends to a non-empty batch and reports samples and series", () => {
    const batch = new WriteBatch();
    batch.addPoint("x", "x", 0, 0);
    batch.addNumber("f", FieldType.Float, 1);
    const req = {
      timeseries: [
        {
          labels: labels({ __name__: "a" }),
          samples: [
            { value: 1, timestamp: 1 },
            { value: 2, timestamp: 2 },
          ],
        },
        { labels: labels({ __name__: "b" }), samples: [] },
      ],
    };
    const result = decodeRemoteWrite(encodeWriteRequest(req), batch);
    assert.equal(result.samples, 2);
    assert.equal(result.series, 2);
    assert.equal(batch.pointCount, 3);
    assert.equal(batch.seriesKeys[0], "x");
  });

  it("decodes labels that follow or interleave with samples", () => {
    const sample = { value: 7, timestamp: 9000 };
    // protobufjs writes fields in schema order, so build the interleaved message by hand from two encodings.
    const labelsFirst = encodeWriteRequestProto({
      timeseries: [{ labels: labels({ __name__: "m", a: "1" }), samples: [sample] }],
    });
    const series = labelsFirst.subarray(2); // strip the WriteRequest field tag and one-byte length
    assert.equal(labelsFirst[1], series.length);
    // series = label(__name__) label(a) sample; reorder to sample label(a) label(__name__)
    const parts: Uint8Array[] = [];
    let pos = 0;
    while (pos < series.length) {
      const len = series[pos + 1]!;
      parts.push(series.subarray(pos, pos + 2 + len));
      pos += 2 + len;
    }
    const reordered = Buffer.concat([parts[2]!, parts[1]!, parts[0]!]);
    const proto = Buffer.concat([Buffer.from([0x0a, reordered.length]), reordered]);
    for (let round = 0; round < 2; round++) {
      const batch = new WriteBatch();
      const result = decodeRemoteWrite(compressSync(proto), batch);
      assert.deepEqual(result.errors, []);
      assert.deepEqual(points(batch), [{ key: "m,a=1", measurement: "m", sec: 9, nsec: 0, value: 7 }]);
    }
  });

  it("returns the same keys when a request is decoded again (series cache)", () => {
    const req = {
      timeseries: [{ labels: labels({ __name__: "m", host: "h" }), samples: [{ value: 1, timestamp: 1 }] }],
    };
    const first = points(decode(req).batch);
    const second = points(decode(req).batch);
    assert.deepEqual(second, first);
  });
});

describe("decodeRemoteWrite label validation", () => {
  const bad = [
    { name: "no metric name", input: labels({ job: "x" }), want: "missing __name__" },
    { name: "empty metric name", input: labels({ __name__: "", job: "x" }), want: "missing __name__" },
    {
      name: "duplicate label names",
      input: [...labels({ __name__: "m", a: "1" }), { name: "a", value: "2" }],
      want: "duplicate",
    },
    {
      name: "empty label name",
      input: [...labels({ __name__: "m" }), { name: "", value: "v" }],
      want: "invalid label name",
    },
  ];
  for (const c of bad) {
    it(`rejects a series with ${c.name} and keeps the others`, () => {
      const { batch, result } = decode({
        timeseries: [
          { labels: labels({ __name__: "ok" }), samples: [{ value: 1, timestamp: 1 }] },
          { labels: c.input, samples: [{ value: 2, timestamp: 2 }] },
          { labels: labels({ __name__: "ok2" }), samples: [{ value: 3, timestamp: 3 }] },
        ],
      });
      assert.equal(result.errors.length, 1);
      assert.equal(result.errors[0]!.series, 1);
      assert.ok(result.errors[0]!.message.startsWith("timeseries 1: "));
      assert.deepEqual(
        points(batch).map((p) => p.key),
        ["ok", "ok2"],
      );
      assert.equal(result.series, 2);
      assert.equal(result.samples, 2);
    });
  }

  it("rejects invalid UTF-8 in a label value", () => {
    const proto = Buffer.from(
      encodeWriteRequestProto({ timeseries: [{ labels: labels({ __name__: "m", a: "xy" }), samples: [] }] }),
    );
    const at = proto.indexOf("xy");
    proto[at] = 0xff;
    const result = decodeRemoteWrite(compressSync(proto), new WriteBatch());
    assert.equal(result.errors.length, 1);
    assert.equal(result.series, 0);
  });

  it("accepts a genuine U+FFFD character", () => {
    const { result, batch } = decode({
      timeseries: [{ labels: labels({ __name__: "m", a: "\uFFFD" }), samples: [{ value: 1, timestamp: 0 }] }],
    });
    assert.deepEqual(result.errors, []);
    assert.equal(batch.seriesKeys[0], "m,a=\uFFFD");
  });

  it("accepts UTF-8 names by default and rejects them under legacy validation", () => {
    const req = {
      timeseries: [
        { labels: labels({ __name__: "métrique.x", "label.é": "v" }), samples: [{ value: 1, timestamp: 0 }] },
      ],
    };
    assert.deepEqual(decode(req).result.errors, []);
    const legacy = decode(req, { nameValidation: "legacy" });
    assert.equal(legacy.result.errors.length, 1);
    assert.equal(legacy.batch.pointCount, 0);
    const fine = {
      timeseries: [
        { labels: labels({ __name__: "ns:metric_total", job_1: "v" }), samples: [{ value: 1, timestamp: 0 }] },
      ],
    };
    assert.deepEqual(decode(fine, { nameValidation: "legacy" }).result.errors, []);
  });
});

describe("decodeRemoteWrite metadata, histograms and exemplars", () => {
  it("returns metadata with Prometheus type names", () => {
    const types = ["unknown", "counter", "gauge", "histogram", "gaugehistogram", "summary", "info", "stateset"];
    const { result } = decode({
      timeseries: [],
      metadata: types.map((_, i) => ({
        type: i,
        metricFamilyName: `m${i}`,
        help: `help ${i}`,
        unit: i === 1 ? "seconds" : "",
      })),
    });
    assert.deepEqual(
      result.metadata,
      types.map((type, i) => ({ metric: `m${i}`, type, help: `help ${i}`, unit: i === 1 ? "seconds" : "" })),
    );
  });

  it("counts native histograms and ignores them and exemplars", () => {
    const { batch, result } = decode({
      timeseries: [
        {
          labels: labels({ __name__: "h" }),
          samples: [{ value: 1, timestamp: 1 }],
          exemplars: [{ labels: labels({ trace_id: "abc" }), value: 1, timestamp: 1 }],
          histograms: [
            { countInt: 3, sum: 1.5, schema: 0, timestamp: 1 },
            { countInt: 4, sum: 2, schema: 0, timestamp: 2 },
          ],
        },
      ],
    });
    assert.equal(result.ignoredHistograms, 2);
    assert.deepEqual(result.errors, []);
    assert.equal(batch.pointCount, 1);
  });
});

describe("decodeRemoteWrite bad input", () => {
  const cases = [
    { name: "empty body", input: Buffer.alloc(0) },
    { name: "not snappy", input: Buffer.from("hello, this is not snappy at all") },
    { name: "snappy of a truncated protobuf", input: compressSync(Buffer.from([0x0a, 0x10, 0x0a, 0x02])) },
    { name: "snappy of an invalid wire type", input: compressSync(Buffer.from([0x0f, 0x00])) },
    { name: "snappy of field number 0", input: compressSync(Buffer.from([0x00, 0x00])) },
    {
      name: "snappy of an overlong sample timestamp varint",
      input: compressSync(Buffer.from([0x0a, 14, 0x12, 12, 0x10, ...Array<number>(10).fill(0xff), 0x01])),
    },
  ];
  for (const c of cases) {
    it(`rejects ${c.name} with INGEST_BAD_REMOTE_WRITE`, () => {
      assert.throws(
        () => decodeRemoteWrite(c.input, new WriteBatch()),
        (e: unknown) => {
          assert.ok(e instanceof InvalidError);
          assert.equal(e.code, "INGEST_BAD_REMOTE_WRITE");
          return true;
        },
      );
    });
  }

  it("rejects a sample overrunning its series with INGEST_BAD_REMOTE_WRITE", () => {
    const proto = Buffer.from(
      encodeWriteRequestProto({
        timeseries: [{ labels: labels({ __name__: "m" }), samples: [{ value: 1, timestamp: 1 }] }],
      }),
    );
    proto[1] = proto[1]! - 3; // the series claims fewer bytes than its sample needs
    assert.throws(() => decodeRemoteWrite(compressSync(proto), new WriteBatch()), { code: "INGEST_BAD_REMOTE_WRITE" });
  });

  it("throws LimitError past maxSamples", () => {
    const req = {
      timeseries: [{ labels: labels({ __name__: "m" }), samples: [1, 2, 3].map((t) => ({ value: t, timestamp: t })) }],
    };
    assert.throws(
      () => decode(req, { maxSamples: 2 }),
      (e: unknown) => e instanceof LimitError && e.code === "INGEST_TOO_MANY_SAMPLES",
    );
    assert.equal(decode(req, { maxSamples: 3 }).result.samples, 3);
  });

  it("throws LimitError when the decoded size exceeds maxDecodedBytes, before decompressing", () => {
    const req = { timeseries: [{ labels: labels({ __name__: "m" }), samples: [{ value: 1, timestamp: 1 }] }] };
    assert.throws(
      () => decode(req, { maxDecodedBytes: 4 }),
      (e: unknown) => e instanceof LimitError && e.code === "INGEST_BODY_TOO_LARGE",
    );
    // A preamble claiming 4 GiB is refused without allocating it.
    const huge = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]);
    assert.throws(() => decodeRemoteWrite(huge, new WriteBatch()), { code: "INGEST_BODY_TOO_LARGE" });
  });
});

// ---- properties ----

const labelName = fc.oneof(
  fc.constantFrom("job", "instance", "le", "a", "_b", "Zz"),
  fc.string({ minLength: 1, maxLength: 8 }),
);
const labelValue = fc.oneof(fc.constant(""), fc.string({ maxLength: 12 }), fc.constantFrom("a b", "x,y", "k=v", "\\"));
const sampleArb = fc.record({
  value: fc.oneof(fc.double(), fc.constant(fromBits(STALE_NAN_BITS))),
  timestamp: fc.integer({ min: -9_000_000_000_000, max: 9_000_000_000_000 }),
});
const seriesArb = fc.record({
  metric: fc.string({ minLength: 1, maxLength: 10 }),
  labels: fc.uniqueArray(fc.tuple(labelName, labelValue), { selector: (t) => t[0], maxLength: 5 }),
  samples: fc.array(sampleArb, { maxLength: 4 }),
});

function validUtf16(s: string): boolean {
  return Buffer.from(s, "utf8").toString("utf8") === s;
}

describe("decodeRemoteWrite properties", () => {
  it("round-trips random WriteRequests encoded by protobufjs", () => {
    fc.assert(
      fc.property(fc.array(seriesArb, { maxLength: 20 }), (series) => {
        const valid = series.filter(
          (s) => s.labels.every(([n, v]) => n !== "__name__" && validUtf16(n) && validUtf16(v)) && validUtf16(s.metric),
        );
        const req = {
          timeseries: valid.map((s) => ({
            labels: [...s.labels.map(([name, value]) => ({ name, value })), { name: "__name__", value: s.metric }],
            samples: s.samples,
          })),
        };
        const { batch, result } = decode(req);
        assert.deepEqual(result.errors, []);
        const want = valid.flatMap((s) =>
          s.samples.map((x) => {
            const sec = Math.floor(x.timestamp / 1000);
            return {
              key: formatSeriesKey(s.metric, s.labels),
              measurement: s.metric,
              sec,
              nsec: (x.timestamp - sec * 1000) * 1e6,
              bits: bitsOf(x.value),
            };
          }),
        );
        const got = points(batch).map(({ value: _value, ...p }, i) => ({
          ...p,
          bits: new BigUint64Array(batch.valueNum.buffer)[i]!,
        }));
        assert.deepEqual(got, want);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  function onlyInvalidOrLimit(body: Uint8Array): void {
    try {
      decodeRemoteWrite(body, new WriteBatch());
    } catch (e) {
      if (e instanceof InvalidError && e.code === "INGEST_BAD_REMOTE_WRITE") return;
      if (e instanceof LimitError && e.code === "INGEST_BODY_TOO_LARGE") return; // a flipped length preamble
      throw e;
    }
  }

  it("throws only INGEST_BAD_REMOTE_WRITE on random bytes, raw or snappy-compressed", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (bytes, compress) => {
        onlyInvalidOrLimit(compress ? compressSync(Buffer.from(bytes)) : bytes);
      }),
      { seed: 42, numRuns: 2000 },
    );
  });

  it("throws only INGEST_BAD_REMOTE_WRITE on bit-flipped valid requests", () => {
    fc.assert(
      fc.property(
        fc.array(seriesArb, { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (series, flips, afterCompression) => {
          const req = {
            timeseries: series.map((s) => ({
              labels: [...s.labels.map(([name, value]) => ({ name, value })), { name: "__name__", value: s.metric }],
              samples: s.samples,
            })),
            metadata: [{ type: 1, metricFamilyName: "m", help: "h", unit: "u" }],
          };
          const bytes = Buffer.from(afterCompression ? encodeWriteRequest(req) : encodeWriteRequestProto(req));
          for (const f of flips) bytes[(f >>> 3) % bytes.length]! ^= 1 << (f & 7);
          onlyInvalidOrLimit(afterCompression ? bytes : compressSync(bytes));
        },
      ),
      { seed: 42, numRuns: 1000 },
    );
  });
});
