import { describe, expect, it } from "vitest";
import { StoreError } from "../../src/model/index.js";
import { TransientStoreError, condenseStoreMessage, withStoreRetry } from "../../src/store/retry.js";
import { LANCEDB_ERRORS } from "./lancedb-errors.js";

const KEYS_HINT =
  "check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (or the profile or role that provides them)";
const INVALID_KEY = `InvalidAccessKeyId: The AWS Access Key Id you provided does not exist in our records. (HTTP 403); ${KEYS_HINT}`;

describe("condenseStoreMessage on LanceDB's real messages", () => {
  it.each<[keyof typeof LANCEDB_ERRORS, string]>([
    ["invalidKeyNames", INVALID_KEY],
    ["invalidKeyQuery", INVALID_KEY],
    ["invalidKeyAdd", INVALID_KEY],
    [
      "accessDeniedNames",
      "AccessDenied: Access Denied (HTTP 403); the credentials may not read or write this bucket and path (s3:ListBucket, s3:GetObject, s3:PutObject, s3:DeleteObject)",
    ],
    [
      "signatureNames",
      `SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided. (HTTP 403); ${KEYS_HINT}`,
    ],
    [
      "noSuchBucket",
      "NoSuchBucket: The specified bucket does not exist (bucket nobucket) (HTTP 404); check the bucket in --db or LANCE_BENCH_URI (and AWS_ENDPOINT_URL_S3 for an S3-compatible server)",
    ],
    ["slowdownNames", "SlowDown: Please reduce your request rate. (HTTP 503)"],
    ["slowdownQuery", "SlowDown: Please reduce your request rate. (HTTP 503)"],
    ["internalNames", "InternalError: We encountered an internal error. Please try again. (HTTP 500)"],
    ["refusedNames", "Connection refused (127.0.0.1:42383)"],
    [
      "refusedQuery",
      "Error performing GET http://127.0.0.1:42383/exists/t/results.lance/data/0110001111010100110001013c3cb1427e973775026217259a.lance - HTTP error: error sending request",
    ],
    ["tableNotFound", "Table 'nope' was not found: Not found: t/nope.lance/_versions"],
    ["schemaMismatch", "Found field not in schema: other at row 0"],
    ["notADirectory", "Not a directory (/tmp/wts/afile/__manifest/_versions)"],
    [
      "noCredentials",
      "no AWS credentials found (no variables, profile or role provided any); set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (plus AWS_SESSION_TOKEN for temporary credentials), or AWS_PROFILE for a profile in ~/.aws, or run where an IAM role provides them",
    ],
    [
      "regionNotResolved",
      "Failed to resolve region for bucket 'exists': failed to lookup address information: Name or service not known; set AWS_REGION to the bucket's region",
    ],
  ])("%s", (name, expected) => {
    const condensed = condenseStoreMessage(LANCEDB_ERRORS[name]);
    expect(condensed).toBe(expected);
    expect(condensed).not.toMatch(/[<{]|\.rs:\d/); // no XML, no debug structs, no Rust source locations
  });
});

describe("withStoreRetry", () => {
  const policy = { attempts: 3, baseDelayMs: 1 };
  const failingWith = (message: string) => {
    let calls = 0;
    const operation = async () => {
      calls++;
      throw new Error(message);
    };
    return { operation, calls: () => calls };
  };

  it.each<keyof typeof LANCEDB_ERRORS>([
    "noSuchBucket",
    "invalidKeyNames",
    "accessDeniedNames",
    "signatureNames",
    "noCredentials",
    "tableNotFound",
    "schemaMismatch",
    "notADirectory",
    "regionNotResolved",
  ])("does not retry a permanent error: %s", async (name) => {
    const { operation, calls } = failingWith(LANCEDB_ERRORS[name]);
    const notices: string[] = [];
    const failure = await withStoreRetry("reading", operation, policy, (m) => notices.push(m)).catch((e) => e);
    expect(failure).toBeInstanceOf(StoreError);
    expect(failure.message).toBe(`reading failed: ${condenseStoreMessage(LANCEDB_ERRORS[name])}`);
    expect(calls()).toBe(1);
    expect(notices).toEqual([]);
  });

  it.each<keyof typeof LANCEDB_ERRORS>([
    "slowdownNames",
    "slowdownQuery",
    "internalNames",
    "refusedNames",
    "refusedQuery",
  ])("retries a transient error with one short line per try: %s", async (name) => {
    const { operation, calls } = failingWith(LANCEDB_ERRORS[name]);
    const notices: string[] = [];
    const failure = await withStoreRetry("reading", operation, policy, (m) => notices.push(m)).catch((e) => e);
    const cause = condenseStoreMessage(LANCEDB_ERRORS[name]);
    expect(failure.message).toBe(`reading failed after 3 tries: ${cause}`);
    expect(calls()).toBe(3);
    expect(notices).toEqual([
      `reading failed (try 1 of 3): ${cause}; retrying`,
      `reading failed (try 2 of 3): ${cause}; retrying`,
    ]);
    for (const notice of notices) expect(notice.length).toBeLessThan(300);
  });

  it("retries what the caller marks as passing, whatever its text (a table another publisher is creating)", async () => {
    let calls = 0;
    const result = await withStoreRetry(
      "opening table results",
      async () => {
        if (++calls === 1) throw new TransientStoreError(LANCEDB_ERRORS.tableNotFound);
        return "opened";
      },
      policy,
    );
    expect([result, calls]).toEqual(["opened", 2]);
  });

  it("waits with exponential backoff between tries", async () => {
    const { operation } = failingWith(LANCEDB_ERRORS.slowdownNames);
    const started = Date.now();
    await expect(withStoreRetry("reading", operation, { attempts: 3, baseDelayMs: 50 })).rejects.toThrow(StoreError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(50 + 100 * 0.9); // two waits, the second doubled
  });

  it("retries an error it does not know (a lost commit race must be rebuilt), and succeeds", async () => {
    let calls = 0;
    const result = await withStoreRetry(
      "writing",
      async () => {
        if (++calls === 1) throw new Error("Commit conflict for version 7: something new");
        return "ok";
      },
      policy,
    );
    expect([result, calls]).toEqual(["ok", 2]);
  });
});
