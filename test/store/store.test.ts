import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import * as lancedb from "@lancedb/lancedb";
import * as arrow from "apache-arrow";
import { describe, expect, it } from "vitest";
import { publish, parsePublishOptions } from "../../src/commands/publish.js";
import { StoreError, type Result } from "../../src/model/index.js";
import { ResultStore } from "../../src/store/results-table.js";
import { resultsSchema } from "../../src/store/schema.js";
import { resolveDbUri, s3StorageOptions, redactUri } from "../../src/store/uri.js";
import { SHA_A, SHA_B, cleanEnv, commitAll, git, sample, tempDir } from "../support/helpers.js";

const quiet = { env: cleanEnv(), retry: { attempts: 3, baseDelayMs: 5 } };
const dut = (sha: string) => ({
  sha,
  dutVersion: `1.0.0+${sha.slice(0, 7)}`,
  dutTimestamp: 1700000000,
  dutName: "demo",
});

const criterionCount = readFileSync(sample("cargo-criterion.jsonl"), "utf8").split('"benchmark-complete"').length - 1;

describe("result store on a local folder", () => {
  const db = path.join(tempDir(), "db");
  const publishFile = (file: string, sha: string, extra: Record<string, unknown> = {}) =>
    publish(parsePublishOptions({ files: [file], db, ...dut(sha), ...extra }), quiet);

  it("writes one row per benchmark, in one commit, with the Python lance-bench's schema", async () => {
    const summary = await publishFile(sample("cargo-criterion.jsonl"), SHA_A);
    expect(summary.rowsWritten).toBe(criterionCount);
    const conn = await lancedb.connect(db);
    const table = await conn.openTable("results");
    expect((await table.schema()).toString()).toBe(resultsSchema(arrow).toString());
    // Rows arrive in exactly one commit (later versions only add the indexes).
    const rowsByVersion: number[] = [];
    for (const { version } of await table.listVersions()) {
      await table.checkout(version);
      rowsByVersion.push(await table.countRows());
    }
    expect(rowsByVersion[0]).toBe(0);
    expect(rowsByVersion.slice(1).every((n) => n === criterionCount)).toBe(true);
    conn.close();
  });

  it("adds nothing when the same run is published again", async () => {
    const again = await publishFile(sample("cargo-criterion.jsonl"), SHA_A);
    expect(again).toMatchObject({ rowsWritten: 0, rowsAlreadyStored: criterionCount });
    const store = await ResultStore.open({ uri: db });
    expect(await store.countRows()).toBe(criterionCount);
    store.close();
  });

  it("keeps a different run of the same commit (a new measurement is not a duplicate)", async () => {
    const otherRun = await publishFile(sample("cargo-criterion.jsonl"), SHA_A, { runId: "second-run" });
    expect(otherRun.rowsWritten).toBe(criterionCount);
    const ciEnv = {
      ...cleanEnv(),
      GITHUB_ACTIONS: "true",
      GITHUB_RUN_ID: "42",
      GITHUB_RUN_ATTEMPT: "1",
      GITHUB_REPOSITORY: "o/r",
    };
    const publishOnCi = () =>
      publish(parsePublishOptions({ files: [sample("cargo-criterion.jsonl")], db, ...dut(SHA_A) }), {
        ...quiet,
        env: ciEnv,
      });
    const onCi = await publishOnCi();
    expect(onCi.rowsWritten).toBe(criterionCount);
    expect(onCi.run).toMatchObject({ provider: "github-actions", run_id: "42", run_attempt: 1, repository: "o/r" });
    expect((await publishOnCi()).rowsWritten).toBe(0);
  });

  it("indexes sha and benchmark_name with BTREE indexes", async () => {
    const conn = await lancedb.connect(db);
    const indices = await (await conn.openTable("results")).listIndices();
    expect(indices.map((i) => [i.columns[0], i.indexType]).sort()).toEqual([
      ["benchmark_name", "BTree"],
      ["sha", "BTree"],
    ]);
    conn.close();
  });

  it("answers has-results by exact sha, and in one batch for many", async () => {
    await publishFile(sample("bencher.txt"), SHA_B);
    const store = await ResultStore.open({ uri: db });
    expect(await store.hasResultsForCommit(SHA_A)).toBe(true);
    expect(await store.hasResultsForCommit(SHA_B)).toBe(true);
    // Same 7-char prefix as SHA_A: the Python lance-bench's LIKE '%aaaaaaa%' would have said yes.
    expect(await store.hasResultsForCommit(`${"a".repeat(7)}${"0".repeat(33)}`)).toBe(false);
    const found = await store.shasWithResults([SHA_A, "c".repeat(40), SHA_B]);
    expect([...found].sort()).toEqual([SHA_A, SHA_B]);
    store.close();
  });

  it("binds user strings safely in filters", async () => {
    const store = await ResultStore.open({ uri: db });
    expect(await store.query({ benchmark: "x' OR '1'='1" })).toEqual([]);
    expect((await store.query({ benchmark: "sort/100", sha: SHA_B })).map((r) => r.benchmark_name)).toEqual([
      "sort/100",
    ]);
    await expect(store.query({ benchmark: "a\u0000b" })).rejects.toThrow(/control character/);
    store.close();
  });

  it("reads back every field as written", async () => {
    const store = await ResultStore.open({ uri: db });
    const [row] = await store.query({ sha: SHA_B, benchmark: "sort/1000" });
    store.close();
    expect(row).toMatchObject({
      benchmark_name: "sort/1000",
      units: "nanoseconds",
      metric: "time",
      direction: "lower_is_better",
      source_format: "bencher",
      status: "ok",
      sha: SHA_B,
      dut: { name: "demo", version: `1.0.0+${SHA_B.slice(0, 7)}`, timestamp: 1700000000 },
      throughput: null,
    });
    const ns = Number(/test sort\/1000 \.\.\. bench:\s+(\d+)/.exec(readFileSync(sample("bencher.txt"), "utf8"))![1]);
    expect(row!.values).toEqual([ns]);
    expect(row!.summary).toEqual({ min: ns, q1: ns, median: ns, q3: ns, max: ns, mean: ns, standard_deviation: 0 });
  });
});

describe("build under test", () => {
  it("takes what is not given from the checkout: name from the manifest even when the version is given", async () => {
    const repo = tempDir();
    writeFileSync(path.join(repo, "Cargo.toml"), '[package]\nname = "lance"\nversion = "0.15.0"\n');
    git(repo, ["init", "-q"]);
    const sha = commitAll(repo, "c", "2026-03-04T05:06:07Z");
    const db = path.join(tempDir(), "db");
    const derived = await publish(parsePublishOptions({ files: [sample("bencher.txt")], db, repo }), quiet);
    expect(derived.dut).toEqual({ name: "lance", version: `0.15.0+${sha.slice(0, 7)}`, timestamp: 1772600767 });
    expect(derived.sha).toBe(sha);
    const partly = await publish(
      parsePublishOptions({ files: [sample("bencher.txt")], db, repo, dutVersion: "0.15.0-rc1", runId: "r2" }),
      quiet,
    );
    expect(partly.dut).toEqual({ name: "lance", version: "0.15.0-rc1", timestamp: 1772600767 });
  });
});

describe("index upkeep", () => {
  it("folds rows written after the index was built into it once enough have piled up", async () => {
    const db = path.join(tempDir(), "db");
    const publishAt = (sha: string) =>
      publish(parsePublishOptions({ files: [sample("bencher.txt")], db, ...dut(sha) }), quiet);
    const unindexed = async () => {
      const conn = await lancedb.connect(db);
      const stats = await (await conn.openTable("results")).indexStats("sha_idx");
      conn.close();
      return stats?.numUnindexedRows;
    };
    await publishAt(SHA_A); // builds the indexes
    expect(await unindexed()).toBe(0);
    await publishAt(SHA_B); // below the default threshold: left unindexed (still found by a scan)
    expect(await unindexed()).toBeGreaterThan(0);
    // A writer with a low threshold refreshes the indexes after its commit.
    const store = await ResultStore.open({ uri: db, indexRefreshThreshold: 1 });
    const [row] = await store.query({ sha: SHA_B, limit: 1 });
    await store.write([
      { ...(row as unknown as Result), id: "00000000-0000-4000-8000-000000000001", sha: "c".repeat(40) },
    ]);
    store.close();
    expect(await unindexed()).toBe(0);
  });
});

describe("storage faults", () => {
  it("a file where the folder should be fails at once (no retry helps) with one clear StoreError", async () => {
    const dir = tempDir();
    const notADir = path.join(dir, "file-in-the-way");
    writeFileSync(notADir, "");
    const messages: string[] = [];
    const attempt = publish(parsePublishOptions({ files: [sample("bencher.txt")], db: notADir, ...dut(SHA_A) }), {
      env: cleanEnv(),
      retry: { attempts: 3, baseDelayMs: 50 },
      log: (m) => messages.push(m),
    });
    await expect(attempt).rejects.toThrow(StoreError);
    await expect(attempt).rejects.toThrow(
      `connecting to ${notADir} failed: Not a directory (${notADir}/__manifest/_versions)`,
    );
    expect(messages.filter((m) => /retrying/.test(m))).toEqual([]);
    expect(readFileSync(notADir, "utf8")).toBe("");
  });
});

describe("database location", () => {
  it("prefers --db, then LANCE_BENCH_URI, then ~/.lance-bench", () => {
    expect(resolveDbUri("s3://b/p", { LANCE_BENCH_URI: "/x" })).toBe("s3://b/p");
    expect(resolveDbUri(undefined, { LANCE_BENCH_URI: "/x" })).toBe("/x");
    expect(resolveDbUri(undefined, {})).toMatch(/\.lance-bench$/);
    expect(() => resolveDbUri("gs://bucket", {})).toThrow(/unsupported scheme/);
  });

  it("builds S3 options from the standard AWS variables and never prints credentials", () => {
    const options = s3StorageOptions({
      AWS_ACCESS_KEY_ID: "AKIA",
      AWS_SECRET_ACCESS_KEY: "secret",
      AWS_REGION: "us-east-1",
      AWS_ENDPOINT_URL_S3: "http://127.0.0.1:9000",
    });
    expect(options).toEqual({
      aws_access_key_id: "AKIA",
      aws_secret_access_key: "secret",
      region: "us-east-1",
      endpoint: "http://127.0.0.1:9000",
      allow_http: "true",
      client_max_retries: "3",
      client_retry_timeout: "30",
      connect_timeout: "5s",
    });
    expect(s3StorageOptions({ OBJECT_STORE_CLIENT_MAX_RETRIES: "7" }).client_max_retries).toBe("7");
    expect(redactUri("s3://key:secret@bucket/path")).toBe("s3://***@bucket/path");
  });
});
