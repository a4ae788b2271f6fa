// The error vocabulary shared by the engine, the server and the client. Free of Node APIs.

/** Broad error categories; the server maps each to one HTTP status (STYLE.md §5). */
export type ErrorCategory = "invalid" | "not_found" | "conflict" | "limit" | "unavailable" | "corrupt" | "internal";
