import * as core from "@actions/core";
import { retryPolicyFromEnv } from "../store/retry.js";
import { buildCacheForRunner } from "./github-cache.js";
import { optionalInput } from "./run-action.js";

/** Inputs every run action shares (the action twin of RunCommonOptions). */
export const CommonRunInputs = {
  Path: "path",
  Sha: "sha",
  Mode: "mode",
  Publish: "publish",
  Db: "db",
  OutputDir: "output-dir",
  BudgetMinutes: "budget-minutes",
  TestbedName: "testbed-name",
  DutName: "dut-name",
  DutVersion: "dut-version",
  RunId: "run-id",
  Profile: "profile",
  BaseSha: "base-sha",
  Repetitions: "repetitions",
  EnvPassthrough: "env-passthrough",
  PrNumber: "pr-number",
} as const;

export function readCommonRunInputs() {
  return {
    repo: optionalInput(CommonRunInputs.Path) ?? process.env.GITHUB_WORKSPACE,
    sha: optionalInput(CommonRunInputs.Sha),
    mode: optionalInput(CommonRunInputs.Mode),
    publish: (optionalInput(CommonRunInputs.Publish) ?? "true") === "true",
    db: optionalInput(CommonRunInputs.Db),
    outputDir: optionalInput(CommonRunInputs.OutputDir),
    budgetMinutes: optionalInput(CommonRunInputs.BudgetMinutes),
    testbedName: optionalInput(CommonRunInputs.TestbedName),
    dutName: optionalInput(CommonRunInputs.DutName),
    dutVersion: optionalInput(CommonRunInputs.DutVersion),
    runId: optionalInput(CommonRunInputs.RunId),
    profile: optionalInput(CommonRunInputs.Profile),
    baseSha: optionalInput(CommonRunInputs.BaseSha),
    repetitions: optionalInput(CommonRunInputs.Repetitions),
    prNumber: optionalInput(CommonRunInputs.PrNumber),
    envPassthrough: (optionalInput(CommonRunInputs.EnvPassthrough) ?? "").split(/[\s,]+/).filter(Boolean),
  };
}

/** How a run action runs: GitHub's cache (or the local fallback), retries, the job log. */
export function runDependencies() {
  return { cache: buildCacheForRunner(), retry: retryPolicyFromEnv(), log: (m: string) => core.info(m) };
}

/** Space-separated words of an input (cargo and pytest arguments, pip packages). */
export const wordsInput = (name: string): string[] => (optionalInput(name) ?? "").split(/\s+/).filter(Boolean);
