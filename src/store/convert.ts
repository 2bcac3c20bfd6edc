import { RecordBatch, Struct, Table, vectorFromArray } from "apache-arrow";
import type { Result } from "../model/index.js";
import { RESULTS_SCHEMA } from "./schema.js";

/** Results as one Arrow table in the exact `results` schema (Int64 columns take BigInt). */
export function toArrowTable(results: readonly Result[]): Table {
  const rows = results.map((r) => ({
    ...r,
    dut: { ...r.dut, timestamp: BigInt(r.dut.timestamp) },
    test_bed: { ...r.test_bed, created_at: BigInt(r.test_bed.created_at) },
    timestamp: BigInt(r.timestamp),
  }));
  const rowsVector = vectorFromArray(rows, new Struct(RESULTS_SCHEMA.fields));
  return new Table(rowsVector.data.map((data) => new RecordBatch(RESULTS_SCHEMA, data)));
}

/** A row read back from LanceDB as plain JSON values (BigInt → number, Arrow vectors → arrays). */
export function toPlainRow(row: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(row, (_key, value) => (typeof value === "bigint" ? Number(value) : value)));
}
