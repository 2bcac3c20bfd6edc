import { randomUUID } from "node:crypto";
import { z } from "zod";
import { ConfigurationError, parseOptions, type DispatchOutcome, type ScheduleSummary } from "../model/index.js";
import { DEFAULT_API_URL, createGitHubClient } from "../github/client.js";
import {
  branchHead,
  defaultBranch,
  dispatchWorkflow,
  findRunByKey,
  parseRepository,
  recentCommits,
  repositoryName,
  runState,
  type DispatchRequest,
  type RepositoryRef,
} from "../github/repos.js";
import { redactUri, resolveDbUri } from "../store/uri.js";
import { DispatchTargetShape } from "./dispatch-target.js";
import { openExistingStore } from "./open-store.js";
import type { GitHubCommandDeps } from "./deps.js";

/** A whole number given as a number or as text (action inputs and environment variables are text). */
const positiveInt = (what: string, fallback: number) =>
  z.preprocess(
    (value) => {
      if (value === undefined || value === "") return fallback;
      if (typeof value === "string" && /^\s*\d+\s*$/.test(value)) return Number(value);
      return value;
    },
    z
      .number({ error: `${what} must be a whole number` })
      .int(`${what} must be a whole number`)
      .min(1, `${what} must be at least 1`)
      .max(10_000, `${what} must be at most 10000`),
  );

/** Options of `schedule`, shared by the CLI and the action (same names, kebab-cased). */
export const ScheduleOptions = z.object({
  /** The project whose commits are benchmarked. */
  repository: z.string().trim().min(1, "is required"),
  /** Default: the repository's default branch. */
  branch: z.string().trim().min(1).optional(),
  /** workflow-repository defaults to $GITHUB_REPOSITORY, else `repository`. */
  ...DispatchTargetShape,
  /** Extra dispatch inputs, KEY=VALUE. */
  inputs: z.array(z.string().regex(/^[A-Za-z_][\w-]*=/, "must be KEY=VALUE")).default([]),
  /** Name of the dispatch input that carries the sha (the Python lance-bench's `git_sha`). */
  shaInput: z.string().trim().min(1).default("git_sha"),
  db: z.string().trim().min(1).optional(),
  mode: z.enum(["latest", "backfill"]).default("latest"),
  maxCommits: positiveInt("max-commits", 10),
  commitInterval: positiveInt("commit-interval", 1),
  /** Dispatched runs allowed to be running at once (backfill). */
  maxInFlight: positiveInt("max-in-flight", 4),
  /** Wait for the dispatched runs to finish and report their conclusions. */
  wait: z.boolean().default(false),
  waitTimeoutMinutes: positiveInt("wait-timeout-minutes", 360),
  /**
   * A dispatch input that receives a unique key per dispatch, for correlating runs where
   * GitHub does not return the run id (the workflow should show it in its run-name).
   */
  keyInput: z.string().trim().min(1).optional(),
  dryRun: z.boolean().default(false),
});
export type ScheduleOptions = z.infer<typeof ScheduleOptions>;
export type { DispatchOutcome, ScheduleSummary };

export function parseScheduleOptions(raw: Record<string, unknown>): ScheduleOptions {
  return parseOptions(ScheduleOptions, raw);
}

export interface ScheduleDependencies extends GitHubCommandDeps {
  /** Between polls of a dispatched run (default 30 s). */
  pollIntervalMs?: number;
}

function parseInputs(pairs: readonly string[]): Record<string, string> {
  return Object.fromEntries(pairs.map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Finds the commits that have no results yet and dispatches the benchmark workflow for each:
 * `latest` looks at the newest commit of the branch (the Python lance-bench's 6-hourly cron), `backfill` at every
 * `commitInterval`-th of the last `maxCommits × commitInterval` commits, asking the store
 * about all of them in one query. Everything that can be wrong with the options is found
 * before the first call that changes anything.
 */
export async function schedule(options: ScheduleOptions, deps: ScheduleDependencies = {}): Promise<ScheduleSummary> {
  const env = deps.env ?? process.env;
  const log = deps.log ?? (() => {});
  const target = parseRepository(options.repository, "repository");
  const workflowRepository: RepositoryRef = parseRepository(
    options.workflowRepository ?? env.GITHUB_REPOSITORY ?? options.repository,
    "workflow-repository",
  );
  const extraInputs = parseInputs(options.inputs);
  for (const reserved of [options.shaInput, options.keyInput].filter(Boolean) as string[]) {
    if (reserved in extraInputs) throw new ConfigurationError(`inputs: ${reserved} is set by the scheduler`);
  }
  const dbUri = resolveDbUri(options.db, env);
  const client =
    deps.client ??
    createGitHubClient({ token: options.token, baseUrl: options.apiUrl ?? env.GITHUB_API_URL ?? DEFAULT_API_URL, log });

  const branch = options.branch ?? (await defaultBranch(client, target));
  let candidates: string[];
  if (options.mode === "latest") {
    candidates = [await branchHead(client, target, branch)];
  } else {
    await branchHead(client, target, branch); // a missing branch: a clear error, not an empty list
    const walked = await recentCommits(client, target, branch, options.maxCommits * options.commitInterval);
    candidates = walked.filter((_, index) => index % options.commitInterval === 0);
  }

  // The store must exist — a mistyped local folder must not read as "nothing benchmarked" and
  // dispatch every commit — but a store without the results table is a new one: its first run.
  const store = await openExistingStore({ uri: dbUri, retry: deps.retry, log, allowMissingTable: true });
  let stored: Set<string>;
  try {
    if (!(await store.hasTable())) log(`${redactUri(dbUri)} has no results table yet: no commit has results`);
    stored = await store.shasWithResults(candidates);
  } finally {
    store.close();
  }
  const checked = candidates.map((sha) => ({ sha, hasResults: stored.has(sha) }));
  // Oldest first, so history fills in order.
  const missing = checked
    .filter((c) => !c.hasResults)
    .map((c) => c.sha)
    .reverse();
  const summary: ScheduleSummary = {
    repository: repositoryName(target),
    branch,
    mode: options.mode,
    dryRun: options.dryRun,
    checked,
    dispatched: [],
    workflow: `${repositoryName(workflowRepository)}/${options.workflow}@${options.workflowRef}`,
  };
  for (const c of checked) log(`${c.sha} ${c.hasResults ? "has results" : "has no results"}`);
  if (options.dryRun) {
    summary.dispatched = missing.map((sha) => ({ sha, key: "" }));
    for (const sha of missing) log(`dry run: would dispatch ${summary.workflow} for ${sha}`);
    return summary;
  }

  const request = (sha: string, key: string): DispatchRequest => ({
    repository: workflowRepository,
    workflow: options.workflow,
    ref: options.workflowRef,
    inputs: { ...extraInputs, [options.shaInput]: sha, ...(options.keyInput ? { [options.keyInput]: key } : {}) },
  });
  const pollMs = deps.pollIntervalMs ?? 30_000;
  const deadline = Date.now() + options.waitTimeoutMinutes * 60_000;

  const waitForRun = async (outcome: DispatchOutcome) => {
    if (outcome.runId === undefined) return;
    for (;;) {
      const state = await runState(client, workflowRepository, outcome.runId);
      if (state.status === "completed") {
        outcome.conclusion = state.conclusion;
        log(`run ${outcome.runId} for ${outcome.sha}: ${state.conclusion}`);
        return;
      }
      if (Date.now() > deadline) {
        throw new ConfigurationError(
          `run ${outcome.runId} for ${outcome.sha} did not finish within ${options.waitTimeoutMinutes} minutes`,
        );
      }
      await sleep(pollMs);
    }
  };

  const dispatchOne = async (sha: string): Promise<DispatchOutcome> => {
    const key = `lance-bench-${sha.slice(0, 12)}-${randomUUID().slice(0, 8)}`;
    const since = new Date(Date.now() - 60_000);
    const started = await dispatchWorkflow(client, request(sha, key));
    let found = started;
    if (found.runId === undefined && options.keyInput) {
      for (let attempt = 0; attempt < 10 && found.runId === undefined; attempt++) {
        found = (await findRunByKey(client, request(sha, key), key, since)) ?? {};
        if (found.runId === undefined) await sleep(Math.min(pollMs, 3_000));
      }
    }
    const outcome: DispatchOutcome = { sha, key, ...found };
    log(`dispatched ${summary.workflow} for ${sha}${found.runUrl ? `: ${found.runUrl}` : ""}`);
    summary.dispatched.push(outcome);
    return outcome;
  };

  // At most maxInFlight dispatched runs at once: a slot is freed when its run completes.
  const queue = [...missing];
  const mustTrack = options.wait || missing.length > options.maxInFlight;
  const worker = async () => {
    for (let sha = queue.shift(); sha !== undefined; sha = queue.shift()) {
      const outcome = await dispatchOne(sha);
      if (mustTrack && outcome.runId === undefined) {
        throw new ConfigurationError(
          `cannot follow the run dispatched for ${sha}: GitHub returned no run id; pass key-input ` +
            "(an input of the workflow shown in its run-name) or dispatch at most max-in-flight commits without wait",
        );
      }
      if (options.wait || queue.length > 0) await waitForRun(outcome);
    }
  };
  // The first failure stops every worker from taking more work; the others finish what they
  // hold (never a dispatch left half-reported), then the failure is reported.
  const settled = await Promise.allSettled(
    Array.from({ length: Math.min(options.maxInFlight, missing.length) }, async () => {
      try {
        await worker();
      } catch (error) {
        queue.length = 0;
        throw error;
      }
    }),
  );
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failure) throw failure.reason;
  return summary;
}
