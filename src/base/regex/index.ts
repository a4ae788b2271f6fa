// Public entry of the safe regex matcher (RE2 syntax, linear time); the rest of the folder is internal.
export { SafeRegex } from "./safe-regex.ts";
export type { SafeRegexOptions } from "./safe-regex.ts";
