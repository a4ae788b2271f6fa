// Test and benchmark support: an independent remote-write encoder (protobufjs reflection over the remote write 1.0
// schema, then snappy) to produce request bodies the decoder must read. Not used by production code.
import protobuf from "protobufjs";
import { compressSync } from "snappy";

/** prometheus/prompb types.proto and remote.proto (remote write 1.0), trimmed to what the tests exercise. */
const PROTO = `
syntax = "proto3";
package prometheus;
message WriteRequest {
  repeated TimeSeries timeseries = 1;
  reserved 2;
  repeated MetricMetadata metadata = 3;
}
message MetricMetadata {
  enum MetricType {
    UNKNOWN = 0; COUNTER = 1; GAUGE = 2; HISTOGRAM = 3; GAUGEHISTOGRAM = 4; SUMMARY = 5; INFO = 6; STATESET = 7;
  }
  MetricType type = 1;
  string metric_family_name = 2;
  string help = 4;
  string unit = 5;
}
message Sample { double value = 1; int64 timestamp = 2; }
message Exemplar { repeated Label labels = 1; double value = 2; int64 timestamp = 3; }
message Histogram { uint64 count_int = 1; double sum = 3; sint32 schema = 4; int64 timestamp = 15; }
message TimeSeries {
  repeated Label labels = 1;
  repeated Sample samples = 2;
  repeated Exemplar exemplars = 3;
  repeated Histogram histograms = 4;
}
message Label { string name = 1; string value = 2; }
`;

/** The `prometheus.WriteRequest` type, for encoding and for the reflection-decoding benchmark. */
export const WriteRequestType = protobuf.parse(PROTO, { keepCase: false }).root.lookupType("prometheus.WriteRequest");

/** A WriteRequest as plain data (protobufjs's camelCase field names). */
export interface TestWriteRequest {
  timeseries: Array<{
    labels: Array<{ name: string; value: string }>;
    samples: Array<{ value: number; timestamp: number }>;
    exemplars?: Array<{ labels: Array<{ name: string; value: string }>; value: number; timestamp: number }>;
    histograms?: Array<{ countInt: number; sum: number; schema: number; timestamp: number }>;
  }>;
  metadata?: Array<{ type: number; metricFamilyName: string; help: string; unit: string }>;
}

/** The protobuf bytes of `req` (not compressed). */
export function encodeWriteRequestProto(req: TestWriteRequest): Uint8Array {
  return WriteRequestType.encode(WriteRequestType.fromObject(req)).finish();
}

/** A remote-write body: snappy block format of the protobuf bytes. */
export function encodeWriteRequest(req: TestWriteRequest): Buffer {
  return compressSync(Buffer.from(encodeWriteRequestProto(req)));
}
