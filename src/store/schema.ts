import type * as Arrow from "apache-arrow";

/**
 * The Arrow schema of the `results` table. The first ten fields are the Python lance-bench's, with
 * its names and types, so its Python package reads every row the suite writes; the rest
 * are the suite's extension columns (docs/architecture.md). Strings are plain Utf8 on purpose: LanceDB
 * refuses a BTREE index on a dictionary-encoded column.
 *
 * Every field is nullable, as pyarrow makes them by default: struct equality includes the
 * children's nullability, so this is what lets the Python lance-bench's reader (and writer) see exactly
 * its own types. Non-null is enforced where rows are built, by the zod model.
 */
export const SUMMARY_FIELDS = ["min", "q1", "median", "q3", "max", "mean", "standard_deviation"] as const;

/**
 * Built from the Arrow module LanceDB uses (loadArrow in lancedb.ts: the action's runtime
 * folder, or the project's node_modules), once per module.
 */
type ResultsSchema = Arrow.Schema<Record<string, Arrow.DataType>>;
const schemas = new WeakMap<typeof Arrow, ResultsSchema>();
export function resultsSchema(arrow: typeof Arrow): ResultsSchema {
  let schema = schemas.get(arrow);
  if (!schema) schemas.set(arrow, (schema = buildSchema(arrow)));
  return schema;
}

function buildSchema({ Field, Float64, Int32, Int64, List, Schema, Struct, Utf8 }: typeof Arrow): ResultsSchema {
  const field = (name: string, type: Arrow.DataType) => new Field(name, type, true);
  const f64 = () => new Float64();
  const utf8 = () => new Utf8();
  return new Schema([
    field("id", utf8()),
    field("dut", new Struct([field("name", utf8()), field("version", utf8()), field("timestamp", new Int64())])),
    field(
      "test_bed",
      new Struct([
        field("name", utf8()),
        field("cpu", utf8()),
        field("memory_gb", new Int32()),
        field("os", utf8()),
        field("created_at", new Int64()),
      ]),
    ),
    field("benchmark_name", utf8()),
    field("values", new List(field("item", f64()))),
    field("summary", new Struct(SUMMARY_FIELDS.map((name) => field(name, f64())))),
    field("units", utf8()),
    field("throughput", new Struct([field("multiplier", f64()), field("name", utf8()), field("unit_system", utf8())])),
    field("metadata", utf8()),
    field("timestamp", new Int64()),
    // extension columns
    field("sha", utf8()),
    field("metric", utf8()),
    field("direction", utf8()),
    field("params", utf8()),
    field("source_format", utf8()),
    field("status", utf8()),
    field("status_reason", utf8()),
    field(
      "run",
      new Struct([
        field("provider", utf8()),
        field("repository", utf8()),
        field("workflow", utf8()),
        field("run_id", utf8()),
        field("run_attempt", new Int32()),
        field("ref", utf8()),
        field("pr_number", new Int32()),
      ]),
    ),
    field("fingerprint", utf8()),
  ]);
}

/** The Python lance-bench's ten columns, then the suite's extension columns, in schema order. */
export const SEED_COLUMNS = [
  "id",
  "dut",
  "test_bed",
  "benchmark_name",
  "values",
  "summary",
  "units",
  "throughput",
  "metadata",
  "timestamp",
] as const;
export const EXTENSION_COLUMNS = [
  "sha",
  "metric",
  "direction",
  "params",
  "source_format",
  "status",
  "status_reason",
  "run",
  "fingerprint",
] as const;

/**
 * The Lance file format new tables are created in, chosen here only. 2.1 is read and written
 * both by this suite and by the Python lance-bench's locked stack (lancedb 0.25.3, pylance 0.39):
 * that stack panics on 2.2 (LanceDB Node's default), and its appends make a 2.2 table unreadable
 * to newer readers; 2.0 (its own default) cannot store a null struct, such as a result
 * without throughput.
 */
export const RESULTS_FORMAT = "2.1";

/** Formats the Python lance-bench's locked stack reads. */
export const SEED_READABLE_FORMATS: ReadonlySet<string> = new Set(["2.0", "2.1"]);
