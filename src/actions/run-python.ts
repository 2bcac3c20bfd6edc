import path from "node:path";
import * as core from "@actions/core";
import { failedBenchmarksError, parseRunPythonOptions, runPython } from "../commands/run-python.js";
import { runPythonMarkdownReport } from "../report/run-summary.js";
import { flamegraphArtifacts, resultsArtifact, uploadArtifacts } from "./artifacts.js";
import { booleanInput, linesInput, listInput, optionalInput, wordsInput } from "./inputs.js";
import { runAction } from "./run-action.js";
import { CommonRunInputs, readCommonRunInputs, runDependencies } from "./run-inputs.js";

export const Inputs = {
  ...CommonRunInputs,
  Workdir: "workdir",
  BuildCommand: "build-command",
  Pip: "pip",
  DutVersionFromPackage: "dut-version-from-package",
  DatagenCommand: "datagen-command",
  DatagenSources: "datagen-sources",
  DatagenEnv: "datagen-env",
  DatasetDir: "dataset-dir",
  DatasetEnv: "dataset-env",
  PytestArgs: "pytest-args",
  Markers: "markers",
  AllowFailures: "allow-failures",
} as const;

export const Outputs = { ResultsDir: "results-dir", Count: "count", Datasets: "datasets" } as const;

/** The `run-python` action: a project's pytest-benchmark suite at a commit, published or uploaded. */
export async function run(): Promise<void> {
  await runAction(async () => {
    const options = parseRunPythonOptions({
      ...readCommonRunInputs(),
      workdir: optionalInput(Inputs.Workdir),
      buildCommand: optionalInput(Inputs.BuildCommand),
      pip: wordsInput(Inputs.Pip),
      dutVersionFromPackage: optionalInput(Inputs.DutVersionFromPackage),
      datagenCommand: optionalInput(Inputs.DatagenCommand),
      datagenSources: listInput(Inputs.DatagenSources),
      datagenEnv: listInput(Inputs.DatagenEnv),
      datasetDir: optionalInput(Inputs.DatasetDir),
      datasetEnv: listInput(Inputs.DatasetEnv),
      pytestArgs: linesInput(Inputs.PytestArgs),
      markers: optionalInput(Inputs.Markers),
      allowFailures: booleanInput(Inputs.AllowFailures, false),
    });
    const summary = await runPython(options, runDependencies());
    await uploadArtifacts([
      ...(options.mode === "pr" && summary.resultsFile ? [resultsArtifact("python", summary.resultsFile)] : []),
      ...(options.mode === "pr" && summary.baseResultsFile
        ? [resultsArtifact("base-python", summary.baseResultsFile)]
        : []),
      ...flamegraphArtifacts(summary.profile),
    ]);
    core.setOutput(Outputs.ResultsDir, path.resolve(options.outputDir));
    core.setOutput(Outputs.Count, summary.published?.rowsWritten ?? 0);
    core.setOutput(Outputs.Datasets, summary.datasets);
    await core.summary
      .addHeading("lance-bench run-python", 3)
      .addRaw(`${runPythonMarkdownReport(summary)}\n`)
      .write();
    const failure = failedBenchmarksError(summary);
    if (failure) throw failure;
  });
}
