import * as core from "@actions/core";
import { reportDeclaration } from "../commands/declarations.js";
import { parseReportOptions, report } from "../commands/report.js";
import { LanceBenchError } from "../model/index.js";
import { newRegressions } from "../report/history-report.js";
import { retryPolicyFromEnv } from "../store/retry.js";
import { actionGitHubClient } from "./github.js";
import { readDeclaredInputs } from "./inputs.js";
import { runAction } from "./run-action.js";

export const Outputs = {
  Report: "report",
  Summary: "summary",
  Dashboard: "dashboard",
  Regressions: "regressions",
  Issues: "issues",
} as const;

/**
 * The `report` action: change points of main's history as report.json, the job summary of new
 * regressions, the static dashboard folder (which the reusable report.yml deploys to Pages) and,
 * with `issues: true`, one GitHub issue per new regression commit range. The report is written
 * before any issue is filed; an issue that could not be filed fails the step after the summary.
 */
export async function run(): Promise<void> {
  await runAction(async () => {
    const inputs = readDeclaredInputs(reportDeclaration);
    const token = inputs.token ?? "";
    if (token) core.setSecret(token);
    // given empty (a workflow's `repository: ""`), they are the workflow's own
    const options = parseReportOptions({
      ...inputs,
      repository: inputs.repository ?? process.env.GITHUB_REPOSITORY,
      serverUrl: inputs.serverUrl ?? process.env.GITHUB_SERVER_URL,
      token,
    });
    const summary = await report(options, {
      retry: retryPolicyFromEnv(),
      log: (m) => core.info(m),
      ...(options.issues && token ? { client: actionGitHubClient(token) } : {}),
    });
    const regressions = newRegressions(summary.report);
    const filed = summary.issues;
    core.setOutput(Outputs.Report, summary.reportFile);
    core.setOutput(Outputs.Summary, summary.markdownFile);
    core.setOutput(Outputs.Dashboard, summary.dashboard?.dir ?? "");
    core.setOutput(Outputs.Regressions, String(regressions.length));
    core.setOutput(Outputs.Issues, filed ? [...filed.created, ...filed.updated].map((i) => i.number).join(" ") : "");
    const issueLines = filed
      ? [
          `Regression issues: ${filed.created.length} created, ${filed.updated.length} updated, ` +
            `${filed.unchanged.length} unchanged, ${filed.closed.length} closed.`,
          ...filed.failed.map((f) => `- could not file ${f.range}: ${f.error}`),
        ]
      : [];
    await core.summary
      .addRaw(`${summary.markdown}\n\n`)
      .addRaw(issueLines.length > 0 ? `${issueLines.join("\n")}\n` : "")
      .write();
    core.info(`report: ${summary.reportFile}${summary.dashboard ? `; dashboard: ${summary.dashboard.dir}` : ""}`);
    if (filed && filed.failed.length > 0) {
      throw new LanceBenchError(
        `${filed.failed.length} regression issue(s) could not be filed (the report is written): ` +
          filed.failed.map((f) => f.error).join("; "),
      );
    }
    if (options.failOnRegression && regressions.length > 0) {
      throw new LanceBenchError(`${regressions.length} new regression(s) on ${options.ref}`);
    }
  });
}
