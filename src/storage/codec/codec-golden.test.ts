// Golden hex vectors, one or more per encoding id; the notes spell out the hand-checked bytes.
// Regenerate testdata/codec-golden.json only with UPDATE_GOLDEN=1 and review the diff.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import {
  ByteWriter,
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

const GOLDEN_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), "testdata", "codec-golden.json");
const UPDATE = process.env["UPDATE_GOLDEN"] === "1";
/** DEFLATE output may differ between zlib builds, so those vectors are checked by decoding only. */
const DEFLATE_IDS: number[] = [EncodingId.IntDeltaDeflate, EncodingId.StrPlainDeflate];

type Column = Float64Array | BigInt64Array | BigUint64Array | string[];
interface Codec {
  encode: (v: Column, start: number, end: number, out: ByteWriter) => void;
  decode: (src: Uint8Array, count: number, out: Column) => number;
  alloc: (n: number) => Column;
}
const f64 = (n: number) => new Float64Array(n);
const CODECS: Record<string, Codec> = {
  ts: { encode: encodeTimestamps as Codec["encode"], decode: decodeTimestamps as Codec["decode"], alloc: f64 },
  float: { encode: encodeFloats as Codec["encode"], decode: decodeFloats as Codec["decode"], alloc: f64 },
  int: { encode: encodeInts as Codec["encode"], decode: decodeInts as Codec["decode"], alloc: f64 },
  bool: { encode: encodeBools as Codec["encode"], decode: decodeBools as Codec["decode"], alloc: f64 },
  int64: {
    encode: encodeBigInts as Codec["encode"],
    decode: decodeBigInts as Codec["decode"],
    alloc: (n) => new BigInt64Array(n),
  },
  string: {
    encode: encodeStrings as Codec["encode"],
    decode: decodeStrings as Codec["decode"],
    alloc: (n) => new Array<string>(n).fill(""),
  },
};

/** A skewed walk (steps mostly 0, sometimes ±1, rarely ±5) where entropy coding beats 4-bit packing. */
function walk(n: number): Float64Array {
  const v = new Float64Array(n);
  let x = 500;
  let s = 7;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const r = (s >>> 16) % 20;
    x += r < 12 ? 0 : r < 16 ? 1 : r < 19 ? -1 : i % 2 === 0 ? 5 : -5;
    v[i] = x;
  }
  return v;
}

const CASES: { name: string; codec: string; input: Column; wantId: number; note: string }[] = [
  {
    name: "ts-const-delta",
    codec: "ts",
    input: new Float64Array([0, 10, 20, 30]),
    wantId: EncodingId.TsConstDelta,
    note: "10 | t0=00 | d=0a",
  },
  {
    name: "ts-delta-raw",
    codec: "ts",
    input: new Float64Array([5, 6, 206]),
    wantId: EncodingId.TsDeltaRaw,
    note: "11 | t0=05 | 01 | c8 01 (200)",
  },
  {
    name: "ts-delta-packed",
    codec: "ts",
    input: new Float64Array([0, 1000, 2001, 2999, 4000]),
    wantId: EncodingId.TsDeltaPacked,
    note: "12 | t0=00 | g=01 | width=02 min=zz(998)=cc 0f | 2,3,0,3 → 2|3<<2|0<<4|3<<6 = ce",
  },
  {
    name: "ts-dod-packed",
    codec: "ts",
    input: new Float64Array([0, 10, 30, 60, 100, 150, 210, 280, 360]),
    wantId: EncodingId.TsDodPacked,
    note: "13 | t0=00 | g=0a | d1/g=01 | width=00 min=zz(1)=02",
  },
  {
    name: "float-const",
    codec: "float",
    input: new Float64Array([1.5, 1.5]),
    wantId: EncodingId.FloatConst,
    note: "20 | 1.5 = 0x3ff8000000000000 little-endian",
  },
  {
    name: "float-raw",
    codec: "float",
    input: new Float64Array([Math.PI, -Math.E]),
    wantId: EncodingId.FloatRaw,
    note: "21 | pi = 0x400921fb54442d18 LE | -e = 0xc005bf0a8b145769 LE",
  },
  {
    name: "float-gorilla",
    codec: "float",
    input: new Float64Array([Math.PI, Math.PI, 2 * Math.PI]),
    wantId: EncodingId.FloatGorilla,
    note: "22 | 64 bits pi LSB-first | 0 (same) | 1,1, lead=11 (5b), sig-1=0 (6b), 1 bit → 79 bits, 10 bytes",
  },
  {
    name: "float-decimal",
    codec: "float",
    input: new Float64Array([1.25, 1.5, 1.75]),
    wantId: EncodingId.FloatDecimal,
    note: "23 | k=02 | int block: 32 | zz(125)=fa 01 | width=00 min=zz(25)=32",
  },
  {
    name: "int-const",
    codec: "int",
    input: new Float64Array([-3, -3, -3]),
    wantId: EncodingId.IntConst,
    note: "30 | zz(-3)=05",
  },
  {
    name: "int-raw",
    codec: "int",
    input: new Float64Array([1, 1000, -5]),
    wantId: EncodingId.IntRaw,
    note: "31 | zz(1)=02 | zz(1000)=2000=d0 0f | zz(-5)=09",
  },
  {
    name: "int-delta-packed",
    codec: "int",
    input: new Float64Array([100, 101, 103, 102, 104]),
    wantId: EncodingId.IntDeltaPacked,
    note: "32 | zz(100)=c8 01 | width=02 min=zz(-1)=01 | d-min 2,3,0,3 → ce",
  },
  {
    name: "int-delta-deflate",
    codec: "int",
    input: walk(600),
    wantId: EncodingId.IntDeltaDeflate,
    note: "33 | zz(first) | uvarint L | L bytes raw DEFLATE (checked by decoding only)",
  },
  {
    name: "bigint-const",
    codec: "int64",
    input: new BigInt64Array([2n ** 63n - 1n, 2n ** 63n - 1n]),
    wantId: EncodingId.BigConst,
    note: "40 | ff ff ff ff ff ff ff 7f",
  },
  {
    name: "bigint-raw",
    codec: "int64",
    input: new BigInt64Array([-1n, 2n ** 53n + 1n]),
    wantId: EncodingId.BigRaw,
    note: "41 | ff×8 | 01 00 00 00 00 00 20 00",
  },
  {
    name: "bool-const",
    codec: "bool",
    input: new Float64Array([1, 1, 1]),
    wantId: EncodingId.BoolConst,
    note: "50 | 01",
  },
  {
    name: "bool-bitmap",
    codec: "bool",
    input: new Float64Array([1, 0, 1, 1, 0, 0, 0, 0, 1]),
    wantId: EncodingId.BoolBitmap,
    note: "51 | 0b00001101=0d | 01",
  },
  {
    name: "str-plain",
    codec: "string",
    input: ["a", "é", ""],
    wantId: EncodingId.StrPlain,
    note: "60 | 01 61 | 02 c3 a9 | 00",
  },
  {
    name: "str-plain-deflate",
    codec: "string",
    input: Array.from({ length: 100 }, (_, i) => `measurement-${i}`),
    wantId: EncodingId.StrPlainDeflate,
    note: "61 | uv(body length) | uv(L) | L bytes raw DEFLATE (checked by decoding only)",
  },
  {
    name: "str-dict",
    codec: "string",
    input: ["ab", "ab", "ab", "cd", "ab"],
    wantId: EncodingId.StrDict,
    note: "62 | D=02 | 02 61 62 | 02 63 64 | indexes 0,0,0,1,0 at 1 bit → 08",
  },
];

function toHex(b: Uint8Array): string {
  return Buffer.from(b).toString("hex");
}

function assertSameColumn(got: Column, want: Column): void {
  if (got instanceof Float64Array && want instanceof Float64Array) {
    assert.deepEqual(new Uint32Array(got.buffer), new Uint32Array(want.buffer));
  } else {
    assert.deepEqual(got, want);
  }
}

describe("golden vectors", () => {
  const stored = fs.existsSync(GOLDEN_FILE)
    ? (JSON.parse(fs.readFileSync(GOLDEN_FILE, "utf8")) as Record<string, string>)
    : {};
  const fresh: Record<string, string> = {};
  after(() => {
    if (UPDATE) fs.writeFileSync(GOLDEN_FILE, JSON.stringify(fresh, null, 2) + "\n");
  });

  it("cover every encoding id", () => {
    const ids = new Set(CASES.map((c) => c.wantId));
    for (const id of Object.values(EncodingId)) assert.ok(ids.has(id), `no golden vector for 0x${id.toString(16)}`);
  });

  for (const c of CASES) {
    it(`${c.name} encodes with id 0x${c.wantId.toString(16)} and decodes from its stored hex`, () => {
      const codec = CODECS[c.codec];
      const out = new ByteWriter();
      codec.encode(c.input, 0, c.input.length, out);
      const hex = toHex(out.bytes());
      fresh[c.name] = hex;
      assert.equal(out.buf[0], c.wantId);
      const want = UPDATE ? hex : stored[c.name];
      assert.ok(want !== undefined, `missing golden vector ${c.name}; run with UPDATE_GOLDEN=1`);
      if (!DEFLATE_IDS.includes(c.wantId)) assert.equal(hex, want);
      const bytes = Buffer.from(want, "hex");
      const decoded = codec.alloc(c.input.length);
      assert.equal(codec.decode(new Uint8Array(bytes), c.input.length, decoded), bytes.length);
      assertSameColumn(decoded, c.input);
    });
  }
});
