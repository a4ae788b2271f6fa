// Public entry of the native query's JSON form.
export { parseNativeQuery } from "./parse-native-query.ts";
