// Public entry of live streaming: the WebSocket hub the HTTP server attaches to `/api/v1/live`.
export { LiveHub } from "./live-hub.ts";
export type { LiveHubOptions, LiveWriteSource } from "./live-hub.ts";
export type { LiveAuthorize, LiveContext, LiveStats } from "./live-connection.ts";
