import { randomUUID } from "node:crypto";
import type { AwsClient } from "aws4fetch";
import { ConfigurationError, StoreError } from "../model/index.js";
import { s3CodeHint, withStoreRetry, type RetryPolicy } from "./retry.js";
import { s3Objects } from "./s3-objects.js";
import { redactUri } from "./uri.js";

/*
 * Lance commits a new table version by creating the next manifest object only if it does not
 * exist yet (S3's `If-None-Match: *`). An S3-compatible server that ignores that header lets
 * two concurrent commits both "create" the same version: one silently replaces the other and
 * its rows are lost (measured: 8 concurrent appends kept 1 of 8; docs/architecture.md). So before writing to
 * s3:// the suite asks the endpoint itself, and refuses one that does not honour conditional
 * creates. `s3+ddb://` commits through a DynamoDB lock instead and needs no probe.
 */

/** Set to 1 to write to an endpoint without conditional writes anyway (one publisher at a time only). */
export const ALLOW_UNSAFE_COMMITS_ENV = "LANCE_BENCH_ALLOW_UNSAFE_COMMITS";

export type CommitSafety = "local" | "conditional-writes" | "external-lock" | "unsafe-allowed";

/** What one probe request answered: HTTP status and the S3 error code, if any. */
async function send(client: AwsClient, url: string, init: RequestInit): Promise<{ status: number; code?: string }> {
  const response = await client.fetch(url, init);
  const body = await response.text();
  const code = /<Code>([^<]+)<\/Code>/.exec(body)?.[1];
  return { status: response.status, code };
}

/**
 * Creates a probe object twice with `If-None-Match: *`. A server that honours conditional
 * writes refuses the second create (412, or 409 while the first is in flight).
 */
async function honoursConditionalCreate(uri: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const { client, url: objectUrl } = s3Objects(uri, env);
  const url = objectUrl("_lance_bench", `commit-probe-${randomUUID()}`);
  const create = () => send(client, url, { method: "PUT", body: "probe", headers: { "If-None-Match": "*" } });
  try {
    const first = await create();
    if (first.status >= 300) throw probeFailure(uri, first);
    const second = await create();
    if (second.status === 412 || second.status === 409) return true;
    if (second.status < 300) return false;
    throw probeFailure(uri, second);
  } finally {
    await client.fetch(url, { method: "DELETE" }).then(
      (r) => r.body?.cancel(),
      () => undefined, // best effort: a leftover probe object is harmless
    );
  }
}

/** 5xx and throttling are worth retrying; anything else (no bucket, no access) is final. */
function probeFailure(uri: string, answer: { status: number; code?: string }): Error {
  const message = `${answer.code ?? "error"} (HTTP ${answer.status})`;
  if (answer.status >= 500 || answer.status === 429) return new Error(message);
  const hint = s3CodeHint(answer.code);
  return new StoreError(`checking ${redactUri(uri)} for conditional writes: ${message}${hint ? `; ${hint}` : ""}`);
}

const verdicts = new Map<string, Promise<CommitSafety>>();

/**
 * Whether commits to `uri` are safe with concurrent publishers; throws a ConfigurationError
 * for an S3 endpoint that ignores conditional writes unless explicitly allowed. Asked once
 * per location and process.
 */
export function ensureSafeCommits(
  uri: string,
  retry: RetryPolicy,
  env: NodeJS.ProcessEnv = process.env,
  log: (message: string) => void = () => {},
): Promise<CommitSafety> {
  const scheme = /^([a-z0-9+]+):\/\//i.exec(uri)?.[1]?.toLowerCase();
  if (scheme === "s3+ddb") return Promise.resolve("external-lock");
  if (scheme !== "s3") return Promise.resolve("local");
  const known = verdicts.get(uri);
  if (known) return known;
  const verdict = (async (): Promise<CommitSafety> => {
    const safe = await withStoreRetry(
      `checking ${redactUri(uri)} for conditional writes`,
      () => honoursConditionalCreate(uri, env),
      retry,
      log,
    );
    if (safe) return "conditional-writes";
    if (env[ALLOW_UNSAFE_COMMITS_ENV] === "1") {
      log(
        `warning: ${redactUri(uri)} ignores conditional writes; writing anyway because ${ALLOW_UNSAFE_COMMITS_ENV}=1 ` +
          "(concurrent publishers to this table will lose rows)",
      );
      return "unsafe-allowed";
    }
    throw new ConfigurationError(
      `db ${redactUri(uri)}: the S3 endpoint ignores conditional writes (If-None-Match), so concurrent ` +
        "publishers would silently overwrite each other's commits and lose rows. Use an endpoint that " +
        "supports them (AWS S3, MinIO), or s3+ddb://bucket/path?ddbTableName=TABLE for a DynamoDB commit lock; " +
        `if only one publisher ever writes to this table, set ${ALLOW_UNSAFE_COMMITS_ENV}=1`,
    );
  })();
  verdicts.set(uri, verdict);
  verdict.catch(() => verdicts.delete(uri));
  return verdict;
}
