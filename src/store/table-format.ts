import { readFile } from "node:fs/promises";
import path from "node:path";
import { s3Objects } from "./s3-objects.js";
import { isRemoteUri, localPath } from "./uri.js";

/*
 * Which Lance file format a table's version is written in ("2.0", "2.1", "2.2"). It decides who
 * can read the table: the Python lance-bench's locked stack (pylance 0.39) reads 2.0 and 2.1 and panics
 * on 2.2; 2.0 cannot store a null struct. LanceDB's Node API does not say, so it is read from the
 * version's manifest, where the data storage format is a small message of two strings: "lance"
 * and the version (protobuf: field 1, length 5, "lance"; field 2, length 3, "2.x").
 */
// eslint-disable-next-line no-control-regex -- protobuf framing bytes are the point
const FORMAT_IN_MANIFEST = /\x0a\x05lance\x12\x03(\d\.\d)/;

/** Manifest file names of one version: `N.manifest`, or (V2 paths) `(2⁶⁴ − 1 − N)` zero-padded to 20. */
function manifestNames(version: number): string[] {
  const inverted = (2n ** 64n - 1n - BigInt(version)).toString().padStart(20, "0");
  return [`${version}.manifest`, `${inverted}.manifest`];
}

/** The file format of `table` at `version` in the store at `uri`, or null when it cannot be read. */
export async function readTableFormat(
  uri: string,
  table: string,
  version: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | null> {
  for (const name of manifestNames(version)) {
    const bytes = await readManifest(uri, `${table}.lance`, name, env);
    if (bytes) return FORMAT_IN_MANIFEST.exec(bytes.toString("latin1"))?.[1] ?? null;
  }
  return null;
}

async function readManifest(uri: string, dir: string, name: string, env: NodeJS.ProcessEnv): Promise<Buffer | null> {
  if (!isRemoteUri(uri)) {
    return readFile(path.join(localPath(uri)!, dir, "_versions", name)).catch(() => null);
  }
  if (!/^s3:\/\//i.test(uri)) return null; // s3+ddb keeps its manifests behind DynamoDB's names
  const { client, url } = s3Objects(uri, env);
  const response = await client.fetch(url(dir, "_versions", name));
  if (response.status !== 200) {
    await response.body?.cancel();
    return null;
  }
  return Buffer.from(await response.arrayBuffer());
}
