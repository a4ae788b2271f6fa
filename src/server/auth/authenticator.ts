// Request authentication and authorization: finds the token a request carries (Token/Bearer header, Basic auth,
// or u/p parameters), looks it up in the TokenStore with a short cache, and checks scopes per database.
import type { IncomingMessage } from "node:http";
import { TOKEN_SCOPES } from "../../storage/index.ts";
import type { TokenRecord, TokenScope, TokenStore } from "../../storage/index.ts";
import { ForbiddenError, UnauthorizedError } from "../errors.ts";

/**
 * Checks that the request may do `need` on database `db`; throws ForbiddenError (403) otherwise. `db` undefined
 * asks about the server as a whole (SHOW DATABASES): any grant of scope `need` or higher allows it. Synchronous.
 */
export type Authorize = (need: TokenScope, db?: string) => void;

/** Lets everything through: auth is off. */
export const ALLOW_ALL: Authorize = () => undefined;

/** How long a looked-up token is trusted before the store is asked again; bounds how late a revocation bites. */
const CACHE_TTL_MS = 1000;
/** Cached tokens at most; the cache is cleared when full (a flood of distinct tokens is not worth keeping). */
const CACHE_MAX_ENTRIES = 10_000;

/**
 * Authenticates requests against a TokenStore, or lets every request through when auth is disabled. A token
 * record grants `scope` on `db` ("*" = all); scopes nest (admin ⊇ write ⊇ read). Lookups are synchronous
 * (LMDB memory-mapped reads) and cached for 1 s. Not retained: the request itself.
 */
export class Authenticator {
  /** Whether credentials are required; immutable. */
  readonly enabled: boolean;
  private readonly store: TokenStore | null;
  private readonly cache = new Map<string, { record: TokenRecord; expiresMs: number }>();

  /** `store` may be null only when `enabled` is false. */
  constructor(enabled: boolean, store: TokenStore | null) {
    this.enabled = enabled;
    this.store = store;
  }

  /**
   * The authorize function of one request. With auth off, ALLOW_ALL. With auth on, throws UnauthorizedError (401)
   * when the request carries no token or an unknown one.
   */
  authenticate(req: IncomingMessage, params: URLSearchParams): Authorize {
    if (!this.enabled || this.store === null) return ALLOW_ALL;
    const token = requestToken(req, params);
    if (token === null)
      throw new UnauthorizedError(
        "unable to parse authentication credentials: send Authorization: Token <token>, Basic auth or u/p",
      );
    const record = this.lookup(token, this.store);
    if (record === undefined) throw new UnauthorizedError("authorization failed");
    return (need, db) => {
      if (!allows(record, need, db)) {
        const target = db === undefined ? "this server" : `database "${db}"`;
        throw new ForbiddenError(
          `token ${record.id} (${record.scope} on ${record.db}) may not ${need} ${target}: needs ${need} scope`,
        );
      }
    };
  }

  private lookup(token: string, store: TokenStore): TokenRecord | undefined {
    const nowMs = Date.now();
    const hit = this.cache.get(token);
    if (hit !== undefined && hit.expiresMs > nowMs) return hit.record;
    const record = store.find(token);
    if (record === undefined) {
      this.cache.delete(token);
      return undefined;
    }
    if (this.cache.size >= CACHE_MAX_ENTRIES) this.cache.clear();
    this.cache.set(token, { record, expiresMs: nowMs + CACHE_TTL_MS });
    return record;
  }
}

/** Whether `record` grants `need` on `db` (undefined: any database). */
export function allows(record: TokenRecord, need: TokenScope, db: string | undefined): boolean {
  if (TOKEN_SCOPES.indexOf(record.scope) < TOKEN_SCOPES.indexOf(need)) return false;
  return db === undefined || record.db === "*" || record.db === db;
}

/**
 * The token of a request, or null: `Authorization: Token <t>` or `Bearer <t>` (InfluxDB 1.8's `Token user:pass`
 * form uses the part after the colon), Basic auth (the password; the user name when the password is empty), or
 * the `p` query parameter (InfluxDB 1.x `u`/`p`).
 */
export function requestToken(req: IncomingMessage, params: URLSearchParams): string | null {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const space = header.indexOf(" ");
    const scheme = space < 0 ? header.toLowerCase() : header.slice(0, space).toLowerCase();
    const value = space < 0 ? "" : header.slice(space + 1).trim();
    if ((scheme === "token" || scheme === "bearer") && value !== "") {
      const colon = value.indexOf(":");
      return colon >= 0 ? value.slice(colon + 1) : value;
    }
    if (scheme === "basic" && value !== "") {
      const decoded = Buffer.from(value, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      const user = colon < 0 ? decoded : decoded.slice(0, colon);
      const password = colon < 0 ? "" : decoded.slice(colon + 1);
      const token = password !== "" ? password : user;
      return token === "" ? null : token;
    }
  }
  const p = params.get("p");
  return p === null || p === "" ? null : p;
}
