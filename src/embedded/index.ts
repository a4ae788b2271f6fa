// Public entry of the embedded API.
export { Strata } from "./strata.ts";
export type { WriteOptions, WriteReport } from "./strata.ts";
export { PartialWriteError } from "./partial-write-error.ts";
export type { WriteRejection } from "./partial-write-error.ts";
