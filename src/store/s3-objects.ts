import { AwsClient } from "aws4fetch";
import { ConfigurationError } from "../model/index.js";
import { redactUri, s3StorageOptions } from "./uri.js";

/*
 * Plain S3 requests beside LanceDB's own (the commit-safety probe, reading a table's manifest),
 * signed with the same endpoint, region and credentials LanceDB is given.
 */

export interface S3Objects {
  client: AwsClient;
  /** The URL of an object under the store's prefix (path-style, as S3-compatible servers want). */
  url: (...key: string[]) => string;
}

export function s3Objects(uri: string, env: NodeJS.ProcessEnv): S3Objects {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(uri);
  if (!match) throw new ConfigurationError(`db "${redactUri(uri)}": not an s3://bucket/path location`);
  const [bucket, prefix] = [match[1]!, match[2]!.replace(/\/+$/, "")];
  const options = s3StorageOptions(env);
  const region = options.region ?? "us-east-1";
  const client = new AwsClient({
    accessKeyId: options.aws_access_key_id ?? "",
    secretAccessKey: options.aws_secret_access_key ?? "",
    sessionToken: options.aws_session_token,
    region,
    service: "s3",
    retries: 0, // withStoreRetry owns retrying
  });
  const endpoint = (options.endpoint ?? `https://s3.${region}.amazonaws.com`).replace(/\/+$/, "");
  return {
    client,
    url: (...key) =>
      `${endpoint}/${encodeURIComponent(bucket)}/${[prefix, ...key]
        .filter(Boolean)
        .join("/")
        .split("/")
        .map(encodeURIComponent)
        .join("/")}`,
  };
}
