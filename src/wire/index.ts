// Public entry of the wire contract: types and error codes shared with the client.
export type { ErrorCategory } from "./error-codes.ts";
