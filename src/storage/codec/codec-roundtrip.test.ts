// Round-trip properties for every column codec: arbitrary inputs come back bit for bit, at any block size.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  ByteWriter,
  decodeBigInts,
  decodeBools,
  decodeFloats,
  decodeInts,
  decodeStrings,
  decodeTimestamps,
  encodeBigInts,
  encodeBools,
  encodeFloats,
  encodeInts,
  encodeStrings,
  encodeTimestamps,
} from "./index.ts";

const RUNS = { seed: 42, numRuns: 200 };
const BIG_RUNS = { seed: 42, numRuns: 40 };
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_BLOCK = 8192;

/** Deterministic PRNG (mulberry32) so large blocks come from a shrinkable seed instead of 8192 arbitraries. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function bitsEqual(got: Float64Array, want: Float64Array): void {
  assert.equal(got.length, want.length);
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length * 2);
  const w = new Uint32Array(want.buffer, want.byteOffset, want.length * 2);
  assert.deepEqual(g, w);
}

/** Encodes after a random prefix, checks the prefix survives, decodes from an odd byteOffset, returns values. */
function roundTrip<T extends { length: number }>(
  values: T,
  encode: (v: T, start: number, end: number, out: ByteWriter) => void,
  decode: (src: Uint8Array, count: number, out: T) => number,
  makeOut: (n: number) => T,
): T {
  const out = new ByteWriter(16);
  const prefix = [0xde, 0xad, 0xbe];
  for (const b of prefix) out.u8(b);
  encode(values, 0, values.length, out);
  const bytes = out.bytes();
  assert.deepEqual([...bytes.subarray(0, 3)], prefix);
  // Copy into a buffer with a trailing sentinel, at byteOffset 1, to catch alignment assumptions and over-reads.
  const body = bytes.length - 3;
  const shifted = new Uint8Array(body + 2);
  shifted.set(bytes.subarray(3), 1);
  shifted[body + 1] = 0x5a;
  const decoded = makeOut(values.length);
  const used = decode(shifted.subarray(1, body + 2), values.length, decoded);
  assert.equal(used, body);
  return decoded;
}

const wordArb = fc.integer({ min: -0x80000000, max: 0x7fffffff }).map((x) => x >>> 0);
const specialDouble = fc.constantFrom(
  0,
  -0,
  Infinity,
  -Infinity,
  NaN,
  Number.MIN_VALUE,
  -Number.MIN_VALUE,
  2.2250738585072014e-308,
  Number.MAX_VALUE,
  1,
  0.1,
  1.5,
  100.25,
  -3.75,
);
function doublesFromBits(words: number[]): Float64Array {
  return new Float64Array(new Uint32Array(words).buffer);
}
/** A double arbitrary mixing raw bit patterns (NaN payloads), fast-check doubles and specials. */
const doubleBitsArb = fc.oneof(
  fc.tuple(wordArb, wordArb),
  fc.double().map((d) => [...new Uint32Array(new Float64Array([d]).buffer)] as [number, number]),
  specialDouble.map((d) => [...new Uint32Array(new Float64Array([d]).buffer)] as [number, number]),
  fc
    .integer({ min: -100000, max: 100000 })
    .map((m) => [...new Uint32Array(new Float64Array([m / 100]).buffer)] as [number, number]),
);
/** Runs of repeated values, so constant, reuse-window and delta paths are all exercised. */
function runs<T>(arb: fc.Arbitrary<T>, maxRuns = 60): fc.Arbitrary<T[]> {
  return fc
    .array(fc.tuple(arb, fc.integer({ min: 1, max: 12 })), { minLength: 1, maxLength: maxRuns })
    .map((rs) => rs.flatMap(([v, k]) => new Array<T>(k).fill(v)));
}

describe("float codec", () => {
  const rt = (v: Float64Array) => roundTrip(v, encodeFloats, decodeFloats, (n) => new Float64Array(n));
  it("round-trips arbitrary doubles bit for bit", () => {
    fc.assert(
      fc.property(runs(doubleBitsArb), (pairs) => {
        const v = doublesFromBits(pairs.flat());
        bitsEqual(rt(v), v);
      }),
      RUNS,
    );
  });
  it("round-trips generated blocks of 1 to 8192 values", () => {
    const kinds = ["gauge2", "walk", "random", "integral", "sine", "bits"] as const;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_BLOCK }), fc.constantFrom(...kinds), fc.nat(), (n, kind, seed) => {
        const r = rng(seed);
        const v = new Float64Array(n);
        const w = new Uint32Array(v.buffer);
        let x = 50;
        for (let i = 0; i < n; i++) {
          x += r() - 0.5;
          if (kind === "gauge2") v[i] = Math.round(x * 100) / 100;
          else if (kind === "walk") v[i] = x;
          else if (kind === "random") v[i] = r() * 1e6 - 5e5;
          else if (kind === "integral") v[i] = Math.round(x * 1000);
          else if (kind === "sine") v[i] = Math.sin(i / 50);
          else {
            w[2 * i] = (r() * 2 ** 32) >>> 0;
            w[2 * i + 1] = (r() * 2 ** 32) >>> 0;
          }
        }
        bitsEqual(rt(v), v);
      }),
      BIG_RUNS,
    );
  });
  it("keeps -0 and NaN payloads inside otherwise decimal blocks", () => {
    const v = new Float64Array([1.25, 2.5, -0, 3.75]);
    bitsEqual(rt(v), v);
    const nan = doublesFromBits([1, 0x7ff00000, 0, 0x40000000, 0xffffffff, 0xffffffff]);
    bitsEqual(rt(nan), nan);
  });
});

const safeIntArb = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.maxSafeInteger(),
  fc.constantFrom(MAX_SAFE, -MAX_SAFE, MAX_SAFE - 1, -MAX_SAFE + 1, 2 ** 52, -(2 ** 52), 2 ** 32, -(2 ** 32), 0),
  fc.integer({ min: 0, max: 64 }).map((k) => MAX_SAFE - k),
  fc.integer({ min: 0, max: 64 }).map((k) => -MAX_SAFE + k),
);

describe("int codec", () => {
  const rt = (v: Float64Array) => roundTrip(v, encodeInts, decodeInts, (n) => new Float64Array(n));
  it("round-trips safe integers including values near ±2^53", () => {
    fc.assert(
      fc.property(runs(safeIntArb), (xs) => {
        const v = new Float64Array(xs);
        assert.deepEqual(rt(v), v);
      }),
      RUNS,
    );
  });
  it("round-trips generated blocks of 1 to 8192 values", () => {
    const kinds = ["walk", "counter", "random", "huge"] as const;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_BLOCK }), fc.constantFrom(...kinds), fc.nat(), (n, kind, seed) => {
        const r = rng(seed);
        const v = new Float64Array(n);
        let x = kind === "huge" ? MAX_SAFE - 1e6 : 50;
        for (let i = 0; i < n; i++) {
          if (kind === "walk") x = Math.max(0, Math.min(100, x + Math.round((r() - 0.5) * 4)));
          else if (kind === "counter") x += Math.floor(r() * 1000);
          else if (kind === "random") x = Math.floor((r() - 0.5) * 2 * MAX_SAFE);
          else x = r() < 0.5 ? MAX_SAFE - Math.floor(r() * 100) : -MAX_SAFE + Math.floor(r() * 100);
          v[i] = x;
        }
        assert.deepEqual(rt(v), v);
      }),
      BIG_RUNS,
    );
  });
});

/** Offsets from a first value and deltas, kept strictly increasing and below 2^53. */
function offsetsFrom(first: number, deltas: number[]): Float64Array {
  const v = new Float64Array(deltas.length + 1);
  let t = Math.min(first, MAX_SAFE - 2 * MAX_BLOCK);
  v[0] = t;
  for (let i = 0; i < deltas.length; i++) {
    const d = t + deltas[i] <= MAX_SAFE - 2 * MAX_BLOCK ? deltas[i] : 1;
    t += d;
    v[i + 1] = t;
  }
  return v;
}

describe("compression targets", () => {
  it("stores the TSBS random walk in [0, 100] in at most 3 bits per value", () => {
    const r = rng(7);
    const v = new Float64Array(MAX_BLOCK);
    let x = 50;
    for (let i = 0; i < v.length; i++) {
      const g = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
      x = Math.max(0, Math.min(100, Math.round(x + g)));
      v[i] = x;
    }
    const out = new ByteWriter();
    encodeInts(v, 0, v.length, out);
    assert.ok((out.pos * 8) / v.length <= 3, `walk took ${(out.pos * 8) / v.length} bits per value`);
  });
});

describe("timestamp codec", () => {
  const rt = (v: Float64Array) => roundTrip(v, encodeTimestamps, decodeTimestamps, (n) => new Float64Array(n));
  const deltaArb = fc.oneof(
    fc.constant(10_000_000_000),
    fc.integer({ min: 9_000, max: 11_000 }).map((ms) => ms * 1_000_000),
    fc.integer({ min: 1, max: 1000 }),
    fc.integer({ min: 1, max: 2 ** 22 }).map((k) => k * 2 ** 30),
    fc.maxSafeInteger().map((x) => (Math.abs(x) % 2 ** 52) + 1),
  );
  it("round-trips equal, jittered and gapped runs", () => {
    fc.assert(
      fc.property(fc.maxSafeInteger().map(Math.abs), runs(deltaArb), (first, deltas) => {
        const v = offsetsFrom(first, deltas);
        assert.deepEqual(rt(v), v);
      }),
      RUNS,
    );
  });
  it("round-trips generated blocks of 1 to 8192 offsets", () => {
    const kinds = ["regular", "jitter", "gaps", "ns"] as const;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_BLOCK }), fc.constantFrom(...kinds), fc.nat(), (n, kind, seed) => {
        const r = rng(seed);
        const deltas: number[] = [];
        for (let i = 1; i < n; i++) {
          if (kind === "regular") deltas.push(10_000_000_000);
          else if (kind === "jitter") deltas.push(10_000_000_000 + Math.floor((r() - 0.5) * 1000) * 1_000_000);
          else if (kind === "gaps") deltas.push(r() < 0.01 ? Math.floor(r() * 2 ** 40) + 1 : 10_000_000_000);
          else deltas.push(Math.floor(r() * 1e6) + 1);
        }
        const v = offsetsFrom(Math.floor(r() * 1e12), deltas);
        assert.deepEqual(rt(v), v);
      }),
      BIG_RUNS,
    );
  });
  it("stores a regular 10 s series in a few bytes", () => {
    const v = new Float64Array(MAX_BLOCK);
    for (let i = 0; i < v.length; i++) v[i] = 3_000_000_000 + i * 10_000_000_000;
    const out = new ByteWriter();
    encodeTimestamps(v, 0, v.length, out);
    assert.ok(out.pos <= 12, `regular timestamps took ${out.pos} bytes`);
  });
});

describe("bigint codec", () => {
  it("round-trips int64 values including the extremes", () => {
    const arb = fc.oneof(
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      fc.constantFrom(-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n, 2n ** 53n + 1n),
    );
    fc.assert(
      fc.property(runs(arb), (xs) => {
        const v = BigInt64Array.from(xs);
        assert.deepEqual(
          roundTrip(v, encodeBigInts, decodeBigInts, (n) => new BigInt64Array(n)),
          v,
        );
      }),
      RUNS,
    );
  });
  it("round-trips uint64 values including the extremes", () => {
    const arb = fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.constantFrom(0n, 2n ** 64n - 1n, 2n ** 63n));
    fc.assert(
      fc.property(runs(arb), (xs) => {
        const v = BigUint64Array.from(xs);
        assert.deepEqual(
          roundTrip(v, encodeBigInts, decodeBigInts, (n) => new BigUint64Array(n)),
          v,
        );
      }),
      RUNS,
    );
  });
});

describe("bool codec", () => {
  it("round-trips 0/1 columns of 1 to 8192 values", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX_BLOCK }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.nat(),
        (n, p, seed) => {
          const r = rng(seed);
          const v = new Float64Array(n);
          for (let i = 0; i < n; i++) v[i] = r() < p ? 1 : 0;
          assert.deepEqual(
            roundTrip(v, encodeBools, decodeBools, (k) => new Float64Array(k)),
            v,
          );
        },
      ),
      RUNS,
    );
  });
});

describe("string codec", () => {
  const rt = (v: string[]) => roundTrip(v, encodeStrings, decodeStrings, (n) => new Array<string>(n).fill("x"));
  it("round-trips unicode and empty strings", () => {
    const arb = fc.oneof(
      fc.string({ unit: "binary" }),
      fc.string({ unit: "grapheme", maxLength: 40 }),
      fc.constantFrom("", "\uFEFFbom", "é", "😀", "a\u0000b"),
    );
    fc.assert(
      fc.property(runs(arb, 40), (v) => {
        assert.deepEqual(rt(v), v);
      }),
      RUNS,
    );
  });
  it("round-trips blocks of 1 to 8192 values with few or many distinct values", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX_BLOCK }),
        fc.integer({ min: 1, max: 20000 }),
        fc.nat(),
        (n, distinct, seed) => {
          const r = rng(seed);
          const v: string[] = [];
          for (let i = 0; i < n; i++) v.push(`host-${Math.floor(r() * distinct)}-é`);
          assert.deepEqual(rt(v), v);
        },
      ),
      BIG_RUNS,
    );
  });
});

describe("empty blocks", () => {
  it("encode and decode zero values for every codec", () => {
    const cases = [
      {
        name: "timestamps",
        enc: () => roundTrip(new Float64Array(0), encodeTimestamps, decodeTimestamps, (n) => new Float64Array(n)),
      },
      {
        name: "floats",
        enc: () => roundTrip(new Float64Array(0), encodeFloats, decodeFloats, (n) => new Float64Array(n)),
      },
      { name: "ints", enc: () => roundTrip(new Float64Array(0), encodeInts, decodeInts, (n) => new Float64Array(n)) },
      {
        name: "bools",
        enc: () => roundTrip(new Float64Array(0), encodeBools, decodeBools, (n) => new Float64Array(n)),
      },
      {
        name: "bigints",
        enc: () => roundTrip(new BigInt64Array(0), encodeBigInts, decodeBigInts, (n) => new BigInt64Array(n)),
      },
      { name: "strings", enc: () => roundTrip([] as string[], encodeStrings, decodeStrings, () => [] as string[]) },
    ];
    for (const c of cases) assert.equal(c.enc().length, 0, c.name);
  });
});
