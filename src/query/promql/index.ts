// Public entry of the PromQL engine: queries, series and label listings, and API parameter parsing, as the
// server's /api/v1 routes call them.
export { promInstantQuery, promRangeQuery } from "./query-api.ts";
export type { PromQLOptions } from "./query-api.ts";
export { promSeries, promLabelNames, promLabelValues, promMetadata } from "./metadata-api.ts";
export { parsePromTime, parsePromDuration } from "./api-params.ts";
