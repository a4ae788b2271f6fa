// The live-streaming protocol spoken over the WebSocket at `/api/v1/live` (JSON text frames).

import type { WireTagMatcher } from "./native-query.ts";

/** Client → server: start a subscription to new points of `db` matching the selector. */
export interface LiveSubscribe {
  type: "subscribe";
  /** Client-chosen id, echoed in every message for this subscription. */
  id: string;
  /** Database (default: the one the connection URL names, else the server's default). */
  db?: string;
  measurement: string;
  where?: WireTagMatcher[];
  /** Fields to deliver (default: all). */
  fields?: string[];
}

/** Client → server: stop a subscription. */
export interface LiveUnsubscribe {
  type: "unsubscribe";
  id: string;
}

export type LiveClientMessage = LiveSubscribe | LiveUnsubscribe;

/** One point as delivered live; `time` is a decimal ns string; int64/uint64 beyond ±2^53 are decimal strings. */
export interface LivePoint {
  measurement: string;
  tags: Record<string, string>;
  time: string;
  fields: Record<string, number | string | boolean>;
}

/** Server → client messages. */
export type LiveServerMessage =
  | { type: "subscribed"; id: string }
  | { type: "points"; id: string; points: LivePoint[] }
  /** Points were dropped because this subscriber fell behind; `count` is how many. */
  | { type: "dropped"; id: string; count: number }
  | { type: "error"; id?: string; code: string; message: string };

/** WebSocket close code sent to a subscriber whose buffer overflowed past the drop policy. */
export const LIVE_CLOSE_SLOW_CONSUMER = 4001;
/** WebSocket close code for a failed authentication. */
export const LIVE_CLOSE_UNAUTHORIZED = 4003;
