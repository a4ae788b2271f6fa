// ByteInterner: dense ids by byte content, growth, clearing.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ByteInterner, hashBytes } from "./byte-interner.ts";

const encoder = new TextEncoder();

void describe("ByteInterner", () => {
  void it("gives equal bytes at any offset the same id and distinct bytes distinct ids, across growth", () => {
    const interner = new ByteInterner();
    const keys = Array.from({ length: 5000 }, (_, i) => (i % 2 === 0 ? `k${i}` : `${"long-key-".repeat(8)}${i}`));
    for (let i = 0; i < keys.length; i++) {
      const bytes = encoder.encode(keys[i]);
      assert.equal(interner.find(bytes, 0, bytes.length, hashBytes(bytes, 0, bytes.length)), -1);
      assert.equal(interner.add(bytes, 0, bytes.length, hashBytes(bytes, 0, bytes.length)), i);
    }
    for (let i = 0; i < keys.length; i++) {
      const bytes = encoder.encode(`xx${keys[i]}yy`);
      const end = bytes.length - 2;
      assert.equal(interner.find(bytes, 2, end, hashBytes(bytes, 2, end)), i);
      assert.equal(interner.lengthOf(i), end - 2);
      assert.ok(interner.equalsAt(i, bytes, 2));
    }
    assert.equal(interner.size, keys.length);
  });

  void it("does not keep the caller's buffer and forgets everything on clear", () => {
    const interner = new ByteInterner();
    const bytes = encoder.encode("abc");
    const hash = hashBytes(bytes, 0, 3);
    interner.add(bytes, 0, 3, hash);
    bytes[0] = 0x7a;
    assert.equal(interner.find(encoder.encode("abc"), 0, 3, hash), 0);
    interner.clear();
    assert.equal(interner.find(encoder.encode("abc"), 0, 3, hash), -1);
    assert.equal(interner.add(encoder.encode("abc"), 0, 3, hash), 0);
  });

  void it("hashes every byte position, including the tail bytes", () => {
    const base = encoder.encode("abcdefghij");
    const seen = new Set<number>([hashBytes(base, 0, base.length)]);
    for (let i = 0; i < base.length; i++) {
      const copy = base.slice();
      copy[i] = copy[i] ^ 0x80;
      seen.add(hashBytes(copy, 0, copy.length));
    }
    assert.equal(seen.size, base.length + 1);
    assert.notEqual(hashBytes(base, 0, 0), hashBytes(new Uint8Array([0]), 0, 1));
  });
});
