// A one-line import progress bar for a terminal's stderr: bytes done of total and the ingest rate.
// Knows nothing of importing; the caller feeds it figures.

/** The stream a ProgressBar draws on (process.stderr satisfies it). */
export interface ProgressSink {
  write(text: string): unknown;
  columns?: number;
}

const REDRAW_MS = 100;
const MIB = 1024 * 1024;

/**
 * Redraws at most every 100 ms with `\r`; `clear()` erases the line so other output can be printed, and the
 * next `update` draws it again. Fields are mutable draw state, touched only by its own methods.
 */
export class ProgressBar {
  private readonly sink: ProgressSink;
  private readonly totalBytes: number;
  private readonly startMs: number;
  private lastDrawMs = 0;
  private drawn = false;

  /** `totalBytes` is the size of all input; `nowMs` the start time on a monotonic ms clock (performance.now()). */
  constructor(sink: ProgressSink, totalBytes: number, nowMs: number) {
    this.sink = sink;
    this.totalBytes = totalBytes;
    this.startMs = nowMs;
  }

  /** Redraws with `bytesDone` of the total read and `points` stored, unless it drew less than 100 ms ago. */
  update(bytesDone: number, points: number, nowMs: number): void {
    if (this.drawn && nowMs - this.lastDrawMs < REDRAW_MS) return;
    this.lastDrawMs = nowMs;
    const fraction = this.totalBytes > 0 ? Math.min(1, bytesDone / this.totalBytes) : 1;
    const seconds = Math.max(1e-3, (nowMs - this.startMs) / 1000);
    const rate = Math.round(points / seconds).toLocaleString("en-US");
    const text = ` ${(fraction * 100).toFixed(0).padStart(3)}% ${(bytesDone / MIB).toFixed(1)}/${(this.totalBytes / MIB).toFixed(1)} MiB ${rate} points/s`;
    const width = Math.max(10, Math.min(40, (this.sink.columns ?? 80) - text.length - 3));
    const filled = Math.round(fraction * width);
    this.sink.write(`\r[${"#".repeat(filled)}${".".repeat(width - filled)}]${text}\x1b[K`);
    this.drawn = true;
  }

  /** Erases the bar (when drawn). */
  clear(): void {
    if (!this.drawn) return;
    this.sink.write("\r\x1b[K");
    this.drawn = false;
  }
}
