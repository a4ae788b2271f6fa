// Retry timing of the point writer: exponential backoff with jitter, and the server's Retry-After header.
// Free of Node APIs.

/** Backoff bounds in ms; immutable once a writer is built. */
export interface RetryBackoff {
  /** Delay before the first retry, in ms (default 500); doubles on each further retry. */
  initialMs?: number;
  /** Cap on the computed delay, in ms (default 30,000). A server's Retry-After is honoured even when longer. */
  maxMs?: number;
}

/** Default delay before the first retry, in ms. */
const DEFAULT_RETRY_INITIAL_MS = 500;
/** Default cap on a computed retry delay, in ms. */
const DEFAULT_RETRY_MAX_MS = 30_000;

/**
 * Delay in ms before retry number `attempt` (0-based): `d = min(maxMs, initialMs · 2^attempt)`, then "equal
 * jitter": uniformly in [d/2, d], so many writers that failed together do not retry in lockstep.
 * `random` returns [0, 1) (injectable for tests).
 */
export function backoffDelayMs(attempt: number, backoff: RetryBackoff, random: () => number = Math.random): number {
  const initial = Math.max(0, backoff.initialMs ?? DEFAULT_RETRY_INITIAL_MS);
  const max = Math.max(initial, backoff.maxMs ?? DEFAULT_RETRY_MAX_MS);
  const d = Math.min(max, initial * 2 ** Math.min(attempt, 52));
  return d / 2 + random() * (d / 2);
}

/**
 * The wait a `Retry-After` header asks for, in ms: delay-seconds (`"120"`) or an HTTP date, relative to
 * `nowMs`. Undefined when the header is absent or malformed; never negative.
 */
export function parseRetryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
