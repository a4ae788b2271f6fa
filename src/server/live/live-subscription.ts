// One live subscription: its validated selector (measurement, tag matchers with InfluxQL's unanchored RE2 regexes,
// fields) and a bounded per-series match cache. Parsing of client messages lives here too. Knows nothing of sockets.
import { InvalidError, SafeRegex } from "../../base/index.ts";
import type { LiveClientMessage } from "../../wire/index.ts";
import type { LiveSeriesInfo } from "./live-point-json.ts";

const MAX_ID_LENGTH = 256;
const MAX_MATCHERS = 64;
const MAX_FIELDS = 1024;
/** Series verdicts a subscription remembers before forgetting them all (bounds memory per subscription). */
const MAX_CACHED_VERDICTS = 10_000;

const OP_EQ = 0;
const OP_NE = 1;
const OP_RE = 2;
const OP_NRE = 3;
const OPS: Record<string, number> = { "=": OP_EQ, "!=": OP_NE, "=~": OP_RE, "!~": OP_NRE };

/** A compiled tag matcher; a series without the tag has value "" (as the storage engine's matchers). */
export interface LiveTagMatcher {
  readonly key: string;
  matches(tagValue: string): boolean;
}

class LiveMatcher implements LiveTagMatcher {
  readonly key: string;
  private readonly op: number;
  private readonly value: string;
  private readonly regex: SafeRegex | null;

  constructor(key: string, op: number, value: string) {
    this.key = key;
    this.op = op;
    this.value = value;
    this.regex = op === OP_RE || op === OP_NRE ? SafeRegex.compile(value, { anchored: false }) : null;
  }

  matches(tagValue: string): boolean {
    switch (this.op) {
      case OP_EQ:
        return tagValue === this.value;
      case OP_NE:
        return tagValue !== this.value;
      case OP_RE:
        return this.regex!.test(tagValue);
      default:
        return !this.regex!.test(tagValue);
    }
  }
}

/** The selector of a subscription after validation. */
export interface LiveSelector {
  id: string;
  db: string;
  measurement: string;
  matchers: LiveTagMatcher[];
  /** Fields to deliver, or null for all. */
  fields: ReadonlySet<string> | null;
}

/**
 * A subscription of one connection. `owner` is the connection's handle; mutable state (`active`, the verdict cache)
 * is guarded by the single JS thread.
 */
export class LiveSubscription<Owner> {
  readonly id: string;
  readonly db: string;
  readonly measurement: string;
  readonly fields: ReadonlySet<string> | null;
  readonly owner: Owner;
  /** Points dropped for this subscription since the last `dropped` message. */
  dropped: number;
  /** False once unsubscribed or its connection closed; queued points of an inactive subscription are discarded. */
  active: boolean;
  private readonly matchers: LiveTagMatcher[];
  private readonly verdicts: Map<string, boolean>;

  constructor(selector: LiveSelector, owner: Owner) {
    this.id = selector.id;
    this.db = selector.db;
    this.measurement = selector.measurement;
    this.fields = selector.fields;
    this.owner = owner;
    this.dropped = 0;
    this.active = true;
    this.matchers = selector.matchers;
    this.verdicts = new Map();
  }

  /** True when the series (canonical key `key`, parsed as `info`) passes every tag matcher. */
  matches(key: string, info: LiveSeriesInfo): boolean {
    if (this.matchers.length === 0) return true;
    const known = this.verdicts.get(key);
    if (known !== undefined) return known;
    let ok = true;
    for (let m = 0; m < this.matchers.length && ok; m++) {
      const matcher = this.matchers[m]!;
      ok = matcher.matches(info.tags.get(matcher.key) ?? "");
    }
    if (this.verdicts.size >= MAX_CACHED_VERDICTS) this.verdicts.clear();
    this.verdicts.set(key, ok);
    return ok;
  }
}

/**
 * Parses a client text frame into a message. `defaultDb` fills a subscribe without `db`.
 * @throws InvalidError LIVE_BAD_MESSAGE (not JSON, unknown type, bad or missing members), LIVE_NO_DATABASE (no db
 *   and no default), BASE_BAD_REGEX (a `=~`/`!~` pattern SafeRegex refuses).
 */
export function parseLiveMessage(
  text: string,
  defaultDb: string | undefined,
): { type: "subscribe"; selector: LiveSelector } | { type: "unsubscribe"; id: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InvalidError("LIVE_BAD_MESSAGE", "message is not valid JSON", { cause: error });
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw bad("message must be a JSON object");
  const msg = raw as Partial<Record<keyof LiveClientMessage | "db" | "measurement" | "where" | "fields", unknown>>;
  const id = msg.id;
  if (typeof id !== "string" || id === "" || id.length > MAX_ID_LENGTH)
    throw bad(`id must be a string of 1-${MAX_ID_LENGTH} characters`);
  if (msg.type === "unsubscribe") return { type: "unsubscribe", id };
  if (msg.type !== "subscribe") throw bad(`unknown message type ${JSON.stringify(msg.type)}`);
  const db = msg.db ?? defaultDb;
  if (db === undefined) throw new InvalidError("LIVE_NO_DATABASE", `subscription ${id}: no db given and no default`);
  if (typeof db !== "string" || db === "") throw bad(`subscription ${id}: db must be a non-empty string`);
  if (typeof msg.measurement !== "string" || msg.measurement === "")
    throw bad(`subscription ${id}: measurement must be a non-empty string`);
  return {
    type: "subscribe",
    selector: {
      id,
      db,
      measurement: msg.measurement,
      matchers: parseWhere(id, msg.where),
      fields: parseFields(id, msg.fields),
    },
  };
}

function parseWhere(id: string, where: unknown): LiveTagMatcher[] {
  if (where === undefined) return [];
  if (!Array.isArray(where) || where.length > MAX_MATCHERS)
    throw bad(`subscription ${id}: where must be an array of at most ${MAX_MATCHERS} matchers`);
  const out: LiveTagMatcher[] = [];
  for (let i = 0; i < where.length; i++) {
    const m = where[i] as { key?: unknown; op?: unknown; value?: unknown } | null;
    const op = typeof m?.op === "string" ? OPS[m.op] : undefined;
    if (m === null || typeof m.key !== "string" || typeof m.value !== "string" || op === undefined)
      throw bad(`subscription ${id}: where[${i}] must be {key, op: "=" | "!=" | "=~" | "!~", value} with strings`);
    out.push(new LiveMatcher(m.key, op, m.value));
  }
  return out;
}

function parseFields(id: string, fields: unknown): ReadonlySet<string> | null {
  if (fields === undefined) return null;
  if (
    !Array.isArray(fields) ||
    fields.length === 0 ||
    fields.length > MAX_FIELDS ||
    !fields.every((f) => typeof f === "string")
  )
    throw bad(`subscription ${id}: fields must be a non-empty array of at most ${MAX_FIELDS} strings`);
  return new Set(fields as string[]);
}

function bad(message: string): InvalidError {
  return new InvalidError("LIVE_BAD_MESSAGE", message);
}
