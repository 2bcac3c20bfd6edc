import type * as Arrow from "apache-arrow";
import type { Result } from "../model/index.js";
import { resultsSchema } from "./schema.js";

/** Results as one Arrow table in the exact `results` schema (Int64 columns take BigInt). */
export function toArrowTable(arrow: typeof Arrow, results: readonly Result[]): Arrow.Table {
  const { RecordBatch, Struct, Table, vectorFromArray } = arrow;
  const schema = resultsSchema(arrow);
  const rows = results.map((r) => ({
    ...r,
    dut: { ...r.dut, timestamp: BigInt(r.dut.timestamp) },
    test_bed: { ...r.test_bed, created_at: BigInt(r.test_bed.created_at) },
    timestamp: BigInt(r.timestamp),
  }));
  const rowsVector = vectorFromArray(rows, new Struct(schema.fields));
  return new Table(rowsVector.data.map((data) => new RecordBatch(schema, data)));
}

/** A row read back from LanceDB as plain JSON values (BigInt → number, Arrow vectors → arrays). */
export function toPlainRow(row: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(row, (_key, value: unknown) => (typeof value === "bigint" ? Number(value) : value)),
  ) as Record<string, unknown>;
}
