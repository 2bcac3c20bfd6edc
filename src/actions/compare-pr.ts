import { access, mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import * as core from "@actions/core";
import { comparePr, parseComparePrOptions } from "../commands/compare-pr.js";
import { comparePrDeclaration } from "../commands/declarations.js";
import { ConfigurationError, LanceBenchError, type BenchmarkComparison } from "../model/index.js";
import { retryPolicyFromEnv } from "../store/retry.js";
import { downloadResultsArtifact, type DownloadedResults } from "./artifacts.js";
import { actionGitHubClient, eventPayload } from "./github.js";
import { readDeclaredInputs } from "./inputs.js";
import { runAction } from "./run-action.js";

export const Outputs = {
  Regressions: "regressions",
  Improvements: "improvements",
  Report: "report",
  CommentUrl: "comment-url",
} as const;

interface Event {
  pull_request?: { number?: number };
  issue?: { number?: number; pull_request?: unknown };
  workflow_run?: { id?: number; head_sha?: string; head_repository?: { full_name?: string } | null };
}

/** The pull request this run belongs to: the input, else the triggering event's. */
function prNumberFromEvent(event: Event): number | undefined {
  return event.pull_request?.number ?? (event.issue?.pull_request ? event.issue.number : undefined);
}

const change = (row: BenchmarkComparison) => `${((row.ratio! - 1) * 100).toFixed(1)}%`;

/**
 * The `compare-pr` action: compare head with base, put the report in the job summary and in one
 * sticky PR comment, annotate each regression, and fail the step when a regression survives
 * the false-discovery control and the threshold (unless `fail-on-regression: false`).
 */
export async function run(): Promise<void> {
  await runAction(async () => {
    const inputs = readDeclaredInputs(comparePrDeclaration);
    const { token } = inputs;
    if (token) core.setSecret(token);
    const failOnRegression = inputs.failOnRegression !== false;
    const event = eventPayload() as Event;
    let { expectedHeadSha, expectedHeadRepository } = inputs;
    // in a workflow_run job the head that ran is the event's (the PR number is the artifact's)
    if (expectedHeadSha === undefined && expectedHeadRepository === undefined && event.workflow_run) {
      expectedHeadSha = event.workflow_run.head_sha;
      expectedHeadRepository = event.workflow_run.head_repository?.full_name;
    }
    const downloaded = inputs.artifact
      ? await downloadArtifactOf(inputs.artifact, inputs.artifactRunId, event, token)
      : undefined;
    if (
      downloaded?.pullRequest &&
      expectedHeadSha !== undefined &&
      downloaded.pullRequest.head_sha !== expectedHeadSha
    ) {
      throw new ConfigurationError(
        `artifact ${inputs.artifact} holds results of ${downloaded.pullRequest.head_sha}, not of the head that ran (${expectedHeadSha}): nothing was written`,
      );
    }
    const options = parseComparePrOptions({
      ...inputs,
      // an artifact's head results, unless `head` names them
      ...(downloaded && !inputs.head?.length ? { head: [path.join(downloaded.dir, "results-*.jsonl")] } : {}),
      base: inputs.base ?? (downloaded ? await baseOf(downloaded) : undefined) ?? ["history"],
      prNumber: inputs.prNumber ?? downloaded?.pullRequest?.number ?? prNumberFromEvent(event),
      expectedHeadSha,
      expectedHeadRepository,
      // empty is not absent here: the token's own login, asked from GitHub
      commentAuthor: inputs.commentAuthor ?? "",
    });
    const { outcome, markdown, comment } = await comparePr(options, {
      client: token ? actionGitHubClient(token) : undefined,
      retry: retryPolicyFromEnv(),
      log: (m) => core.info(m),
    });
    const report = path.join(process.env.RUNNER_TEMP ?? os.tmpdir(), `lance-bench-compare-${options.commentKey}.json`);
    await writeFile(report, JSON.stringify(outcome, null, 2));
    await core.summary.addRaw(markdown).write();
    const regressions = outcome.benchmarks.filter((row) => row.verdict === "regressed" && !row.muted);
    for (const row of regressions) {
      const annotate = failOnRegression ? core.error : core.warning;
      annotate(`${row.name} (${row.metric}) regressed: ${change(row)}, q = ${row.q?.toPrecision(2)}`, {
        title: "Benchmark regression",
      });
    }
    core.setOutput(Outputs.Regressions, String(outcome.counts.regressed));
    core.setOutput(Outputs.Improvements, String(outcome.counts.improved));
    core.setOutput(Outputs.Report, report);
    core.setOutput(Outputs.CommentUrl, comment?.url ?? "");
    if (failOnRegression && regressions.length > 0) {
      throw new LanceBenchError(
        `${regressions.length} benchmark(s) regressed: ${regressions
          .slice(0, 5)
          .map((row) => `${row.name} ${change(row)}`)
          .join(", ")}${regressions.length > 5 ? ", …" : ""}`,
      );
    }
  });
}

/** The artifact of this run, or (a `workflow_run` job) of the run that triggered it, or of `runId`. */
async function downloadArtifactOf(
  name: string,
  runIdInput: string | undefined,
  event: Event,
  token: string | undefined,
): Promise<DownloadedResults> {
  const runId = runIdInput !== undefined && runIdInput !== "" ? Number(runIdInput) : event.workflow_run?.id;
  if (runId !== undefined && (!Number.isSafeInteger(runId) || runId < 1)) {
    throw new ConfigurationError("artifact-run-id: must be a workflow run id");
  }
  const into = await mkdtemp(path.join(process.env.RUNNER_TEMP ?? os.tmpdir(), "lance-bench-artifact-"));
  if (runId === undefined) return downloadResultsArtifact(name, into, undefined);
  const repository = process.env.GITHUB_REPOSITORY ?? "";
  if (!token) throw new ConfigurationError("token: is required to download an artifact of another run");
  return downloadResultsArtifact(name, into, { runId, repository, token });
}

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

/** A same-runner A/B's base results in the artifact, if it has any. */
async function baseOf(downloaded: DownloadedResults): Promise<string[] | undefined> {
  return (await exists(path.join(downloaded.dir, "base")))
    ? [path.join(downloaded.dir, "base", "results-*.jsonl")]
    : undefined;
}
