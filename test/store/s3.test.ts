import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHA_A, SHA_B, explicitDut, runCliProcess, sample } from "../support/helpers.js";
import { startS3Server, type S3Server } from "../support/s3-server.js";

/**
 * Publishing to s3:// against a real S3-compatible server on 127.0.0.1, configured only
 * through the standard AWS variables. (Concurrent publishers and faults on S3 are issue #4.)
 */
let s3: S3Server;
const db = "s3://lance-bench-results/ci";

beforeAll(async () => {
  s3 = await startS3Server();
  await s3.createBucket("lance-bench-results");
});
afterAll(() => s3?.stop());

describe("LanceDB on S3 (moto server)", () => {
  it("publishes, recognises a re-run, and answers has-results and export", () => {
    const first = runCliProcess(
      ["publish", sample("cargo-criterion.jsonl"), "--db", db, ...explicitDut, "--json"],
      s3.env,
    );
    expect(first.code, first.stderr).toBe(0);
    const written = JSON.parse(first.stdout).rowsWritten;
    expect(written).toBeGreaterThan(0);
    const again = runCliProcess(
      ["publish", sample("cargo-criterion.jsonl"), "--db", db, ...explicitDut, "--json"],
      s3.env,
    );
    expect(JSON.parse(again.stdout)).toMatchObject({ rowsWritten: 0, rowsAlreadyStored: written });
    expect(runCliProcess(["has-results", "--sha", SHA_A, "--db", db], s3.env).code).toBe(0);
    expect(runCliProcess(["has-results", "--sha", SHA_B, "--db", db], s3.env).code).toBe(1);
    const exported = runCliProcess(["export", "--db", db, "--sha", SHA_A], s3.env);
    expect(exported.stdout.trim().split("\n")).toHaveLength(written);
  });

  it("never prints the secret key, even when the store fails", () => {
    const run = runCliProcess(["publish", sample("bencher.txt"), "--db", "s3://no-such-bucket/x", ...explicitDut], {
      ...s3.env,
      LANCE_BENCH_RETRY_ATTEMPTS: "2",
    });
    expect(run.code).toBe(2);
    // A missing bucket is permanent: reported on the first try, not after the allowed two.
    expect(run.stderr).toMatch(
      /failed: NoSuchBucket: The specified bucket does not exist \(bucket no-such-bucket\) \(HTTP 404\)/,
    );
    expect(run.stderr.split("\n").filter((l) => l.startsWith("lance-bench: error:"))).toHaveLength(1);
    expect(run.stdout + run.stderr).not.toContain(s3.env.AWS_SECRET_ACCESS_KEY);
  });
});
