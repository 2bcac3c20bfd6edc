import * as core from "@actions/core";
import { handleBenchComment, parseBenchCommentOptions } from "../commands/bench-comment.js";
import { parseScheduleOptions, schedule } from "../commands/schedule.js";
import { ConfigurationError, LanceBenchError } from "../model/index.js";
import { scheduleMarkdown } from "../report/schedule-summary.js";
import { retryPolicyFromEnv } from "../store/retry.js";
import { actionGitHubClient, eventPayload } from "./github.js";
import { booleanInput, linesInput, optionalInput } from "./inputs.js";
import { runAction } from "./run-action.js";

export const Inputs = {
  Mode: "mode",
  Repository: "repository",
  Branch: "branch",
  Workflow: "workflow",
  WorkflowRepository: "workflow-repository",
  WorkflowRef: "workflow-ref",
  Inputs: "inputs",
  ShaInput: "sha-input",
  Token: "token",
  Db: "db",
  MaxCommits: "max-commits",
  CommitInterval: "commit-interval",
  MaxInFlight: "max-in-flight",
  Wait: "wait",
  WaitTimeoutMinutes: "wait-timeout-minutes",
  KeyInput: "key-input",
  DryRun: "dry-run",
} as const;

export const Outputs = { Dispatched: "dispatched", Checked: "checked" } as const;

/**
 * The `schedule` action: `latest` (the cron: benchmark the newest commit if it has no
 * results), `backfill` (history), or `comment` (an `@bench-bot benchmark` PR comment, from
 * the `issue_comment` event this job was triggered by).
 */
export async function run(): Promise<void> {
  await runAction(async () => {
    const mode = optionalInput(Inputs.Mode) ?? "latest";
    const token = optionalInput(Inputs.Token) ?? process.env.SCHEDULER_GITHUB_TOKEN ?? "";
    if (token) core.setSecret(token);
    const log = (m: string) => core.info(m);
    const client = token ? actionGitHubClient(token) : undefined;
    if (mode === "comment") {
      const options = parseBenchCommentOptions({
        workflow: optionalInput(Inputs.Workflow),
        workflowRepository: optionalInput(Inputs.WorkflowRepository),
        workflowRef: optionalInput(Inputs.WorkflowRef),
        token,
      });
      const event = eventPayload();
      if (Object.keys(event).length === 0) {
        throw new ConfigurationError("mode comment needs the issue_comment event (GITHUB_EVENT_PATH)");
      }
      const outcome = await handleBenchComment(options, event, { client, log });
      core.info(`@bench-bot: ${outcome.kind}${"reason" in outcome ? ` (${outcome.reason})` : ""}`);
      core.setOutput(Outputs.Dispatched, outcome.kind === "dispatched" ? outcome.sha : "");
      core.setOutput(Outputs.Checked, "0");
      await core.summary
        .addHeading("@bench-bot", 3)
        .addRaw(
          outcome.kind === "dispatched"
            ? `Benchmarks of PR #${outcome.prNumber} (\`${outcome.sha.slice(0, 12)}\`) requested by @${outcome.user}.\n`
            : `No benchmark started: ${outcome.kind}${"reason" in outcome ? `, ${outcome.reason}` : ""}.\n`,
        )
        .write();
      return;
    }
    const options = parseScheduleOptions({
      mode,
      repository: optionalInput(Inputs.Repository),
      branch: optionalInput(Inputs.Branch),
      workflow: optionalInput(Inputs.Workflow),
      workflowRepository: optionalInput(Inputs.WorkflowRepository),
      workflowRef: optionalInput(Inputs.WorkflowRef),
      inputs: linesInput(Inputs.Inputs),
      shaInput: optionalInput(Inputs.ShaInput),
      token,
      db: optionalInput(Inputs.Db),
      maxCommits: optionalInput(Inputs.MaxCommits) ?? process.env.MAX_COMMITS,
      commitInterval: optionalInput(Inputs.CommitInterval) ?? process.env.COMMIT_INTERVAL,
      maxInFlight: optionalInput(Inputs.MaxInFlight),
      wait: booleanInput(Inputs.Wait, false),
      waitTimeoutMinutes: optionalInput(Inputs.WaitTimeoutMinutes),
      keyInput: optionalInput(Inputs.KeyInput),
      dryRun: booleanInput(Inputs.DryRun, false),
    });
    const summary = await schedule(options, { client, retry: retryPolicyFromEnv(), log });
    core.setOutput(Outputs.Dispatched, summary.dispatched.map((d) => d.sha).join(" "));
    core.setOutput(Outputs.Checked, String(summary.checked.length));
    await core.summary
      .addHeading("Benchmark scheduler", 3)
      .addRaw(`${scheduleMarkdown(summary)}\n`)
      .write();
    const failed = summary.dispatched.filter((d) => d.conclusion && d.conclusion !== "success");
    if (failed.length > 0) {
      throw new LanceBenchError(
        `${failed.length} dispatched run(s) did not succeed: ${failed.map((d) => `${d.sha.slice(0, 12)} ${d.conclusion}`).join(", ")}`,
      );
    }
  });
}
