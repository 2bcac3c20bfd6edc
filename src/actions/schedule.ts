import * as core from "@actions/core";
import { handleBenchComment, parseBenchCommentOptions } from "../commands/bench-comment.js";
import { scheduleDeclaration } from "../commands/declarations.js";
import { parseScheduleOptions, schedule } from "../commands/schedule.js";
import { ConfigurationError, LanceBenchError } from "../model/index.js";
import { scheduleMarkdown } from "../report/schedule-summary.js";
import { retryPolicyFromEnv } from "../store/retry.js";
import { actionGitHubClient, eventPayload } from "./github.js";
import { readDeclaredInputs } from "./inputs.js";
import { runAction } from "./run-action.js";

export const Outputs = { Dispatched: "dispatched", Checked: "checked" } as const;

/**
 * The `schedule` action: `latest` (the cron: benchmark the newest commit if it has no
 * results), `backfill` (history), or `comment` (an `@bench-bot benchmark` PR comment, from
 * the `issue_comment` event this job was triggered by).
 */
export async function run(): Promise<void> {
  await runAction(async () => {
    const inputs = readDeclaredInputs(scheduleDeclaration);
    const mode = inputs.mode ?? "latest";
    const token = inputs.token ?? process.env.SCHEDULER_GITHUB_TOKEN ?? "";
    if (token) core.setSecret(token);
    const log = (m: string) => core.info(m);
    const client = token ? actionGitHubClient(token) : undefined;
    if (mode === "comment") {
      const options = parseBenchCommentOptions({
        workflow: inputs.workflow,
        workflowRepository: inputs.workflowRepository,
        workflowRef: inputs.workflowRef,
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
      ...inputs,
      token,
      maxCommits: inputs.maxCommits ?? process.env.MAX_COMMITS,
      commitInterval: inputs.commitInterval ?? process.env.COMMIT_INTERVAL,
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
