import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, SHA_A, cleanEnv, explicitDut, runCliAsync, sample, type CliRun } from "../support/helpers.js";
import { startS3Proxy, type S3Fault, type S3Proxy } from "../support/s3-proxy.js";
import { startS3Server, type S3Server } from "../support/s3-server.js";

/**
 * S3 errors a person can act on, against a real S3-compatible server (moto's) and a proxy in
 * front of it for the answers moto does not give: permanent errors fail on the first try with
 * the cause and what to do; transient ones are retried with one short notice per try.
 */
let s3: S3Server;
let proxy: S3Proxy;
/** What the proxy answers instead of forwarding, while set. */
let fault: ((method: string, path: string) => S3Fault | undefined) | undefined;
const BUCKET = "errors";
const DB = `s3://${BUCKET}/published`;

beforeAll(async () => {
  s3 = await startS3Server();
  await s3.createBucket(BUCKET);
  proxy = await startS3Proxy(s3.endpoint, s3.env, { onRequest: (method, path) => fault?.(method, path) });
  const published = await runCliAsync(["publish", sample("bencher.txt"), "--db", DB, ...explicitDut], s3.env);
  expect(published.code, published.stderr).toBe(0);
}, 120_000);
afterAll(async () => {
  await proxy?.close();
  await s3?.stop();
});

/** Runs the CLI through the proxy and counts the S3 requests it made. */
async function throughProxy(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun & { requests: number }> {
  const before = proxy.requests.length;
  const run = await runCliAsync(args, { ...proxy.env, ...env });
  return { ...run, requests: proxy.requests.length - before };
}

const errorLines = (stderr: string) => stderr.split("\n").filter((line) => line.startsWith("lance-bench: error:"));

/**
 * Fails on the first try: the same number of S3 requests whether one try or three are allowed,
 * no retry notice, and one error line matching `expected`. (Without credentials nothing is
 * sent at all: then the notice and the message are the proof.)
 */
async function expectNotRetried(
  args: string[],
  expected: RegExp[],
  env: NodeJS.ProcessEnv = {},
  { failsBeforeAnyRequest = false } = {},
) {
  const once = await throughProxy(args, { ...env, LANCE_BENCH_RETRY_ATTEMPTS: "1" });
  const allowedThree = await throughProxy(args, { ...env, LANCE_BENCH_RETRY_ATTEMPTS: "3" });
  for (const run of [once, allowedThree]) {
    expect(run.code, run.stderr).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).not.toMatch(/retrying/);
    expect(run.stderr.split("\n").filter(Boolean), run.stderr).toHaveLength(1);
    const [line] = errorLines(run.stderr);
    for (const pattern of expected) expect(line).toMatch(pattern);
    expect(line).not.toMatch(/after \d tries/);
    expect(line!.length).toBeLessThan(600);
  }
  if (failsBeforeAnyRequest) expect(once.requests).toBe(0);
  else expect(once.requests).toBeGreaterThan(0);
  expect(allowedThree.requests).toBe(once.requests);
  return allowedThree;
}

describe("a store that does not exist on S3", () => {
  it.each([
    ["has-results", ["has-results", "--sha", SHA_A]],
    ["export", ["export"]],
    ["compare", ["compare", "--base", `sha:${SHA_A}`, "--head", `sha:${SHA_A}`]],
  ])(
    "%s on a missing bucket fails on the first try naming NoSuchBucket and the bucket",
    async (_name, args) => {
      await expectNotRetried(
        [...args, "--db", "s3://no-such-bucket/results"],
        [
          /s3:\/\/no-such-bucket\/results/,
          /NoSuchBucket: The specified bucket does not exist \(bucket no-such-bucket\) \(HTTP 404\)/,
        ],
      );
    },
    120_000,
  );

  it("a path in an existing bucket without the results table is an error, not 'no results'", async () => {
    const run = await throughProxy(["has-results", "--sha", SHA_A, "--db", `s3://${BUCKET}/typo`]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stdout).toBe("");
    expect(errorLines(run.stderr)).toEqual([
      `lance-bench: error: db s3://${BUCKET}/typo: no results table there (nothing was ever published to it); check --db or LANCE_BENCH_URI`,
    ]);
  }, 60_000);

  it("publish to a missing bucket is not retried either", async () => {
    await expectNotRetried(
      ["publish", sample("bencher.txt"), "--db", "s3://no-such-bucket/results", ...explicitDut],
      [/NoSuchBucket/, /no-such-bucket/],
    );
  }, 120_000);
});

describe("credentials", () => {
  it("moto accepts any credentials, so the proxy answers as AWS does: 403 InvalidAccessKeyId is not retried and names the variables", async () => {
    const bogus = { AWS_ACCESS_KEY_ID: "AKIABOGUS", AWS_SECRET_ACCESS_KEY: "bogus-secret" };
    const accepted = await throughProxy(["has-results", "--sha", SHA_A, "--db", DB], bogus);
    expect(accepted.code, accepted.stderr).toBe(0);
    fault = () => ({
      status: 403,
      code: "InvalidAccessKeyId",
      message: "The AWS Access Key Id you provided does not exist in our records.",
    });
    try {
      for (const args of [
        ["has-results", "--sha", SHA_A, "--db", DB],
        ["publish", sample("bencher.txt"), "--db", DB, ...explicitDut],
      ]) {
        const run = await expectNotRetried(args, [/InvalidAccessKeyId/, /HTTP 403/, /AWS_ACCESS_KEY_ID/], bogus);
        expect(run.stderr).not.toContain(bogus.AWS_SECRET_ACCESS_KEY);
      }
    } finally {
      fault = undefined;
    }
  }, 120_000);

  it("403 AccessDenied is not retried and says what the credentials lack", async () => {
    fault = () => ({ status: 403, code: "AccessDenied", message: "Access Denied" });
    try {
      await expectNotRetried(["export", "--db", DB], [/AccessDenied: Access Denied \(HTTP 403\)/, /s3:ListBucket/]);
    } finally {
      fault = undefined;
    }
  }, 120_000);

  it("a write the credentials may not make is refused at the conditional-write probe, saying what they lack", async () => {
    fault = (method, path) =>
      method === "PUT" && path.includes("commit-probe")
        ? { status: 403, code: "AccessDenied", message: "Access Denied" }
        : undefined;
    try {
      const run = await throughProxy([
        "publish",
        sample("bencher.txt"),
        "--db",
        `s3://${BUCKET}/read-only`,
        ...explicitDut,
      ]);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr.split("\n").filter(Boolean)).toEqual([
        `lance-bench: error: checking s3://${BUCKET}/read-only for conditional writes: AccessDenied (HTTP 403); ` +
          "the credentials may not read or write this bucket and path (s3:ListBucket, s3:GetObject, s3:PutObject, s3:DeleteObject)",
      ]);
    } finally {
      fault = undefined;
    }
  }, 60_000);

  it("none at all: names AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, without LanceDB's warnings", async () => {
    const none = {
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
      AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
      AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
      AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/lance-bench/credentials",
      AWS_CONFIG_FILE: "/nonexistent/lance-bench/config",
      AWS_EC2_METADATA_DISABLED: "true",
    };
    const run = await expectNotRetried(
      ["has-results", "--sha", SHA_A, "--db", DB],
      [/no AWS credentials found/, /AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/, /AWS_PROFILE/],
      none,
      { failsBeforeAnyRequest: true },
    );
    expect(run.stderr).not.toMatch(/WARN|aws_runtime/);
  }, 120_000);
});

describe("region", () => {
  it("none, and no endpoint to ask: names AWS_REGION", async () => {
    const run = await runCliAsync(["has-results", "--sha", SHA_A, "--db", DB], {
      AWS_ACCESS_KEY_ID: "AKIAEXAMPLE",
      AWS_SECRET_ACCESS_KEY: "example-secret",
      AWS_REGION: undefined,
      AWS_DEFAULT_REGION: undefined,
      AWS_ENDPOINT_URL: undefined,
      AWS_ENDPOINT_URL_S3: undefined,
    });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr.split("\n").filter(Boolean)).toEqual([
      `lance-bench: error: db ${DB}: no AWS region: set AWS_REGION (or AWS_DEFAULT_REGION) to the bucket's region, e.g. us-east-1`,
    ]);
  }, 60_000);
});

/** Runs the CLI through the proxy, handing each stderr line to `onLine` as it arrives. */
function runWatchingStderr(args: string[], env: NodeJS.ProcessEnv, onLine: (line: string) => void): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...cleanEnv(), ...proxy.env, ...env } });
    let stdout = "";
    let stderr = "";
    let pending = "";
    child.stdout.on("data", (chunk) => (stdout += String(chunk)));
    child.stderr.on("data", (chunk) => {
      stderr += String(chunk);
      pending += String(chunk);
      const lines = pending.split("\n");
      pending = lines.pop()!;
      lines.forEach(onLine);
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe("transient errors", () => {
  const slowDown: S3Fault = { status: 503, code: "SlowDown", message: "Please reduce your request rate." };
  const fast = { OBJECT_STORE_CLIENT_MAX_RETRIES: "0" };

  it("503 SlowDown is retried with one short notice per try, and LanceDB's own warnings stay quiet", async () => {
    let throttled = true;
    fault = () => (throttled ? slowDown : undefined);
    try {
      const run = await runWatchingStderr(["has-results", "--sha", SHA_A, "--db", DB], fast, (line) => {
        if (/retrying/.test(line)) throttled = false;
      });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toBe("yes\n");
      const lines = run.stderr.split("\n").filter(Boolean);
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        expect(line).toMatch(
          /failed \(try 1 of 3\): SlowDown: Please reduce your request rate\. \(HTTP 503\); retrying$/,
        );
        expect(line.length).toBeLessThan(300);
        expect(line).not.toContain("<");
      }
      expect(run.stderr).not.toMatch(/AIMD|WARN/);
    } finally {
      fault = undefined;
    }
  }, 120_000);

  it("a store that stays throttled fails after the allowed tries, keeping the cause", async () => {
    fault = () => slowDown;
    try {
      const run = await throughProxy(["export", "--db", DB], { ...fast, LANCE_BENCH_RETRY_ATTEMPTS: "2" });
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).not.toMatch(/AIMD|WARN|</);
      const notices = run.stderr.split("\n").filter((line) => /retrying$/.test(line));
      expect(notices).toHaveLength(1);
      expect(errorLines(run.stderr)).toHaveLength(1);
      expect(errorLines(run.stderr)[0]).toMatch(
        /failed after 2 tries: SlowDown: Please reduce your request rate\. \(HTTP 503\)$/,
      );
    } finally {
      fault = undefined;
    }
  }, 120_000);
});
