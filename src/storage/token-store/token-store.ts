// API tokens of a data directory: an LMDB environment at `<dataDir>/auth`, separate from the data lock so the
// `strata token` command can change tokens while a server runs (LMDB is multi-process safe).
// Stores only SHA-256 hashes of tokens; knows nothing of HTTP or of how a token reaches the server.
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { open } from "lmdb";
import type { Database, RootDatabase } from "lmdb";
import { InvalidError, NotFoundError, UnavailableError } from "../../base/index.ts";

/** What a token allows on its database; each scope includes the ones before it: read < write < admin. */
export type TokenScope = "read" | "write" | "admin";

/** Scopes in increasing order of power. */
export const TOKEN_SCOPES: readonly TokenScope[] = ["read", "write", "admin"];

/** The stored description of a token (never the token itself). */
export interface TokenRecord {
  /** Public identifier: the first 16 hex digits of the token's SHA-256 hash; used by list and revoke. */
  id: string;
  /** Database name the token applies to, or "*" for every database. */
  db: string;
  scope: TokenScope;
  /** Creation time, ms since the epoch. */
  createdMs: number;
  /** Free text given at creation (may be empty). */
  description: string;
}

/** Prefix of every token, so a leaked one is recognisable (secret scanners) and never mistaken for a password. */
const TOKEN_PREFIX = "strata_";
/** 32 random bytes = 256 bits: far beyond brute force, which is what lets a fast hash protect it. */
const TOKEN_BYTES = 32;
const ID_HEX_DIGITS = 16;
const AUTH_DIR = "auth";
const DB_TOKENS = "tokens";

/**
 * The token table. Tokens are kept as `sha256(token) hex → TokenRecord`. A fast unsalted hash is enough because
 * tokens are 256-bit random strings, not human passwords: there is no dictionary to try, and a salt or a slow KDF
 * would only make the per-request lookup (by hash, as the key) impossible or slow. A leaked `auth` directory
 * therefore reveals which databases have tokens, not the tokens.
 *
 * Reads see changes made by other processes from the next event-loop turn on (lmdb-js renews its read
 * transaction per turn). Writes are durable when their promise resolves. Methods may interleave.
 */
export class TokenStore {
  /** The environment directory (`<dataDir>/auth`); immutable. */
  readonly dir: string;
  private readonly env: RootDatabase;
  private readonly tokens: Database<TokenRecord, string>;

  private constructor(dir: string, env: RootDatabase) {
    this.dir = dir;
    this.env = env;
    this.tokens = env.openDB<TokenRecord, string>({ name: DB_TOKENS, encoding: "json" });
  }

  /**
   * Opens (creating) the token environment under `dataDir`. Throws UnavailableError (STORAGE_AUTH_OPEN) when
   * LMDB cannot open it.
   */
  static open(dataDir: string): TokenStore {
    const dir = path.join(dataDir, AUTH_DIR);
    try {
      fs.mkdirSync(dir, { recursive: true });
      return new TokenStore(dir, open({ path: dir, maxDbs: 2, compression: false }));
    } catch (err) {
      throw new UnavailableError("STORAGE_AUTH_OPEN", `open token store ${dir}`, { cause: err });
    }
  }

  /**
   * Creates a token for `db` ("*" = all databases) with `scope`. Resolves, once the record is durable, to the
   * token text (shown to the user once; only its hash is stored) and its record. Throws InvalidError
   * (STORAGE_BAD_TOKEN_SCOPE, STORAGE_BAD_TOKEN_DB) for a bad scope or an empty database name.
   */
  async create(db: string, scope: TokenScope, description = ""): Promise<{ token: string; record: TokenRecord }> {
    if (!TOKEN_SCOPES.includes(scope))
      throw new InvalidError(
        "STORAGE_BAD_TOKEN_SCOPE",
        `unknown token scope "${String(scope)}": use read, write or admin`,
      );
    if (db === "") throw new InvalidError("STORAGE_BAD_TOKEN_DB", "token database name is empty: use a name or *");
    const token = TOKEN_PREFIX + randomBytes(TOKEN_BYTES).toString("base64url");
    const hash = hashToken(token);
    const record: TokenRecord = { id: hash.slice(0, ID_HEX_DIGITS), db, scope, createdMs: Date.now(), description };
    await this.tokens.put(hash, record);
    return { token, record };
  }

  /** The record of `token`, or undefined when it is unknown or revoked. Synchronous (a memory-mapped read). */
  find(token: string): TokenRecord | undefined {
    return this.tokens.get(hashToken(token));
  }

  /** Every token record, sorted by database then id. */
  list(): TokenRecord[] {
    const out: TokenRecord[] = [];
    for (const { value } of this.tokens.getRange()) out.push(value);
    return out.sort((a, b) => (a.db === b.db ? cmp(a.id, b.id) : cmp(a.db, b.db)));
  }

  /**
   * Revokes the token whose id (or a unique prefix of it, at least 4 hex digits) is `id`; resolves with its record
   * once the removal is durable. Throws NotFoundError (STORAGE_TOKEN_NOT_FOUND) when none or several match.
   */
  async revoke(id: string): Promise<TokenRecord> {
    const matches: Array<{ key: string; value: TokenRecord }> = [];
    if (id.length >= 4) {
      for (const entry of this.tokens.getRange()) if (entry.value.id.startsWith(id)) matches.push(entry);
    }
    if (matches.length !== 1) {
      const why = matches.length === 0 ? "no token has id" : `${matches.length} tokens match id`;
      throw new NotFoundError("STORAGE_TOKEN_NOT_FOUND", `${why} "${id}"`);
    }
    await this.tokens.remove(matches[0]!.key);
    return matches[0]!.value;
  }

  /** Closes the environment. Idempotent. */
  async close(): Promise<void> {
    await this.env.close();
  }
}

/** SHA-256 of the token's UTF-8 bytes, as 64 hex digits. */
function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
