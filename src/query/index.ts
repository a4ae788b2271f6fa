// Public entry of layer 3's query languages.
export * from "./promql/index.ts";
export * from "./influxql/index.ts";
export * from "./native/index.ts";
