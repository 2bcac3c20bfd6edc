import * as core from "@actions/core";
import { retryPolicyFromEnv } from "../store/retry.js";
import { buildCacheForRunner } from "./github-cache.js";
import { booleanInput, listInput, optionalInput } from "./inputs.js";

/** Inputs every run action shares (the action twin of RunCommonOptions). */
export const CommonRunInputs = {
  Path: "repo",
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
    publish: booleanInput(CommonRunInputs.Publish, true),
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
    envPassthrough: listInput(CommonRunInputs.EnvPassthrough, "any"),
  };
}

/** How a run action runs: GitHub's cache (or the local fallback), retries, the job log. */
export function runDependencies() {
  return { cache: buildCacheForRunner(), retry: retryPolicyFromEnv(), log: (m: string) => core.info(m) };
}
