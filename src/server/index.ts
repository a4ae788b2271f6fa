// Public entry of the server layer: the HTTP server, its configuration and the error mapping.
export { StrataServer } from "./strata-server.ts";
export type { StrataServerOptions } from "./strata-server.ts";
export { loadServerConfig } from "./config/load-server-config.ts";
export type { ConfigSources } from "./config/load-server-config.ts";
export { DEFAULT_CONFIG, SETTINGS, envName, flagName } from "./config/server-config.ts";
export type { ServerConfig, AuthMode, LogLevel } from "./config/server-config.ts";
export type { Authorize } from "./auth/authenticator.ts";
export type { UpgradeContext, UpgradeHandler, RouteHandler, RouteOptions } from "./http/router.ts";
