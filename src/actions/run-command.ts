import path from "node:path";
import * as core from "@actions/core";
import { runCommandDeclaration } from "../commands/declarations.js";
import {
  failedRunsError,
  parseRunCommandOptions,
  runCommand,
  type RunCommandSummary,
} from "../commands/run-command.js";
import { searchChartMermaid } from "../report/search-chart.js";
import { runCommandMarkdown } from "../report/run-summary.js";
import { searchMarkdown } from "../report/search-report.js";
import { resultsArtifact, uploadArtifacts, uploadOutputFolder } from "./artifacts.js";
import { readDeclaredInputs } from "./inputs.js";
import { runAction } from "./run-action.js";
import { runDependencies } from "./run-inputs.js";

export const Outputs = { ResultsDir: "results-dir", Count: "count", Skipped: "skipped", Failed: "failed" } as const;

/**
 * The `run-command` action: any benchmark command at a commit, its runs (ok, skipped, failed)
 * published or uploaded, the runs and metrics in the job summary. Failed runs fail the step
 * after the summary; skipped runs do not.
 */
/** The search's curve as a Mermaid chart (GitHub draws it), and where its SVG went. */
function searchChartSection(summary: RunCommandSummary): string {
  if (!summary.search) return "";
  const chart = searchChartMermaid(summary.search, `${summary.benchmarkName}: ${summary.search.kind} search`);
  if (!chart) return "";
  const svg = summary.chartFile
    ? `\n\nThe same chart as SVG: \`${path.basename(summary.chartFile)}\` in the results folder.`
    : "";
  return `\n${chart}${svg}\n`;
}

export async function run(): Promise<void> {
  await runAction(async () => {
    const inputs = readDeclaredInputs(runCommandDeclaration);
    const options = parseRunCommandOptions({ ...inputs, repo: inputs.repo ?? process.env.GITHUB_WORKSPACE });
    const summary = await runCommand(options, runDependencies());
    const uploadedFolder = await uploadOutputFolder(inputs.artifact, options, summary);
    if (!uploadedFolder && options.mode === "pr" && summary.resultsFile) {
      await uploadArtifacts([resultsArtifact("command", summary.resultsFile)]);
    }
    core.setOutput(Outputs.ResultsDir, path.resolve(options.outputDir));
    core.setOutput(Outputs.Count, summary.published?.rowsWritten ?? 0);
    core.setOutput(Outputs.Skipped, summary.runs.filter((r) => r.status === "skipped").length);
    core.setOutput(Outputs.Failed, summary.runs.filter((r) => r.status === "failed").length);
    await core.summary
      .addHeading("lance-bench run-command", 3)
      .addRaw(`${runCommandMarkdown(summary)}\n`)
      .addRaw(summary.search ? `\n${searchMarkdown(summary.search)}\n` : "")
      .addRaw(searchChartSection(summary))
      .write();
    const failure = failedRunsError(summary);
    if (failure) throw failure;
  });
}
