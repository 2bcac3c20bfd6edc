import type { Connection } from "@lancedb/lancedb";
import { ConfigurationError } from "../model/index.js";
import { loadLanceDb } from "./lancedb.js";
import { withStoreRetry, type RetryPolicy } from "./retry.js";
import { isRemoteUri, redactUri, s3StorageOptions } from "./uri.js";

export async function connectDb(
  uri: string,
  retry: RetryPolicy,
  onRetry?: (m: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Connection> {
  const remote = isRemoteUri(uri);
  const storageOptions = remote ? s3StorageOptions(env) : {};
  if (remote && !storageOptions.region && !storageOptions.endpoint) {
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
