import path from "node:path";
import * as core from "@actions/core";
import { runPipelineDeclaration } from "../commands/declarations.js";
import { failedIterationsError, parseRunPipelineOptions, runPipeline } from "../commands/run-pipeline.js";
import { runPipelineMarkdown } from "../report/run-summary.js";
import { flamegraphArtifacts, resultsArtifact, uploadArtifacts, uploadOutputFolder } from "./artifacts.js";
import { readDeclaredInputs } from "./inputs.js";
import { runAction } from "./run-action.js";
import { runDependencies } from "./run-inputs.js";

export const Outputs = { ResultsDir: "results-dir", Count: "count", HistoryFile: "history-file" } as const;

/**
 * The `run-pipeline` action: a pipeline benchmarked against PostgreSQL (a `services:
 * postgres` container), the comparison table in the job summary, the history and results
 * uploaded (pr) or published (main). Failed iterations fail the step after the summary.
 */
export async function run(): Promise<void> {
  await runAction(async () => {
    const inputs = readDeclaredInputs(runPipelineDeclaration);
    const { databaseUrl } = inputs;
    // Masked before anything can print it; a URL that does not parse is refused later, unprinted.
    const password = databaseUrl && URL.canParse(databaseUrl) ? new URL(databaseUrl).password : "";
    if (password) core.setSecret(decodeURIComponent(password));
    const options = parseRunPipelineOptions({ ...inputs, repo: inputs.repo ?? process.env.GITHUB_WORKSPACE });
    const summary = await runPipeline(options, runDependencies());
    const uploadedFolder = await uploadOutputFolder(inputs.artifact, options, summary);
    await uploadArtifacts([
      ...(uploadedFolder
        ? []
        : [
            ...(options.mode === "pr" && summary.resultsFile ? [resultsArtifact("pipeline", summary.resultsFile)] : []),
            ...(options.mode === "pr" ? [resultsArtifact("pipeline-history", summary.historyFile)] : []),
          ]),
      ...flamegraphArtifacts(summary.profile),
    ]);

    core.setOutput(Outputs.ResultsDir, path.resolve(options.outputDir));
    core.setOutput(Outputs.Count, summary.published?.rowsWritten ?? 0);
    core.setOutput(Outputs.HistoryFile, summary.historyFile);
    await core.summary
      .addHeading("lance-bench run-pipeline", 3)
      .addRaw(`${runPipelineMarkdown(summary)}\n`)
      .write();
    const failure = failedIterationsError(summary);
    if (failure) throw failure;
  });
}
