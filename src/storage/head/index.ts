// The in-memory head of the storage engine.
export { Head } from "./head.ts";
export { lowerBound } from "./head-column.ts";
export type { HeadColumn } from "./head-column.ts";
export { HeadMemory } from "./head-memory.ts";
export type { HeadMemoryUser } from "./head-memory.ts";
export { HeadWriter } from "./head-writer.ts";
