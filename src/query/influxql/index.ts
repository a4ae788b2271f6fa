// Public entry of the InfluxQL engine: parse and execute InfluxQL against a TimeSeriesStore, and encode results
// as InfluxDB 1.x `/query` bodies (JSON, chunked JSON, CSV).
export { executeInfluxQL } from "./execute-influxql.ts";
export type { ParsedStatement, UnsupportedStatement } from "./parser.ts";
export type { Statement, SelectStatement, Expr, Source, Dimension, Field, FillOption } from "./ast.ts";
export type { InfluxQLContext, StatementOutput, OutputSeries, InfluxValue } from "./statement-output.ts";
export { encodeInfluxQLResponse, encodeInfluxQLChunks, encodeInfluxQLCsv } from "./encode-response.ts";
export { goJsonString } from "./go-format.ts";
