// ByteWriter, the zigzag varint and the bit packer: byte layouts and growth.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { putUvarint, zigzag } from "../../base/index.ts";
import { BitReader } from "./bit-reader.ts";
import { BitWriter } from "./bit-writer.ts";
import { ByteReader } from "./byte-reader.ts";
import { ByteWriter } from "./byte-writer.ts";
import { putZigzag, zigzagSize } from "./zigzag-varint.ts";

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

describe("ByteWriter", () => {
  it("writes little-endian fixed-width values", () => {
    const w = new ByteWriter(1);
    w.u8(0x1ff);
    w.u32(0x04030201);
    w.f64(1.5);
    assert.deepEqual([...w.bytes()], [0xff, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f]);
  });

  it("grows by doubling and keeps what was written", () => {
    const w = new ByteWriter(16);
    for (let i = 0; i < 1000; i++) w.u8(i);
    assert.equal(w.pos, 1000);
    assert.equal(w.buf.length, 1024);
    for (let i = 0; i < 1000; i++) assert.equal(w.buf[i], i & 0xff);
  });

  it("reset keeps capacity and append copies", () => {
    const w = new ByteWriter(16);
    w.append(new Uint8Array(40).fill(7));
    const cap = w.buf.length;
    w.reset();
    assert.equal(w.pos, 0);
    assert.equal(w.buf.length, cap);
    w.append(new Uint8Array([1, 2]));
    assert.deepEqual([...w.bytes()], [1, 2]);
  });

  it("uvarint matches base putUvarint for every safe integer", () => {
    fc.assert(
      fc.property(fc.oneof(fc.nat(), fc.maxSafeNat(), fc.constantFrom(0, 127, 128, MAX_SAFE)), (v) => {
        const w = new ByteWriter();
        w.uvarint(v);
        const want = new Uint8Array(10);
        assert.deepEqual(w.bytes(), want.subarray(0, putUvarint(want, 0, v)));
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});

describe("zigzag varint", () => {
  it("equals LEB128 of zigzag(v) and reads back exactly, up to ±(2^53 − 1)", () => {
    const arb = fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.constantFrom(0, -1, 63, -64, 64, MAX_SAFE, -MAX_SAFE));
    fc.assert(
      fc.property(arb, (v) => {
        const w = new ByteWriter();
        putZigzag(w, v);
        assert.equal(w.pos, zigzagSize(v));
        if (Math.abs(v) < 2 ** 52) {
          const want = new Uint8Array(10);
          assert.deepEqual(w.bytes(), want.subarray(0, putUvarint(want, 0, zigzag(v))));
        }
        const r = new ByteReader(w.bytes(), 0);
        assert.equal(r.zigzag("test"), v);
        assert.equal(r.pos, w.pos);
      }),
      { seed: 42, numRuns: 1000 },
    );
  });
});

describe("BitWriter and BitReader", () => {
  it("round-trip fields of 0 to 53 bits, LSB first", () => {
    const field = fc.integer({ min: 0, max: 53 }).chain((width) =>
      fc.tuple(
        fc.constant(width),
        fc.maxSafeNat().map((v) => (width === 0 ? 0 : v % 2 ** width)),
      ),
    );
    fc.assert(
      fc.property(fc.array(field, { maxLength: 50 }), (fields) => {
        const w = new ByteWriter();
        const bw = new BitWriter(w);
        for (const [width, v] of fields) bw.putWide(v, width);
        bw.flush();
        const bits = fields.reduce((s, [width]) => s + width, 0);
        assert.equal(w.pos, Math.ceil(bits / 8));
        const br = new BitReader(w.bytes(), 0, w.pos, "test");
        for (const [width, v] of fields) assert.equal(br.getWide(width), v);
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it("packs the first field into the low bits", () => {
    const w = new ByteWriter();
    const bw = new BitWriter(w);
    bw.put(1, 1);
    bw.put(0b10, 2);
    bw.put(0x1ff, 9);
    bw.flush();
    assert.deepEqual([...w.bytes()], [0b11111101, 0b00001111]);
  });
});
