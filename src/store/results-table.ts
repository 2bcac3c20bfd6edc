import { stat } from "node:fs/promises";
import type * as lancedb from "@lancedb/lancedb";
import type * as Arrow from "apache-arrow";
import type { Table as ArrowTable } from "apache-arrow";
import { ConfigurationError, StoreError, describeError, type Result } from "../model/index.js";
import { ensureSafeCommits } from "./commit-safety.js";
import { connectDb, storageOptionsFor } from "./connect.js";
import { loadArrow, loadLanceDb } from "./lancedb.js";
import { localPath, redactUri } from "./uri.js";
import { toArrowTable, toPlainRow } from "./convert.js";
import { DEFAULT_RETRY, TransientStoreError, withStoreRetry, type RetryPolicy } from "./retry.js";
import { checkColumns, toResultsSchema, unrecognised, type RowRewrite, type SchemaCheck } from "./migration.js";
import { RESULTS_FORMAT, resultsSchema, SEED_READABLE_FORMATS } from "./schema.js";
import { readTableFormat } from "./table-format.js";
import { sqlString } from "./sql.js";

export const RESULTS_TABLE = "results";

/** Rows a migration holds in memory at once (see `migrate`); LANCE_BENCH_MIGRATION_CHUNK sets it. */
export const MIGRATION_CHUNK = 50_000;

function migrationChunk(env: NodeJS.ProcessEnv): number {
  const raw = env.LANCE_BENCH_MIGRATION_CHUNK;
  if (raw === undefined || raw === "") return MIGRATION_CHUNK;
  const rows = Number(raw);
  if (!Number.isInteger(rows) || rows < 1) {
    throw new ConfigurationError(`LANCE_BENCH_MIGRATION_CHUNK: "${raw}" is not a positive whole number of rows`);
  }
  return rows;
}

/** The version a migration started from and never finished, from the table's tags. */
function unfinishedMigration(tags: Record<string, unknown>): number | undefined {
  const started = Object.keys(tags).flatMap((tag) => /^lance-bench-before-migration-v(\d+)$/.exec(tag)?.[1] ?? []);
  const open = started.map(Number).filter((version) => !(`lance-bench-migrated-from-v${version}` in tags));
  return open.length > 0 ? Math.max(...open) : undefined;
}

/** Columns with a scalar (BTREE) index: the scheduler's sha look-up and per-benchmark history. */
export const INDEXED_COLUMNS = ["sha", "benchmark_name"] as const;

/** Unindexed rows tolerated before a publish folds them into the indexes. */
export const INDEX_REFRESH_THRESHOLD = 20_000;

export interface StoreOptions {
  uri: string;
  retry?: RetryPolicy;
  /** Progress and retry messages (never secrets). */
  log?: (message: string) => void;
  /** Unindexed rows that make a write refresh the indexes (default INDEX_REFRESH_THRESHOLD). */
  indexRefreshThreshold?: number;
}

export interface ExistingStoreOptions extends StoreOptions {
  /**
   * Whether a store without the `results` table is read as empty ("nothing benchmarked yet",
   * the scheduler's first run) instead of being an error. The location itself must exist
   * either way: a local folder, or an S3 bucket the credentials can list.
   */
  allowMissingTable?: boolean;
}

export interface WriteOutcome {
  inserted: number;
  /** Rows whose id was already stored: a re-run of the same publish. */
  alreadyStored: number;
}

/** What `doctor` reports of the results table. */
export interface TableReport {
  exists: boolean;
  version: number | null;
  /** Lance file format ("2.0", "2.1", "2.2"), or null when it could not be read. */
  format: string | null;
  rows: number;
  columns: { name: string; type: string }[];
  check: SchemaCheck | null;
  indexes: { name: string; columns: string[]; type: string }[];
  /** Whether the Python lance-bench's locked stack can read it, and why not. */
  seed: { readable: boolean; reason: string | null } | null;
}

export interface MigrationOutcome {
  before: TableReport;
  /** What the migration does (or would do, when not applied); empty when there is nothing to do. */
  steps: string[];
  applied: boolean;
  after: TableReport | null;
  /** Rows appended by a publisher during the rewrite and merged back. */
  restoredRows: number;
  /** The version before the migration, tagged so it stays readable. */
  taggedVersion: { tag: string; version: number } | null;
  summary: { rewritten: number; placeholderThroughputs: number; sourceFormats: Record<string, number> } | null;
}

/** Rows a migration also rewrites (the command composes it; see `RowRewrite`). */
export interface MigrationRewrite {
  /** What it does, for the plan. */
  step: string;
  /** SQL filter of the rows still to rewrite (our own constant text, never user input). */
  pending: string;
  row: RowRewrite;
}

/** The columns `refHistory` reads: what a history needs, without the samples. */
const HISTORY_COLUMNS = [
  "sha",
  "benchmark_name",
  "metric",
  "units",
  "direction",
  "fingerprint",
  "test_bed",
  "dut",
  "summary",
  "timestamp",
] as const;

/** One stored run of a benchmark's metric, as `refHistory` reads it. */
export type HistoryRow = Pick<Result, (typeof HISTORY_COLUMNS)[number]>;

export interface ResultFilter {
  sha?: string;
  benchmark?: string;
  limit?: number;
}

/** The `results` table: open, write idempotently, and query by exact, indexed matches. */
export class ResultStore {
  private constructor(
    private readonly db: lancedb.Connection,
    readonly uri: string,
    private readonly retry: RetryPolicy,
    private readonly log: (message: string) => void,
    private readonly indexRefreshThreshold: number,
    /** What the connection was opened with: a new table is given the same (and its format). */
    private readonly storageOptions: Record<string, string>,
  ) {}

  static async open(options: StoreOptions): Promise<ResultStore> {
    const retry = options.retry ?? DEFAULT_RETRY;
    const log = options.log ?? (() => {});
    const db = await connectDb(options.uri, retry, log);
    return new ResultStore(
      db,
      options.uri,
      retry,
      log,
      options.indexRefreshThreshold ?? INDEX_REFRESH_THRESHOLD,
      storageOptionsFor(options.uri),
    );
  }

  /**
   * Opens a store that must already exist, for reading: never creates the folder or the
   * table (LanceDB's `connect` creates a missing local folder). A mistyped `--db` is an error
   * naming the location, not an empty store that answers "no results".
   */
  static async openExisting(options: ExistingStoreOptions): Promise<ResultStore> {
    const where = redactUri(options.uri);
    const folder = localPath(options.uri);
    if (folder !== undefined) {
      const found = await stat(folder).catch((error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT" || error.code === "ENOTDIR") return undefined;
        throw new ConfigurationError(`db ${where}: cannot be read (${error.message})`);
      });
      if (!found) {
        throw new ConfigurationError(
          `db ${where}: no result store there (the folder does not exist); check --db or LANCE_BENCH_URI, or publish first`,
        );
      }
      if (!found.isDirectory()) throw new ConfigurationError(`db ${where}: is a file, not a result store folder`);
    }
    const store = await ResultStore.open(options);
    if (options.allowMissingTable) return store;
    try {
      if (!(await store.existingTable())) {
        throw new ConfigurationError(
          `db ${where}: no ${RESULTS_TABLE} table there (nothing was ever published to it); check --db or LANCE_BENCH_URI`,
        );
      }
      return store;
    } catch (error) {
      store.close();
      throw error;
    }
  }

  close(): void {
    this.db.close();
  }

  /** The table, or undefined when nothing was ever published here. */
  private async existingTable(): Promise<lancedb.Table | undefined> {
    return withStoreRetry(
      `opening table ${RESULTS_TABLE} in ${redactUri(this.uri)}`,
      async () => {
        const names = await this.db.tableNames();
        return names.includes(RESULTS_TABLE) ? this.openLatest() : undefined;
      },
      this.retry,
      this.log,
    );
  }

  /** The table at its latest version; call inside `withStoreRetry`. */
  private async openLatest(): Promise<lancedb.Table> {
    try {
      return await this.db.openTable(RESULTS_TABLE);
    } catch (error) {
      // Listed but without a version yet: another publisher is creating it right now.
      const message = describeError(error);
      if (/was not found/i.test(message)) throw new TransientStoreError(message);
      throw error;
    }
  }

  private async tableForWriting(): Promise<lancedb.Table> {
    const existing = await this.existingTable();
    if (existing) {
      await this.checkSchema(existing);
      return existing;
    }
    const { table, created } = await this.createOrOpen();
    await this.checkSchema(table);
    if (created) await this.recoverFromCreateRace(table);
    return table;
  }

  /**
   * Creates the table, empty, or opens it where another publisher got there first. `created`
   * is true only when `table` is at the version our own create committed: LanceDB's `existOk`
   * would hand back the latest version without saying whose it is, and treating that as ours
   * made two publishers restore the same rows (see recoverFromCreateRace).
   */
  private async createOrOpen(): Promise<{ table: lancedb.Table; created: boolean }> {
    return withStoreRetry(
      `creating table ${RESULTS_TABLE} in ${redactUri(this.uri)}`,
      async () => {
        try {
          const schema = resultsSchema(await loadArrow());
          const table = await this.db.createEmptyTable(RESULTS_TABLE, schema, {
            mode: "create",
            storageOptions: this.newTableOptions(),
          });
          return { table, created: true };
        } catch (error) {
          if (!/already exists/i.test(describeError(error))) throw error;
        }
        return { table: await this.openLatest(), created: false };
      },
      this.retry,
      this.log,
    );
  }

  /**
   * A create can lose a race without failing. Lance checks that the table does not exist, then
   * commits the new table as an Overwrite; when another publisher's create lands in between,
   * ours is committed on top of it — after whatever that publisher already wrote — and those
   * rows disappear from the latest version. They are still in the version just before ours,
   * so merge them back by id (a no-op when that version is the winner's empty table).
   *
   * Only the publisher whose create made the overwriting version restores, and only that
   * version's predecessor, so no two publishers ever restore the same rows. That matters:
   * Lance does not detect two concurrent merge-inserts of the same new ids as a conflict, so
   * two restorers (or one working from a stale version) would both insert them, duplicating
   * every row. A later create that overwrites ours again restores our version's rows itself,
   * and a restore that loses to such an Overwrite is rebuilt on the latest version.
   */
  private async recoverFromCreateRace(table: lancedb.Table): Promise<void> {
    const ours = await table.version();
    if (ours <= 1) return;
    const previous = await this.db.openTable(RESULTS_TABLE);
    try {
      await previous.checkout(ours - 1);
      const rows = await previous.query().toArrow();
      if (rows.numRows === 0) return;
      this.log(
        `another publisher created table ${RESULTS_TABLE} at the same moment; restoring its ${rows.numRows} rows`,
      );
      await this.mergeById(table, rows, `restoring ${rows.numRows} rows after a concurrent create`);
    } finally {
      previous.close();
    }
  }

  /**
   * One merge-insert commit keyed on `id`. A retry starts from the latest version: a commit
   * that lost to an incompatible concurrent one (an Overwrite) must be rebuilt on top of it.
   */
  private async mergeById(table: lancedb.Table, data: ArrowTable, what: string): Promise<number> {
    const merged = await this.retryOnLatest(table, what, () =>
      table.mergeInsert("id").whenNotMatchedInsertAll().execute(data),
    );
    return merged.numInsertedRows;
  }

  /**
   * `withStoreRetry` for work that commits to `table`: every retry first moves the handle to
   * the latest version, since the try before may have lost to a concurrent commit.
   */
  private retryOnLatest<T>(table: lancedb.Table, what: string, operation: () => Promise<T>): Promise<T> {
    let attempt = 0;
    return withStoreRetry(
      what,
      async () => {
        if (attempt++ > 0) await table.checkoutLatest();
        return operation();
      },
      this.retry,
      this.log,
    );
  }

  /** New tables are created in the one format both this suite and the Python lance-bench read. */
  private newTableOptions(): Record<string, string> {
    return { ...this.storageOptions, new_table_data_storage_version: RESULTS_FORMAT };
  }

  /** Reads that filter on lance-bench's own columns need a table that has them. */
  private async requireMigrated(table: lancedb.Table, what: string): Promise<void> {
    const names = new Set((await table.schema()).fields.map((f) => f.name));
    if (!names.has("sha") || !names.has("run")) {
      throw new ConfigurationError(
        `${what}: table ${RESULTS_TABLE} in ${redactUri(this.uri)} was written by the Python lance-bench's tools and has ` +
          `none of lance-bench's columns; run lance-bench migrate --db ${redactUri(this.uri)} --apply first`,
      );
    }
  }

  /** A table written by another tool version must have every column we write. */
  private async checkSchema(table: lancedb.Table): Promise<void> {
    const existing = new Set((await table.schema()).fields.map((f) => f.name));
    const missing = resultsSchema(await loadArrow())
      .fields.map((f) => f.name)
      .filter((name) => !existing.has(name));
    if (missing.length > 0) {
      throw new StoreError(
        `table ${RESULTS_TABLE} in ${redactUri(this.uri)} lacks the columns ${missing.join(", ")}; ` +
          `it was written by an older tool: run lance-bench migrate --db ${redactUri(this.uri)} --apply first`,
      );
    }
  }

  /** What the table is: format, columns, indexes and rows, and whether the Python lance-bench can read it. */
  async inspect(): Promise<TableReport> {
    const table = await this.existingTable();
    if (!table) {
      return { exists: false, version: null, format: null, rows: 0, columns: [], check: null, indexes: [], seed: null };
    }
    const [schema, version, rows, indexes] = await withStoreRetry(
      "inspecting the table",
      () => Promise.all([table.schema(), table.version(), table.countRows(), table.listIndices()]),
      this.retry,
      this.log,
    );
    const format = await readTableFormat(this.uri, RESULTS_TABLE, version);
    const check = checkColumns(schema, resultsSchema(await loadArrow()));
    const seedProblem =
      format === null
        ? "its file format could not be read"
        : !SEED_READABLE_FORMATS.has(format)
          ? `format ${format}: the Python lance-bench's pylance 0.39 reads 2.0 and 2.1 only`
          : unrecognised(check);
    return {
      exists: true,
      version,
      format,
      rows,
      columns: schema.fields.map((f) => ({ name: f.name, type: String(f.type) })),
      check,
      indexes: indexes.map((i) => ({ name: i.name, columns: i.columns, type: i.indexType })),
      seed: { readable: seedProblem === undefined, reason: seedProblem ?? null },
    };
  }

  /**
   * Brings the table to the suite's schema in the format both tools read (see migration.ts).
   * A format changes only by rewriting the table as a new version of itself (an Overwrite), and
   * LanceDB takes a write whole, in memory: so the rows are streamed from the version before,
   * MIGRATION_CHUNK at a time — the first chunk overwrites, the rest append — and a million rows
   * need about as much memory as one chunk. A table of one chunk or less is rewritten in one
   * commit; a larger one shows part of its rows while the migration runs.
   *
   * Nothing is lost on the way: the version before is tagged `lance-bench-before-migration-vN`
   * (it stays readable, and cleanup never removes it), the end is tagged
   * `lance-bench-migrated-from-vN`, and a migration killed in between is finished by the next
   * run, which merges the rows of the version before its overwrite back by id (no duplicates).
   * That same pass brings back rows a publisher appended while the overwrite was prepared.
   * `apply: false` only says what would be done. One migration at a time.
   */
  async migrate(options: { apply: boolean; rewrite?: MigrationRewrite }): Promise<MigrationOutcome> {
    const before = await this.inspect();
    if (!before.exists) {
      throw new ConfigurationError(`db ${redactUri(this.uri)}: no ${RESULTS_TABLE} table there to migrate`);
    }
    const problem = unrecognised(before.check!);
    if (problem) {
      throw new ConfigurationError(
        `db ${redactUri(this.uri)}: table ${RESULTS_TABLE} is not one lance-bench recognises (${problem}); nothing was changed`,
      );
    }
    const table = (await this.existingTable())!;
    const tags = await table.tags();
    const unfinished = unfinishedMigration(await tags.list());
    const steps: string[] = [];
    const missing = before.check!.missing;
    if (missing.length > 0) steps.push(`add the columns ${missing.join(", ")}, filled from each row where it tells`);
    if (before.format !== RESULTS_FORMAT) {
      steps.push(`rewrite the table in Lance file format ${RESULTS_FORMAT} (it is ${before.format ?? "unknown"})`);
    }
    if (options.rewrite) {
      const pending = await withStoreRetry(
        "counting the rows to rewrite",
        () => table.countRows(options.rewrite!.pending),
        this.retry,
        this.log,
      );
      if (pending > 0) steps.push(`${options.rewrite.step} (${pending} rows)`);
    }
    const overwrite = unfinished === undefined ? undefined : await this.firstVersionIn(RESULTS_FORMAT, unfinished);
    if (overwrite !== undefined) {
      steps.splice(0, steps.length, `finish the migration from version ${unfinished} (stopped before it ended)`);
    }
    const nothing = { before, steps, applied: false, after: null, restoredRows: 0, taggedVersion: null, summary: null };
    if (steps.length === 0 || !options.apply) return nothing;

    await ensureSafeCommits(this.uri, this.retry, process.env, this.log);
    const arrow = await loadArrow();
    const summary = { rewritten: 0, placeholderThroughputs: 0, sourceFormats: {} as Record<string, number> };
    const convert = (batches: Arrow.RecordBatch[]) => {
      const migrated = toResultsSchema(arrow, batches, options.rewrite?.row);
      summary.rewritten += migrated.rewritten;
      summary.placeholderThroughputs += migrated.placeholderThroughputs;
      for (const [format, n] of Object.entries(migrated.sourceFormats)) {
        summary.sourceFormats[format] = (summary.sourceFormats[format] ?? 0) + n;
      }
      return migrated.table;
    };
    let from: number;
    let restoredRows = 0;
    let latest: lancedb.Table;
    if (overwrite !== undefined) {
      from = unfinished!;
      latest = table;
      restoredRows = await this.mergeVersion(latest, overwrite - 1, convert);
    } else {
      from = before.version!;
      // a migration that stopped before its first commit left only its tag: start afresh
      if (unfinished !== undefined && unfinished !== from)
        await tags.delete(`lance-bench-before-migration-v${unfinished}`);
      if (unfinished !== from) await tags.create(`lance-bench-before-migration-v${from}`, from);
      const storageOptions = this.newTableOptions();
      let written: { table: lancedb.Table; version: number } | undefined;
      for await (const chunk of this.chunksOf(from)) {
        const data = convert(chunk);
        if (written) {
          // by id, so that a retry after a commit whose answer was lost adds nothing twice
          await this.mergeById(written.table, data, "copying rows");
          continue;
        }
        const created = await withStoreRetry(
          `rewriting table ${RESULTS_TABLE}`,
          () => this.db.createTable(RESULTS_TABLE, data, { mode: "overwrite", storageOptions }),
          this.retry,
          this.log,
        );
        written = { table: created, version: await created.version() };
      }
      written ??= await (async () => {
        const created = await this.db.createEmptyTable(RESULTS_TABLE, resultsSchema(arrow), {
          mode: "overwrite",
          storageOptions,
        });
        return { table: created, version: await created.version() };
      })();
      latest = written.table;
      // Someone appended while the first chunk was prepared: their rows are in the version before ours.
      if (written.version > from + 1) restoredRows = await this.mergeVersion(latest, written.version - 1, convert);
    }
    if (restoredRows > 0) this.log(`merged back ${restoredRows} rows that the rewritten version lacked`);
    await this.maintainIndexes(latest);
    await latest.checkoutLatest();
    await (await latest.tags()).create(`lance-bench-migrated-from-v${from}`, await latest.version());
    const after = await this.inspect();
    return {
      before,
      steps,
      applied: true,
      after,
      restoredRows,
      taggedVersion: { tag: `lance-bench-before-migration-v${from}`, version: from },
      summary,
    };
  }

  /** The rows of one version of the table, MIGRATION_CHUNK rows at a time. */
  private async *chunksOf(version: number): AsyncGenerator<Arrow.RecordBatch[]> {
    const size = migrationChunk(process.env);
    const source = await this.db.openTable(RESULTS_TABLE);
    try {
      await source.checkout(version);
      // One bounded query per chunk: a single scan reads ahead into a large buffer while the
      // chunks are written (a million rows, measured: 1.2 GB at peak instead of 0.86 GB).
      // Rows come in the same order every time from one version, so offsets do not skip any.
      for (let offset = 0; ; offset += size) {
        const chunk = await withStoreRetry(
          `reading rows ${offset}… of version ${version}`,
          () => source.query().offset(offset).limit(size).toArrow(),
          this.retry,
          this.log,
        );
        if (chunk.numRows === 0) return;
        yield chunk.batches;
        if (chunk.numRows < size) return;
      }
    } finally {
      source.close();
    }
  }

  /** Merges every row of `version` the latest one lacks back into it, by id; returns how many. */
  private async mergeVersion(
    latest: lancedb.Table,
    version: number,
    convert: (batches: Arrow.RecordBatch[]) => Arrow.Table,
  ): Promise<number> {
    let merged = 0;
    for await (const chunk of this.chunksOf(version)) {
      merged += await this.mergeById(latest, convert(chunk), `merging back the rows of version ${version}`);
    }
    return merged;
  }

  /** The first version after `after` written in `format` (a migration's overwrite), if any. */
  private async firstVersionIn(format: string, after: number): Promise<number | undefined> {
    const table = (await this.existingTable())!;
    const latest = await table.version();
    for (let version = after + 1; version <= latest; version++) {
      if ((await readTableFormat(this.uri, RESULTS_TABLE, version)) === format) return version;
    }
    return undefined;
  }

  /**
   * Writes all results in one commit. Rows are keyed by their deterministic `id`, so writing
   * the same results again (a re-run job, or a retry after a commit whose answer was lost)
   * adds nothing.
   */
  async write(results: readonly Result[]): Promise<WriteOutcome> {
    if (results.length === 0) return { inserted: 0, alreadyStored: 0 };
    await ensureSafeCommits(this.uri, this.retry, process.env, this.log);
    const table = await this.tableForWriting();
    const data = toArrowTable(await loadArrow(), results);
    const inserted = await this.mergeById(table, data, `writing ${results.length} rows to ${redactUri(this.uri)}`);
    await this.maintainIndexes(table);
    return { inserted, alreadyStored: results.length - inserted };
  }

  /**
   * Creates the scalar indexes once the table has rows, and folds new rows into them when
   * many have piled up (queries stay correct in between: unindexed rows are scanned).
   * Best effort: the rows are already committed, so a failure here (typically concurrent
   * publishers indexing at the same moment) is a warning and the next publish tries again.
   */
  private async maintainIndexes(table: lancedb.Table): Promise<void> {
    const { Index } = await loadLanceDb();
    try {
      await this.retryOnLatest(table, "indexing", async () => {
        const indexes = await table.listIndices();
        for (const column of INDEXED_COLUMNS) {
          const index = indexes.find((i) => i.columns.length === 1 && i.columns[0] === column);
          if (!index) {
            await table.createIndex(column, { config: Index.btree(), replace: false });
          } else if ((index.numUnindexedRows ?? 0) >= this.indexRefreshThreshold) {
            await table.optimize();
            return;
          }
        }
      });
    } catch (error) {
      this.log(`warning: the rows are stored, but ${describeError(error)}; the next publish will index them`);
    }
  }

  /** Whether the `results` table exists (anything was ever published here). */
  async hasTable(): Promise<boolean> {
    return (await this.existingTable()) !== undefined;
  }

  /** Whether any row is stored for this exact commit. `sha` must already be validated hex. */
  async hasResultsForCommit(sha: string): Promise<boolean> {
    return (await this.shasWithResults([sha])).size > 0;
  }

  /** Which of these commits have results: one indexed query for the whole batch. */
  async shasWithResults(shas: readonly string[]): Promise<Set<string>> {
    return new Set((await this.commitsWithResults(shas)).keys());
  }

  /**
   * Which of these commits have results, and how each was found: by its full sha (one indexed
   * query for the whole batch), or — for rows the Python lance-bench wrote, which carry no sha — by
   * the 7-character sha it puts at the end of `dut.version` (`0.15.0+abc1234`). Shas must
   * already be validated hex.
   */
  async commitsWithResults(shas: readonly string[]): Promise<Map<string, "sha" | "short-sha">> {
    const found = new Map<string, "sha" | "short-sha">();
    const table = await this.existingTable();
    if (!table || shas.length === 0) return found;
    const hasShaColumn = (await table.schema()).fields.some((f) => f.name === "sha");
    if (hasShaColumn) {
      const list = shas.map((sha) => sqlString(sha, "sha")).join(", ");
      const rows = await withStoreRetry(
        "looking up commits",
        // a pull request's rows say nothing about the commit's own benchmarking
        () => table.query().where(`sha IN (${list}) AND run.pr_number IS NULL`).select(["sha"]).toArray(),
        this.retry,
        this.log,
      );
      for (const row of rows as Record<string, unknown>[]) found.set(String(row.sha), "sha");
    }
    const rest = shas.filter((sha) => !found.has(sha));
    if (rest.length === 0) return found;
    const versions = rest.map((sha) => `dut.version LIKE ${sqlString(`%+${sha.slice(0, 7)}`, "sha")}`).join(" OR ");
    const seedRows = await withStoreRetry(
      "looking up commits by short sha",
      () =>
        table
          .query()
          .where(`${hasShaColumn ? "sha IS NULL AND " : ""}(${versions})`)
          .select(["dut"])
          .toArray(),
      this.retry,
      this.log,
    );
    const shortShas = new Set(
      (seedRows as Record<string, unknown>[]).map((row) => String((row.dut as { version: string }).version).slice(-7)),
    );
    for (const sha of rest) if (shortShas.has(sha.slice(0, 7))) found.set(sha, "short-sha");
    return found;
  }

  /** Stored rows as plain objects, optionally filtered by exact sha and benchmark name. */
  async query(filter: ResultFilter = {}): Promise<Record<string, unknown>[]> {
    const table = await this.existingTable();
    if (!table) return [];
    const conditions: string[] = [];
    if (filter.sha !== undefined) {
      await this.requireMigrated(table, "looking up a commit by sha");
      conditions.push(`sha = ${sqlString(filter.sha, "sha")}`);
    }
    if (filter.benchmark !== undefined) conditions.push(`benchmark_name = ${sqlString(filter.benchmark, "benchmark")}`);
    let query = table.query();
    if (conditions.length > 0) query = query.where(conditions.join(" AND "));
    if (filter.limit !== undefined) query = query.limit(filter.limit);
    const rows = await withStoreRetry("reading results", () => query.toArray(), this.retry, this.log);
    return rows.map((row) => toPlainRow(row as Record<string, unknown>));
  }

  /**
   * The newest results of these benchmarks on one ref (e.g. main), newest first, at most
   * `perBenchmark` for each benchmark, metric and fingerprint: the history a comparison learns
   * each benchmark's noise from. One indexed query for the whole batch of names.
   */
  async recentResults(filter: { ref: string; names: readonly string[]; perBenchmark: number }): Promise<Result[]> {
    const table = await this.existingTable();
    if (!table || filter.names.length === 0 || filter.perBenchmark === 0) return [];
    await this.requireMigrated(table, `reading the history of ${filter.ref}`);
    const names = filter.names.map((name) => sqlString(name, "benchmark")).join(", ");
    const where = `run.ref = ${sqlString(filter.ref, "ref")} AND status = 'ok' AND benchmark_name IN (${names})`;
    const rows = await withStoreRetry(
      "reading history",
      () => table.query().where(where).toArray(),
      this.retry,
      this.log,
    );
    const newestFirst = rows
      .map((row) => toPlainRow(row as Record<string, unknown>) as unknown as Result)
      .sort((a, b) => b.dut.timestamp - a.dut.timestamp || b.timestamp - a.timestamp);
    const kept = new Map<string, number>();
    return newestFirst.filter((row) => {
      const key = `${row.benchmark_name}\u0000${row.metric}\u0000${row.fingerprint}`;
      const count = kept.get(key) ?? 0;
      kept.set(key, count + 1);
      return count < filter.perBenchmark;
    });
  }

  /**
   * Every ok result on one ref (main), only the columns a history report needs (no samples):
   * one row per run of a benchmark's metric at a commit. Empty when there is no table.
   */
  async refHistory(ref: string): Promise<HistoryRow[]> {
    const table = await this.existingTable();
    if (!table) return [];
    await this.requireMigrated(table, `reading the history of ${ref}`);
    const where = `run.ref = ${sqlString(ref, "ref")} AND status = 'ok'`;
    const rows = await withStoreRetry(
      "reading history",
      () =>
        table
          .query()
          .where(where)
          .select([...HISTORY_COLUMNS])
          .toArray(),
      this.retry,
      this.log,
    );
    return rows.map((row) => toPlainRow(row as Record<string, unknown>) as unknown as HistoryRow);
  }

  async countRows(): Promise<number> {
    const table = await this.existingTable();
    return table ? table.countRows() : 0;
  }
}
