// Reads request bodies as streams of chunks with a size limit, gunzipping `Content-Encoding: gzip`.
// Other encodings (identity, snappy for remote write) pass through for the route to decode.
import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import * as zlib from "node:zlib";
import { InvalidError } from "../../base/index.ts";
import { bodyTooLargeError } from "../errors.ts";

/**
 * Streams the body of `req` to `onChunk`, gunzipped when the request says `Content-Encoding: gzip`, and resolves
 * with the decoded byte count. Chunks are fresh buffers the callee may keep. Throws LimitError
 * (SERVER_BODY_TOO_LARGE) as soon as the declared or decoded size passes `maxBytes` (before reading further),
 * InvalidError (SERVER_BAD_GZIP) for a malformed gzip stream; errors thrown by `onChunk` abort the read and
 * propagate. On any failure the rest of the body is left unread: answer with `Connection: close`.
 */
export async function readBody(
  req: IncomingMessage,
  maxBytes: number,
  onChunk: (chunk: Buffer) => void,
): Promise<number> {
  const declared = Number(req.headers["content-length"] ?? NaN);
  if (declared > maxBytes) throw bodyTooLargeError();
  const gzip = isGzip(req);
  const source: Readable = gzip ? req.pipe(zlib.createGunzip()) : req;
  let total = 0;
  try {
    for await (const chunk of source) {
      const buf = chunk as Buffer;
      total += buf.length;
      if (total > maxBytes) throw bodyTooLargeError();
      onChunk(buf);
    }
  } catch (error) {
    if (gzip) req.unpipe();
    source.destroy();
    if ((error as { code?: unknown }).code?.toString().startsWith("Z_") === true) {
      throw new InvalidError("SERVER_BAD_GZIP", `invalid gzip body: ${(error as Error).message}`, { cause: error });
    }
    throw error;
  }
  return total;
}

/** The whole body as one buffer (see readBody for limits and errors). */
export async function readBodyBuffer(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const total = await readBody(req, maxBytes, (chunk) => chunks.push(chunk));
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
}

function isGzip(req: IncomingMessage): boolean {
  const encoding = req.headers["content-encoding"];
  return encoding !== undefined && encoding.trim().toLowerCase() === "gzip";
}
