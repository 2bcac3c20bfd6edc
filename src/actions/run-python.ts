import path from "node:path";
import * as core from "@actions/core";
import { parseRunPythonOptions, runPython } from "../commands/run-python.js";
import { runPythonMarkdownReport } from "../report/run-summary.js";
import { retryPolicyFromEnv } from "../store/retry.js";
import { flamegraphArtifacts, resultsArtifact, uploadArtifacts } from "./artifacts.js";
import { buildCacheForRunner } from "./github-cache.js";
import { listInput, optionalInput, runAction } from "./run-action.js";

export const Inputs = {
  Path: "path",
  Sha: "sha",
  Workdir: "workdir",
  BuildCommand: "build-command",
  Pip: "pip",
  DatagenCommand: "datagen-command",
  DatagenSources: "datagen-sources",
  DatasetDir: "dataset-dir",
  PytestArgs: "pytest-args",
  Markers: "markers",
  Mode: "mode",
  Publish: "publish",
  Db: "db",
  OutputDir: "output-dir",
  BudgetMinutes: "budget-minutes",
  TestbedName: "testbed-name",
  DutName: "dut-name",
  RunId: "run-id",
  Profile: "profile",
} as const;

export const Outputs = { ResultsDir: "results-dir", Count: "count", Datasets: "datasets" } as const;

const words = (text: string | undefined) => (text ?? "").split(/\s+/).filter(Boolean);

/** The `run-python` action: a project's pytest-benchmark suite at a commit, published or uploaded. */
export async function run(): Promise<void> {
  await runAction(async () => {
    const options = parseRunPythonOptions({
      repo: optionalInput(Inputs.Path) ?? process.env.GITHUB_WORKSPACE,
      sha: optionalInput(Inputs.Sha),
      workdir: optionalInput(Inputs.Workdir),
      buildCommand: optionalInput(Inputs.BuildCommand),
      pip: words(optionalInput(Inputs.Pip)),
      datagenCommand: optionalInput(Inputs.DatagenCommand),
      datagenSources: listInput(Inputs.DatagenSources),
      datasetDir: optionalInput(Inputs.DatasetDir),
      pytestArgs: words(optionalInput(Inputs.PytestArgs)),
      markers: optionalInput(Inputs.Markers),
      mode: optionalInput(Inputs.Mode),
      publish: (optionalInput(Inputs.Publish) ?? "true") === "true",
      db: optionalInput(Inputs.Db),
      outputDir: optionalInput(Inputs.OutputDir),
      budgetMinutes: optionalInput(Inputs.BudgetMinutes),
      testbedName: optionalInput(Inputs.TestbedName),
      dutName: optionalInput(Inputs.DutName),
      runId: optionalInput(Inputs.RunId),
      profile: optionalInput(Inputs.Profile),
    });
    const summary = await runPython(options, {
      cache: buildCacheForRunner(),
      retry: retryPolicyFromEnv(),
      log: (m) => core.info(m),
    });
    await uploadArtifacts([
      ...(options.mode === "pr" && summary.resultsFile ? [resultsArtifact("python", summary.resultsFile)] : []),
      ...flamegraphArtifacts(summary.profile),
    ]);
    core.setOutput(Outputs.ResultsDir, path.resolve(options.outputDir));
    core.setOutput(Outputs.Count, summary.published?.rowsWritten ?? 0);
    core.setOutput(Outputs.Datasets, summary.datasets);
    await core.summary
      .addHeading("lance-bench run-python", 3)
      .addRaw(`${runPythonMarkdownReport(summary)}\n`)
      .write();
  });
}
