// The benchmark's HTTP line-protocol sender: the same batches (N lines each) posted by a fixed number of
// concurrent senders over keep-alive connections, to whichever system is measured.
import * as fsp from "node:fs/promises";
import * as http from "node:http";

/** A line-protocol file split into request bodies of at most `batchLines` lines each. */
export interface Batches {
  bodies: Buffer[];
  lines: number;
  bytes: number;
}

/** What one send run measured. */
export interface SendResult {
  seconds: number;
  requests: number;
  /** Requests answered with anything but 204, with the first few error bodies. */
  failed: number;
  errors: string[];
}

/** Reads `file` into memory as bodies of `batchLines` whole lines (done before timing, so disk reads are not timed). */
export async function readBatches(file: string, batchLines: number): Promise<Batches> {
  const data = await fsp.readFile(file);
  const bodies: Buffer[] = [];
  let start = 0;
  let lines = 0;
  let inBatch = 0;
  for (let i = 0; i < data.length; i++) {
    if (data[i] !== 0x0a) continue;
    lines++;
    if (++inBatch === batchLines) {
      bodies.push(data.subarray(start, i + 1));
      start = i + 1;
      inBatch = 0;
    }
  }
  if (start < data.length) bodies.push(data.subarray(start));
  return { bodies, lines, bytes: data.length };
}

/**
 * POSTs every body to `url` (e.g. `http://127.0.0.1:8086/write?db=bench`) from `concurrency` senders, each taking
 * the next unsent batch when its previous request is answered; keep-alive connections, one per sender.
 * Resolves when every request is answered; the time is from the first request to the last answer.
 */
export async function sendBatches(url: string, batches: Batches, concurrency: number): Promise<SendResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(url);
  let next = 0;
  let failed = 0;
  const errors: string[] = [];
  const sender = async (): Promise<void> => {
    while (next < batches.bodies.length) {
      const body = batches.bodies[next++]!;
      const { status, text } = await post(agent, target, body);
      if (status !== 204) {
        failed++;
        if (errors.length < 5) errors.push(`${status} ${text.slice(0, 300)}`);
      }
    }
  };
  const start = performance.now();
  try {
    await Promise.all(Array.from({ length: concurrency }, sender));
  } finally {
    agent.destroy();
  }
  return { seconds: (performance.now() - start) / 1000, requests: batches.bodies.length, failed, errors };
}

function post(agent: http.Agent, url: URL, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: "POST",
        agent,
        headers: { "Content-Type": "text/plain; charset=utf-8", "Content-Length": body.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** GETs `url` over `agent`; resolves with the status and the whole body once it has arrived. */
export function get(agent: http.Agent, url: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
  });
}
