// What a segment file records about each of its columns, so the file describes itself for recovery and rebuild.
import type { FieldType } from "../model/index.ts";

/** Identity and type of one (series, field) column of a segment. Ids are uint32; strings are stored as UTF-8. */
export interface SegmentColumnMeta {
  /** Interned series id; columns of one segment are ordered by (seriesId, fieldId). */
  seriesId: number;
  /** Canonical series key (escaped line-protocol form), identical for every column of the series. */
  seriesKey: string;
  /** Field id within the series' measurement. */
  fieldId: number;
  /** Field name (unescaped). */
  fieldName: string;
  /** Field type; fixes the block codecs and the DecodedBlock value representation. */
  type: FieldType;
}
