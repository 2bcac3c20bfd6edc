import { createHash, createHmac, randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";

/**
 * A local stand-in for GitHub's "results" services, the non-REST backends that
 * @actions/artifact (v6) and @actions/cache (v6, cache service v2) talk to. GitHub has no
 * self-hosted twin, so this implements exactly the wire protocol of the installed clients:
 *
 * - Twirp over JSON: `POST /twirp/github.actions.results.api.v1.<Service>/<Method>` with
 *   `Authorization: Bearer $ACTIONS_RUNTIME_TOKEN`, a protobuf-JSON body in the proto
 *   (snake_case) field names, int64 values as strings, errors as `{code, msg}`.
 * - Azure Blob Storage REST on the signed URLs the twirp calls hand out (SAS-style, the
 *   signature in `sig`): `PUT ?comp=block&blockid=…` + `PUT ?comp=blocklist` (artifacts,
 *   via `uploadStream`), a single `PUT` with `x-ms-blob-type: BlockBlob` (cache archives
 *   under 128 MiB, via `uploadFile`), and a plain `GET` to download (the cache client only
 *   uses the Azure SDK for hosts ending in .blob.core.windows.net).
 *
 * Validation is strict: any request the real clients would not send (wrong route, method,
 * field, token, signature, step out of order) is answered with a 4xx and recorded in
 * `unexpected`, so a test can assert the exchange was clean. Only 4xx are used: the clients
 * retry 5xx with multi-second backoff, which would turn a bug into a slow timeout.
 */
export interface ResultsService {
  /** http://127.0.0.1:<port>, no trailing slash. */
  url: string;
  /** Every variable the toolkit reads to find and authenticate to the services. */
  env: Record<string, string>;
  /** Finalized artifacts by name: the uploaded blob, a zip unless uploaded with skipArchive. */
  artifacts: Map<string, Buffer>;
  /** A finalized artifact's id and a signed URL to read its blob (what GitHub's REST API redirects to). */
  artifactDownload(name: string): { id: number; url: string } | undefined;
  /** Finalized cache entries by key: the uploaded archive (tar, zstd- or gzip-compressed). */
  cacheEntries: Map<string, Buffer>;
  /** Every request, in order, with the status it got (conflicts and misses included). */
  requests: { method: string; path: string; status: number }[];
  /** Requests the real clients should never send: they got a 4xx. A clean run has none. */
  unexpected: { method: string; path: string; reason: string }[];
  /**
   * The runner's OIDC token endpoint (what `id-token: write` gives a job, read by
   * @actions/core's getIDToken): ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN, and the tokens issued.
   */
  oidc: { env: { ACTIONS_ID_TOKEN_REQUEST_URL: string; ACTIONS_ID_TOKEN_REQUEST_TOKEN: string }; issued: string[] };
  stop(): Promise<void>;
}

const ARTIFACT_SERVICE = "github.actions.results.api.v1.ArtifactService";
/** The OIDC token endpoint (GitHub's is …/_apis/distributedtask/…/idtoken?api-version=2.0). */
const OIDC_PATH = "/_apis/idtoken";
const CACHE_SERVICE = "github.actions.results.api.v1.CacheService";
/** Azure SDKs parse IP-host URLs as path-style: /<account>/<container>/<blob>. */
const ACCOUNT = "fakeresults";

/** A refusal: an HTTP status and an error code (twirp's for twirp calls, Azure's for blobs). */
class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** A legitimate answer the real service also gives (e.g. a conflict), not a client bug. */
    readonly expected = false,
  ) {
    super(message);
  }
}
const invalid = (message: string) => new ServiceError(400, "invalid_argument", message);

type Json = Record<string, unknown>;
interface Reply {
  status: number;
  headers: Record<string, string>;
  body?: string | Buffer;
}

/** The body as a protobuf-JSON object with only `allowed` fields (proto names), `required` ones set. */
function fields(body: Json, allowed: readonly string[], required: readonly string[]): Json {
  const unknown = Object.keys(body).filter((name) => !allowed.includes(name));
  if (unknown.length > 0) throw invalid(`unknown field(s) ${unknown.join(", ")}`);
  for (const name of required) if (body[name] === undefined) throw invalid(`missing field ${name}`);
  return body;
}

function nonEmptyString(body: Json, name: string): string {
  const value = body[name];
  if (typeof value !== "string" || value === "") throw invalid(`${name} must be a non-empty string`);
  return value;
}

/** protobuf-JSON encodes int64 as a decimal string. */
function int64(body: Json, name: string): number {
  const value = body[name];
  if (typeof value !== "string" || !/^\d+$/.test(value)) throw invalid(`${name} must be an int64 string`);
  return Number(value);
}

const base64url = (data: string | Buffer) => Buffer.from(data).toString("base64url");

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startResultsService(): Promise<ResultsService> {
  const secret = randomBytes(32);
  const runId = randomUUID();
  const jobId = randomUUID();
  // The artifact client decodes (never verifies) this JWT and takes the run and job
  // backend ids from the `Actions.Results:<run>:<job>` scope; the cache client only sends it.
  const now = Math.floor(Date.now() / 1000);
  const claims = { scp: `Actions.GenericRead:${runId} Actions.Results:${runId}:${jobId}`, iat: now, exp: now + 3600 };
  const unsigned = `${base64url(JSON.stringify({ typ: "JWT", alg: "HS256" }))}.${base64url(JSON.stringify(claims))}`;
  const token = `${unsigned}.${createHmac("sha256", secret).update(unsigned).digest("base64url")}`;

  const oidcRequestToken = randomBytes(16).toString("hex");
  const issuedIdTokens: string[] = [];
  const artifacts = new Map<string, Buffer>();
  const cacheEntries = new Map<string, Buffer>();
  const requests: ResultsService["requests"] = [];
  const unexpected: ResultsService["unexpected"] = [];

  /** Blob storage: path → content once committed, plus blocks staged but not yet committed. */
  const blobs = new Map<string, { data?: Buffer; blocks: Map<string, Buffer>; sealed: boolean }>();
  const artifactRecords = new Map<string, { blob: string; finalized: boolean; id?: number; createdAt?: string }>();
  const cacheRecords: { id: number; key: string; version: string; blob: string; finalized: boolean }[] = [];
  let nextId = 1;

  const sign = (permissions: string, blobPath: string) =>
    createHmac("sha256", secret).update(`${permissions}\n${blobPath}`).digest("base64");
  /** A SAS-like URL: `sp` says what it allows, `sig` proves this service issued it for this path. */
  const signedUrl = (permissions: string, blobPath: string) => {
    const query = new URLSearchParams({
      sv: "2025-01-05",
      sp: permissions,
      se: new Date(Date.now() + 3600_000).toISOString(),
      sig: sign(permissions, blobPath),
    });
    return `${url}${blobPath}?${query}`;
  };
  const newBlob = (container: string, extension: string) => {
    const blobPath = `/${ACCOUNT}/${container}/${nextId++}${extension}`;
    blobs.set(blobPath, { blocks: new Map(), sealed: false });
    return blobPath;
  };
  /** Finalizing seals the blob: its content is then what the service recorded. */
  const committed = (blobPath: string): Buffer => {
    const blob = blobs.get(blobPath);
    if (!blob?.data) throw invalid(`nothing was uploaded to ${blobPath}`);
    blob.sealed = true;
    return blob.data;
  };

  function checkBackendIds(body: Json) {
    if (body.workflow_run_backend_id !== runId || body.workflow_job_run_backend_id !== jobId)
      throw invalid("workflow_run_backend_id/workflow_job_run_backend_id do not match the runtime token");
  }

  const artifactMethods: Record<string, (body: Json) => Json> = {
    CreateArtifact(body) {
      fields(
        body,
        ["workflow_run_backend_id", "workflow_job_run_backend_id", "name", "expires_at", "version", "mime_type"],
        ["workflow_run_backend_id", "workflow_job_run_backend_id", "name", "version"],
      );
      checkBackendIds(body);
      const name = nonEmptyString(body, "name");
      // Version 4+ is the results-backed artifact format (v1-v3 used the old pipelines API).
      if (!Number.isInteger(body.version) || (body.version as number) < 4) throw invalid("version must be >= 4");
      if (body.mime_type !== undefined) nonEmptyString(body, "mime_type");
      if (body.expires_at !== undefined) nonEmptyString(body, "expires_at");
      // GitHub refuses a second artifact of the same name in a run (upload-artifact@v4's 409).
      if (artifactRecords.has(name))
        throw new ServiceError(409, "already_exists", `an artifact with name ${name} already exists on the run`, true);
      const blob = newBlob("artifacts", ".zip");
      artifactRecords.set(name, { blob, finalized: false });
      return { ok: true, signed_upload_url: signedUrl("cw", blob) };
    },
    FinalizeArtifact(body) {
      fields(
        body,
        ["workflow_run_backend_id", "workflow_job_run_backend_id", "name", "size", "hash"],
        ["workflow_run_backend_id", "workflow_job_run_backend_id", "name", "size", "hash"],
      );
      checkBackendIds(body);
      const name = nonEmptyString(body, "name");
      const record = artifactRecords.get(name);
      if (!record || record.finalized) throw new ServiceError(404, "not_found", `no artifact ${name} being uploaded`);
      const data = committed(record.blob);
      if (int64(body, "size") !== data.length) throw invalid(`size ${String(body.size)} but ${data.length} bytes`);
      const digest = `sha256:${createHash("sha256").update(data).digest("hex")}`;
      if (body.hash !== digest) throw invalid(`hash ${String(body.hash)} but the blob is ${digest}`);
      record.finalized = true;
      record.id = nextId++;
      record.createdAt = new Date().toISOString();
      artifacts.set(name, data);
      return { ok: true, artifact_id: String(record.id) };
    },
  };

  /** A finalized artifact as ListArtifacts describes it (int64 as strings, a Timestamp as RFC 3339). */
  const listed = (name: string, record: { blob: string; id?: number; createdAt?: string }) => {
    const data = committed(record.blob);
    return {
      workflow_run_backend_id: runId,
      workflow_job_run_backend_id: jobId,
      database_id: String(record.id),
      name,
      size: String(data.length),
      created_at: record.createdAt,
      digest: `sha256:${createHash("sha256").update(data).digest("hex")}`,
    };
  };
  Object.assign(artifactMethods, {
    // Downloading in the run that uploaded (another job of it): the run's artifacts, by name or id.
    ListArtifacts(body: Json) {
      fields(
        body,
        ["workflow_run_backend_id", "workflow_job_run_backend_id", "name_filter", "id_filter"],
        ["workflow_run_backend_id", "workflow_job_run_backend_id"],
      );
      if (body.workflow_run_backend_id !== runId) throw invalid("workflow_run_backend_id does not match the token");
      const nameFilter = body.name_filter === undefined ? undefined : nonEmptyString(body, "name_filter");
      const idFilter = body.id_filter === undefined ? undefined : int64(body, "id_filter");
      const artifactsListed = [...artifactRecords.entries()]
        .filter(([name, record]) => record.finalized && (nameFilter === undefined || name === nameFilter))
        .filter(([, record]) => idFilter === undefined || record.id === idFilter)
        .map(([name, record]) => listed(name, record));
      return { artifacts: artifactsListed };
    },
    GetSignedArtifactURL(body: Json) {
      fields(
        body,
        ["workflow_run_backend_id", "workflow_job_run_backend_id", "name"],
        ["workflow_run_backend_id", "workflow_job_run_backend_id", "name"],
      );
      if (body.workflow_run_backend_id !== runId) throw invalid("workflow_run_backend_id does not match the token");
      const record = artifactRecords.get(nonEmptyString(body, "name"));
      if (!record?.finalized) throw new ServiceError(404, "not_found", `no artifact ${String(body.name)}`);
      return { signed_url: signedUrl("r", record.blob) };
    },
  });

  /** The cache version is the client's sha256 of paths, compression method and a salt. */
  const version = (body: Json) => {
    const value = nonEmptyString(body, "version");
    if (!/^[0-9a-f]{64}$/.test(value)) throw invalid("version must be a sha256 hex digest");
    return value;
  };

  const cacheMethods: Record<string, (body: Json) => Json> = {
    GetCacheEntryDownloadURL(body) {
      fields(body, ["metadata", "key", "restore_keys", "version"], ["key", "version"]);
      const key = nonEmptyString(body, "key");
      const wanted = version(body);
      const restoreKeys = body.restore_keys ?? [];
      if (!Array.isArray(restoreKeys) || !restoreKeys.every((k) => typeof k === "string" && k !== ""))
        throw invalid("restore_keys must be non-empty strings");
      // GitHub's rule: the exact key first, then each restore key in order as a prefix,
      // the newest entry winning; only entries saved with the same version are candidates.
      const candidates = cacheRecords.filter((entry) => entry.finalized && entry.version === wanted).reverse();
      const hit =
        candidates.find((entry) => entry.key === key) ??
        restoreKeys.map((prefix) => candidates.find((entry) => entry.key.startsWith(prefix))).find(Boolean);
      // A miss is a success with ok=false, not an error.
      if (!hit) return { ok: false, signed_download_url: "", matched_key: "" };
      return { ok: true, signed_download_url: signedUrl("r", hit.blob), matched_key: hit.key };
    },
    CreateCacheEntry(body) {
      fields(body, ["metadata", "key", "version"], ["key", "version"]);
      const key = nonEmptyString(body, "key");
      const wanted = version(body);
      // Entries are immutable: the client turns this 409 into a ReserveCacheError.
      if (cacheRecords.some((entry) => entry.key === key && entry.version === wanted))
        throw new ServiceError(
          409,
          "already_exists",
          "cache entry with the same key, version, and scope already exists",
          true,
        );
      const blob = newBlob("cache", ".tar");
      cacheRecords.push({ id: nextId++, key, version: wanted, blob, finalized: false });
      return { ok: true, signed_upload_url: signedUrl("cw", blob) };
    },
    FinalizeCacheEntryUpload(body) {
      fields(body, ["metadata", "key", "size_bytes", "version"], ["key", "size_bytes", "version"]);
      const key = nonEmptyString(body, "key");
      const wanted = version(body);
      const entry = cacheRecords.find((e) => e.key === key && e.version === wanted && !e.finalized);
      if (!entry) throw new ServiceError(404, "not_found", `no cache entry ${key} being uploaded`);
      const data = committed(entry.blob);
      if (int64(body, "size_bytes") !== data.length)
        throw invalid(`size_bytes ${String(body.size_bytes)} but ${data.length} bytes were uploaded`);
      entry.finalized = true;
      cacheEntries.set(key, data);
      return { ok: true, entry_id: String(entry.id) };
    },
  };

  const services: Record<string, Record<string, (body: Json) => Json>> = {
    [ARTIFACT_SERVICE]: artifactMethods,
    [CACHE_SERVICE]: cacheMethods,
  };

  async function twirp(request: IncomingMessage, pathname: string): Promise<Json> {
    const [, , service = "", method = ""] = pathname.split("/");
    const handler = services[service]?.[method];
    if (!handler) throw new ServiceError(404, "bad_route", `no handler for ${pathname}`);
    if (request.method !== "POST") throw new ServiceError(404, "bad_route", `twirp needs POST, got ${request.method}`);
    if (request.headers.authorization !== `Bearer ${token}`)
      throw new ServiceError(401, "unauthenticated", "missing or wrong bearer token");
    if (!request.headers["content-type"]?.startsWith("application/json"))
      throw new ServiceError(400, "malformed", "only the JSON encoding is served");
    let body: unknown;
    try {
      body = JSON.parse((await readBody(request)).toString("utf8"));
    } catch {
      throw new ServiceError(400, "malformed", "body is not JSON");
    }
    if (typeof body !== "object" || body === null || Array.isArray(body))
      throw new ServiceError(400, "malformed", "body is not a JSON object");
    return handler(body as Json);
  }

  /** Azure Blob REST on signed URLs: the subset the Azure SDK uses for these uploads and downloads. */
  async function blobRequest(request: IncomingMessage, target: URL): Promise<Reply> {
    const blob = blobs.get(target.pathname);
    const permissions = target.searchParams.get("sp") ?? "";
    if (!blob || target.searchParams.get("sig") !== sign(permissions, target.pathname))
      throw new ServiceError(403, "AuthenticationFailed", "no blob, or a signature this service did not issue");
    const headers = {
      ETag: `"0x${randomBytes(8).toString("hex").toUpperCase()}"`,
      "Last-Modified": new Date().toUTCString(),
      "x-ms-request-id": randomUUID(),
      "x-ms-version": "2025-01-05",
    };
    const comp = target.searchParams.get("comp");
    if (request.method === "PUT") {
      if (!permissions.includes("w")) throw new ServiceError(403, "AuthorizationPermissionMismatch", "read-only URL");
      if (blob.sealed) throw new ServiceError(409, "BlobImmutable", "the blob was finalized");
      const body = await readBody(request);
      if (Number(request.headers["content-length"]) !== body.length)
        throw new ServiceError(400, "InvalidHeaderValue", "Content-Length does not match the body");
      if (comp === "block") {
        const blockId = target.searchParams.get("blockid");
        if (!blockId) throw new ServiceError(400, "MissingRequiredQueryParameter", "blockid");
        blob.blocks.set(blockId, body);
      } else if (comp === "blocklist") {
        const ids = [...body.toString("utf8").matchAll(/<(Latest|Uncommitted)>([^<]*)<\/\1>/g)].map((m) => m[2]!);
        if (ids.length === 0 || ids.some((id) => !blob.blocks.has(id)))
          throw new ServiceError(400, "InvalidBlockList", "the block list names blocks that were not staged");
        blob.data = Buffer.concat(ids.map((id) => blob.blocks.get(id)!));
        blob.blocks.clear();
      } else if (comp === null) {
        if (request.headers["x-ms-blob-type"] !== "BlockBlob")
          throw new ServiceError(400, "MissingRequiredHeader", "x-ms-blob-type: BlockBlob");
        blob.data = body;
      } else {
        throw new ServiceError(400, "UnsupportedQueryParameter", `comp=${comp}`);
      }
      return { status: 201, headers };
    }
    if (request.method === "GET" || request.method === "HEAD") {
      if (!permissions.includes("r")) throw new ServiceError(403, "AuthorizationPermissionMismatch", "write-only URL");
      if (comp !== null || request.headers.range || request.headers["x-ms-range"])
        throw new ServiceError(400, "UnsupportedHeader", "only whole-blob reads are served");
      if (!blob.data) throw new ServiceError(404, "BlobNotFound", "nothing committed");
      return {
        status: 200,
        headers: {
          ...headers,
          "Content-Length": String(blob.data.length),
          "Content-Type": "application/octet-stream",
          "x-ms-blob-type": "BlockBlob",
        },
        body: request.method === "GET" ? blob.data : undefined,
      };
    }
    throw new ServiceError(405, "UnsupportedHttpVerb", `${request.method} on a blob`);
  }

  async function route(request: IncomingMessage, target: URL): Promise<Reply> {
    if (target.pathname.startsWith("/twirp/")) {
      const result = await twirp(request, target.pathname);
      return { status: 200, headers: { "Content-Type": "application/json" }, body: JSON.stringify(result) };
    }
    if (target.pathname.startsWith(`/${ACCOUNT}/`)) return blobRequest(request, target);
    if (target.pathname === OIDC_PATH) return idToken(request, target);
    throw new ServiceError(404, "bad_route", `nothing served at ${target.pathname}`);
  }

  /** GET <ACTIONS_ID_TOKEN_REQUEST_URL>[&audience=…] with the request token: `{value: <JWT>}`. */
  function idToken(request: IncomingMessage, target: URL): Reply {
    if (request.method !== "GET") throw new ServiceError(405, "bad_route", `${request.method} on the OIDC endpoint`);
    if (request.headers.authorization !== `Bearer ${oidcRequestToken}`)
      throw new ServiceError(401, "unauthenticated", "the OIDC request token is missing or wrong");
    if (target.searchParams.get("api-version") !== "2.0") throw invalid("the OIDC request lost its api-version");
    const claims = {
      aud: target.searchParams.get("audience") ?? "https://github.com",
      iss: "https://token.actions.githubusercontent.com",
      iat: Math.floor(Date.now() / 1000),
    };
    const payload = `${base64url(JSON.stringify({ typ: "JWT", alg: "RS256" }))}.${base64url(JSON.stringify(claims))}`;
    const value = `${payload}.${randomBytes(32).toString("base64url")}`;
    issuedIdTokens.push(value);
    return { status: 200, headers: { "Content-Type": "application/json" }, body: JSON.stringify({ value }) };
  }

  /** Errors in each protocol's own shape: twirp's JSON, Azure's XML and x-ms-error-code. */
  function refusal(failure: ServiceError, twirpCall: boolean): Reply {
    if (twirpCall)
      return {
        status: failure.status,
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ code: failure.code, msg: failure.message }),
      };
    return {
      status: failure.status,
      headers: { "Content-Type": "application/xml", "x-ms-error-code": failure.code },
      body: `<?xml version="1.0" encoding="utf-8"?><Error><Code>${failure.code}</Code><Message>${failure.message}</Message></Error>`,
    };
  }

  const server = createServer((request, response) => {
    const target = new URL(request.url ?? "/", url);
    const method = request.method ?? "";
    void route(request, target)
      .catch((error: unknown) => {
        // A bug in this fake is answered like a bad request (4xx, see above), never a 5xx.
        const failure = error instanceof ServiceError ? error : new ServiceError(400, "internal", String(error));
        if (!failure.expected) unexpected.push({ method, path: target.pathname, reason: failure.message });
        // Drain what the client may still be sending so it reads the answer, not a reset.
        request.resume();
        return refusal(failure, target.pathname.startsWith("/twirp/"));
      })
      .then((reply) => {
        // Logged before answering, so the log is complete when the client's call returns.
        requests.push({ method, path: target.pathname, status: reply.status });
        response.writeHead(reply.status, reply.headers).end(reply.body);
      });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The cache client stages archives in $RUNNER_TEMP (default /home/actions/temp): give it its own.
  const runnerTemp = await mkdtemp(path.join(os.tmpdir(), "fake-runner-temp-"));

  return {
    url,
    env: {
      ACTIONS_RUNTIME_TOKEN: token,
      ACTIONS_RESULTS_URL: `${url}/`,
      // Selects cache service v2 (twirp on ACTIONS_RESULTS_URL) over the legacy ACTIONS_CACHE_URL API.
      ACTIONS_CACHE_SERVICE_V2: "True",
      // Both clients refuse to work against GHES (a server URL other than github.com / *.ghe.com).
      GITHUB_SERVER_URL: "https://github.com",
      // A read-only mode inherited from a real runner would make saveCache a silent no-op.
      ACTIONS_CACHE_MODE: "write",
      RUNNER_TEMP: runnerTemp,
    },
    artifacts,
    artifactDownload(name) {
      const record = artifactRecords.get(name);
      if (!record?.finalized || record.id === undefined) return undefined;
      return { id: record.id, url: signedUrl("r", record.blob) };
    },
    cacheEntries,
    requests,
    unexpected,
    oidc: {
      env: {
        ACTIONS_ID_TOKEN_REQUEST_URL: `${url}${OIDC_PATH}?api-version=2.0`,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidcRequestToken,
      },
      issued: issuedIdTokens,
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(runnerTemp, { recursive: true, force: true });
    },
  };
}
