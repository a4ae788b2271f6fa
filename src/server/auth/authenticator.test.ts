import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import type { TokenRecord } from "../../storage/index.ts";
import { allows, requestToken } from "./authenticator.ts";

function req(authorization?: string): IncomingMessage {
  return { headers: authorization === undefined ? {} : { authorization } } as IncomingMessage;
}

describe("authenticator", () => {
  it("finds the token in headers and parameters", () => {
    const b64 = (s: string): string => Buffer.from(s).toString("base64");
    const cases = [
      { name: "Token", input: [req("Token abc"), ""], want: "abc" },
      { name: "Bearer", input: [req("Bearer abc"), ""], want: "abc" },
      { name: "Token user:pass (InfluxDB 1.8)", input: [req("Token u:abc"), ""], want: "abc" },
      { name: "Basic password", input: [req(`Basic ${b64("u:abc")}`), ""], want: "abc" },
      { name: "Basic user only", input: [req(`Basic ${b64("abc:")}`), ""], want: "abc" },
      { name: "p parameter", input: [req(), "u=x&p=abc"], want: "abc" },
      { name: "nothing", input: [req(), "u=x"], want: null },
      { name: "unknown scheme", input: [req("Digest x"), ""], want: null },
    ] as const;
    for (const c of cases) assert.equal(requestToken(c.input[0], new URLSearchParams(c.input[1])), c.want, c.name);
  });

  it("nests scopes and limits them to the token's database unless it is *", () => {
    const rec = (db: string, scope: TokenRecord["scope"]): TokenRecord => ({
      id: "i",
      db,
      scope,
      createdMs: 0,
      description: "",
    });
    const cases = [
      { name: "read reads", input: [rec("a", "read"), "read", "a"], want: true },
      { name: "read cannot write", input: [rec("a", "read"), "write", "a"], want: false },
      { name: "write reads", input: [rec("a", "write"), "read", "a"], want: true },
      { name: "write cannot admin", input: [rec("a", "write"), "admin", "a"], want: false },
      { name: "other db", input: [rec("a", "admin"), "read", "b"], want: false },
      { name: "star", input: [rec("*", "read"), "read", "b"], want: true },
      { name: "server-wide", input: [rec("a", "read"), "read", undefined], want: true },
    ] as const;
    for (const c of cases) assert.equal(allows(c.input[0], c.input[1], c.input[2]), c.want, c.name);
  });
});
