import type { Connection } from "@lancedb/lancedb";
import { ConfigurationError } from "../model/index.js";
import { loadLanceDb } from "./lancedb.js";
import { withStoreRetry, type RetryPolicy } from "./retry.js";
import { isRemoteUri, redactUri, s3StorageOptions } from "./uri.js";

/** What LanceDB is told about reaching the store: S3's endpoint, region and credentials, or nothing. */
export function storageOptionsFor(uri: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return isRemoteUri(uri) ? s3StorageOptions(env) : {};
}

export async function connectDb(
  uri: string,
  retry: RetryPolicy,
  onRetry?: (m: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Connection> {
  const storageOptions = storageOptionsFor(uri, env);
  if (isRemoteUri(uri) && !storageOptions.region && !storageOptions.endpoint) {
    // Without a region LanceDB asks AWS where the bucket is (and fails with a dump when it
    // cannot), while the conditional-write probe would sign for us-east-1: name the variable.
    throw new ConfigurationError(
      `db ${redactUri(uri)}: no AWS region: set AWS_REGION (or AWS_DEFAULT_REGION) to the bucket's region, e.g. us-east-1`,
    );
  }
  const lancedb = await loadLanceDb();
  return withStoreRetry(
    `connecting to ${redactUri(uri)}`,
    () => lancedb.connect(uri, { storageOptions }),
    retry,
    onRetry,
  );
}
