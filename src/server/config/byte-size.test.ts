// Byte sizes in configuration: units, decimals, case, and what is refused.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { formatByteSize, parseByteSize } from "./byte-size.ts";

const KI = 1024;
const MI = 1024 * KI;
const GI = 1024 * MI;

describe("parseByteSize", () => {
  it("reads bytes, binary and decimal units, decimals and any case", () => {
    const cases = [
      { name: "bare bytes", input: "536870912", want: 512 * MI },
      { name: "B", input: "100B", want: 100 },
      { name: "KiB", input: "64KiB", want: 64 * KI },
      { name: "KB is decimal", input: "64KB", want: 64_000 },
      { name: "MiB", input: "512MiB", want: 512 * MI },
      { name: "MB is decimal", input: "512MB", want: 512_000_000 },
      { name: "GiB", input: "1GiB", want: GI },
      { name: "bare G is binary", input: "2G", want: 2 * GI },
      { name: "bare m is binary, any case", input: "300m", want: 300 * MI },
      { name: "decimals round down", input: "1.5GiB", want: 1.5 * GI },
      { name: "space before the unit", input: " 256 mib ", want: 256 * MI },
      { name: "TiB", input: "1TiB", want: 1024 * GI },
    ];
    for (const c of cases) assert.equal(parseByteSize(c.input), c.want, c.name);
  });

  it("refuses what is not a size", () => {
    const cases = ["", "lots", "-1GiB", "1.5", "12 parsecs", "GiB", "1e9", "0x100", "99999999999TiB"];
    for (const input of cases) assert.ok(Number.isNaN(parseByteSize(input)), JSON.stringify(input));
  });
});

describe("formatByteSize", () => {
  it("picks the largest binary unit", () => {
    const cases = [
      { input: 1000, want: "1000B" },
      { input: 512 * MI, want: "512MiB" },
      { input: 1.5 * GI, want: "1.5GiB" },
    ];
    for (const c of cases) assert.equal(formatByteSize(c.input), c.want);
  });
});
