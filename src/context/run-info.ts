import { prNumberOfRef, type RunInfo } from "../model/index.js";

/**
 * Identifies the CI run (or local invocation) that produced the numbers. On GitHub Actions
 * this comes from the runner's environment; elsewhere `fallbackRunId` (the caller passes a
 * hash of the results) makes a repeated publish of the same file recognisable.
 */
export function detectRunInfo(fallbackRunId: string, env: NodeJS.ProcessEnv = process.env): RunInfo {
  if (env.GITHUB_ACTIONS === "true" && env.GITHUB_RUN_ID) {
    return {
      provider: "github-actions",
      repository: env.GITHUB_REPOSITORY ?? "",
      workflow: env.GITHUB_WORKFLOW ?? "",
      run_id: env.GITHUB_RUN_ID,
      run_attempt: Number(env.GITHUB_RUN_ATTEMPT ?? "1") || 1,
      ref: env.GITHUB_REF ?? "",
      pr_number: prNumberOfRef(env.GITHUB_REF ?? ""),
    };
  }
  return {
    provider: "local",
    repository: "",
    workflow: "",
    run_id: fallbackRunId,
    run_attempt: 1,
    ref: "",
    pr_number: null,
  };
}
