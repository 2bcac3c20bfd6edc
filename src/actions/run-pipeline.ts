import path from "node:path";
import * as core from "@actions/core";
import { failedIterationsError, parseRunPipelineOptions, runPipeline } from "../commands/run-pipeline.js";
import { runPipelineMarkdownReport } from "../report/run-summary.js";
import { flamegraphArtifacts, resultsArtifact, uploadArtifacts } from "./artifacts.js";
import { booleanInput, listInput, optionalInput, wordsInput } from "./inputs.js";
import { runAction } from "./run-action.js";
import { CommonRunInputs, readCommonRunInputs, runDependencies } from "./run-inputs.js";

// A same-runner A/B of pipelines is `lance-bench pipeline-compare`; the action runs one commit.
const { BaseSha: _baseSha, Repetitions: _repetitions, ...PipelineRunInputs } = CommonRunInputs;

export const Inputs = {
  ...PipelineRunInputs,
  Workdir: "workdir",
  BuildCommand: "build-command",
  // Not "command": the root action.yml selects the action with that input.
  Command: "pipeline-command",
  PipelinesDir: "pipelines-dir",
  Variants: "variants",
  Rows: "rows",
  Iters: "iters",
  Aot: "aot",
  DatabaseUrl: "database-url",
  DestSchema: "dest-schema",
  StatePaths: "state-paths",
} as const;

export const Outputs = { ResultsDir: "results-dir", Count: "count", HistoryFile: "history-file" } as const;

/**
 * The `run-pipeline` action: a pipeline benchmarked against PostgreSQL (a `services:
 * postgres` container), the comparison table in the job summary, the history and results
 * uploaded (pr) or published (main). Failed iterations fail the step after the summary.
 */
export async function run(): Promise<void> {
  await runAction(async () => {
    const databaseUrl = optionalInput(Inputs.DatabaseUrl);
    // Masked before anything can print it; a URL that does not parse is refused later, unprinted.
    const password = databaseUrl && URL.canParse(databaseUrl) ? new URL(databaseUrl).password : "";
    if (password) core.setSecret(decodeURIComponent(password));
    const options = parseRunPipelineOptions({
      ...readCommonRunInputs(),
      workdir: optionalInput(Inputs.Workdir),
      buildCommand: optionalInput(Inputs.BuildCommand),
      pipelineCommand: optionalInput(Inputs.Command),
      pipelinesDir: optionalInput(Inputs.PipelinesDir),
      variants: wordsInput(Inputs.Variants),
      rows: wordsInput(Inputs.Rows).length ? wordsInput(Inputs.Rows) : undefined,
      iters: optionalInput(Inputs.Iters),
      aot: booleanInput(Inputs.Aot, true),
      databaseUrl,
      destSchema: optionalInput(Inputs.DestSchema),
      statePaths: listInput(Inputs.StatePaths),
    });
    const summary = await runPipeline(options, runDependencies());
    await uploadArtifacts([
      ...(options.mode === "pr" && summary.resultsFile ? [resultsArtifact("pipeline", summary.resultsFile)] : []),
      ...(options.mode === "pr" ? [resultsArtifact("pipeline-history", summary.historyFile)] : []),
      ...flamegraphArtifacts(summary.profile),
    ]);
    core.setOutput(Outputs.ResultsDir, path.resolve(options.outputDir));
    core.setOutput(Outputs.Count, summary.published?.rowsWritten ?? 0);
    core.setOutput(Outputs.HistoryFile, summary.historyFile);
    await core.summary
      .addHeading("lance-bench run-pipeline", 3)
      .addRaw(`${runPipelineMarkdownReport(summary)}\n`)
      .write();
    const failure = failedIterationsError(summary);
    if (failure) throw failure;
  });
}
