import { Octokit } from "@octokit/core";
import { paginateRest } from "@octokit/plugin-paginate-rest";
import { restEndpointMethods } from "@octokit/plugin-rest-endpoint-methods";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { RequestError } from "@octokit/request-error";
import { GitHubApiError } from "../model/index.js";

/*
 * GitHub's REST API through octokit with its retry and throttling plugins (the same ones
 * `@actions/github` wraps; the core must not import `@actions/*`). Every failure mode is
 * bounded: 5xx and network errors (timeouts included) are retried a fixed number of times with
 * growing waits; rate limits are waited out only while the wait is short and the count small;
 * anything else fails at once with one line naming the request.
 */

export const GitHubOctokit = Octokit.plugin(restEndpointMethods, paginateRest, retry, throttling);
export type GitHubClient = InstanceType<typeof GitHubOctokit>;

export interface GitHubClientOptions {
  token: string;
  /** API root; GitHub Enterprise and tests point elsewhere (default: GITHUB_API_URL, else api.github.com). */
  baseUrl?: string;
  /** Retries after the first try, for 5xx, network errors and rate limits alike (default 3). */
  retries?: number;
  /** Base of the backoff for 5xx and network errors: waits 1×, 4×, 9× it (default 1000 ms). */
  retryBaseMs?: number;
  /** Longest rate-limit wait worth sitting through; a longer one fails instead (default 60 s). */
  maxRateLimitWaitSeconds?: number;
  /** One request's time limit (default 30 s); a request that hangs is aborted and retried. */
  requestTimeoutMs?: number;
  /** Scale of rate-limit waits in ms per second GitHub asks for (tests shrink it; default 1000). */
  rateLimitUnitMs?: number;
  log?: (message: string) => void;
}

export const DEFAULT_API_URL = "https://api.github.com";

export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  return new GitHubOctokit({ auth: options.token, ...gitHubClientSettings(options) });
}

/**
 * Octokit's options for the retry and throttling plugins, the request timeout, the base URL
 * and the log, without the token: the CLI's client and the actions' (`@actions/github`'s
 * `getOctokit`, which takes the token apart) are configured alike. `baseFetch` is the fetch
 * the timeout wraps (the actions pass the toolkit's proxy-aware one).
 */
export function gitHubClientSettings(options: Omit<GitHubClientOptions, "token"> & { baseFetch?: typeof fetch }) {
  const retries = options.retries ?? 3;
  const maxWait = options.maxRateLimitWaitSeconds ?? 60;
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  const log = options.log ?? (() => {});
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      const what = `${request.method} ${request.url}`;
      if (retryCount >= retries) {
        log(`GitHub ${kind} on ${what}: giving up after ${retries} retries`);
        return false;
      }
      if (retryAfter > maxWait) {
        log(`GitHub ${kind} on ${what}: asked to wait ${retryAfter} s, longer than ${maxWait} s; giving up`);
        return false;
      }
      log(`GitHub ${kind} on ${what}: retrying in ${retryAfter} s (retry ${retryCount + 1} of ${retries})`);
      return true;
    };
  const baseFetch = options.baseFetch ?? fetch;
  const timedFetch: typeof fetch = (input, init) =>
    baseFetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(timeoutMs) });
  return {
    baseUrl: (options.baseUrl ?? DEFAULT_API_URL).replace(/\/+$/, ""),
    userAgent: "lance-bench",
    request: { fetch: timedFetch },
    retry: { retries, retryAfterBaseValue: options.retryBaseMs ?? 1000 },
    throttle: {
      onRateLimit: onLimit("rate limit"),
      onSecondaryRateLimit: onLimit("secondary rate limit"),
      retryAfterBaseValue: options.rateLimitUnitMs ?? 1000,
      fallbackSecondaryRateRetryAfter: 60,
    },
    log: { debug: () => {}, info: () => {}, warn: log, error: log },
  };
}

/**
 * Runs one GitHub call and turns its failure into a `GitHubApiError` whose message says what
 * was attempted, the status and GitHub's own message (never the token, never headers).
 */
export async function callGitHub<T>(
  what: string,
  call: () => Promise<T>,
  hint?: (status: number) => string | undefined,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof RequestError) {
      const data = error.response?.data as { message?: unknown } | undefined;
      const detail = typeof data?.message === "string" ? data.message : error.message;
      const cause =
        error.status === 500 && !error.response ? `network error: ${error.message}` : `HTTP ${error.status}: ${detail}`;
      const extra = hint?.(error.status);
      throw new GitHubApiError(`${what} failed: ${cause}${extra ? ` (${extra})` : ""}`, error.status);
    }
    throw error;
  }
}
