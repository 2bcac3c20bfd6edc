import pRetry, { AbortError } from "p-retry";
import { LanceBenchError, StoreError, describeError } from "../model/index.js";

export interface RetryPolicy {
  /** Total tries, the first included (the Python lance-bench used 3). */
  attempts: number;
  /** Delay before the second try; doubled each time, with jitter. */
  baseDelayMs: number;
}

/** What a storage error means for the person who reads it, and whether trying again can help. */
export interface StoreFailure {
  /** One short line: the S3 error code, message and HTTP status, or the innermost cause. */
  cause: string;
  /** A throttled, unavailable or unreachable store: worth another try. */
  transient: boolean;
  /** What to do about it, where we know (which variables to set, what to check). */
  hint?: string;
}

const MAX_CAUSE = 200;

/** S3 answers that no retry changes: credentials, permissions, names, regions. */
const PERMANENT_CODES = new Set([
  "AccessDenied",
  "AllAccessDisabled",
  "AccountProblem",
  "AuthorizationHeaderMalformed",
  "ExpiredToken",
  "InvalidAccessKeyId",
  "InvalidArgument",
  "InvalidBucketName",
  "InvalidRequest",
  "InvalidToken",
  "NoSuchBucket",
  "PermanentRedirect",
  "SignatureDoesNotMatch",
  "TokenRefreshRequired",
]);

/** S3 answers that mean "not now": throttling and server-side trouble. */
const TRANSIENT_CODES = new Set([
  "InternalError",
  "OperationAborted",
  "RequestTimeout",
  "ServiceUnavailable",
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "TooManyRequests",
]);

/** Network trouble and lost commit races, in the words of Rust's std, hyper, reqwest and Lance. */
const TRANSIENT_TEXT =
  /ConnectionRefused|Connection refused|ConnectionReset|connection reset|ConnectionAborted|broken pipe|error sending request|connection closed|timed out|TimedOut|(?<!retry_)timeout|throttl|conflict|Could not verify the outcome|Retryable/i;

/** Mistakes no retry fixes: a file where a folder should be, a missing table, a wrong schema. */
const PERMANENT_TEXT =
  /NotADirectory|Not a directory|PermissionDenied|Permission denied|lacked the necessary privileges|was not found|not in schema|schema|Invalid (?:input|argument|user input)|InvalidArgument/i;

const CREDENTIALS_MISSING =
  /Failed to get AWS credentials|CredentialsNotLoaded|no providers in chain provided credentials/;
const REGION_UNKNOWN = /Failed to resolve region|AuthorizationHeaderMalformed|PermanentRedirect/;

const CREDENTIALS_HINT =
  "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (plus AWS_SESSION_TOKEN for temporary credentials), " +
  "or AWS_PROFILE for a profile in ~/.aws, or run where an IAM role provides them";

function hintFor(code: string | undefined, message: string): string | undefined {
  if (CREDENTIALS_MISSING.test(message)) return CREDENTIALS_HINT;
  if (REGION_UNKNOWN.test(message)) return "set AWS_REGION to the bucket's region";
  return s3CodeHint(code);
}

/** What to do about an S3 error code, where we know. */
export function s3CodeHint(code: string | undefined): string | undefined {
  switch (code) {
    case "InvalidAccessKeyId":
    case "SignatureDoesNotMatch":
    case "ExpiredToken":
    case "InvalidToken":
      return "check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (or the profile or role that provides them)";
    case "AccessDenied":
      return "the credentials may not read or write this bucket and path (s3:ListBucket, s3:GetObject, s3:PutObject, s3:DeleteObject)";
    case "NoSuchBucket":
      return "check the bucket in --db or LANCE_BENCH_URI (and AWS_ENDPOINT_URL_S3 for an S3-compatible server)";
    case "AuthorizationHeaderMalformed":
    case "PermanentRedirect":
      return "set AWS_REGION to the bucket's region";
    default:
      return undefined;
  }
}

/** Undoes the escaping of a string printed inside a Rust debug dump (`\"` and `\n`). */
function unescapeDebug(text: string): string {
  return text.replace(/\\"/g, '"').replace(/\\n/g, " ");
}

/** Drops what helps a Lance developer but not a user: source locations, backtraces, error-kind prefixes. */
function tidy(segment: string): string {
  return segment
    .replace(/,\s*\/\S+\.rs:\d+:\d+/g, "")
    .replace(/\b(?:lance error: )?LanceError\(\w+\):\s*/g, "")
    .replace(/\bGeneric \S+ error:\s*/g, "")
    .replace(/^Failed to get next batch from stream:\s*/, "")
    .replace(/^Invalid input, /, "")
    .replace(/\s+in [\d.]+(?:µs|ms|s)\b(?:, after \d+ retries, max_retries: \d+, retry_timeout: \S+)?/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

function cap(text: string): string {
  return text.length > MAX_CAUSE ? `${text.slice(0, MAX_CAUSE - 1)}…` : text;
}

/** The innermost message of a Rust debug dump (`… source: "…"`, `Os { …, message: "…" }`). */
function innermostOfDump(message: string): string | undefined {
  const os = /kind: (\w+), message: "([^"]+)"/.exec(message);
  if (os) {
    const where = /path: Some\("([^"]+)"\)/.exec(message)?.[1] ?? /\b(\d{1,3}(?:\.\d{1,3}){3}:\d+)/.exec(message)?.[1];
    return `${os[2]}${where ? ` (${where})` : ""}`;
  }
  const strings = [...message.matchAll(/source: (?:Some\()?"((?:[^"\\]|\\.)*)"/g)].map((m) => unescapeDebug(m[1]!));
  return strings.at(-1);
}

/**
 * Reads a storage error: LanceDB's messages carry the object store's whole debug dump (request,
 * retry state, XML body, Rust source locations). Keeps what a person acts on — the S3 error
 * code, message and HTTP status when the server answered, else the innermost cause — and says
 * whether another try can help.
 */
export function classifyStoreError(message: string): StoreFailure {
  const code = /<Code>([^<]+)<\/Code>/.exec(message)?.[1];
  const bucket = /<BucketName>([^<]+)<\/BucketName>/.exec(message)?.[1];
  const statusText = /status(?: code)?: (\d{3})\b/.exec(message)?.[1];
  const status = statusText === undefined ? undefined : Number(statusText);
  const hint = hintFor(code, message);

  let cause: string;
  if (code) {
    const text = /<Message>([^<]+)<\/Message>/.exec(message)?.[1];
    cause = `${code}${text ? `: ${text}` : ""}${bucket ? ` (bucket ${bucket})` : ""}${status ? ` (HTTP ${status})` : ""}`;
  } else if (CREDENTIALS_MISSING.test(message)) {
    const detail = /no providers in chain provided credentials/.test(message)
      ? " (no variables, profile or role provided any)"
      : "";
    cause = `no AWS credentials found${detail}`;
  } else if (/\w+ \{ /.test(message) && /source: |message: "/.test(message)) {
    cause = innermostOfDump(message) ?? tidy(message.split(" { ")[0]!);
  } else {
    // A display chain: "top  Caused by: … Caused by: innermost". The top says what failed;
    // the innermost why, when it adds something.
    const segments = message
      .split(/\s+Caused by:\s+/)
      .map(tidy)
      .filter(Boolean);
    const top = segments[0] ?? tidy(message);
    const inner = segments.at(-1)!;
    cause = segments.length > 1 && !top.includes(inner) ? `${top}: ${inner}` : top;
  }

  let transient: boolean;
  if (code && PERMANENT_CODES.has(code)) transient = false;
  else if (code && TRANSIENT_CODES.has(code)) transient = true;
  else if (status !== undefined && (status >= 500 || [408, 409, 412, 429].includes(status))) transient = true;
  else if (status !== undefined && status >= 400) transient = false;
  else if (CREDENTIALS_MISSING.test(message) || REGION_UNKNOWN.test(message)) transient = false;
  else if (TRANSIENT_TEXT.test(message)) transient = true;
  else if (PERMANENT_TEXT.test(message)) transient = false;
  // Anything else is tried again, as before: a commit that lost a race to a concurrent
  // publisher must be rebuilt, and an unknown error costs a few seconds, not a lost publish.
  else transient = true;
  return { cause: cap(cause), transient, ...(hint ? { hint } : {}) };
}

/** The one line a person reads about a storage error: its cause and, where known, what to do. */
export function condenseStoreMessage(message: string): string {
  const { cause, hint } = classifyStoreError(message);
  return hint ? `${cause}; ${hint}` : cause;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 1000 };

/**
 * A failure the caller knows to be passing although its text reads as permanent: e.g. a table
 * that is listed but not yet openable because another publisher is creating it right now.
 */
export class TransientStoreError extends Error {
  override name = "TransientStoreError";
}

/** Marks a permanent failure inside p-retry, keeping its reading for the final message. */
class PermanentStoreFailure extends Error {
  constructor(readonly failure: StoreFailure) {
    super(failure.cause);
  }
}

/**
 * Runs a storage operation, retrying transient failures (throttling, 5xx, timeouts, a lost
 * connection) with exponential backoff and jitter, then fails with a `StoreError` that says
 * what was attempted, how often and why. Permanent failures (no credentials, 403, no such
 * bucket, a missing table, a wrong schema) and our own errors are not retried.
 */
export async function withStoreRetry<T>(
  what: string,
  operation: () => Promise<T>,
  policy: RetryPolicy,
  onRetry?: (message: string) => void,
): Promise<T> {
  try {
    return await pRetry(
      async () => {
        try {
          return await operation();
        } catch (error) {
          if (error instanceof LanceBenchError) throw new AbortError(error);
          if (error instanceof TransientStoreError) throw error;
          const failure = classifyStoreError(describeError(error));
          if (!failure.transient) throw new AbortError(new PermanentStoreFailure(failure));
          throw error;
        }
      },
      {
        retries: Math.max(0, policy.attempts - 1),
        factor: 2,
        minTimeout: policy.baseDelayMs,
        maxTimeout: policy.baseDelayMs * 16,
        randomize: true,
        onFailedAttempt: (error) => {
          if (error.retriesLeft > 0) {
            const { cause } = classifyStoreError(describeError(error));
            onRetry?.(`${what} failed (try ${error.attemptNumber} of ${policy.attempts}): ${cause}; retrying`);
          }
        },
      },
    );
  } catch (error) {
    if (error instanceof LanceBenchError) throw error;
    if (error instanceof PermanentStoreFailure) {
      const { cause, hint } = error.failure;
      throw new StoreError(`${what} failed: ${cause}${hint ? `; ${hint}` : ""}`);
    }
    throw new StoreError(
      `${what} failed after ${policy.attempts} tries: ${condenseStoreMessage(describeError(error))}`,
    );
  }
}

/**
 * The retry policy, tunable through `LANCE_BENCH_RETRY_ATTEMPTS` and
 * `LANCE_BENCH_RETRY_BASE_MS` (e.g. a longer budget for a flaky network, a short one in tests).
 */
export function retryPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): RetryPolicy {
  const attempts = Number(env.LANCE_BENCH_RETRY_ATTEMPTS);
  const baseDelayMs = Number(env.LANCE_BENCH_RETRY_BASE_MS);
  return {
    attempts: Number.isInteger(attempts) && attempts >= 1 ? attempts : DEFAULT_RETRY.attempts,
    baseDelayMs: Number.isFinite(baseDelayMs) && baseDelayMs >= 0 ? baseDelayMs : DEFAULT_RETRY.baseDelayMs,
  };
}
