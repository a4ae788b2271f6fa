// Public entry of the series index: series catalog, field schema and tag postings of one database.
export { SeriesIndex } from "./series-index.ts";
export { containsId } from "./sorted-ids.ts";
export type { SeriesIndexOptions } from "./series-index.ts";
export type { TagMatcher } from "./tag-matcher.ts";
export type { MetricMetadata } from "./metric-metadata.ts";
