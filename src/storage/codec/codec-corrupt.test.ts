// Malformed input: truncated, mutated or random bytes make every decoder throw CorruptError, never hang or crash.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as zlib from "node:zlib";
import fc from "fast-check";
import { CorruptError } from "../../base/index.ts";
import {
  ByteWriter,
  CORRUPT_BLOCK_CODE,
  EncodingId,
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

type Decode = (src: Uint8Array, count: number) => number;
const DECODERS: { name: string; decode: Decode }[] = [
  { name: "timestamps", decode: (s, n) => decodeTimestamps(s, n, new Float64Array(n)) },
  { name: "floats", decode: (s, n) => decodeFloats(s, n, new Float64Array(n)) },
  { name: "ints", decode: (s, n) => decodeInts(s, n, new Float64Array(n)) },
  { name: "bigints", decode: (s, n) => decodeBigInts(s, n, new BigUint64Array(n)) },
  { name: "bools", decode: (s, n) => decodeBools(s, n, new Float64Array(n)) },
  { name: "strings", decode: (s, n) => decodeStrings(s, n, new Array<string>(n).fill("")) },
];
const decoderOf = (name: string): Decode => DECODERS.find((d) => d.name === name)!.decode;

function assertCorrupt(fn: () => unknown, srcLength: number): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof CorruptError, `want CorruptError, got ${String(err)}`);
    assert.equal(err.code, CORRUPT_BLOCK_CODE);
    assert.equal(err.file, "");
    assert.ok(err.offset >= 0 && err.offset <= srcLength, `offset ${err.offset} outside [0, ${srcLength}]`);
    return true;
  });
}

/** Decodes and accepts either success within `src` or a CorruptError; anything else fails the test. */
function decodeOrCorrupt(decode: Decode, src: Uint8Array, count: number): void {
  try {
    const used = decode(src, count);
    assert.ok(used >= 1 && used <= src.length, `consumed ${used} of ${src.length}`);
  } catch (err) {
    if (!(err instanceof CorruptError) || err.code !== CORRUPT_BLOCK_CODE) throw err;
  }
}

function seq(n: number, f: (i: number) => number): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = f(i);
  return v;
}

/** One valid block per encoding, at sizes that cross miniblock boundaries. */
function samples(): { name: string; codec: string; bytes: Uint8Array; count: number }[] {
  const out: { name: string; codec: string; bytes: Uint8Array; count: number }[] = [];
  const add = (name: string, codec: string, count: number, enc: (w: ByteWriter) => void) => {
    const w = new ByteWriter();
    enc(w);
    out.push({ name, codec, bytes: w.bytes().slice(), count });
  };
  const n = 300;
  const walk = seq(n, (i) => 50 + Math.round(Math.sin(i) * 3) + (i % 7 === 0 ? 5 : 0));
  add("ts const", "timestamps", n, (w) =>
    encodeTimestamps(
      seq(n, (i) => i * 10),
      0,
      n,
      w,
    ),
  );
  add("ts raw", "timestamps", 3, (w) => encodeTimestamps(new Float64Array([5, 6, 206]), 0, 3, w));
  add("ts delta", "timestamps", n, (w) =>
    encodeTimestamps(
      seq(n, (i) => i * 1000 + (i % 3)),
      0,
      n,
      w,
    ),
  );
  add("ts dod", "timestamps", n, (w) =>
    encodeTimestamps(
      seq(n, (i) => i * i),
      0,
      n,
      w,
    ),
  );
  add("float const", "floats", n, (w) =>
    encodeFloats(
      seq(n, () => 1.5),
      0,
      n,
      w,
    ),
  );
  add("float raw", "floats", n, (w) =>
    encodeFloats(
      seq(n, (i) => Math.sin(i) * 1e300),
      0,
      n,
      w,
    ),
  );
  add("float gorilla", "floats", n, (w) =>
    encodeFloats(
      seq(n, (i) => Math.floor(i / 10) * Math.PI),
      0,
      n,
      w,
    ),
  );
  add("float decimal", "floats", n, (w) =>
    encodeFloats(
      seq(n, (i) => walk[i] / 100),
      0,
      n,
      w,
    ),
  );
  add("int const", "ints", n, (w) =>
    encodeInts(
      seq(n, () => -7),
      0,
      n,
      w,
    ),
  );
  add("int raw", "ints", 3, (w) => encodeInts(new Float64Array([1, 1000, -5]), 0, 3, w));
  add("int packed", "ints", n, (w) =>
    encodeInts(
      seq(n, (i) => i * i),
      0,
      n,
      w,
    ),
  );
  add("int deflate", "ints", n, (w) => encodeInts(walk, 0, n, w));
  add("bigint const", "bigints", 4, (w) => encodeBigInts(new BigUint64Array(4).fill(2n ** 64n - 1n), 0, 4, w));
  add("bigint raw", "bigints", 2, (w) => encodeBigInts(new BigUint64Array([1n, 2n]), 0, 2, w));
  add("bool const", "bools", 9, (w) =>
    encodeBools(
      seq(9, () => 1),
      0,
      9,
      w,
    ),
  );
  add("bool bitmap", "bools", 9, (w) =>
    encodeBools(
      seq(9, (i) => i % 2),
      0,
      9,
      w,
    ),
  );
  const strs = Array.from({ length: 100 }, (_, i) => `ü-${i}`);
  add("str plain", "strings", 3, (w) => encodeStrings(["a", "é", ""], 0, 3, w));
  add("str deflate", "strings", 100, (w) => encodeStrings(strs, 0, 100, w));
  add("str dict", "strings", 100, (w) =>
    encodeStrings(
      strs.map((s) => s.slice(0, 3)),
      0,
      100,
      w,
    ),
  );
  return out;
}

describe("corrupt blocks", () => {
  const all = samples();

  it("samples cover every encoding id", () => {
    const ids = new Set(all.map((s) => s.bytes[0]));
    for (const id of Object.values(EncodingId)) assert.ok(ids.has(id), `no sample for 0x${id.toString(16)}`);
  });

  it("every truncation of a valid block throws CorruptError", () => {
    for (const s of all) {
      const decode = decoderOf(s.codec);
      assert.equal(decode(s.bytes, s.count), s.bytes.length, s.name);
      for (let len = 0; len < s.bytes.length; len++) {
        assertCorrupt(() => decode(s.bytes.subarray(0, len), s.count), len);
      }
    }
  });

  it("unknown encoding ids throw CorruptError", () => {
    for (const d of DECODERS) {
      for (const id of [0x00, 0x7f, 0xff]) assertCorrupt(() => d.decode(new Uint8Array([id, 0, 0, 0]), 4), 4);
    }
  });

  it("random bytes decode or throw CorruptError for every decoder", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...DECODERS),
        fc.uint8Array({ maxLength: 96 }),
        fc.integer({ min: 0, max: 600 }),
        (d, bytes, count) => decodeOrCorrupt(d.decode, bytes, count),
      ),
      { seed: 42, numRuns: 3000 },
    );
  });

  it("mutated valid blocks decode or throw CorruptError", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...all),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        (s, edits) => {
          const bytes = s.bytes.slice();
          for (const [at, value] of edits) bytes[at % bytes.length] = value;
          decodeOrCorrupt(decoderOf(s.codec), bytes, s.count);
        },
      ),
      { seed: 42, numRuns: 3000 },
    );
  });

  const named = [
    { name: "miniblock width over 53", codec: "ints", count: 3, hex: "3202" + "36" + "00" + "ffffffffffffffffff" },
    { name: "overlong varint", codec: "timestamps", count: 2, hex: "10" + "ffffffffffffffffff01" + "00" },
    { name: "zigzag beyond 2^53", codec: "ints", count: 1, hex: "30" + "ff" + "ffffffffffffff7f" },
    { name: "gorilla window over 64 bits", codec: "floats", count: 2, hex: "22" + "0000000000000000" + "ffff" },
    { name: "gorilla reuse before a window", codec: "floats", count: 2, hex: "22" + "0000000000000000" + "01" },
    { name: "decimal scale over 6", codec: "floats", count: 1, hex: "2307" + "3000" },
    { name: "bool constant 2", codec: "bools", count: 1, hex: "5002" },
    {
      name: "dictionary index out of range",
      codec: "strings",
      count: 3,
      hex: "6203" + "0161" + "0162" + "0163" + "03",
    },
    { name: "dictionary larger than the block", codec: "strings", count: 1, hex: "6202" + "0161" + "0162" + "00" },
    { name: "invalid utf-8", codec: "strings", count: 1, hex: "6002" + "c328" },
    {
      name: "deflated body inflating past its length",
      codec: "strings",
      count: 1,
      hex: "6101" + "00" + Buffer.from(zlib.deflateRawSync(Buffer.from("0161", "hex"))).toString("hex"),
    },
    {
      name: "deflate bomb",
      codec: "ints",
      count: 4,
      hex: (() => {
        const z = zlib.deflateRawSync(new Uint8Array(1 << 20));
        return (
          "33" +
          "00" +
          Buffer.from([0x80 | (z.length & 0x7f), z.length >>> 7]).toString("hex") +
          Buffer.from(z).toString("hex")
        );
      })(),
    },
    {
      name: "trailing bytes in an int delta stream",
      codec: "ints",
      count: 2,
      hex:
        "33" +
        "00" +
        (() => {
          const z = zlib.deflateRawSync(Buffer.from("0202", "hex"));
          return z.length.toString(16).padStart(2, "0") + Buffer.from(z).toString("hex");
        })(),
    },
    { name: "garbage deflate stream", codec: "ints", count: 3, hex: "33" + "00" + "04" + "ffffffff" },
  ];
  for (const c of named) {
    it(`rejects ${c.name}`, () => {
      const bytes = new Uint8Array(Buffer.from(c.hex, "hex"));
      assertCorrupt(() => decoderOf(c.codec)(bytes, c.count), bytes.length);
    });
  }
});
