export const id = 627;
export const ids = [627];
export const modules = {

/***/ 57627:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  INDEXED_COLUMNS: () => (/* binding */ INDEXED_COLUMNS),
  INDEX_REFRESH_THRESHOLD: () => (/* binding */ INDEX_REFRESH_THRESHOLD),
  RESULTS_TABLE: () => (/* binding */ RESULTS_TABLE),
  ResultStore: () => (/* binding */ ResultStore)
});

// EXTERNAL MODULE: external "@lancedb/lancedb"
var lancedb_ = __webpack_require__(653);
// EXTERNAL MODULE: ./lib/model/index.js + 4 modules
var model = __webpack_require__(47936);
// EXTERNAL MODULE: ./lib/store/retry.js + 2 modules
var store_retry = __webpack_require__(15478);
// EXTERNAL MODULE: ./lib/store/uri.js
var store_uri = __webpack_require__(19755);
;// CONCATENATED MODULE: ./lib/store/connect.js



async function connectDb(uri, retry, onRetry) {
    const remote = /^s3(\+ddb)?:\/\//i.test(uri);
    return (0,store_retry/* withStoreRetry */.sv)(`connecting to ${(0,store_uri/* redactUri */.sU)(uri)}`, () => lancedb_.connect(uri, remote ? { storageOptions: (0,store_uri/* s3StorageOptions */.er)() } : {}), retry, onRetry);
}

// EXTERNAL MODULE: external "apache-arrow"
var external_apache_arrow_ = __webpack_require__(92008);
;// CONCATENATED MODULE: ./lib/store/schema.js

/**
 * The Arrow schema of the `results` table. The first ten fields are the seed's, with the
 * seed's names and types, so its Python package reads every row the suite writes; the rest
 * are the suite's extension columns (DESIGN §3). Strings are plain Utf8 on purpose: LanceDB
 * refuses a BTREE index on a dictionary-encoded column.
 *
 * Every field is nullable, as pyarrow makes them by default: struct equality includes the
 * children's nullability, so this is what lets the seed's reader (and writer) see exactly
 * its own types. Non-null is enforced where rows are built, by the zod model.
 */
const field = (name, type) => new external_apache_arrow_.Field(name, type, true);
const f64 = () => new external_apache_arrow_.Float64();
const utf8 = () => new external_apache_arrow_.Utf8();
const SUMMARY_FIELDS = ["min", "q1", "median", "q3", "max", "mean", "standard_deviation"];
const RESULTS_SCHEMA = new external_apache_arrow_.Schema([
    field("id", utf8()),
    field("dut", new external_apache_arrow_.Struct([field("name", utf8()), field("version", utf8()), field("timestamp", new external_apache_arrow_.Int64())])),
    field("test_bed", new external_apache_arrow_.Struct([
        field("name", utf8()),
        field("cpu", utf8()),
        field("memory_gb", new external_apache_arrow_.Int32()),
        field("os", utf8()),
        field("created_at", new external_apache_arrow_.Int64()),
    ])),
    field("benchmark_name", utf8()),
    field("values", new external_apache_arrow_.List(field("item", f64()))),
    field("summary", new external_apache_arrow_.Struct(SUMMARY_FIELDS.map((name) => field(name, f64())))),
    field("units", utf8()),
    field("throughput", new external_apache_arrow_.Struct([field("multiplier", f64()), field("name", utf8()), field("unit_system", utf8())])),
    field("metadata", utf8()),
    field("timestamp", new external_apache_arrow_.Int64()),
    // extension columns
    field("sha", utf8()),
    field("metric", utf8()),
    field("direction", utf8()),
    field("params", utf8()),
    field("source_format", utf8()),
    field("status", utf8()),
    field("status_reason", utf8()),
    field("run", new external_apache_arrow_.Struct([
        field("provider", utf8()),
        field("repository", utf8()),
        field("workflow", utf8()),
        field("run_id", utf8()),
        field("run_attempt", new external_apache_arrow_.Int32()),
        field("ref", utf8()),
        field("pr_number", new external_apache_arrow_.Int32()),
    ])),
    field("fingerprint", utf8()),
]);
const SEED_COLUMNS = RESULTS_SCHEMA.fields.slice(0, 10).map((f) => f.name);

;// CONCATENATED MODULE: ./lib/store/convert.js


/** Results as one Arrow table in the exact `results` schema (Int64 columns take BigInt). */
function toArrowTable(results) {
    const rows = results.map((r) => ({
        ...r,
        dut: { ...r.dut, timestamp: BigInt(r.dut.timestamp) },
        test_bed: { ...r.test_bed, created_at: BigInt(r.test_bed.created_at) },
        timestamp: BigInt(r.timestamp),
    }));
    const rowsVector = (0,external_apache_arrow_.vectorFromArray)(rows, new external_apache_arrow_.Struct(RESULTS_SCHEMA.fields));
    return new external_apache_arrow_.Table(rowsVector.data.map((data) => new external_apache_arrow_.RecordBatch(RESULTS_SCHEMA, data)));
}
/** A row read back from LanceDB as plain JSON values (BigInt → number, Arrow vectors → arrays). */
function toPlainRow(row) {
    return JSON.parse(JSON.stringify(row, (_key, value) => (typeof value === "bigint" ? Number(value) : value)));
}

;// CONCATENATED MODULE: ./lib/store/sql.js

/**
 * A string literal for a LanceDB (DataFusion SQL) filter. Quotes are doubled, which is the
 * SQL escape, and control characters are refused outright, so a user string can never end
 * the literal or smuggle in another clause.
 */
function sqlString(value, input) {
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(value)) {
        throw new model/* ConfigurationError */.j1(`${input} contains a control character: ${JSON.stringify(value)}`);
    }
    return `'${value.replaceAll("'", "''")}'`;
}

;// CONCATENATED MODULE: ./lib/store/results-table.js








const RESULTS_TABLE = "results";
/** Columns with a scalar (BTREE) index: the scheduler's sha look-up and per-benchmark history. */
const INDEXED_COLUMNS = ["sha", "benchmark_name"];
/** Unindexed rows tolerated before a publish folds them into the indexes. */
const INDEX_REFRESH_THRESHOLD = 20_000;
/** The `results` table: open, write idempotently, and query by exact, indexed matches. */
class ResultStore {
    db;
    uri;
    retry;
    log;
    indexRefreshThreshold;
    constructor(db, uri, retry, log, indexRefreshThreshold) {
        this.db = db;
        this.uri = uri;
        this.retry = retry;
        this.log = log;
        this.indexRefreshThreshold = indexRefreshThreshold;
    }
    static async open(options) {
        const retry = options.retry ?? store_retry/* DEFAULT_RETRY */.vI;
        const log = options.log ?? (() => { });
        const db = await connectDb(options.uri, retry, log);
        return new ResultStore(db, options.uri, retry, log, options.indexRefreshThreshold ?? INDEX_REFRESH_THRESHOLD);
    }
    close() {
        this.db.close();
    }
    /** The table, or undefined when nothing was ever published here. */
    async existingTable() {
        return (0,store_retry/* withStoreRetry */.sv)(`opening table ${RESULTS_TABLE} in ${(0,store_uri/* redactUri */.sU)(this.uri)}`, async () => {
            const names = await this.db.tableNames();
            return names.includes(RESULTS_TABLE) ? await this.db.openTable(RESULTS_TABLE) : undefined;
        }, this.retry, this.log);
    }
    async tableForWriting() {
        const table = await (0,store_retry/* withStoreRetry */.sv)(`opening or creating table ${RESULTS_TABLE} in ${(0,store_uri/* redactUri */.sU)(this.uri)}`, () => this.db.createEmptyTable(RESULTS_TABLE, RESULTS_SCHEMA, { mode: "create", existOk: true }), this.retry, this.log);
        await this.checkSchema(table);
        return table;
    }
    /** A table written by another tool version must have every column we write. */
    async checkSchema(table) {
        const existing = new Set((await table.schema()).fields.map((f) => f.name));
        const missing = RESULTS_SCHEMA.fields.map((f) => f.name).filter((name) => !existing.has(name));
        if (missing.length > 0) {
            throw new model/* StoreError */.AD(`table ${RESULTS_TABLE} in ${(0,store_uri/* redactUri */.sU)(this.uri)} lacks the columns ${missing.join(", ")}; ` +
                "it was written by an older tool and must be migrated before this suite writes to it");
        }
    }
    /**
     * Writes all results in one commit. Rows are keyed by their deterministic `id`, so writing
     * the same results again (a re-run job, or a retry after a commit whose answer was lost)
     * adds nothing.
     */
    async write(results) {
        if (results.length === 0)
            return { inserted: 0, alreadyStored: 0 };
        const table = await this.tableForWriting();
        const data = toArrowTable(results);
        const merged = await (0,store_retry/* withStoreRetry */.sv)(`writing ${results.length} rows to ${(0,store_uri/* redactUri */.sU)(this.uri)}`, () => table.mergeInsert("id").whenNotMatchedInsertAll().execute(data), this.retry, this.log);
        await this.maintainIndexes(table);
        return { inserted: merged.numInsertedRows, alreadyStored: results.length - merged.numInsertedRows };
    }
    /**
     * Creates the scalar indexes once the table has rows, and folds new rows into them when
     * many have piled up (queries stay correct in between: unindexed rows are scanned).
     */
    async maintainIndexes(table) {
        const indexes = await table.listIndices();
        for (const column of INDEXED_COLUMNS) {
            const index = indexes.find((i) => i.columns.length === 1 && i.columns[0] === column);
            if (!index) {
                await (0,store_retry/* withStoreRetry */.sv)(`indexing column ${column}`, () => table.createIndex(column, { config: lancedb_.Index.btree() }), this.retry, this.log);
            }
            else if ((index.numUnindexedRows ?? 0) >= this.indexRefreshThreshold) {
                await (0,store_retry/* withStoreRetry */.sv)("refreshing indexes", () => table.optimize(), this.retry, this.log);
                return;
            }
        }
    }
    /** Whether any row is stored for this exact commit. `sha` must already be validated hex. */
    async hasResultsForCommit(sha) {
        return (await this.shasWithResults([sha])).size > 0;
    }
    /** Which of these commits have results: one indexed query for the whole batch. */
    async shasWithResults(shas) {
        const table = await this.existingTable();
        if (!table || shas.length === 0)
            return new Set();
        const list = shas.map((sha) => sqlString(sha, "sha")).join(", ");
        const rows = await (0,store_retry/* withStoreRetry */.sv)("looking up commits", () => table.query().where(`sha IN (${list})`).select(["sha"]).toArray(), this.retry, this.log);
        return new Set(rows.map((row) => String(row.sha)));
    }
    /** Stored rows as plain objects, optionally filtered by exact sha and benchmark name. */
    async query(filter = {}) {
        const table = await this.existingTable();
        if (!table)
            return [];
        const conditions = [];
        if (filter.sha !== undefined)
            conditions.push(`sha = ${sqlString(filter.sha, "sha")}`);
        if (filter.benchmark !== undefined)
            conditions.push(`benchmark_name = ${sqlString(filter.benchmark, "benchmark")}`);
        let query = table.query();
        if (conditions.length > 0)
            query = query.where(conditions.join(" AND "));
        if (filter.limit !== undefined)
            query = query.limit(filter.limit);
        const rows = await (0,store_retry/* withStoreRetry */.sv)("reading results", () => query.toArray(), this.retry, this.log);
        return rows.map((row) => toPlainRow(row));
    }
    async countRows() {
        const table = await this.existingTable();
        return table ? table.countRows() : 0;
    }
}


/***/ })

};
