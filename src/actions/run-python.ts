import path from "node:path";
import * as core from "@actions/core";
import { runPythonDeclaration } from "../commands/declarations.js";
import { failedBenchmarksError, parseRunPythonOptions, runPython } from "../commands/run-python.js";
import { runPythonMarkdown } from "../report/run-summary.js";
import { flamegraphArtifacts, resultsArtifact, uploadArtifacts, uploadOutputFolder } from "./artifacts.js";
import { readDeclaredInputs } from "./inputs.js";
import { runAction } from "./run-action.js";
import { runDependencies } from "./run-inputs.js";

export const Outputs = { ResultsDir: "results-dir", Count: "count", Datasets: "datasets" } as const;

/** The `run-python` action: a project's pytest-benchmark suite at a commit, published or uploaded. */
export async function run(): Promise<void> {
  await runAction(async () => {
    const inputs = readDeclaredInputs(runPythonDeclaration);
    const options = parseRunPythonOptions({ ...inputs, repo: inputs.repo ?? process.env.GITHUB_WORKSPACE });
    const summary = await runPython(options, runDependencies());
    const uploadedFolder = await uploadOutputFolder(inputs.artifact, options, summary);
    await uploadArtifacts([
      ...(uploadedFolder
        ? []
        : [
            ...(options.mode === "pr" && summary.resultsFile ? [resultsArtifact("python", summary.resultsFile)] : []),
            ...(options.mode === "pr" && summary.baseResultsFile
              ? [resultsArtifact("base-python", summary.baseResultsFile)]
              : []),
          ]),
      ...flamegraphArtifacts(summary.profile),
    ]);

    core.setOutput(Outputs.ResultsDir, path.resolve(options.outputDir));
    core.setOutput(Outputs.Count, summary.published?.rowsWritten ?? 0);
    core.setOutput(Outputs.Datasets, summary.datasets);
    await core.summary
      .addHeading("lance-bench run-python", 3)
      .addRaw(`${runPythonMarkdown(summary)}\n`)
      .write();
    const failure = failedBenchmarksError(summary);
    if (failure) throw failure;
  });
}
