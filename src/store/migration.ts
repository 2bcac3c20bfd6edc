import type * as Arrow from "apache-arrow";
import { EXTENSION_COLUMNS, resultsSchema, SEED_COLUMNS } from "./schema.js";

/*
 * Bringing a table written by the Python lance-bench (its ten columns only, format 2.0) to this
 * suite's schema: the extension columns added and filled with what each row tells, and the
 * Python lance-bench's placeholder for "no throughput" ({multiplier: 0, name: '', unit_system: ''}, written
 * because format 2.0 cannot store a null struct) read as the null it stands for.
 */

/** How a table's columns compare with the suite's schema. */
export interface SchemaCheck {
  /** Extension columns the table lacks (a seed table lacks all of them). */
  missing: string[];
  /** Columns of ours whose type differs: `name: theirs (ours: …)`. */
  mistyped: string[];
  /** Columns neither the Python lance-bench nor this suite writes. */
  unknown: string[];
}

const typeOf = (field: Arrow.Field) => String(field.type);

/** `schema` (a table's) against `ours` (the suite's, `resultsSchema`). */
export function checkColumns(schema: Arrow.Schema, ourSchema: Arrow.Schema): SchemaCheck {
  const ours = new Map(ourSchema.fields.map((f) => [f.name, f]));
  const theirs = new Map(schema.fields.map((f) => [f.name, f]));
  const missing = [...SEED_COLUMNS, ...EXTENSION_COLUMNS].filter((name) => !theirs.has(name));
  const mistyped = schema.fields
    .filter((f) => ours.has(f.name) && typeOf(f) !== typeOf(ours.get(f.name)!))
    .map((f) => `${f.name}: ${typeOf(f)} (ours: ${typeOf(ours.get(f.name)!)})`);
  const unknown = schema.fields.filter((f) => !ours.has(f.name)).map((f) => f.name);
  return { missing, mistyped, unknown };
}

/** Why a table cannot be migrated, or undefined when it is the Python lance-bench's or ours (perhaps partly migrated). */
export function unrecognised(check: SchemaCheck): string | undefined {
  const seedMissing = check.missing.filter((name) => (SEED_COLUMNS as readonly string[]).includes(name));
  if (seedMissing.length > 0) return `it lacks the Python lance-bench's columns ${seedMissing.join(", ")}`;
  if (check.mistyped.length > 0) return `columns of another type: ${check.mistyped.join("; ")}`;
  if (check.unknown.length > 0)
    return `columns neither the Python lance-bench nor this suite writes: ${check.unknown.join(", ")}`;
  return undefined;
}

/**
 * A row rewritten by the caller (the command composes it: `--normalize-criterion`), or null to
 * keep it. `values`, `summary` and `metadata` are replaced together.
 */
export type RowRewrite = (
  values: number[],
  metadata: string | null,
) => { values: number[]; summary: Record<string, number>; metadata: string } | null;

export interface MigratedRows {
  /** Rows `rewrite` changed. */
  rewritten: number;
  table: Arrow.Table;
  /** Rows whose throughput was the Python lance-bench's placeholder, now null. */
  placeholderThroughputs: number;
  /** Rows per source format told from the metadata (`unknown` when it tells none). */
  sourceFormats: Record<string, number>;
}

/** What the Python lance-bench's raw record in `metadata` says the row came from. */
function sourceFormatOf(metadata: string | null): string | null {
  if (metadata === null) return null;
  if (/"reason":\s*"benchmark-complete"/.test(metadata)) return "criterion-json";
  if (/"fullname":/.test(metadata)) return "pytest-benchmark";
  return null;
}

/** pytest-benchmark's parameters, kept as this suite keeps them (JSON), when the record has any. */
function paramsOf(metadata: string | null): string | null {
  if (metadata === null || !/"params":\s*\{/.test(metadata)) return null;
  try {
    const params = (JSON.parse(metadata) as { params?: unknown }).params;
    return params && typeof params === "object" ? JSON.stringify(params) : null;
  } catch {
    return null;
  }
}

interface Throughput {
  multiplier: number;
  name: string;
  unit_system: string;
}

const isPlaceholder = (t: Throughput) => t.multiplier === 0 && t.name === "" && t.unit_system === "";

/**
 * Every row of `input` (batches of a seed table, or of one of ours partly migrated; LanceDB's own
 * Arrow, which may be another copy of the module than `arrow`) in the suite's schema.
 * Seed columns are carried over as they are (same types, checked by `checkColumns` first);
 * extension columns keep what a row has and otherwise get what the row tells: metric `time` and
 * `lower_is_better` (the Python lance-bench stored nanoseconds only), status `ok` (it stored successes only),
 * the source format and pytest parameters from the raw record. `sha`, `run` and `fingerprint`
 * cannot be derived and stay null: the 7-character sha in `dut.version` still finds the commit.
 */
export function toResultsSchema(
  arrow: typeof Arrow,
  input: readonly Arrow.RecordBatch[],
  rewrite?: RowRewrite,
): MigratedRows {
  const { makeData, RecordBatch, Struct, Table, Utf8, vectorFromArray } = arrow;
  const RESULTS_SCHEMA = resultsSchema(arrow);
  let placeholderThroughputs = 0;
  let rewritten = 0;
  const sourceFormats: Record<string, number> = {};
  const batches = input.map((batch) => {
    const column = (name: string): Arrow.Vector<Arrow.DataType> | null => batch.getChild(name);
    const strings = (name: string): (string | null)[] => {
      const vector = column(name);
      return Array.from({ length: batch.numRows }, (_, i) => (vector?.get(i) as string | null | undefined) ?? null);
    };
    const metadata = strings("metadata");
    const formats = strings("source_format").map((known, i) => known ?? sourceFormatOf(metadata[i]!));
    for (const format of formats) sourceFormats[format ?? "unknown"] = (sourceFormats[format ?? "unknown"] ?? 0) + 1;
    const throughputField = RESULTS_SCHEMA.fields.find((f) => f.name === "throughput")!;
    const throughputs = Array.from({ length: batch.numRows }, (_, i) => {
      const value = column("throughput")?.get(i) as { toJSON(): Throughput } | null;
      const plain = value?.toJSON() ?? null;
      if (plain && isPlaceholder(plain)) {
        placeholderThroughputs++;
        return null;
      }
      return plain;
    });
    const utf8 = (values: (string | null)[]) => vectorFromArray(values, new Utf8()).data[0]!;
    const withDefault = (name: string, fallback: (i: number) => string | null) =>
      utf8(strings(name).map((value, i) => value ?? fallback(i)));
    const derived: Record<string, () => Arrow.Data> = {};
    if (rewrite) {
      const values = column("values");
      const summaries = column("summary");
      const rows = metadata.map((meta, i) => {
        const own = Array.from((values?.get(i) as Iterable<number> | null) ?? []);
        const changed = rewrite(own, meta);
        if (changed) rewritten++;
        return (
          changed ?? {
            values: own,
            summary: (summaries?.get(i) as { toJSON(): Record<string, number> } | null)?.toJSON() ?? null,
            metadata: meta,
          }
        );
      });
      const typeOfField = (name: string) => RESULTS_SCHEMA.fields.find((f) => f.name === name)!.type;
      derived.values = () =>
        vectorFromArray(
          rows.map((r) => r.values),
          typeOfField("values"),
        ).data[0]!;
      derived.summary = () =>
        vectorFromArray(
          rows.map((r) => r.summary),
          typeOfField("summary"),
        ).data[0]!;
      derived.metadata = () => utf8(rows.map((r) => r.metadata));
    }
    Object.assign(derived, {
      throughput: () => vectorFromArray(throughputs, throughputField.type).data[0]!,
      metric: () => withDefault("metric", () => "time"),
      direction: () => withDefault("direction", () => "lower_is_better"),
      status: () => withDefault("status", () => "ok"),
      source_format: () => utf8(formats),
      params: () => withDefault("params", (i) => paramsOf(metadata[i]!)),
    } satisfies Record<string, () => Arrow.Data>);
    const children = RESULTS_SCHEMA.fields.map((field) => {
      const make = derived[field.name];
      if (make) return make();
      const existing = column(field.name);
      if (existing) return existing.data[0]!;
      return vectorFromArray(new Array(batch.numRows).fill(null), field.type).data[0]!;
    });
    const data = makeData({ type: new Struct(RESULTS_SCHEMA.fields), length: batch.numRows, nullCount: 0, children });
    return new RecordBatch(RESULTS_SCHEMA, data);
  });
  return { table: new Table(RESULTS_SCHEMA, batches), rewritten, placeholderThroughputs, sourceFormats };
}
