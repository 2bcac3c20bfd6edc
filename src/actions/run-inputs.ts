import * as core from "@actions/core";
import { retryPolicyFromEnv } from "../store/retry.js";
import { buildCacheForRunner } from "./github-cache.js";

/** How a run action runs: GitHub's cache (or the local fallback), retries, the job log. */
export function runDependencies() {
  return { cache: buildCacheForRunner(), retry: retryPolicyFromEnv(), log: (m: string) => core.info(m) };
}
