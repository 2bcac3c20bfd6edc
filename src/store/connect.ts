import * as lancedb from "@lancedb/lancedb";
import { withStoreRetry, type RetryPolicy } from "./retry.js";
import { redactUri, s3StorageOptions } from "./uri.js";

export async function connectDb(
  uri: string,
  retry: RetryPolicy,
  onRetry?: (m: string) => void,
): Promise<lancedb.Connection> {
  const remote = /^s3(\+ddb)?:\/\//i.test(uri);
  return withStoreRetry(
    `connecting to ${redactUri(uri)}`,
    () => lancedb.connect(uri, remote ? { storageOptions: s3StorageOptions() } : {}),
    retry,
    onRetry,
  );
}
