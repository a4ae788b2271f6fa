// Invariant guard. Never use it to check user input; that is InvalidError's job.
import { InternalError } from "./errors.ts";

/** Throws InternalError (code `INTERNAL_ASSERT`) when `condition` is false. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InternalError("INTERNAL_ASSERT", message);
}
