import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TokenStore } from "./token-store.ts";

describe("TokenStore", () => {
  let tmp = "";
  let store: TokenStore;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "strata-"));
    store = TokenStore.open(tmp);
  });
  after(async () => {
    await store.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("finds a created token by its text and stores only its hash", async () => {
    const { token, record } = await store.create("iot", "write", "telegraf");
    assert.match(token, /^strata_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(store.find(token), record);
    assert.equal(store.find(token + "x"), undefined);
    const files = fs.readdirSync(path.join(tmp, "auth"));
    for (const f of files) assert.ok(!fs.readFileSync(path.join(tmp, "auth", f)).includes(token.slice(7)));
  });

  it("lists tokens sorted by database and revokes by id prefix", async () => {
    const a = await store.create("*", "admin");
    const b = await store.create("alpha", "read");
    const listed = store.list();
    assert.deepEqual(
      listed.map((r) => r.db),
      [...listed.map((r) => r.db)].sort(),
    );
    assert.ok(listed.some((r) => r.id === a.record.id));
    const revoked = await store.revoke(b.record.id.slice(0, 8));
    assert.equal(revoked.id, b.record.id);
    assert.equal(store.find(b.token), undefined);
    assert.ok(store.find(a.token) !== undefined);
  });

  it("refuses unknown ids, bad scopes and empty database names", async () => {
    await assert.rejects(
      store.revoke("ffffffffffff"),
      (e: unknown) => (e as { code?: string }).code === "STORAGE_TOKEN_NOT_FOUND",
    );
    await assert.rejects(
      store.revoke("ab"),
      (e: unknown) => (e as { code?: string }).code === "STORAGE_TOKEN_NOT_FOUND",
    );
    await assert.rejects(
      store.create("x", "owner" as "admin"),
      (e: unknown) => (e as { code?: string }).code === "STORAGE_BAD_TOKEN_SCOPE",
    );
    await assert.rejects(
      store.create("", "read"),
      (e: unknown) => (e as { code?: string }).code === "STORAGE_BAD_TOKEN_DB",
    );
  });
});
