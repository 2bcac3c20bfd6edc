import { createHash } from "node:crypto";
import path from "node:path";
import { v5 as uuidv5 } from "uuid";
import { readCommit, validateSha } from "../context/git.js";
import { NoProjectVersion, readProjectVersion } from "../context/manifest.js";
import { runProgram } from "../context/process.js";
import { detectRunInfo } from "../context/run-info.js";
import { detectTestBed, environmentFingerprint } from "../context/testbed.js";
import {
  ConfigurationError,
  Result,
  type DutBuild,
  type Measurement,
  type PullRequestRun,
  type RunInfo,
  type TestBed,
} from "../model/index.js";
import type { PublishedBenchmark } from "../report/publish-summary.js";
import { summarize } from "../stats/summary.js";

/**
 * What turns raw measurements into stored records: the build under test, the machine, the
 * toolchain and the CI run. Shared by `publish` (result files made elsewhere) and the run
 * commands (results they just measured).
 */
export interface ResultsContext {
  sha: string;
  dut: DutBuild;
  testBed: TestBed;
  toolchain: string[];
  fingerprint: string;
  run: RunInfo;
}

export interface ContextOptions {
  sha?: string | undefined;
  repo?: string | undefined;
  dutName?: string | undefined;
  dutVersion?: string | undefined;
  dutTimestamp?: number | undefined;
  testbedName?: string | undefined;
  runId?: string | undefined;
  /** Folders whose manifest gives the version, tried in order (default: the checkout's root). */
  manifestDirs?: readonly string[] | undefined;
  /** The name when no manifest gives one (default: the checkout's folder; run commands pass the user's, not their worktree's). */
  defaultName?: string | undefined;
  /** Told when the version falls back to the commit (no manifest version to read). */
  warn?: ((message: string) => void) | undefined;
  /** A pull request's run (`--pr-number`): its ref and number replace the CI run's. */
  pullRequest?: PullRequestRun | undefined;
}

/** Stands for the version of a project whose manifest has none to read (`unversioned+abc1234`). */
export const UNVERSIONED = "unversioned";

/**
 * The build under test, from explicit options or else from the git checkout `repo`: the
 * version from its manifest (`{VERSION}+{SHORT_SHA}`), the name from the manifest or the
 * checkout's folder. A project without a readable version (no manifest, a dynamic version)
 * is recorded as `unversioned+{SHORT_SHA}`, with a warning; a manifest that cannot be
 * decoded is an error. Run commands call this before running anything, so neither can
 * surface only after an hour of benchmarks.
 */
export async function resolveDut(options: ContextOptions): Promise<{ dut: DutBuild; sha: string }> {
  const { repo } = options;
  const fromRepo = async <T>(what: string, flag: string, read: (repo: string) => Promise<T>): Promise<T> => {
    if (!repo) {
      throw new ConfigurationError(
        `cannot determine the ${what}: pass ${flag}, or --repo with the project's git checkout`,
      );
    }
    return read(repo);
  };
  const commit =
    options.sha === undefined || options.dutTimestamp === undefined
      ? await fromRepo(
          options.sha === undefined ? "commit sha" : "commit time",
          options.sha === undefined ? "--sha" : "--dut-timestamp",
          (dir) =>
            readCommit(dir, options.sha ?? "HEAD").catch((error: unknown) => {
              if (!(error instanceof ConfigurationError)) throw error;
              throw new ConfigurationError(
                `${error.message}; pass --repo with a git checkout, or --sha, --dut-version and --dut-timestamp`,
              );
            }),
        )
      : undefined;
  const sha = options.sha !== undefined ? validateSha(options.sha) : commit!.sha;
  const timestamp = options.dutTimestamp ?? commit!.timestamp;
  let { dutVersion: version, dutName: name } = options;
  if (version === undefined || name === undefined) {
    const missing: [string, string] =
      version === undefined ? ["version", "--dut-version"] : ["project name", "--dut-name"];
    const checkout = await fromRepo(...missing, (dir) => Promise.resolve(dir));
    const project = await firstProjectVersion(options.manifestDirs ?? [checkout]).catch((error: unknown) => {
      if (!(error instanceof NoProjectVersion) || version !== undefined) throw error;
      // The name can still come from the checkout's folder, the version from the commit.
      options.warn?.(
        `${error.message}: recording the version as ${UNVERSIONED}+${sha.slice(0, 7)} (--dut-version sets one)`,
      );
      return undefined;
    });
    version ??= `${project?.version ?? UNVERSIONED}+${sha.slice(0, 7)}`;
    name ??= project?.name ?? options.defaultName ?? path.basename(path.resolve(checkout));
  }
  return { sha, dut: { name, version, timestamp } };
}

/** The version from the first of these folders that has one; else the first folder's error. */
async function firstProjectVersion(dirs: readonly string[]) {
  let firstError: unknown;
  for (const dir of dirs) {
    try {
      return await readProjectVersion(dir);
    } catch (error) {
      firstError ??= error;
    }
  }
  throw firstError;
}

/** Formats of Rust tools: rustc shapes their numbers (not a pipeline's or a Python suite's). */
const RUST_FORMATS: ReadonlySet<string> = new Set(["criterion-json", "criterion-dir", "bencher"]);

/** Compiler and interpreter versions that shape the numbers (part of the fingerprint). */
async function detectToolchain(
  measurements: readonly Measurement[],
  fromFiles: readonly string[],
  repo: string | undefined,
) {
  const toolchain = [...fromFiles];
  const rustKnown = toolchain.some((t) => t.startsWith("rustc "));
  if (!rustKnown && measurements.some((m) => RUST_FORMATS.has(m.sourceFormat))) {
    try {
      // Run in the checkout so rustup honours its rust-toolchain file.
      toolchain.push((await runProgram("rustc", ["--version"], { cwd: repo, timeoutMs: 20_000 })).stdout.trim());
    } catch {
      toolchain.push("rustc unknown");
    }
  }
  return toolchain;
}

/** Identifies a run when no CI run id exists: the same results give the same id. */
function contentRunId(measurements: readonly Measurement[]): string {
  const hash = createHash("sha256");
  for (const m of measurements) hash.update(`${m.benchmarkName}\u0000${m.metric}\u0000${m.values.join(",")}\n`);
  return `local-${hash.digest("hex").slice(0, 16)}`;
}

export async function resolveResultsContext(
  options: ContextOptions,
  measurements: readonly Measurement[],
  /** Toolchain already known: named by the result files, or found by the command that ran them. */
  toolchainFromFiles: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<ResultsContext> {
  const { dut, sha } = await resolveDut(options);
  const testBed = await detectTestBed(options.testbedName, env);
  const toolchain = await detectToolchain(measurements, toolchainFromFiles, options.repo);
  const run = detectRunInfo(options.runId ?? contentRunId(measurements), env);
  if (options.runId !== undefined) run.run_id = options.runId;
  if (options.pullRequest !== undefined) Object.assign(run, options.pullRequest);
  return { sha, dut, testBed, toolchain, fingerprint: environmentFingerprint(testBed, toolchain), run };
}

/** Fixed namespace for result ids: the same key always gives the same uuid. */
const RESULT_ID_NAMESPACE = "7c8a3e52-5b1f-4d0e-9a61-2f4b8c9d0e13";

/**
 * The run attempt is deliberately not part of the key: re-running a workflow (say, after one
 * matrix job failed) measures the same commit again in the same run, and must complete the
 * table, not duplicate what the first attempt already stored. The first stored row wins.
 */
function resultId(
  context: ResultsContext,
  m: Pick<Measurement, "benchmarkName" | "metric" | "identity">,
  run: RunRole | undefined,
  failed: false | "failed" | "skipped" = false,
): string {
  const { sha, testBed, run: ci } = context;
  const key: unknown[] = [sha, testBed.name, m.benchmarkName, m.metric, ci.provider, ci.repository, ci.run_id];
  // Records of other formats have none: their ids stay what they always were.
  if (m.identity !== undefined) key.push(m.identity);
  // Repeated runs of one commit in one CI run (a same-runner A/B, or repetitions of the head
  // alone) are distinct results. A single run keeps the key it always had, so stored ids stay
  // stable, and so does the first of a head's repetitions: it is the run a single run would be.
  if (run !== undefined && (run.role !== undefined || run.repetition > 1)) key.push(run.repetition);
  // A failure has its own id, so that a re-run attempt that measures the benchmark still stores it.
  if (failed === "failed") key.push("failed");
  else if (failed === "skipped") key.push("skipped");
  return uuidv5(JSON.stringify(key), RESULT_ID_NAMESPACE);
}

/**
 * Which of several runs of one commit in one CI run a record is: in a same-runner A/B its
 * repetition and side, else the repetition of the head alone (left out when it ran once).
 */
export type RunRole = { repetition: number; role?: "base" | "head" };

/**
 * What every record of one context shares: the build, machine, run and toolchain, and which
 * repetition (and side of an A/B) it was. The caller adds what was measured.
 */
function contextFields(
  context: ResultsContext,
  run: RunRole | undefined,
  metadata: Record<string, unknown>,
  uploadedAt: number,
) {
  const repetition =
    run === undefined
      ? {}
      : run.role !== undefined
        ? { ab_repetition: run.repetition, ab_role: run.role }
        : { repetition: run.repetition };
  return {
    dut: context.dut,
    test_bed: context.testBed,
    metadata: JSON.stringify({ ...metadata, toolchain: context.toolchain, ...repetition }),
    timestamp: uploadedAt,
    sha: context.sha,
    run: context.run,
    fingerprint: context.fingerprint,
  };
}

/**
 * Stored records for measurements taken in `context`. `run` numbers repeated runs of one
 * commit (1, 2, …), of a same-runner A/B or of the head alone: each repetition is its own
 * record, with its own id, noted in `metadata`.
 */
export function toResults(measurements: readonly Measurement[], context: ResultsContext, run?: RunRole): Result[] {
  const uploadedAt = Math.floor(Date.now() / 1000);
  return measurements.map((m) =>
    Result.parse({
      ...contextFields(context, run, m.metadata, uploadedAt),
      id: resultId(context, m, run),
      benchmark_name: m.benchmarkName,
      values: m.values,
      summary: summarize(m.values),
      units: m.units,
      throughput: m.throughput,
      metric: m.metric,
      direction: m.direction,
      params: m.params ? JSON.stringify(m.params) : null,
      source_format: m.sourceFormat,
      status: "ok",
      status_reason: null,
    } satisfies Result),
  );
}

/** A benchmark that ran and failed (or was skipped): recorded without samples, with the reason. */
export interface FailedBenchmark {
  benchmarkName: string;
  reason: string;
  /** failed (default), or skipped: the benchmark could not run here, which is not a regression. */
  status?: "failed" | "skipped";
  /** As `Measurement.identity`. */
  identity?: string;
  params?: Record<string, unknown> | null;
  metric: string;
  units: string;
  direction: Measurement["direction"];
  sourceFormat: Measurement["sourceFormat"];
  metadata: Record<string, unknown>;
}

/** Stored records (status `failed` or `skipped`, no samples) for benchmarks that failed or were skipped in `context`. */
export function toFailedResults(
  failures: readonly FailedBenchmark[],
  context: ResultsContext,
  run?: RunRole,
): Result[] {
  const uploadedAt = Math.floor(Date.now() / 1000);
  return failures.map((f) =>
    Result.parse({
      ...contextFields(context, run, f.metadata, uploadedAt),
      id: resultId(context, f, run, f.status ?? "failed"),
      benchmark_name: f.benchmarkName,
      values: [],
      summary: null,
      units: f.units,
      throughput: null,
      metric: f.metric,
      direction: f.direction,
      params: f.params ? JSON.stringify(f.params) : null,
      source_format: f.sourceFormat,
      status: f.status ?? "failed",
      // Bounded: a reason is a message, not a traceback.
      status_reason: f.reason.length > 2000 ? `${f.reason.slice(0, 2000)}…` : f.reason || (f.status ?? "failed"),
    } satisfies Result),
  );
}

/** One line per record for summary tables (a failed one without a median, with its reason). */
export function describeResults(results: readonly Result[]): PublishedBenchmark[] {
  return results.map((r) => ({
    name: r.benchmark_name,
    metric: r.metric,
    median: r.summary?.median ?? null,
    units: r.units,
    n: r.values.length,
    ...(r.status === "ok" ? {} : { status: r.status, reason: r.status_reason ?? "" }),
  }));
}
