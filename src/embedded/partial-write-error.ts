// The error a write throws when some of its lines or points were rejected; the valid ones are stored.
import { InvalidError } from "../base/index.ts";

/** One rejected line or point of a write. */
export interface WriteRejection {
  /** 1-based line number for text input; 0 for typed points. */
  line: number;
  /** 1-based byte column of the problem, or 0 when it concerns the whole point. */
  column: number;
  /** Index of the point for typed input, or -1. */
  point: number;
  /** Stable code of the reason (e.g. INGEST_BAD_LINE, STORAGE_FIELD_TYPE_CONFLICT, STORAGE_SERIES_LIMIT). */
  code: string;
  message: string;
}

/**
 * InfluxDB's partial write: thrown after the accepted points are durable. `accepted` counts them and
 * `rejections` lists every bad line or point (the message names the first and the total).
 */
export class PartialWriteError extends InvalidError {
  readonly accepted: number;
  readonly rejections: WriteRejection[];

  constructor(accepted: number, rejections: WriteRejection[]) {
    const first = rejections[0]!;
    const where =
      first.line > 0
        ? `line ${first.line}${first.column > 0 ? ` column ${first.column}` : ""}`
        : `point ${first.point}`;
    super(
      "INGEST_PARTIAL_WRITE",
      `partial write: ${first.message} (${where}); dropped=${rejections.length} accepted=${accepted}`,
    );
    this.accepted = accepted;
    this.rejections = rejections;
  }
}
