export const id = 434;
export const ids = [434];
export const modules = {

/***/ 59434:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  INDEXED_COLUMNS: () => (/* binding */ INDEXED_COLUMNS),
  INDEX_REFRESH_THRESHOLD: () => (/* binding */ INDEX_REFRESH_THRESHOLD),
  MIGRATION_CHUNK: () => (/* binding */ MIGRATION_CHUNK),
  RESULTS_TABLE: () => (/* binding */ RESULTS_TABLE),
  ResultStore: () => (/* binding */ ResultStore)
});

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: ./lib/model/index.js + 5 modules
var model = __webpack_require__(53118);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: ./lib/store/retry.js + 2 modules
var store_retry = __webpack_require__(15478);
;// CONCATENATED MODULE: ./node_modules/aws4fetch/dist/aws4fetch.esm.mjs
/**
 * @license MIT <https://opensource.org/licenses/MIT>
 * @copyright Michael Hart 2024
 */
const encoder = new TextEncoder();
const HOST_SERVICES = {
  appstream2: 'appstream',
  cloudhsmv2: 'cloudhsm',
  email: 'ses',
  marketplace: 'aws-marketplace',
  mobile: 'AWSMobileHubService',
  pinpoint: 'mobiletargeting',
  queue: 'sqs',
  'git-codecommit': 'codecommit',
  'mturk-requester-sandbox': 'mturk-requester',
  'personalize-runtime': 'personalize',
};
const UNSIGNABLE_HEADERS = new Set([
  'authorization',
  'content-type',
  'content-length',
  'user-agent',
  'presigned-expires',
  'expect',
  'x-amzn-trace-id',
  'range',
  'connection',
]);
class AwsClient {
  constructor({ accessKeyId, secretAccessKey, sessionToken, service, region, cache, retries, initRetryMs }) {
    if (accessKeyId == null) throw new TypeError('accessKeyId is a required option')
    if (secretAccessKey == null) throw new TypeError('secretAccessKey is a required option')
    this.accessKeyId = accessKeyId;
    this.secretAccessKey = secretAccessKey;
    this.sessionToken = sessionToken;
    this.service = service;
    this.region = region;
    this.cache = cache || new Map();
    this.retries = retries != null ? retries : 10;
    this.initRetryMs = initRetryMs || 50;
  }
  async sign(input, init) {
    if (input instanceof Request) {
      const { method, url, headers, body } = input;
      init = Object.assign({ method, url, headers }, init);
      if (init.body == null && headers.has('Content-Type')) {
        init.body = body != null && headers.has('X-Amz-Content-Sha256') ? body : await input.clone().arrayBuffer();
      }
      input = url;
    }
    const signer = new AwsV4Signer(Object.assign({ url: input.toString() }, init, this, init && init.aws));
    const signed = Object.assign({}, init, await signer.sign());
    delete signed.aws;
    try {
      return new Request(signed.url.toString(), signed)
    } catch (e) {
      if (e instanceof TypeError) {
        return new Request(signed.url.toString(), Object.assign({ duplex: 'half' }, signed))
      }
      throw e
    }
  }
  async fetch(input, init) {
    for (let i = 0; i <= this.retries; i++) {
      const fetched = fetch(await this.sign(input, init));
      if (i === this.retries) {
        return fetched
      }
      const res = await fetched;
      if (res.status < 500 && res.status !== 429) {
        return res
      }
      await new Promise(resolve => setTimeout(resolve, Math.random() * this.initRetryMs * Math.pow(2, i)));
    }
    throw new Error('An unknown error occurred, ensure retries is not negative')
  }
}
class AwsV4Signer {
  constructor({ method, url, headers, body, accessKeyId, secretAccessKey, sessionToken, service, region, cache, datetime, signQuery, appendSessionToken, allHeaders, singleEncode }) {
    if (url == null) throw new TypeError('url is a required option')
    if (accessKeyId == null) throw new TypeError('accessKeyId is a required option')
    if (secretAccessKey == null) throw new TypeError('secretAccessKey is a required option')
    this.method = method || (body ? 'POST' : 'GET');
    this.url = new URL(url);
    this.headers = new Headers(headers || {});
    this.body = body;
    this.accessKeyId = accessKeyId;
    this.secretAccessKey = secretAccessKey;
    this.sessionToken = sessionToken;
    let guessedService, guessedRegion;
    if (!service || !region) {
[guessedService, guessedRegion] = guessServiceRegion(this.url, this.headers);
    }
    this.service = service || guessedService || '';
    this.region = region || guessedRegion || 'us-east-1';
    this.cache = cache || new Map();
    this.datetime = datetime || new Date().toISOString().replace(/[:-]|\.\d{3}/g, '');
    this.signQuery = signQuery;
    this.appendSessionToken = appendSessionToken || this.service === 'iotdevicegateway';
    this.headers.delete('Host');
    if (this.service === 's3' && !this.signQuery && !this.headers.has('X-Amz-Content-Sha256')) {
      this.headers.set('X-Amz-Content-Sha256', 'UNSIGNED-PAYLOAD');
    }
    const params = this.signQuery ? this.url.searchParams : this.headers;
    params.set('X-Amz-Date', this.datetime);
    if (this.sessionToken && !this.appendSessionToken) {
      params.set('X-Amz-Security-Token', this.sessionToken);
    }
    this.signableHeaders = ['host', ...this.headers.keys()]
      .filter(header => allHeaders || !UNSIGNABLE_HEADERS.has(header))
      .sort();
    this.signedHeaders = this.signableHeaders.join(';');
    this.canonicalHeaders = this.signableHeaders
      .map(header => header + ':' + (header === 'host' ? this.url.host : (this.headers.get(header) || '').replace(/\s+/g, ' ')))
      .join('\n');
    this.credentialString = [this.datetime.slice(0, 8), this.region, this.service, 'aws4_request'].join('/');
    if (this.signQuery) {
      if (this.service === 's3' && !params.has('X-Amz-Expires')) {
        params.set('X-Amz-Expires', '86400');
      }
      params.set('X-Amz-Algorithm', 'AWS4-HMAC-SHA256');
      params.set('X-Amz-Credential', this.accessKeyId + '/' + this.credentialString);
      params.set('X-Amz-SignedHeaders', this.signedHeaders);
    }
    if (this.service === 's3') {
      try {
        this.encodedPath = decodeURIComponent(this.url.pathname.replace(/\+/g, ' '));
      } catch (e) {
        this.encodedPath = this.url.pathname;
      }
    } else {
      this.encodedPath = this.url.pathname.replace(/\/+/g, '/');
    }
    if (!singleEncode) {
      this.encodedPath = encodeURIComponent(this.encodedPath).replace(/%2F/g, '/');
    }
    this.encodedPath = encodeRfc3986(this.encodedPath);
    const seenKeys = new Set();
    this.encodedSearch = [...this.url.searchParams]
      .filter(([k]) => {
        if (!k) return false
        if (this.service === 's3') {
          if (seenKeys.has(k)) return false
          seenKeys.add(k);
        }
        return true
      })
      .map(pair => pair.map(p => encodeRfc3986(encodeURIComponent(p))))
      .sort(([k1, v1], [k2, v2]) => k1 < k2 ? -1 : k1 > k2 ? 1 : v1 < v2 ? -1 : v1 > v2 ? 1 : 0)
      .map(pair => pair.join('='))
      .join('&');
  }
  async sign() {
    if (this.signQuery) {
      this.url.searchParams.set('X-Amz-Signature', await this.signature());
      if (this.sessionToken && this.appendSessionToken) {
        this.url.searchParams.set('X-Amz-Security-Token', this.sessionToken);
      }
    } else {
      this.headers.set('Authorization', await this.authHeader());
    }
    return {
      method: this.method,
      url: this.url,
      headers: this.headers,
      body: this.body,
    }
  }
  async authHeader() {
    return [
      'AWS4-HMAC-SHA256 Credential=' + this.accessKeyId + '/' + this.credentialString,
      'SignedHeaders=' + this.signedHeaders,
      'Signature=' + (await this.signature()),
    ].join(', ')
  }
  async signature() {
    const date = this.datetime.slice(0, 8);
    const cacheKey = [this.secretAccessKey, date, this.region, this.service].join();
    let kCredentials = this.cache.get(cacheKey);
    if (!kCredentials) {
      const kDate = await hmac('AWS4' + this.secretAccessKey, date);
      const kRegion = await hmac(kDate, this.region);
      const kService = await hmac(kRegion, this.service);
      kCredentials = await hmac(kService, 'aws4_request');
      this.cache.set(cacheKey, kCredentials);
    }
    return buf2hex(await hmac(kCredentials, await this.stringToSign()))
  }
  async stringToSign() {
    return [
      'AWS4-HMAC-SHA256',
      this.datetime,
      this.credentialString,
      buf2hex(await hash(await this.canonicalString())),
    ].join('\n')
  }
  async canonicalString() {
    return [
      this.method.toUpperCase(),
      this.encodedPath,
      this.encodedSearch,
      this.canonicalHeaders + '\n',
      this.signedHeaders,
      await this.hexBodyHash(),
    ].join('\n')
  }
  async hexBodyHash() {
    let hashHeader = this.headers.get('X-Amz-Content-Sha256') || (this.service === 's3' && this.signQuery ? 'UNSIGNED-PAYLOAD' : null);
    if (hashHeader == null) {
      if (this.body && typeof this.body !== 'string' && !('byteLength' in this.body)) {
        throw new Error('body must be a string, ArrayBuffer or ArrayBufferView, unless you include the X-Amz-Content-Sha256 header')
      }
      hashHeader = buf2hex(await hash(this.body || ''));
    }
    return hashHeader
  }
}
async function hmac(key, string) {
  const cryptoKey = await crypto.subtle.importKey(
    'raw',
    typeof key === 'string' ? encoder.encode(key) : key,
    { name: 'HMAC', hash: { name: 'SHA-256' } },
    false,
    ['sign'],
  );
  return crypto.subtle.sign('HMAC', cryptoKey, encoder.encode(string))
}
async function hash(content) {
  return crypto.subtle.digest('SHA-256', typeof content === 'string' ? encoder.encode(content) : content)
}
const HEX_CHARS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'];
function buf2hex(arrayBuffer) {
  const buffer = new Uint8Array(arrayBuffer);
  let out = '';
  for (let idx = 0; idx < buffer.length; idx++) {
    const n = buffer[idx];
    out += HEX_CHARS[(n >>> 4) & 0xF];
    out += HEX_CHARS[n & 0xF];
  }
  return out
}
function encodeRfc3986(urlEncodedStr) {
  return urlEncodedStr.replace(/[!'()*]/g, c => '%' + c.charCodeAt(0).toString(16).toUpperCase())
}
function guessServiceRegion(url, headers) {
  const { hostname, pathname } = url;
  if (hostname.endsWith('.on.aws')) {
    const match = hostname.match(/^[^.]{1,63}\.lambda-url\.([^.]{1,63})\.on\.aws$/);
    return match != null ? ['lambda', match[1] || ''] : ['', '']
  }
  if (hostname.endsWith('.r2.cloudflarestorage.com')) {
    return ['s3', 'auto']
  }
  if (hostname.endsWith('.backblazeb2.com')) {
    const match = hostname.match(/^(?:[^.]{1,63}\.)?s3\.([^.]{1,63})\.backblazeb2\.com$/);
    return match != null ? ['s3', match[1] || ''] : ['', '']
  }
  const match = hostname.replace('dualstack.', '').match(/([^.]{1,63})\.(?:([^.]{0,63})\.)?amazonaws\.com(?:\.cn)?$/);
  let service = (match && match[1]) || '';
  let region = match && match[2];
  if (region === 'us-gov') {
    region = 'us-gov-west-1';
  } else if (region === 's3' || region === 's3-accelerate') {
    region = 'us-east-1';
    service = 's3';
  } else if (service === 'iot') {
    if (hostname.startsWith('iot.')) {
      service = 'execute-api';
    } else if (hostname.startsWith('data.jobs.iot.')) {
      service = 'iot-jobs-data';
    } else {
      service = pathname === '/mqtt' ? 'iotdevicegateway' : 'iotdata';
    }
  } else if (service === 'autoscaling') {
    const targetPrefix = (headers.get('X-Amz-Target') || '').split('.')[0];
    if (targetPrefix === 'AnyScaleFrontendService') {
      service = 'application-autoscaling';
    } else if (targetPrefix === 'AnyScaleScalingPlannerFrontendService') {
      service = 'autoscaling-plans';
    }
  } else if (region == null && service.startsWith('s3-')) {
    region = service.slice(3).replace(/^fips-|^external-1/, '');
    service = 's3';
  } else if (service.endsWith('-fips')) {
    service = service.slice(0, -5);
  } else if (region && /-\d$/.test(service) && !/-\d$/.test(region)) {
[service, region] = [region, service];
  }
  return [HOST_SERVICES[service] || service, region || '']
}



// EXTERNAL MODULE: ./lib/store/uri.js
var store_uri = __webpack_require__(19755);
;// CONCATENATED MODULE: ./lib/store/s3-objects.js



function s3Objects(uri, env) {
    const match = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(uri);
    if (!match)
        throw new model/* ConfigurationError */.j1(`db "${(0,store_uri/* redactUri */.sU)(uri)}": not an s3://bucket/path location`);
    const [bucket, prefix] = [match[1], match[2].replace(/\/+$/, "")];
    const options = (0,store_uri/* s3StorageOptions */.er)(env);
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
        url: (...key) => `${endpoint}/${encodeURIComponent(bucket)}/${[prefix, ...key]
            .filter(Boolean)
            .join("/")
            .split("/")
            .map(encodeURIComponent)
            .join("/")}`,
    };
}

;// CONCATENATED MODULE: ./lib/store/commit-safety.js





/*
 * Lance commits a new table version by creating the next manifest object only if it does not
 * exist yet (S3's `If-None-Match: *`). An S3-compatible server that ignores that header lets
 * two concurrent commits both "create" the same version: one silently replaces the other and
 * its rows are lost (measured: 8 concurrent appends kept 1 of 8; docs/architecture.md). So before writing to
 * s3:// the suite asks the endpoint itself, and refuses one that does not honour conditional
 * creates. `s3+ddb://` commits through a DynamoDB lock instead and needs no probe.
 */
/** Set to 1 to write to an endpoint without conditional writes anyway (one publisher at a time only). */
const ALLOW_UNSAFE_COMMITS_ENV = "LANCE_BENCH_ALLOW_UNSAFE_COMMITS";
/** What one probe request answered: HTTP status and the S3 error code, if any. */
async function send(client, url, init) {
    const response = await client.fetch(url, init);
    const body = await response.text();
    const code = /<Code>([^<]+)<\/Code>/.exec(body)?.[1];
    return { status: response.status, code };
}
/**
 * Creates a probe object twice with `If-None-Match: *`. A server that honours conditional
 * writes refuses the second create (412, or 409 while the first is in flight).
 */
async function honoursConditionalCreate(uri, env) {
    const { client, url: objectUrl } = s3Objects(uri, env);
    const url = objectUrl("_lance_bench", `commit-probe-${(0,external_node_crypto_.randomUUID)()}`);
    const create = () => send(client, url, { method: "PUT", body: "probe", headers: { "If-None-Match": "*" } });
    try {
        const first = await create();
        if (first.status >= 300)
            throw probeFailure(uri, first);
        const second = await create();
        if (second.status === 412 || second.status === 409)
            return true;
        if (second.status < 300)
            return false;
        throw probeFailure(uri, second);
    }
    finally {
        await client.fetch(url, { method: "DELETE" }).then((r) => r.body?.cancel(), () => undefined);
    }
}
/** 5xx and throttling are worth retrying; anything else (no bucket, no access) is final. */
function probeFailure(uri, answer) {
    const message = `${answer.code ?? "error"} (HTTP ${answer.status})`;
    if (answer.status >= 500 || answer.status === 429)
        return new Error(message);
    const hint = (0,store_retry/* s3CodeHint */.r_)(answer.code);
    return new model/* StoreError */.AD(`checking ${(0,store_uri/* redactUri */.sU)(uri)} for conditional writes: ${message}${hint ? `; ${hint}` : ""}`);
}
const verdicts = new Map();
/**
 * Whether commits to `uri` are safe with concurrent publishers; throws a ConfigurationError
 * for an S3 endpoint that ignores conditional writes unless explicitly allowed. Asked once
 * per location and process.
 */
function ensureSafeCommits(uri, retry, env = process.env, log = () => { }) {
    const scheme = /^([a-z0-9+]+):\/\//i.exec(uri)?.[1]?.toLowerCase();
    if (scheme === "s3+ddb")
        return Promise.resolve("external-lock");
    if (scheme !== "s3")
        return Promise.resolve("local");
    const known = verdicts.get(uri);
    if (known)
        return known;
    const verdict = (async () => {
        const safe = await (0,store_retry/* withStoreRetry */.sv)(`checking ${(0,store_uri/* redactUri */.sU)(uri)} for conditional writes`, () => honoursConditionalCreate(uri, env), retry, log);
        if (safe)
            return "conditional-writes";
        if (env[ALLOW_UNSAFE_COMMITS_ENV] === "1") {
            log(`warning: ${(0,store_uri/* redactUri */.sU)(uri)} ignores conditional writes; writing anyway because ${ALLOW_UNSAFE_COMMITS_ENV}=1 ` +
                "(concurrent publishers to this table will lose rows)");
            return "unsafe-allowed";
        }
        throw new model/* ConfigurationError */.j1(`db ${(0,store_uri/* redactUri */.sU)(uri)}: the S3 endpoint ignores conditional writes (If-None-Match), so concurrent ` +
            "publishers would silently overwrite each other's commits and lose rows. Use an endpoint that " +
            "supports them (AWS S3, MinIO), or s3+ddb://bucket/path?ddbTableName=TABLE for a DynamoDB commit lock; " +
            `if only one publisher ever writes to this table, set ${ALLOW_UNSAFE_COMMITS_ENV}=1`);
    })();
    verdicts.set(uri, verdict);
    verdict.catch(() => verdicts.delete(uri));
    return verdict;
}

// EXTERNAL MODULE: ./lib/store/lancedb.js
var store_lancedb = __webpack_require__(49608);
;// CONCATENATED MODULE: ./lib/store/connect.js




/** What LanceDB is told about reaching the store: S3's endpoint, region and credentials, or nothing. */
function storageOptionsFor(uri, env = process.env) {
    return (0,store_uri/* isRemoteUri */.DE)(uri) ? (0,store_uri/* s3StorageOptions */.er)(env) : {};
}
async function connectDb(uri, retry, onRetry, env = process.env) {
    const storageOptions = storageOptionsFor(uri, env);
    if ((0,store_uri/* isRemoteUri */.DE)(uri) && !storageOptions.region && !storageOptions.endpoint) {
        // Without a region LanceDB asks AWS where the bucket is (and fails with a dump when it
        // cannot), while the conditional-write probe would sign for us-east-1: name the variable.
        throw new model/* ConfigurationError */.j1(`db ${(0,store_uri/* redactUri */.sU)(uri)}: no AWS region: set AWS_REGION (or AWS_DEFAULT_REGION) to the bucket's region, e.g. us-east-1`);
    }
    const lancedb = await (0,store_lancedb/* loadLanceDb */.ks)();
    return (0,store_retry/* withStoreRetry */.sv)(`connecting to ${(0,store_uri/* redactUri */.sU)(uri)}`, () => lancedb.connect(uri, { storageOptions }), retry, onRetry);
}

;// CONCATENATED MODULE: ./lib/store/schema.js
/**
 * The Arrow schema of the `results` table. The first ten fields are the Python lance-bench's, with
 * its names and types, so its Python package reads every row the suite writes; the rest
 * are the suite's extension columns (docs/architecture.md). Strings are plain Utf8 on purpose: LanceDB
 * refuses a BTREE index on a dictionary-encoded column.
 *
 * Every field is nullable, as pyarrow makes them by default: struct equality includes the
 * children's nullability, so this is what lets the Python lance-bench's reader (and writer) see exactly
 * its own types. Non-null is enforced where rows are built, by the zod model.
 */
const SUMMARY_FIELDS = ["min", "q1", "median", "q3", "max", "mean", "standard_deviation"];
const schemas = new WeakMap();
function resultsSchema(arrow) {
    let schema = schemas.get(arrow);
    if (!schema)
        schemas.set(arrow, (schema = buildSchema(arrow)));
    return schema;
}
function buildSchema({ Field, Float64, Int32, Int64, List, Schema, Struct, Utf8 }) {
    const field = (name, type) => new Field(name, type, true);
    const f64 = () => new Float64();
    const utf8 = () => new Utf8();
    return new Schema([
        field("id", utf8()),
        field("dut", new Struct([field("name", utf8()), field("version", utf8()), field("timestamp", new Int64())])),
        field("test_bed", new Struct([
            field("name", utf8()),
            field("cpu", utf8()),
            field("memory_gb", new Int32()),
            field("os", utf8()),
            field("created_at", new Int64()),
        ])),
        field("benchmark_name", utf8()),
        field("values", new List(field("item", f64()))),
        field("summary", new Struct(SUMMARY_FIELDS.map((name) => field(name, f64())))),
        field("units", utf8()),
        field("throughput", new Struct([field("multiplier", f64()), field("name", utf8()), field("unit_system", utf8())])),
        field("metadata", utf8()),
        field("timestamp", new Int64()),
        // extension columns
        field("sha", utf8()),
        field("metric", utf8()),
        field("direction", utf8()),
        field("params", utf8()),
        field("source_format", utf8()),
        field("status", utf8()),
        field("status_reason", utf8()),
        field("run", new Struct([
            field("provider", utf8()),
            field("repository", utf8()),
            field("workflow", utf8()),
            field("run_id", utf8()),
            field("run_attempt", new Int32()),
            field("ref", utf8()),
            field("pr_number", new Int32()),
        ])),
        field("fingerprint", utf8()),
    ]);
}
/** The Python lance-bench's ten columns, then the suite's extension columns, in schema order. */
const SEED_COLUMNS = [
    "id",
    "dut",
    "test_bed",
    "benchmark_name",
    "values",
    "summary",
    "units",
    "throughput",
    "metadata",
    "timestamp",
];
const EXTENSION_COLUMNS = [
    "sha",
    "metric",
    "direction",
    "params",
    "source_format",
    "status",
    "status_reason",
    "run",
    "fingerprint",
];
/**
 * The Lance file format new tables are created in, chosen here only. 2.1 is read and written
 * both by this suite and by the Python lance-bench's locked stack (lancedb 0.25.3, pylance 0.39):
 * that stack panics on 2.2 (LanceDB Node's default), and its appends make a 2.2 table unreadable
 * to newer readers; 2.0 (its own default) cannot store a null struct, such as a result
 * without throughput.
 */
const RESULTS_FORMAT = "2.1";
/** Formats the Python lance-bench's locked stack reads. */
const SEED_READABLE_FORMATS = new Set(["2.0", "2.1"]);

;// CONCATENATED MODULE: ./lib/store/convert.js

/** Results as one Arrow table in the exact `results` schema (Int64 columns take BigInt). */
function toArrowTable(arrow, results) {
    const { RecordBatch, Struct, Table, vectorFromArray } = arrow;
    const schema = resultsSchema(arrow);
    const rows = results.map((r) => ({
        ...r,
        dut: { ...r.dut, timestamp: BigInt(r.dut.timestamp) },
        test_bed: { ...r.test_bed, created_at: BigInt(r.test_bed.created_at) },
        timestamp: BigInt(r.timestamp),
    }));
    const rowsVector = vectorFromArray(rows, new Struct(schema.fields));
    return new Table(rowsVector.data.map((data) => new RecordBatch(schema, data)));
}
/** A row read back from LanceDB as plain JSON values (BigInt → number, Arrow vectors → arrays). */
function toPlainRow(row) {
    return JSON.parse(JSON.stringify(row, (_key, value) => (typeof value === "bigint" ? Number(value) : value)));
}

;// CONCATENATED MODULE: ./lib/store/migration.js

const typeOf = (field) => String(field.type);
/** `schema` (a table's) against `ours` (the suite's, `resultsSchema`). */
function checkColumns(schema, ourSchema) {
    const ours = new Map(ourSchema.fields.map((f) => [f.name, f]));
    const theirs = new Map(schema.fields.map((f) => [f.name, f]));
    const missing = [...SEED_COLUMNS, ...EXTENSION_COLUMNS].filter((name) => !theirs.has(name));
    const mistyped = schema.fields
        .filter((f) => ours.has(f.name) && typeOf(f) !== typeOf(ours.get(f.name)))
        .map((f) => `${f.name}: ${typeOf(f)} (ours: ${typeOf(ours.get(f.name))})`);
    const unknown = schema.fields.filter((f) => !ours.has(f.name)).map((f) => f.name);
    return { missing, mistyped, unknown };
}
/** Why a table cannot be migrated, or undefined when it is the Python lance-bench's or ours (perhaps partly migrated). */
function unrecognised(check) {
    const seedMissing = check.missing.filter((name) => SEED_COLUMNS.includes(name));
    if (seedMissing.length > 0)
        return `it lacks the Python lance-bench's columns ${seedMissing.join(", ")}`;
    if (check.mistyped.length > 0)
        return `columns of another type: ${check.mistyped.join("; ")}`;
    if (check.unknown.length > 0)
        return `columns neither the Python lance-bench nor this suite writes: ${check.unknown.join(", ")}`;
    return undefined;
}
/** What the Python lance-bench's raw record in `metadata` says the row came from. */
function sourceFormatOf(metadata) {
    if (metadata === null)
        return null;
    if (/"reason":\s*"benchmark-complete"/.test(metadata))
        return "criterion-json";
    if (/"fullname":/.test(metadata))
        return "pytest-benchmark";
    return null;
}
/** pytest-benchmark's parameters, kept as this suite keeps them (JSON), when the record has any. */
function paramsOf(metadata) {
    if (metadata === null || !/"params":\s*\{/.test(metadata))
        return null;
    try {
        const params = JSON.parse(metadata).params;
        return params && typeof params === "object" ? JSON.stringify(params) : null;
    }
    catch {
        return null;
    }
}
const isPlaceholder = (t) => t.multiplier === 0 && t.name === "" && t.unit_system === "";
/**
 * Every row of `input` (batches of a seed table, or of one of ours partly migrated; LanceDB's own
 * Arrow, which may be another copy of the module than `arrow`) in the suite's schema.
 * Seed columns are carried over as they are (same types, checked by `checkColumns` first);
 * extension columns keep what a row has and otherwise get what the row tells: metric `time` and
 * `lower_is_better` (the Python lance-bench stored nanoseconds only), status `ok` (it stored successes only),
 * the source format and pytest parameters from the raw record. `sha`, `run` and `fingerprint`
 * cannot be derived and stay null: the 7-character sha in `dut.version` still finds the commit.
 */
function toResultsSchema(arrow, input, rewrite) {
    const { makeData, RecordBatch, Struct, Table, Utf8, vectorFromArray } = arrow;
    const RESULTS_SCHEMA = resultsSchema(arrow);
    let placeholderThroughputs = 0;
    let rewritten = 0;
    const sourceFormats = {};
    const batches = input.map((batch) => {
        const column = (name) => batch.getChild(name);
        const strings = (name) => {
            const vector = column(name);
            return Array.from({ length: batch.numRows }, (_, i) => vector?.get(i) ?? null);
        };
        const metadata = strings("metadata");
        const formats = strings("source_format").map((known, i) => known ?? sourceFormatOf(metadata[i]));
        for (const format of formats)
            sourceFormats[format ?? "unknown"] = (sourceFormats[format ?? "unknown"] ?? 0) + 1;
        const throughputField = RESULTS_SCHEMA.fields.find((f) => f.name === "throughput");
        const throughputs = Array.from({ length: batch.numRows }, (_, i) => {
            const value = column("throughput")?.get(i);
            const plain = value?.toJSON() ?? null;
            if (plain && isPlaceholder(plain)) {
                placeholderThroughputs++;
                return null;
            }
            return plain;
        });
        const utf8 = (values) => vectorFromArray(values, new Utf8()).data[0];
        const withDefault = (name, fallback) => utf8(strings(name).map((value, i) => value ?? fallback(i)));
        const derived = {};
        if (rewrite) {
            const values = column("values");
            const summaries = column("summary");
            const rows = metadata.map((meta, i) => {
                const own = Array.from(values?.get(i) ?? []);
                const changed = rewrite(own, meta);
                if (changed)
                    rewritten++;
                return (changed ?? {
                    values: own,
                    summary: summaries?.get(i)?.toJSON() ?? null,
                    metadata: meta,
                });
            });
            const typeOfField = (name) => RESULTS_SCHEMA.fields.find((f) => f.name === name).type;
            derived.values = () => vectorFromArray(rows.map((r) => r.values), typeOfField("values")).data[0];
            derived.summary = () => vectorFromArray(rows.map((r) => r.summary), typeOfField("summary")).data[0];
            derived.metadata = () => utf8(rows.map((r) => r.metadata));
        }
        Object.assign(derived, {
            throughput: () => vectorFromArray(throughputs, throughputField.type).data[0],
            metric: () => withDefault("metric", () => "time"),
            direction: () => withDefault("direction", () => "lower_is_better"),
            status: () => withDefault("status", () => "ok"),
            source_format: () => utf8(formats),
            params: () => withDefault("params", (i) => paramsOf(metadata[i])),
        });
        const children = RESULTS_SCHEMA.fields.map((field) => {
            const make = derived[field.name];
            if (make)
                return make();
            const existing = column(field.name);
            if (existing)
                return existing.data[0];
            return vectorFromArray(new Array(batch.numRows).fill(null), field.type).data[0];
        });
        const data = makeData({ type: new Struct(RESULTS_SCHEMA.fields), length: batch.numRows, nullCount: 0, children });
        return new RecordBatch(RESULTS_SCHEMA, data);
    });
    return { table: new Table(RESULTS_SCHEMA, batches), rewritten, placeholderThroughputs, sourceFormats };
}

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
;// CONCATENATED MODULE: ./lib/store/table-format.js




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
function manifestNames(version) {
    const inverted = (2n ** 64n - 1n - BigInt(version)).toString().padStart(20, "0");
    return [`${version}.manifest`, `${inverted}.manifest`];
}
/** The file format of `table` at `version` in the store at `uri`, or null when it cannot be read. */
async function readTableFormat(uri, table, version, env = process.env) {
    for (const name of manifestNames(version)) {
        const bytes = await readManifest(uri, `${table}.lance`, name, env);
        if (bytes)
            return FORMAT_IN_MANIFEST.exec(bytes.toString("latin1"))?.[1] ?? null;
    }
    return null;
}
async function readManifest(uri, dir, name, env) {
    if (!(0,store_uri/* isRemoteUri */.DE)(uri)) {
        return (0,promises_.readFile)(external_node_path_.join((0,store_uri/* localPath */.$S)(uri), dir, "_versions", name)).catch(() => null);
    }
    if (!/^s3:\/\//i.test(uri))
        return null; // s3+ddb keeps its manifests behind DynamoDB's names
    const { client, url } = s3Objects(uri, env);
    const response = await client.fetch(url(dir, "_versions", name));
    if (response.status !== 200) {
        await response.body?.cancel();
        return null;
    }
    return Buffer.from(await response.arrayBuffer());
}

;// CONCATENATED MODULE: ./lib/store/sql.js

/**
 * A string literal for a LanceDB (DataFusion SQL) filter. Quotes are doubled, which is the
 * SQL escape, and control characters are refused outright, so a user string can never end
 * the literal or smuggle in another clause.
 */
function sqlString(value, input) {
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(value)) {
        throw new model/* ConfigurationError */.j1(`${input} contains a control character: ${JSON.stringify(value)}`);
    }
    return `'${value.replaceAll("'", "''")}'`;
}

;// CONCATENATED MODULE: ./lib/store/results-table.js












const RESULTS_TABLE = "results";
/** Rows a migration holds in memory at once (see `migrate`); LANCE_BENCH_MIGRATION_CHUNK sets it. */
const MIGRATION_CHUNK = 50_000;
function migrationChunk(env) {
    const raw = env.LANCE_BENCH_MIGRATION_CHUNK;
    if (raw === undefined || raw === "")
        return MIGRATION_CHUNK;
    const rows = Number(raw);
    if (!Number.isInteger(rows) || rows < 1) {
        throw new model/* ConfigurationError */.j1(`LANCE_BENCH_MIGRATION_CHUNK: "${raw}" is not a positive whole number of rows`);
    }
    return rows;
}
/** The version a migration started from and never finished, from the table's tags. */
function unfinishedMigration(tags) {
    const started = Object.keys(tags).flatMap((tag) => /^lance-bench-before-migration-v(\d+)$/.exec(tag)?.[1] ?? []);
    const open = started.map(Number).filter((version) => !(`lance-bench-migrated-from-v${version}` in tags));
    return open.length > 0 ? Math.max(...open) : undefined;
}
/** Columns with a scalar (BTREE) index: the scheduler's sha look-up and per-benchmark history. */
const INDEXED_COLUMNS = ["sha", "benchmark_name"];
/** Unindexed rows tolerated before a publish folds them into the indexes. */
const INDEX_REFRESH_THRESHOLD = 20_000;
/** The columns `refHistory` reads: what a history needs, without the samples. */
const HISTORY_COLUMNS = [
    "sha",
    "benchmark_name",
    "metric",
    "units",
    "direction",
    "fingerprint",
    "test_bed",
    "dut",
    "summary",
    "timestamp",
];
/** The `results` table: open, write idempotently, and query by exact, indexed matches. */
class ResultStore {
    db;
    uri;
    retry;
    log;
    indexRefreshThreshold;
    storageOptions;
    constructor(db, uri, retry, log, indexRefreshThreshold, 
    /** What the connection was opened with: a new table is given the same (and its format). */
    storageOptions) {
        this.db = db;
        this.uri = uri;
        this.retry = retry;
        this.log = log;
        this.indexRefreshThreshold = indexRefreshThreshold;
        this.storageOptions = storageOptions;
    }
    static async open(options) {
        const retry = options.retry ?? store_retry/* DEFAULT_RETRY */.vI;
        const log = options.log ?? (() => { });
        const db = await connectDb(options.uri, retry, log);
        return new ResultStore(db, options.uri, retry, log, options.indexRefreshThreshold ?? INDEX_REFRESH_THRESHOLD, storageOptionsFor(options.uri));
    }
    /**
     * Opens a store that must already exist, for reading: never creates the folder or the
     * table (LanceDB's `connect` creates a missing local folder). A mistyped `--db` is an error
     * naming the location, not an empty store that answers "no results".
     */
    static async openExisting(options) {
        const where = (0,store_uri/* redactUri */.sU)(options.uri);
        const folder = (0,store_uri/* localPath */.$S)(options.uri);
        if (folder !== undefined) {
            const found = await (0,promises_.stat)(folder).catch((error) => {
                if (error.code === "ENOENT" || error.code === "ENOTDIR")
                    return undefined;
                throw new model/* ConfigurationError */.j1(`db ${where}: cannot be read (${error.message})`);
            });
            if (!found) {
                throw new model/* ConfigurationError */.j1(`db ${where}: no result store there (the folder does not exist); check --db or LANCE_BENCH_URI, or publish first`);
            }
            if (!found.isDirectory())
                throw new model/* ConfigurationError */.j1(`db ${where}: is a file, not a result store folder`);
        }
        const store = await ResultStore.open(options);
        if (options.allowMissingTable)
            return store;
        try {
            if (!(await store.existingTable())) {
                throw new model/* ConfigurationError */.j1(`db ${where}: no ${RESULTS_TABLE} table there (nothing was ever published to it); check --db or LANCE_BENCH_URI`);
            }
            return store;
        }
        catch (error) {
            store.close();
            throw error;
        }
    }
    close() {
        this.db.close();
    }
    /** The table, or undefined when nothing was ever published here. */
    async existingTable() {
        return (0,store_retry/* withStoreRetry */.sv)(`opening table ${RESULTS_TABLE} in ${(0,store_uri/* redactUri */.sU)(this.uri)}`, async () => {
            const names = await this.db.tableNames();
            return names.includes(RESULTS_TABLE) ? this.openLatest() : undefined;
        }, this.retry, this.log);
    }
    /** The table at its latest version; call inside `withStoreRetry`. */
    async openLatest() {
        try {
            return await this.db.openTable(RESULTS_TABLE);
        }
        catch (error) {
            // Listed but without a version yet: another publisher is creating it right now.
            const message = (0,model/* describeError */.Uc)(error);
            if (/was not found/i.test(message))
                throw new store_retry/* TransientStoreError */.EJ(message);
            throw error;
        }
    }
    async tableForWriting() {
        const existing = await this.existingTable();
        if (existing) {
            await this.checkSchema(existing);
            return existing;
        }
        const { table, created } = await this.createOrOpen();
        await this.checkSchema(table);
        if (created)
            await this.recoverFromCreateRace(table);
        return table;
    }
    /**
     * Creates the table, empty, or opens it where another publisher got there first. `created`
     * is true only when `table` is at the version our own create committed: LanceDB's `existOk`
     * would hand back the latest version without saying whose it is, and treating that as ours
     * made two publishers restore the same rows (see recoverFromCreateRace).
     */
    async createOrOpen() {
        return (0,store_retry/* withStoreRetry */.sv)(`creating table ${RESULTS_TABLE} in ${(0,store_uri/* redactUri */.sU)(this.uri)}`, async () => {
            try {
                const schema = resultsSchema(await (0,store_lancedb/* loadArrow */._l)());
                const table = await this.db.createEmptyTable(RESULTS_TABLE, schema, {
                    mode: "create",
                    storageOptions: this.newTableOptions(),
                });
                return { table, created: true };
            }
            catch (error) {
                if (!/already exists/i.test((0,model/* describeError */.Uc)(error)))
                    throw error;
            }
            return { table: await this.openLatest(), created: false };
        }, this.retry, this.log);
    }
    /**
     * A create can lose a race without failing. Lance checks that the table does not exist, then
     * commits the new table as an Overwrite; when another publisher's create lands in between,
     * ours is committed on top of it — after whatever that publisher already wrote — and those
     * rows disappear from the latest version. They are still in the version just before ours,
     * so merge them back by id (a no-op when that version is the winner's empty table).
     *
     * Only the publisher whose create made the overwriting version restores, and only that
     * version's predecessor, so no two publishers ever restore the same rows. That matters:
     * Lance does not detect two concurrent merge-inserts of the same new ids as a conflict, so
     * two restorers (or one working from a stale version) would both insert them, duplicating
     * every row. A later create that overwrites ours again restores our version's rows itself,
     * and a restore that loses to such an Overwrite is rebuilt on the latest version.
     */
    async recoverFromCreateRace(table) {
        const ours = await table.version();
        if (ours <= 1)
            return;
        const previous = await this.db.openTable(RESULTS_TABLE);
        try {
            await previous.checkout(ours - 1);
            const rows = await previous.query().toArrow();
            if (rows.numRows === 0)
                return;
            this.log(`another publisher created table ${RESULTS_TABLE} at the same moment; restoring its ${rows.numRows} rows`);
            await this.mergeById(table, rows, `restoring ${rows.numRows} rows after a concurrent create`);
        }
        finally {
            previous.close();
        }
    }
    /**
     * One merge-insert commit keyed on `id`. A retry starts from the latest version: a commit
     * that lost to an incompatible concurrent one (an Overwrite) must be rebuilt on top of it.
     */
    async mergeById(table, data, what) {
        const merged = await this.retryOnLatest(table, what, () => table.mergeInsert("id").whenNotMatchedInsertAll().execute(data));
        return merged.numInsertedRows;
    }
    /**
     * `withStoreRetry` for work that commits to `table`: every retry first moves the handle to
     * the latest version, since the try before may have lost to a concurrent commit.
     */
    retryOnLatest(table, what, operation) {
        let attempt = 0;
        return (0,store_retry/* withStoreRetry */.sv)(what, async () => {
            if (attempt++ > 0)
                await table.checkoutLatest();
            return operation();
        }, this.retry, this.log);
    }
    /** New tables are created in the one format both this suite and the Python lance-bench read. */
    newTableOptions() {
        return { ...this.storageOptions, new_table_data_storage_version: RESULTS_FORMAT };
    }
    /** Reads that filter on lance-bench's own columns need a table that has them. */
    async requireMigrated(table, what) {
        const names = new Set((await table.schema()).fields.map((f) => f.name));
        if (!names.has("sha") || !names.has("run")) {
            throw new model/* ConfigurationError */.j1(`${what}: table ${RESULTS_TABLE} in ${(0,store_uri/* redactUri */.sU)(this.uri)} was written by the Python lance-bench's tools and has ` +
                `none of lance-bench's columns; run lance-bench migrate --db ${(0,store_uri/* redactUri */.sU)(this.uri)} --apply first`);
        }
    }
    /** A table written by another tool version must have every column we write. */
    async checkSchema(table) {
        const existing = new Set((await table.schema()).fields.map((f) => f.name));
        const missing = resultsSchema(await (0,store_lancedb/* loadArrow */._l)())
            .fields.map((f) => f.name)
            .filter((name) => !existing.has(name));
        if (missing.length > 0) {
            throw new model/* StoreError */.AD(`table ${RESULTS_TABLE} in ${(0,store_uri/* redactUri */.sU)(this.uri)} lacks the columns ${missing.join(", ")}; ` +
                `it was written by an older tool: run lance-bench migrate --db ${(0,store_uri/* redactUri */.sU)(this.uri)} --apply first`);
        }
    }
    /** What the table is: format, columns, indexes and rows, and whether the Python lance-bench can read it. */
    async inspect() {
        const table = await this.existingTable();
        if (!table) {
            return { exists: false, version: null, format: null, rows: 0, columns: [], check: null, indexes: [], seed: null };
        }
        const [schema, version, rows, indexes] = await (0,store_retry/* withStoreRetry */.sv)("inspecting the table", () => Promise.all([table.schema(), table.version(), table.countRows(), table.listIndices()]), this.retry, this.log);
        const format = await readTableFormat(this.uri, RESULTS_TABLE, version);
        const check = checkColumns(schema, resultsSchema(await (0,store_lancedb/* loadArrow */._l)()));
        const seedProblem = format === null
            ? "its file format could not be read"
            : !SEED_READABLE_FORMATS.has(format)
                ? `format ${format}: the Python lance-bench's pylance 0.39 reads 2.0 and 2.1 only`
                : unrecognised(check);
        return {
            exists: true,
            version,
            format,
            rows,
            columns: schema.fields.map((f) => ({ name: f.name, type: String(f.type) })),
            check,
            indexes: indexes.map((i) => ({ name: i.name, columns: i.columns, type: i.indexType })),
            seed: { readable: seedProblem === undefined, reason: seedProblem ?? null },
        };
    }
    /**
     * Brings the table to the suite's schema in the format both tools read (see migration.ts).
     * A format changes only by rewriting the table as a new version of itself (an Overwrite), and
     * LanceDB takes a write whole, in memory: so the rows are streamed from the version before,
     * MIGRATION_CHUNK at a time — the first chunk overwrites, the rest append — and a million rows
     * need about as much memory as one chunk. A table of one chunk or less is rewritten in one
     * commit; a larger one shows part of its rows while the migration runs.
     *
     * Nothing is lost on the way: the version before is tagged `lance-bench-before-migration-vN`
     * (it stays readable, and cleanup never removes it), the end is tagged
     * `lance-bench-migrated-from-vN`, and a migration killed in between is finished by the next
     * run, which merges the rows of the version before its overwrite back by id (no duplicates).
     * That same pass brings back rows a publisher appended while the overwrite was prepared.
     * `apply: false` only says what would be done. One migration at a time.
     */
    async migrate(options) {
        const before = await this.inspect();
        if (!before.exists) {
            throw new model/* ConfigurationError */.j1(`db ${(0,store_uri/* redactUri */.sU)(this.uri)}: no ${RESULTS_TABLE} table there to migrate`);
        }
        const problem = unrecognised(before.check);
        if (problem) {
            throw new model/* ConfigurationError */.j1(`db ${(0,store_uri/* redactUri */.sU)(this.uri)}: table ${RESULTS_TABLE} is not one lance-bench recognises (${problem}); nothing was changed`);
        }
        const table = (await this.existingTable());
        const tags = await table.tags();
        const unfinished = unfinishedMigration(await tags.list());
        const steps = [];
        const missing = before.check.missing;
        if (missing.length > 0)
            steps.push(`add the columns ${missing.join(", ")}, filled from each row where it tells`);
        if (before.format !== RESULTS_FORMAT) {
            steps.push(`rewrite the table in Lance file format ${RESULTS_FORMAT} (it is ${before.format ?? "unknown"})`);
        }
        if (options.rewrite) {
            const pending = await (0,store_retry/* withStoreRetry */.sv)("counting the rows to rewrite", () => table.countRows(options.rewrite.pending), this.retry, this.log);
            if (pending > 0)
                steps.push(`${options.rewrite.step} (${pending} rows)`);
        }
        const overwrite = unfinished === undefined ? undefined : await this.firstVersionIn(RESULTS_FORMAT, unfinished);
        if (overwrite !== undefined) {
            steps.splice(0, steps.length, `finish the migration from version ${unfinished} (stopped before it ended)`);
        }
        const nothing = { before, steps, applied: false, after: null, restoredRows: 0, taggedVersion: null, summary: null };
        if (steps.length === 0 || !options.apply)
            return nothing;
        await ensureSafeCommits(this.uri, this.retry, process.env, this.log);
        const arrow = await (0,store_lancedb/* loadArrow */._l)();
        const summary = { rewritten: 0, placeholderThroughputs: 0, sourceFormats: {} };
        const convert = (batches) => {
            const migrated = toResultsSchema(arrow, batches, options.rewrite?.row);
            summary.rewritten += migrated.rewritten;
            summary.placeholderThroughputs += migrated.placeholderThroughputs;
            for (const [format, n] of Object.entries(migrated.sourceFormats)) {
                summary.sourceFormats[format] = (summary.sourceFormats[format] ?? 0) + n;
            }
            return migrated.table;
        };
        let from;
        let restoredRows = 0;
        let latest;
        if (overwrite !== undefined) {
            from = unfinished;
            latest = table;
            restoredRows = await this.mergeVersion(latest, overwrite - 1, convert);
        }
        else {
            from = before.version;
            // a migration that stopped before its first commit left only its tag: start afresh
            if (unfinished !== undefined && unfinished !== from)
                await tags.delete(`lance-bench-before-migration-v${unfinished}`);
            if (unfinished !== from)
                await tags.create(`lance-bench-before-migration-v${from}`, from);
            const storageOptions = this.newTableOptions();
            let written;
            for await (const chunk of this.chunksOf(from)) {
                const data = convert(chunk);
                if (written) {
                    // by id, so that a retry after a commit whose answer was lost adds nothing twice
                    await this.mergeById(written.table, data, "copying rows");
                    continue;
                }
                const created = await (0,store_retry/* withStoreRetry */.sv)(`rewriting table ${RESULTS_TABLE}`, () => this.db.createTable(RESULTS_TABLE, data, { mode: "overwrite", storageOptions }), this.retry, this.log);
                written = { table: created, version: await created.version() };
            }
            written ??= await (async () => {
                const created = await this.db.createEmptyTable(RESULTS_TABLE, resultsSchema(arrow), {
                    mode: "overwrite",
                    storageOptions,
                });
                return { table: created, version: await created.version() };
            })();
            latest = written.table;
            // Someone appended while the first chunk was prepared: their rows are in the version before ours.
            if (written.version > from + 1)
                restoredRows = await this.mergeVersion(latest, written.version - 1, convert);
        }
        if (restoredRows > 0)
            this.log(`merged back ${restoredRows} rows that the rewritten version lacked`);
        await this.maintainIndexes(latest);
        await latest.checkoutLatest();
        await (await latest.tags()).create(`lance-bench-migrated-from-v${from}`, await latest.version());
        const after = await this.inspect();
        return {
            before,
            steps,
            applied: true,
            after,
            restoredRows,
            taggedVersion: { tag: `lance-bench-before-migration-v${from}`, version: from },
            summary,
        };
    }
    /** The rows of one version of the table, MIGRATION_CHUNK rows at a time. */
    async *chunksOf(version) {
        const size = migrationChunk(process.env);
        const source = await this.db.openTable(RESULTS_TABLE);
        try {
            await source.checkout(version);
            // One bounded query per chunk: a single scan reads ahead into a large buffer while the
            // chunks are written (a million rows, measured: 1.2 GB at peak instead of 0.86 GB).
            // Rows come in the same order every time from one version, so offsets do not skip any.
            for (let offset = 0;; offset += size) {
                const chunk = await (0,store_retry/* withStoreRetry */.sv)(`reading rows ${offset}… of version ${version}`, () => source.query().offset(offset).limit(size).toArrow(), this.retry, this.log);
                if (chunk.numRows === 0)
                    return;
                yield chunk.batches;
                if (chunk.numRows < size)
                    return;
            }
        }
        finally {
            source.close();
        }
    }
    /** Merges every row of `version` the latest one lacks back into it, by id; returns how many. */
    async mergeVersion(latest, version, convert) {
        let merged = 0;
        for await (const chunk of this.chunksOf(version)) {
            merged += await this.mergeById(latest, convert(chunk), `merging back the rows of version ${version}`);
        }
        return merged;
    }
    /** The first version after `after` written in `format` (a migration's overwrite), if any. */
    async firstVersionIn(format, after) {
        const table = (await this.existingTable());
        const latest = await table.version();
        for (let version = after + 1; version <= latest; version++) {
            if ((await readTableFormat(this.uri, RESULTS_TABLE, version)) === format)
                return version;
        }
        return undefined;
    }
    /**
     * Writes all results in one commit. Rows are keyed by their deterministic `id`, so writing
     * the same results again (a re-run job, or a retry after a commit whose answer was lost)
     * adds nothing.
     */
    async write(results) {
        if (results.length === 0)
            return { inserted: 0, alreadyStored: 0 };
        await ensureSafeCommits(this.uri, this.retry, process.env, this.log);
        const table = await this.tableForWriting();
        const data = toArrowTable(await (0,store_lancedb/* loadArrow */._l)(), results);
        const inserted = await this.mergeById(table, data, `writing ${results.length} rows to ${(0,store_uri/* redactUri */.sU)(this.uri)}`);
        await this.maintainIndexes(table);
        return { inserted, alreadyStored: results.length - inserted };
    }
    /**
     * Creates the scalar indexes once the table has rows, and folds new rows into them when
     * many have piled up (queries stay correct in between: unindexed rows are scanned).
     * Best effort: the rows are already committed, so a failure here (typically concurrent
     * publishers indexing at the same moment) is a warning and the next publish tries again.
     */
    async maintainIndexes(table) {
        const { Index } = await (0,store_lancedb/* loadLanceDb */.ks)();
        try {
            await this.retryOnLatest(table, "indexing", async () => {
                const indexes = await table.listIndices();
                for (const column of INDEXED_COLUMNS) {
                    const index = indexes.find((i) => i.columns.length === 1 && i.columns[0] === column);
                    if (!index) {
                        await table.createIndex(column, { config: Index.btree(), replace: false });
                    }
                    else if ((index.numUnindexedRows ?? 0) >= this.indexRefreshThreshold) {
                        await table.optimize();
                        return;
                    }
                }
            });
        }
        catch (error) {
            this.log(`warning: the rows are stored, but ${(0,model/* describeError */.Uc)(error)}; the next publish will index them`);
        }
    }
    /** Whether the `results` table exists (anything was ever published here). */
    async hasTable() {
        return (await this.existingTable()) !== undefined;
    }
    /** Whether any row is stored for this exact commit. `sha` must already be validated hex. */
    async hasResultsForCommit(sha) {
        return (await this.shasWithResults([sha])).size > 0;
    }
    /** Which of these commits have results: one indexed query for the whole batch. */
    async shasWithResults(shas) {
        return new Set((await this.commitsWithResults(shas)).keys());
    }
    /**
     * Which of these commits have results, and how each was found: by its full sha (one indexed
     * query for the whole batch), or — for rows the Python lance-bench wrote, which carry no sha — by
     * the 7-character sha it puts at the end of `dut.version` (`0.15.0+abc1234`). Shas must
     * already be validated hex.
     */
    async commitsWithResults(shas) {
        const found = new Map();
        const table = await this.existingTable();
        if (!table || shas.length === 0)
            return found;
        const hasShaColumn = (await table.schema()).fields.some((f) => f.name === "sha");
        if (hasShaColumn) {
            const list = shas.map((sha) => sqlString(sha, "sha")).join(", ");
            const rows = await (0,store_retry/* withStoreRetry */.sv)("looking up commits", 
            // a pull request's rows say nothing about the commit's own benchmarking
            () => table.query().where(`sha IN (${list}) AND run.pr_number IS NULL`).select(["sha"]).toArray(), this.retry, this.log);
            for (const row of rows)
                found.set(String(row.sha), "sha");
        }
        const rest = shas.filter((sha) => !found.has(sha));
        if (rest.length === 0)
            return found;
        const versions = rest.map((sha) => `dut.version LIKE ${sqlString(`%+${sha.slice(0, 7)}`, "sha")}`).join(" OR ");
        const seedRows = await (0,store_retry/* withStoreRetry */.sv)("looking up commits by short sha", () => table
            .query()
            .where(`${hasShaColumn ? "sha IS NULL AND " : ""}(${versions})`)
            .select(["dut"])
            .toArray(), this.retry, this.log);
        const shortShas = new Set(seedRows.map((row) => String(row.dut.version).slice(-7)));
        for (const sha of rest)
            if (shortShas.has(sha.slice(0, 7)))
                found.set(sha, "short-sha");
        return found;
    }
    /** Stored rows as plain objects, optionally filtered by exact sha and benchmark name. */
    async query(filter = {}) {
        const table = await this.existingTable();
        if (!table)
            return [];
        const conditions = [];
        if (filter.sha !== undefined) {
            await this.requireMigrated(table, "looking up a commit by sha");
            conditions.push(`sha = ${sqlString(filter.sha, "sha")}`);
        }
        if (filter.benchmark !== undefined)
            conditions.push(`benchmark_name = ${sqlString(filter.benchmark, "benchmark")}`);
        let query = table.query();
        if (conditions.length > 0)
            query = query.where(conditions.join(" AND "));
        if (filter.limit !== undefined)
            query = query.limit(filter.limit);
        const rows = await (0,store_retry/* withStoreRetry */.sv)("reading results", () => query.toArray(), this.retry, this.log);
        return rows.map((row) => toPlainRow(row));
    }
    /**
     * The newest results of these benchmarks on one ref (e.g. main), newest first, at most
     * `perBenchmark` for each benchmark, metric and fingerprint: the history a comparison learns
     * each benchmark's noise from. One indexed query for the whole batch of names.
     */
    async recentResults(filter) {
        const table = await this.existingTable();
        if (!table || filter.names.length === 0 || filter.perBenchmark === 0)
            return [];
        await this.requireMigrated(table, `reading the history of ${filter.ref}`);
        const names = filter.names.map((name) => sqlString(name, "benchmark")).join(", ");
        const where = `run.ref = ${sqlString(filter.ref, "ref")} AND status = 'ok' AND benchmark_name IN (${names})`;
        const rows = await (0,store_retry/* withStoreRetry */.sv)("reading history", () => table.query().where(where).toArray(), this.retry, this.log);
        const newestFirst = rows
            .map((row) => toPlainRow(row))
            .sort((a, b) => b.dut.timestamp - a.dut.timestamp || b.timestamp - a.timestamp);
        const kept = new Map();
        return newestFirst.filter((row) => {
            const key = `${row.benchmark_name}\u0000${row.metric}\u0000${row.fingerprint}`;
            const count = kept.get(key) ?? 0;
            kept.set(key, count + 1);
            return count < filter.perBenchmark;
        });
    }
    /**
     * Every ok result on one ref (main), only the columns a history report needs (no samples):
     * one row per run of a benchmark's metric at a commit. Empty when there is no table.
     */
    async refHistory(ref) {
        const table = await this.existingTable();
        if (!table)
            return [];
        await this.requireMigrated(table, `reading the history of ${ref}`);
        const where = `run.ref = ${sqlString(ref, "ref")} AND status = 'ok'`;
        const rows = await (0,store_retry/* withStoreRetry */.sv)("reading history", () => table
            .query()
            .where(where)
            .select([...HISTORY_COLUMNS])
            .toArray(), this.retry, this.log);
        return rows.map((row) => toPlainRow(row));
    }
    async countRows() {
        const table = await this.existingTable();
        return table ? table.countRows() : 0;
    }
}


/***/ })

};
