// Queue entries of the WAL writer loop: a commit group (framed records plus one promise for all its callers) and
// a control step (rotate, remove, sync, close). Knows the record frame, not files.
import { WAL_RECORD_HEADER_BYTES, sealWalRecord } from "./wal-format.ts";

/** Initial capacity of a group buffer, in bytes; groups grow by doubling. */
export const WAL_GROUP_INITIAL_BYTES = 64 * 1024;

/**
 * Records appended while the writer was busy, framed back to back in `buf[0 .. len)`, plus the one promise every
 * caller of the group awaits. Mutable until the writer loop takes it; then read-only.
 */
export class WalGroup {
  /** Owned by the group; replaced when growing, handed back to the WAL's spare slot after the write. */
  buf: Uint8Array;
  /** Bytes of framed records in `buf`. */
  len: number;
  /** Settles when the group is written (and synced, per mode); shared by all its callers. */
  readonly promise: Promise<void>;
  private readonly settle: (err: Error | null) => void;

  constructor(buf: Uint8Array) {
    this.buf = buf;
    this.len = 0;
    let settle: (err: Error | null) => void = () => undefined;
    this.promise = new Promise<void>((resolve, reject) => {
      settle = (err) => (err === null ? resolve() : reject(err));
    });
    this.settle = settle;
  }

  /** Copies `payload` (caller keeps ownership) into a new framed record of `type` (1..255, checked by the caller). */
  add(type: number, payload: Uint8Array): void {
    const need = this.len + WAL_RECORD_HEADER_BYTES + payload.length;
    if (need > this.buf.length) {
      let cap = this.buf.length * 2;
      while (cap < need) cap *= 2;
      const grown = new Uint8Array(cap);
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    const pos = this.len;
    this.buf[pos + 8] = type;
    this.buf.set(payload, pos + WAL_RECORD_HEADER_BYTES);
    sealWalRecord(this.buf, pos, payload.length);
    this.len = need;
  }

  /** Resolves every caller's promise. */
  resolve(): void {
    this.settle(null);
  }

  /** Rejects every caller's promise with `err`. */
  reject(err: Error): void {
    this.settle(err);
  }
}

/** Control steps, run by the writer loop in call order between groups. */
export const WAL_STEP_ROTATE = 1;
export const WAL_STEP_REMOVE = 2;
export const WAL_STEP_SYNC = 3;
export const WAL_STEP_CLOSE = 4;

/** One control step and the promise its caller awaits. Immutable after construction. */
export class WalControl {
  /** One of the WAL_STEP_* constants. */
  readonly step: number;
  /** Step argument: the sequence for Remove, else 0. */
  readonly arg: number;
  /** Resolves with the step's result (the closed sequence for Rotate, else 0). */
  readonly promise: Promise<number>;
  private readonly settle: (value: number, err: Error | null) => void;

  constructor(step: number, arg: number, detached: boolean) {
    this.step = step;
    this.arg = arg;
    let settle: (value: number, err: Error | null) => void = () => undefined;
    this.promise = new Promise<number>((resolve, reject) => {
      settle = (value, err) => (err === null ? resolve(value) : reject(err));
    });
    this.settle = settle;
    // A detached step (the interval timer's sync) has no caller. Its failure is kept as the WAL's failed state and
    // rejects every later append, so dropping the rejection here loses nothing.
    if (detached) this.promise.catch(() => undefined);
  }

  resolve(value: number): void {
    this.settle(value, null);
  }

  reject(err: Error): void {
    this.settle(0, err);
  }
}
