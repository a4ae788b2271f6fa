// Gzip for request bodies through the web-standard CompressionStream (browsers, Node ≥ 18); free of Node APIs.

interface CompressionStreamCtor {
  new (format: "gzip"): { readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> };
}

/** True when this runtime has CompressionStream (feature detection, no polyfill). */
export function canGzip(): boolean {
  return typeof (globalThis as { CompressionStream?: unknown }).CompressionStream === "function";
}

/**
 * Gzips the UTF-8 bytes of `text`. Resolves with a new buffer the caller owns. Call only when canGzip() is true;
 * otherwise it rejects with a TypeError.
 */
export async function gzipText(text: string): Promise<Uint8Array> {
  const Ctor = (globalThis as unknown as { CompressionStream: CompressionStreamCtor }).CompressionStream;
  const stream = new Blob([text]).stream().pipeThrough(new Ctor("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
