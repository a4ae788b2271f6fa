// API tokens stored hashed in <dataDir>/auth.
export { TokenStore, TOKEN_SCOPES } from "./token-store.ts";
export type { TokenRecord, TokenScope } from "./token-store.ts";
