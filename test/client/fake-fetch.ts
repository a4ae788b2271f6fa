// A scriptable fetch for client unit tests: records every request and answers from a handler.
import type { FetchInit, FetchLike, FetchResponse } from "../../src/client/index.ts";

/** One recorded request; `text` is the body, gunzipped when it was gzipped. */
export interface RecordedRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  text: string;
  keepalive: boolean;
}

/** What the handler answers: a response, or an Error to make fetch reject (a network failure). */
export type FakeAnswer = { status: number; body?: string; headers?: Record<string, string> } | Error;

/** A FetchLike that records requests (in `requests`) and answers with `handler`. */
export function fakeFetch(handler: (request: RecordedRequest, index: number) => FakeAnswer | Promise<FakeAnswer>) {
  const requests: RecordedRequest[] = [];
  const fetch: FetchLike = async (url: string, init: FetchInit): Promise<FetchResponse> => {
    const gzipped = init.headers["Content-Encoding"] === "gzip";
    const text = init.body === undefined ? "" : await bodyText(init.body, gzipped);
    const request = { url, method: init.method, headers: init.headers, text, keepalive: init.keepalive === true };
    requests.push(request);
    const answer = await handler(request, requests.length - 1);
    if (answer instanceof Error) throw answer;
    const headers = new Map(Object.entries(answer.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    return {
      status: answer.status,
      headers: { get: (name: string) => headers.get(name.toLowerCase()) ?? null },
      text: () => Promise.resolve(answer.body ?? ""),
    };
  };
  return { fetch, requests };
}

async function bodyText(body: string | Uint8Array, gzipped: boolean): Promise<string> {
  if (!gzipped) return typeof body === "string" ? body : new TextDecoder().decode(body);
  const stream = new Blob([body]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Response(stream).text();
}

/** Resolves after `ms` real milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `condition` every few ms until it holds; rejects after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("waitFor: condition still false after " + timeoutMs + " ms");
    await delay(2);
  }
}
