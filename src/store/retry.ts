import pRetry, { AbortError } from "p-retry";
import { LanceBenchError, StoreError, describeError } from "../model/index.js";

export interface RetryPolicy {
  /** Total tries, the first included (the seed used 3). */
  attempts: number;
  /** Delay before the second try; doubled each time, with jitter. */
  baseDelayMs: number;
}

/**
 * LanceDB's storage errors carry the object store's whole debug dump (request, retry state,
 * XML body). Keep what a person acts on: the S3 error code and message when there is one,
 * else the first few hundred characters.
 */
export function condenseStoreMessage(message: string): string {
  const code = /<Code>([^<]+)<\/Code>/.exec(message)?.[1];
  const text = /<Message>([^<]+)<\/Message>/.exec(message)?.[1];
  const status = /status: (\d{3})/.exec(message)?.[1];
  if (code) return `${code}${text ? `: ${text}` : ""}${status ? ` (HTTP ${status})` : ""}`;
  const oneLine = message.replace(/\s+/g, " ").trim();
  return oneLine.length > 300 ? `${oneLine.slice(0, 300)}…` : oneLine;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 1000 };

/**
 * Runs a storage operation, retrying transient failures with exponential backoff and
 * jitter, then fails with a `StoreError` that says what was attempted and how often.
 * Our own errors (bad input, bad configuration) are never retried.
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
            onRetry?.(
              `${what} failed (try ${error.attemptNumber} of ${policy.attempts}): ${describeError(error)}; retrying`,
            );
          }
        },
      },
    );
  } catch (error) {
    if (error instanceof LanceBenchError) throw error;
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
