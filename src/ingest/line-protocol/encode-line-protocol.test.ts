// encodeLineProtocol: exact text for each value kind and escape rule, and names it refuses.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { InvalidError } from "../../base/index.ts";
import { encodeLineProtocol } from "./encode-line-protocol.ts";
import type { PointInput } from "./point-input.ts";

void describe("encodeLineProtocol", () => {
  const cases: { name: string; input: PointInput; want: string }[] = [
    { name: "float", input: { measurement: "m", fields: { v: 1.5 } }, want: "m v=1.5\n" },
    { name: "negative zero", input: { measurement: "m", fields: { v: -0 } }, want: "m v=-0\n" },
    { name: "exponent float", input: { measurement: "m", fields: { v: 1e21 } }, want: "m v=1e+21\n" },
    { name: "integer", input: { measurement: "m", fields: { v: -(2n ** 63n) } }, want: "m v=-9223372036854775808i\n" },
    { name: "unsigned", input: { measurement: "m", fields: { v: { type: "unsigned", value: 5 } } }, want: "m v=5u\n" },
    { name: "booleans", input: { measurement: "m", fields: { a: true, b: false } }, want: "m a=true,b=false\n" },
    { name: "string escapes", input: { measurement: "m", fields: { s: 'a"b\\c\nd' } }, want: 'm s="a\\"b\\\\c\nd"\n' },
    { name: "measurement escapes", input: { measurement: "a, b=c", fields: { v: 1 } }, want: "a\\,\\ b=c v=1\n" },
    {
      name: "tag and field key escapes, tags sorted, empty tags dropped",
      input: { measurement: "m", tags: { "z,=": "v w", a: "1", e: "" }, fields: { "f =,": 1 } },
      want: "m,a=1,z\\,\\==v\\ w f\\ \\=\\,=1\n",
    },
    { name: "backslash before a special", input: { measurement: "a\\,b", fields: { v: 1 } }, want: "a\\\\,b v=1\n" },
    { name: "ns timestamp", input: { measurement: "m", fields: { v: 1 }, time: -1n }, want: "m v=1 -1\n" },
    {
      name: "Date timestamp",
      input: { measurement: "m", fields: { v: 1 }, time: new Date(1) },
      want: "m v=1 1000000\n",
    },
  ];
  for (const c of cases) {
    void it(`encodes ${c.name}`, () => assert.equal(encodeLineProtocol([c.input]), c.want));
  }

  const unencodable: { name: string; input: PointInput }[] = [
    { name: "measurement ending in a backslash", input: { measurement: "m\\", fields: { v: 1 } } },
    { name: "tag value ending in a backslash", input: { measurement: "m", tags: { k: "v\\" }, fields: { v: 1 } } },
    { name: "field key ending in a backslash", input: { measurement: "m", fields: { "v\\": 1 } } },
    { name: "newline in a tag key", input: { measurement: "m", tags: { "a\nb": "v" }, fields: { v: 1 } } },
    { name: "measurement starting with #", input: { measurement: "#m", fields: { v: 1 } } },
    { name: "measurement starting with a tab", input: { measurement: "\tm", fields: { v: 1 } } },
    { name: "first field key starting with a tab", input: { measurement: "m", fields: { "\tv": 1 } } },
    { name: "NaN", input: { measurement: "m", fields: { v: NaN } } },
  ];
  for (const c of unencodable) {
    void it(`refuses ${c.name}`, () => {
      assert.throws(
        () => encodeLineProtocol([{ measurement: "ok", fields: { v: 1 } }, c.input]),
        (error: unknown) => error instanceof InvalidError && error.code === "INGEST_BAD_POINT",
      );
    });
  }
});
