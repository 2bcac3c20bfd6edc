import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { childEnv, envPassthroughProblem, type ChildEnv } from "../context/child-env.js";
import { validateSha } from "../context/git.js";
import { ConfigurationError, prNumberOfRef, pullRequestRun, type PullRequestRun, type Result } from "../model/index.js";
import { writeResultsFile } from "../parse/index.js";
import { LocalDirectoryCache, type BuildCache } from "../run/build-cache.js";
import { prepareCheckout, type Checkout } from "../run/checkout.js";
import type { RetryPolicy } from "../store/retry.js";
import { z } from "zod";
import { loadStoreModule } from "./open-store.js";
import { storeResults, type PublishSummary } from "./publish.js";
import type { ContextOptions, RunRole } from "./results-context.js";
import type { CommandDeps } from "./deps.js";

export const optionalText = z.string().trim().min(1).optional();
export const textList = z.array(z.string().trim().min(1)).default([]);

/** Options every run command takes (each adds its own with `.extend`). */
export const RunCommonOptions = z.object({
  repo: z.string().trim().min(1, "is required: the project's git checkout"),
  sha: optionalText,
  mode: z.enum(["main", "pr"]).default("main"),
  publish: z.boolean().default(true),
  db: optionalText,
  outputDir: z.string().trim().min(1).default("lance-bench-results"),
  budgetMinutes: z.coerce.number().positive().default(60),
  cacheDir: optionalText,
  testbedName: optionalText,
  dutName: optionalText,
  dutVersion: optionalText,
  runId: optionalText,
  /** A benchmark to record a CPU flamegraph of, after the measured run. */
  profile: optionalText,
  /**
   * Same-runner A/B: also build this commit (the PR's base) on this machine, and run base and
   * head alternately, `repetitions` times each, so that both see the same machine and noise.
   */
  baseSha: optionalText,
  /**
   * Runs of each side of an A/B (default 10); without a base, runs of the head alone (default
   * 1): each run is its own result per benchmark, so main's history has run-to-run replication.
   */
  repetitions: z.coerce.number().int().min(1).max(100).optional(),
  /**
   * Variables the benchmarked code may see besides the allowlist (PATH, HOME, locale, CARGO_*,
   * RUSTUP_*, RUST*, PYTHON*, …); credential-like names are refused.
   */
  /** A pull request's run: rows under `refs/pull/<n>/head` with `run.pr_number` n, and its own caches. */
  prNumber: z.coerce.number().int().positive().optional(),
  envPassthrough: z
    .array(z.string().trim().min(1))
    .default([])
    .superRefine((names, ctx) => {
      const problem = envPassthroughProblem(names);
      if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
    }),
});

/** Enough runs a side for a run-level test to pass false-discovery control over a large suite. */
export const DEFAULT_AB_REPETITIONS = 10;

/**
 * The repetition plan of a run command: no base → `repetitions` runs of the head (default 1);
 * a base → a same-runner A/B, base and head interleaved `repetitions` times (default 10).
 */
export function abPlan(options: { baseSha?: string; repetitions?: number; mode: "main" | "pr" }): {
  baseSha?: string;
  repetitions: number;
} {
  if (options.baseSha === undefined) return { repetitions: options.repetitions ?? 1 };
  const baseSha = validateSha(options.baseSha, "base-sha");
  if (options.mode !== "pr") {
    throw new ConfigurationError(
      "base-sha: a same-runner A/B is for pull requests (mode: pr); main results are published alone",
    );
  }
  return { baseSha, repetitions: options.repetitions ?? DEFAULT_AB_REPETITIONS };
}

/**
 * Which run repetition `r` (1-based) of one side is, for its results: in an A/B its number
 * and side; of the head alone its number, or nothing when the head runs once (its results
 * keep the ids a single run always had).
 */
export function runRole(
  plan: { baseSha?: string; repetitions: number },
  r: number,
  role: "base" | "head",
): RunRole | undefined {
  if (plan.baseSha !== undefined) return { repetition: r, role };
  return plan.repetitions > 1 ? { repetition: r } : undefined;
}

/** Which side runs first in repetition `r` (1-based): alternating, so neither side always goes first. */
export const abOrder = (r: number): ("base" | "head")[] => (r % 2 === 1 ? ["base", "head"] : ["head", "base"]);

/** What the run commands share: where they work, what they cache in, how they report. */
/** A run command's: the build cache too (the actions' is GitHub's cache, the CLI's a local folder). */
export interface RunDependencies extends CommandDeps {
  cache?: BuildCache;
}

export interface RunWorkspace {
  checkout: Checkout;
  /** A scratch folder for this run, on the local cache's file system (moves are renames). */
  workDir: string;
  cache: BuildCache;
  log: (message: string) => void;
  /** The suite's own environment (the store's credentials): never handed to a child. */
  env: NodeJS.ProcessEnv;
  /** The environment of the code benchmarked: the allowlist plus `env-passthrough`. */
  childEnv: ChildEnv;
  /** The pull request this run is for (`pr-number`), whose rows never join a branch's history. */
  pullRequest: PullRequestRun | undefined;
  /**
   * The pull request whose cache namespace (`pr-<n>-`) this run saves in: `pr-number`, else the
   * workflow's (`GITHUB_REF` `refs/pull/<n>/…`); undefined for main's runs.
   */
  cachePr: number | undefined;
}

/**
 * Runs `body` with the project checked out at `sha` in a fresh worktree and a scratch
 * folder, and removes both afterwards, whatever happens.
 */
export async function withRunWorkspace<T>(
  options: {
    repo: string;
    sha?: string | undefined;
    cacheDir?: string | undefined;
    envPassthrough: readonly string[];
    prNumber?: number | undefined;
  },
  deps: RunDependencies,
  body: (workspace: RunWorkspace) => Promise<T>,
): Promise<T> {
  const { repo, sha, cacheDir } = options;
  const env = deps.env ?? process.env;
  const children = childEnv(env, options.envPassthrough);
  const pullRequest =
    options.prNumber === undefined ? undefined : pullRequestRun(options.prNumber, undefined, env.GITHUB_REF);
  const cachePr = pullRequest?.pr_number ?? prNumberOfRef(env.GITHUB_REF ?? "") ?? undefined;
  const cache = deps.cache ?? new LocalDirectoryCache(cacheDir);
  const localRoot = cache instanceof LocalDirectoryCache ? cache.root : os.tmpdir();
  await mkdir(localRoot, { recursive: true });
  const workDir = await mkdtemp(path.join(localRoot, "run-"));
  try {
    const checkout = await prepareCheckout(path.resolve(repo), sha, workDir);
    try {
      return await body({
        checkout,
        workDir,
        cache,
        log: deps.log ?? (() => {}),
        env,
        childEnv: children,
        pullRequest,
        cachePr,
      });
    } finally {
      await checkout.dispose();
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Results file name for one unit of a run ("results-<slug>.jsonl"). */
export async function saveResultsFile(outputDir: string, slug: string, results: readonly Result[], producer: string) {
  const dir = path.resolve(outputDir);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `results-${slug}.jsonl`);
  await writeResultsFile(file, results, producer);
  return file;
}

/** Main mode publishes; pr mode leaves the results files for a later job. */
export async function publishIfMain(
  mode: "main" | "pr",
  publish: boolean,
  results: readonly Result[],
  db: string | undefined,
  workspace: RunWorkspace,
  retry: RetryPolicy | undefined,
): Promise<PublishSummary | undefined> {
  if (mode !== "main" || !publish || results.length === 0) return undefined;
  return storeResults(results, db, { env: workspace.env, retry, log: workspace.log });
}

/** Starts loading LanceDB while a benchmark runs, so publishing afterwards adds no start-up time. */
export function storePreloader(mode: "main" | "pr", publish: boolean): () => void {
  let loading: Promise<unknown> | undefined;
  return () => {
    if (mode === "main" && publish) loading ??= loadStoreModule().catch(() => undefined);
  };
}

/**
 * What `resolveResultsContext` is told about one run command's measurements: the commit's
 * worktree, the build under test read from it, and this run's test bed, id and pull request.
 */
export function runContextOptions(
  tree: { dir: string; sha: string },
  dut: { name: string; version: string; timestamp: number },
  options: { testbedName?: string | undefined; runId?: string | undefined },
  workspace: Pick<RunWorkspace, "pullRequest">,
): ContextOptions {
  return {
    repo: tree.dir,
    sha: tree.sha,
    dutName: dut.name,
    dutVersion: dut.version,
    dutTimestamp: dut.timestamp,
    testbedName: options.testbedName,
    runId: options.runId,
    pullRequest: workspace.pullRequest,
  };
}
