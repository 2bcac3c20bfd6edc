import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigurationError } from "../model/index.js";

/* Where the database is and how to reach it: no LanceDB import here, so resolving and
   checking a location costs nothing at start-up. */

export const DEFAULT_DB_DIR = path.join(os.homedir(), ".lance-bench");

/** Where the database lives: `--db` wins, then `LANCE_BENCH_URI` (the Python lance-bench's variable), then ~/.lance-bench. */
export function resolveDbUri(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const uri = flag?.trim() || env.LANCE_BENCH_URI?.trim() || DEFAULT_DB_DIR;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri)?.[1]?.toLowerCase();
  if (scheme === undefined) return path.resolve(uri);
  if (!["s3", "s3+ddb", "file"].includes(scheme)) {
    throw new ConfigurationError(
      `db "${uri}": unsupported scheme "${scheme}://" (use a folder, s3://bucket/path or s3+ddb://)`,
    );
  }
  return uri;
}

/** Whether the store is on S3 (`s3://`, `s3+ddb://`) rather than a local folder. */
export function isRemoteUri(uri: string): boolean {
  return /^s3(\+ddb)?:\/\//i.test(uri);
}

/** The folder of a local store (`file://` URIs included), or undefined for a remote one. */
export function localPath(uri: string): string | undefined {
  if (isRemoteUri(uri)) return undefined;
  return /^file:\/\//i.test(uri) ? fileURLToPath(uri) : uri;
}

/** Hides credentials that may be embedded in a URI before it is printed. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/[^/@]*@/, "//***@");
}

/**
 * Storage options for S3 and S3-compatible servers, from the standard AWS variables.
 * `AWS_ENDPOINT_URL_S3`/`AWS_ENDPOINT_URL` point at a non-AWS server; plain http is allowed
 * only when the endpoint itself is http.
 */
export function s3StorageOptions(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const options: Record<string, string> = {};
  const set = (key: string, value: string | undefined) => {
    if (value) options[key] = value;
  };
  set("aws_access_key_id", env.AWS_ACCESS_KEY_ID);
  set("aws_secret_access_key", env.AWS_SECRET_ACCESS_KEY);
  set("aws_session_token", env.AWS_SESSION_TOKEN);
  // an empty variable is unset (a workflow passes `inputs.x || env.X`, which can be "")
  set("region", env.AWS_REGION || env.AWS_DEFAULT_REGION);
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL;
  set("endpoint", endpoint);
  if (endpoint?.startsWith("http://")) options.allow_http = "true";
  // s3+ddb:// commits through a DynamoDB table; a DynamoDB-compatible server is named the same way.
  set("dynamodb_endpoint", env.AWS_ENDPOINT_URL_DYNAMODB || env.DYNAMODB_ENDPOINT);
  // The object store's own retries (default: 10 tries over up to 180 s) sit inside ours
  // (retry.ts); keep them short so an unreachable store fails within a bounded, documented
  // budget. The object store's own variables still win.
  set("client_max_retries", env.OBJECT_STORE_CLIENT_MAX_RETRIES ?? "3");
  set("client_retry_timeout", env.OBJECT_STORE_CLIENT_RETRY_TIMEOUT ?? "30");
  set("connect_timeout", "5s");
  return options;
}
