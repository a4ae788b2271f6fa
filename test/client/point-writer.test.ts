// PointWriter against a fake fetch: batching, gzip, retries, error typing, backpressure, close.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { StrataClient, StrataLimitError, StrataWriteError, StrataAuthError } from "../../src/client/index.ts";
import type { StrataError, WriterOptions } from "../../src/client/index.ts";
import { delay, fakeFetch, waitFor } from "./fake-fetch.ts";
import type { FakeAnswer, RecordedRequest } from "./fake-fetch.ts";

const FAST: WriterOptions = { flushOnExit: false, retryBackoff: { initialMs: 1, maxMs: 2 } };

function setup(
  handler: (r: RecordedRequest, i: number) => FakeAnswer | Promise<FakeAnswer>,
  options: WriterOptions = {},
) {
  const { fetch, requests } = fakeFetch(handler);
  const client = new StrataClient({ url: "http://strata.test/", token: "t0k", db: "iot", fetch });
  const writer = client.writer({ ...FAST, ...options });
  return { writer, requests };
}

const ok = (): FakeAnswer => ({ status: 204 });
const point = (i: number) => ({ measurement: "m", tags: { host: "h" }, fields: { v: i }, time: BigInt(i) });

describe("PointWriter batching", () => {
  it("sends a batch as soon as batchSize lines are buffered", async () => {
    const { writer, requests } = setup(ok, { batchSize: 3, flushIntervalMs: 0 });
    for (let i = 0; i < 7; i++) await writer.writePoint(point(i));
    await waitFor(() => requests.length === 2);
    await delay(20);
    assert.equal(requests.length, 2);
    assert.equal(requests[0]!.text, "m,host=h v=0 0\nm,host=h v=1 1\nm,host=h v=2 2\n");
    await writer.close();
    assert.equal(requests.length, 3);
    assert.equal(requests[2]!.text, "m,host=h v=6 6\n");
  });

  it("sends a partial batch after flushIntervalMs", async () => {
    const { writer, requests } = setup(ok, { flushIntervalMs: 10 });
    await writer.writePoint(point(1));
    assert.equal(requests.length, 0);
    // The timer fires after 10 ms; gzip runs on the thread pool, so a loaded machine may need longer to post.
    for (let i = 0; i < 200 && requests.length === 0; i++) await delay(10);
    assert.equal(requests.length, 1);
    await writer.close();
  });

  it("posts to /write with db, precision, token and a gzip body that round-trips", async () => {
    const { writer, requests } = setup(ok, { precision: "ms" });
    await writer.writePoint({ measurement: "cpu", fields: { v: 1.5 }, time: 1714564800123 });
    await writer.writeLines(["raw v=2i 5"]);
    await writer.flush();
    const r = requests[0]!;
    assert.equal(r.method, "POST");
    assert.equal(r.url, "http://strata.test/write?db=iot&precision=ms");
    assert.equal(r.headers.Authorization, "Token t0k");
    assert.equal(r.headers["Content-Encoding"], "gzip");
    assert.equal(r.text, "cpu v=1.5 1714564800123\nraw v=2i 5\n");
    await writer.close();
  });

  it("names microseconds u, as InfluxDB 1.x reads it", async () => {
    const { writer, requests } = setup(ok, { precision: "us" });
    await writer.writePoint({ measurement: "m", fields: { v: 1 }, time: 1n });
    await writer.close();
    assert.equal(requests[0]!.url, "http://strata.test/write?db=iot&precision=u");
  });

  it("sends plain text when gzip is off", async () => {
    const { writer, requests } = setup(ok, { gzip: false });
    await writer.writePoint(point(1));
    await writer.close();
    assert.equal(requests[0]!.headers["Content-Encoding"], undefined);
    assert.equal(requests[0]!.text, "m,host=h v=1 1\n");
  });

  it("throws CLIENT_BAD_POINT synchronously and buffers nothing", async () => {
    const { writer } = setup(ok);
    assert.throws(() => writer.writePoint({ measurement: "m", fields: {} }), { code: "CLIENT_BAD_POINT" });
    assert.throws(() => writer.writePoints([point(1), { measurement: "", fields: { v: 1 } }]), {
      code: "CLIENT_BAD_POINT",
    });
    assert.equal(writer.bufferedPoints, 0);
    await writer.close();
  });

  it("refuses writes after close with CLIENT_CLOSED", async () => {
    const { writer } = setup(ok);
    await writer.close();
    assert.throws(() => writer.writePoint(point(1)), { code: "CLIENT_CLOSED" });
  });
});

describe("PointWriter retries", () => {
  const retryable = [
    { name: "a network error", input: [new TypeError("fetch failed")] as FakeAnswer[] },
    { name: "HTTP 503", input: [{ status: 503, body: '{"error":"starting"}' }] as FakeAnswer[] },
    { name: "HTTP 429 with Retry-After", input: [{ status: 429, headers: { "Retry-After": "0" } }] as FakeAnswer[] },
    { name: "two failures in a row", input: [{ status: 500 }, new TypeError("reset")] as FakeAnswer[] },
  ];
  for (const { name, input } of retryable) {
    it(`retries after ${name} and delivers once`, async () => {
      const { writer, requests } = setup((_, i) => input[i] ?? ok());
      await writer.writePoint(point(1));
      await writer.flush();
      assert.equal(requests.length, input.length + 1);
      assert.ok(requests.every((r) => r.text === "m,host=h v=1 1\n"));
      await writer.close();
    });
  }

  it("honours Retry-After over the backoff", async () => {
    const { writer, requests } = setup((_, i) => (i === 0 ? { status: 429, headers: { "Retry-After": "1" } } : ok()), {
      retryBackoff: { initialMs: 1, maxMs: 1 },
    });
    await writer.writePoint(point(1));
    const started = Date.now();
    await writer.flush();
    assert.ok(Date.now() - started >= 950, "waited for Retry-After");
    assert.equal(requests.length, 2);
    await writer.close();
  });

  it("gives up after maxRetries with a StrataWriteError naming the attempts", async () => {
    const { writer, requests } = setup(() => ({ status: 503 }), { maxRetries: 2 });
    await writer.writePoint(point(1));
    await assert.rejects(writer.flush(), (e: StrataError) => e instanceof StrataWriteError && e.status === 503);
    assert.equal(requests.length, 3);
    await writer.close();
  });

  const final = [
    {
      name: "400 partial write",
      input: { status: 400, body: '{"error":"partial write: bad line 2"}' },
      want: { cls: StrataWriteError, code: "HTTP_400", category: "invalid" },
    },
    {
      name: "400 with a wire code",
      input: { status: 400, body: '{"error":"bad","code":"INGEST_BAD_LINE","category":"invalid"}' },
      want: { cls: StrataWriteError, code: "INGEST_BAD_LINE", category: "invalid" },
    },
    {
      name: "401",
      input: { status: 401, body: '{"error":"unauthorized"}' },
      want: { cls: StrataAuthError, code: "HTTP_401", category: "invalid" },
    },
    {
      name: "404 unknown database",
      input: { status: 404, body: '{"error":"database not found: \\"x\\""}' },
      want: { cls: StrataWriteError, code: "HTTP_404", category: "not_found" },
    },
    {
      name: "413 body too large",
      input: { status: 413, body: "too large" },
      want: { cls: StrataLimitError, code: "HTTP_413", category: "limit" },
    },
  ];
  for (const { name, input, want } of final) {
    it(`does not retry ${name} and reports it typed`, async () => {
      const errors: StrataError[] = [];
      const { writer, requests } = setup(() => input, { onError: (e) => errors.push(e) });
      await writer.writePoint(point(1));
      await assert.rejects(writer.flush(), (e: StrataError) => {
        assert.ok(e instanceof want.cls, e.name);
        assert.equal(e.code, want.code);
        assert.equal(e.category, want.category);
        assert.equal(e.status, input.status);
        return true;
      });
      assert.equal(requests.length, 1);
      assert.equal(errors.length, 1);
      await writer.close();
    });
  }

  it("reports a background failure that no flush saw at the next flush", async () => {
    const { writer } = setup((_, i) => (i === 0 ? { status: 400, body: '{"error":"bad"}' } : ok()), { batchSize: 1 });
    await writer.writePoint(point(1));
    await waitFor(() => writer.bufferedPoints === 0);
    await assert.rejects(writer.flush(), { code: "HTTP_400" });
    await writer.flush(); // reported once
    await writer.close();
  });
});

describe("PointWriter backpressure", () => {
  it("makes writePoint wait while the buffer is full", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { writer, requests } = setup(
      async () => {
        await gate;
        return ok();
      },
      { batchSize: 2, maxBufferedPoints: 2 },
    );
    await writer.writePoint(point(1));
    await writer.writePoint(point(2)); // fills the buffer; a batch of 2 is in flight
    let admitted = false;
    const third = writer.writePoint(point(3)).then(() => (admitted = true));
    await delay(10);
    assert.equal(admitted, false);
    release();
    await third;
    assert.equal(admitted, true);
    await writer.close();
    assert.deepEqual(
      requests.map((r) => r.text.split("\n").length - 1),
      [2, 1],
    );
  });

  it("rejects with CLIENT_BUFFER_FULL when whenFull is reject", async () => {
    const { writer } = setup(() => new Promise<FakeAnswer>(() => undefined), {
      maxBufferedPoints: 2,
      whenFull: "reject",
      flushIntervalMs: 0,
    });
    await writer.writePoint(point(1));
    await writer.writePoint(point(2));
    await assert.rejects(
      writer.writePoint(point(3)),
      (e: StrataError) => e instanceof StrataLimitError && e.code === "CLIENT_BUFFER_FULL",
    );
    await assert.rejects(writer.writeLines(["a v=1", "a v=2"]), { code: "CLIENT_BUFFER_FULL" });
    assert.equal(writer.bufferedPoints, 2);
  });

  it("close() also sends points that were waiting for room", async () => {
    const { writer, requests } = setup(ok, { batchSize: 1, maxBufferedPoints: 1 });
    const writes = [1, 2, 3, 4].map((i) => writer.writePoint(point(i)));
    await writer.close();
    await Promise.all(writes);
    assert.equal(
      requests.map((r) => r.text).join(""),
      "m,host=h v=1 1\nm,host=h v=2 2\nm,host=h v=3 3\nm,host=h v=4 4\n",
    );
  });
});

describe("PointWriter flush on page hide", () => {
  it("sends up to 60 KiB uncompressed with keepalive at once and the rest normally", async () => {
    const { writer, requests } = setup(ok, { batchSize: 100_000, flushIntervalMs: 0 });
    const big = "x".repeat(1000);
    for (let i = 0; i < 40; i++) await writer.writePoint({ measurement: "m", fields: { s: big }, time: BigInt(i) });
    // The browser hook calls this synchronously from pagehide / visibilitychange.
    (writer as unknown as { flushForExit(kind: string): void }).flushForExit("page-hide");
    await waitFor(() => requests.length === 2);
    const keepalive = requests.filter((r) => r.keepalive);
    assert.equal(keepalive.length, 1);
    assert.equal(keepalive[0]!.headers["Content-Encoding"], undefined);
    const sent = keepalive[0]!.text.split("\n").length - 1;
    assert.ok(sent > 0 && sent < 40 && keepalive[0]!.text.length * 3 <= 60 * 1024, `${sent} lines`);
    await writer.close();
    const total = requests.reduce((n, r) => n + r.text.split("\n").length - 1, 0);
    assert.equal(total, 40);
    assert.equal(requests.filter((r) => !r.keepalive).length, requests.length - 1);
  });
});
