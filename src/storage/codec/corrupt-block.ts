// Builds the CorruptError every codec decoder throws on malformed bytes; callers add the file.
import { CorruptError } from "../../base/index.ts";

/** Stable code of every codec decode failure. */
export const CORRUPT_BLOCK_CODE = "STORAGE_CORRUPT_BLOCK";

/**
 * Returns (does not throw) a CorruptError with code `STORAGE_CORRUPT_BLOCK`, file "" and `offset` = byte offset
 * within the decoder's `src`. The segment reader re-throws it with the file name.
 */
export function corruptBlock(what: string, offset: number, cause?: unknown): CorruptError {
  return new CorruptError(
    CORRUPT_BLOCK_CODE,
    `${what} at block offset ${offset}`,
    "",
    offset,
    cause === undefined ? {} : { cause },
  );
}
