import path from "node:path";
import * as core from "@actions/core";
import { crateSlug, failedCratesError, parseRunRustOptions, runRust } from "../commands/run-rust.js";
import { runRustMarkdownReport } from "../report/run-summary.js";
import { retryPolicyFromEnv } from "../store/retry.js";
import { flamegraphArtifacts, resultsArtifact, uploadArtifacts } from "./artifacts.js";
import { buildCacheForRunner } from "./github-cache.js";
import { listInput, optionalInput, runAction } from "./run-action.js";

export const Inputs = {
  Path: "path",
  Sha: "sha",
  Crates: "crates",
  Benches: "benches",
  Filter: "filter",
  Features: "features",
  CargoArgs: "cargo-args",
  Runner: "runner",
  Mode: "mode",
  Publish: "publish",
  Db: "db",
  OutputDir: "output-dir",
  BudgetMinutes: "budget-minutes",
  TestbedName: "testbed-name",
  DutName: "dut-name",
  RunId: "run-id",
  Profile: "profile",
  ProfileSeconds: "profile-seconds",
} as const;

export const Outputs = { ResultsDir: "results-dir", Count: "count", FailedCrates: "failed-crates" } as const;

/** The `run-rust` action: build at a commit, benchmark every crate, publish or hand over artifacts. */
export async function run(): Promise<void> {
  await runAction(async () => {
    const options = parseRunRustOptions({
      repo: optionalInput(Inputs.Path) ?? process.env.GITHUB_WORKSPACE,
      sha: optionalInput(Inputs.Sha),
      crates: listInput(Inputs.Crates),
      benches: listInput(Inputs.Benches),
      filter: optionalInput(Inputs.Filter),
      features: optionalInput(Inputs.Features),
      cargoArgs: (optionalInput(Inputs.CargoArgs) ?? "").split(/\s+/).filter(Boolean),
      runner: optionalInput(Inputs.Runner),
      mode: optionalInput(Inputs.Mode),
      publish: (optionalInput(Inputs.Publish) ?? "true") === "true",
      db: optionalInput(Inputs.Db),
      outputDir: optionalInput(Inputs.OutputDir),
      budgetMinutes: optionalInput(Inputs.BudgetMinutes),
      testbedName: optionalInput(Inputs.TestbedName),
      dutName: optionalInput(Inputs.DutName),
      runId: optionalInput(Inputs.RunId),
      profile: optionalInput(Inputs.Profile),
      profileSeconds: optionalInput(Inputs.ProfileSeconds),
    });
    const summary = await runRust(options, {
      cache: buildCacheForRunner(),
      retry: retryPolicyFromEnv(),
      log: (m) => core.info(m),
    });
    for (const crate of summary.crates.filter((c) => c.status === "failed")) {
      core.error(crate.error ?? "failed", { title: `lance-bench run-rust: ${crate.path} failed` });
    }
    await uploadArtifacts([
      ...(options.mode === "pr"
        ? summary.crates.flatMap((c) => (c.resultsFile ? [resultsArtifact(crateSlug(c.path), c.resultsFile)] : []))
        : []),
      ...flamegraphArtifacts(summary.profile),
    ]);
    core.setOutput(Outputs.ResultsDir, path.resolve(options.outputDir));
    core.setOutput(Outputs.Count, summary.published?.rowsWritten ?? 0);
    core.setOutput(
      Outputs.FailedCrates,
      summary.crates
        .filter((c) => c.status === "failed")
        .map((c) => c.path)
        .join(","),
    );
    await core.summary
      .addHeading("lance-bench run-rust", 3)
      .addRaw(`${runRustMarkdownReport(summary)}\n`)
      .write();
    const failure = failedCratesError(summary);
    if (failure) throw failure;
  });
}
