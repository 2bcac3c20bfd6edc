import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, SHA_A, runCliProcess } from "../support/helpers.js";

/**
 * LanceDB's own log lines stay off stderr unless LANCEDB_LOG asks for them. The native module
 * reads the variable once, when it is loaded, so the default must be set before that: the
 * package is loaded only through src/store/lancedb.ts, never by a static import (a bundler
 * hoists those to the top of dist/, before any of our code runs).
 */
describe("LANCEDB_LOG", () => {
  /** aws-config warns (through LanceDB's logger) about config files that are named but absent. */
  const noCredentials = {
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_PROFILE: undefined,
    AWS_CONFIG_FILE: "/nonexistent/lance-bench/config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/lance-bench/credentials",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_REGION: "us-east-1",
    AWS_ENDPOINT_URL_S3: "http://127.0.0.1:9",
  };
  const hasResults = ["has-results", "--sha", SHA_A, "--db", "s3://bucket/results"];

  it("defaults to errors only: one line, no LanceDB warnings", () => {
    const run = runCliProcess(hasResults, { ...noCredentials, LANCEDB_LOG: undefined });
    expect(run.code).toBe(2);
    expect(run.stderr.split("\n").filter(Boolean)).toHaveLength(1);
    expect(run.stderr).not.toMatch(/WARN/);
  });

  it("is the user's to raise", () => {
    const run = runCliProcess(hasResults, { ...noCredentials, LANCEDB_LOG: "warn" });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/WARN\s+aws_runtime/);
  });

  it("is set before the package loads: no source file imports @lancedb/lancedb's values statically", () => {
    const sources = readdirSync(path.join(ROOT, "src"), { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".ts"))
      .map((file) => path.join(ROOT, "src", file));
    const staticImports = sources.filter((file) =>
      /^import (?!type )[^;]*from "@lancedb\/lancedb";/m.test(readFileSync(file, "utf8")),
    );
    expect(staticImports).toEqual([]);
  });
});
