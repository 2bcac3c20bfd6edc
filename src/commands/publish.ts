import { createHash } from "node:crypto";
import path from "node:path";
import { v5 as uuidv5 } from "uuid";
import { z } from "zod";
import { readCommit, validateSha } from "../context/git.js";
import { readProjectVersion } from "../context/manifest.js";
import { runProgram } from "../context/process.js";
import { detectRunInfo } from "../context/run-info.js";
import { detectTestBed, environmentFingerprint } from "../context/testbed.js";
import {
  ConfigurationError,
  parseOptions,
  Result,
  type DutBuild,
  type Measurement,
  type RunInfo,
  type TestBed,
} from "../model/index.js";
import { FORMAT_CHOICES, parseInputs } from "../parse/index.js";
import type { PublishedBenchmark } from "../report/publish-summary.js";
import { summarize } from "../stats/summary.js";
import { resolveDbUri } from "../store/connect.js";
import { ResultStore } from "../store/results-table.js";
import type { RetryPolicy } from "../store/retry.js";

const optionalText = z.string().trim().min(1).optional();

/** Options of `publish`, shared by the CLI and the action (same names, kebab-cased). */
export const PublishOptions = z.object({
  inputs: z.array(z.string().min(1)).min(1, "give at least one result file or directory"),
  format: z.enum(FORMAT_CHOICES).default("auto"),
  db: optionalText,
  testbedName: optionalText,
  dutName: optionalText,
  dutVersion: optionalText,
  dutTimestamp: z
    .preprocess(
      (value) => (typeof value === "number" ? String(value) : value),
      z.string().trim().regex(/^\d+$/, "must be a commit time in unix seconds").transform(Number),
    )
    .optional(),
  sha: optionalText,
  repo: optionalText,
  runId: optionalText,
});
export type PublishOptions = z.infer<typeof PublishOptions>;

export interface PublishDependencies {
  env?: NodeJS.ProcessEnv;
  retry?: RetryPolicy;
  log?: (message: string) => void;
}

export interface PublishSummary {
  db: string;
  rowsWritten: number;
  rowsAlreadyStored: number;
  sha: string;
  dut: DutBuild;
  testBed: TestBed;
  fingerprint: string;
  run: RunInfo;
  benchmarks: PublishedBenchmark[];
  warnings: string[];
}

/** Fixed namespace for result ids: the same key always gives the same uuid. */
const RESULT_ID_NAMESPACE = "7c8a3e52-5b1f-4d0e-9a61-2f4b8c9d0e13";

export function parsePublishOptions(raw: Record<string, unknown>): PublishOptions {
  return parseOptions(PublishOptions, raw);
}

/** The build under test, from explicit options or else from the git checkout `repo`. */
async function resolveDut(options: PublishOptions): Promise<{ dut: DutBuild; sha: string }> {
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
          (dir) => readCommit(dir, options.sha ?? "HEAD"),
        )
      : undefined;
  const sha = options.sha !== undefined ? validateSha(options.sha) : commit!.sha;
  const timestamp = options.dutTimestamp ?? commit!.timestamp;
  let { dutVersion: version, dutName: name } = options;
  if (version === undefined || name === undefined) {
    const missing: [string, string] =
      version === undefined ? ["version", "--dut-version"] : ["project name", "--dut-name"];
    const checkout = await fromRepo(...missing, async (dir) => dir);
    const project = await readProjectVersion(checkout).catch((error: unknown) => {
      // Without a readable manifest the name can still come from the checkout's folder.
      if (version === undefined) throw error;
      return undefined;
    });
    version ??= `${project!.version}+${sha.slice(0, 7)}`;
    name ??= project?.name ?? path.basename(path.resolve(checkout));
  }
  return { sha, dut: { name, version, timestamp } };
}

/** Compiler and interpreter versions that shape the numbers (part of the fingerprint). */
async function detectToolchain(
  measurements: readonly Measurement[],
  fromFiles: readonly string[],
  repo: string | undefined,
) {
  const toolchain = [...fromFiles];
  if (measurements.some((m) => m.sourceFormat !== "pytest")) {
    try {
      // Run in the checkout so rustup honours its rust-toolchain file.
      toolchain.push((await runProgram("rustc", ["--version"], { cwd: repo, timeoutMs: 20_000 })).stdout.trim());
    } catch {
      toolchain.push("rustc unknown");
    }
  }
  return toolchain;
}

/** Identifies a publish when no CI run id exists: the same results give the same id. */
function contentRunId(measurements: readonly Measurement[]): string {
  const hash = createHash("sha256");
  for (const m of measurements) hash.update(`${m.benchmarkName}\u0000${m.metric}\u0000${m.values.join(",")}\n`);
  return `local-${hash.digest("hex").slice(0, 16)}`;
}

function resultId(sha: string, testBed: TestBed, m: Measurement, run: RunInfo): string {
  const key = [sha, testBed.name, m.benchmarkName, m.metric, run.provider, run.repository, run.run_id, run.run_attempt];
  return uuidv5(JSON.stringify(key), RESULT_ID_NAMESPACE);
}

/**
 * Parses result files, attaches the build, machine and run, and writes every record to the
 * `results` table in one commit. Everything is validated before the store is opened, so a
 * bad file or option leaves the table untouched.
 */
export async function publish(options: PublishOptions, deps: PublishDependencies = {}): Promise<PublishSummary> {
  const env = deps.env ?? process.env;
  const dbUri = resolveDbUri(options.db, env);
  const parsed = await parseInputs(options.inputs, options.format);
  const { dut, sha } = await resolveDut(options);
  const testBed = await detectTestBed(options.testbedName, env);
  const toolchain = await detectToolchain(parsed.measurements, parsed.toolchain, options.repo);
  const fingerprint = environmentFingerprint(testBed, toolchain);
  const run = detectRunInfo(options.runId ?? contentRunId(parsed.measurements), env);
  if (options.runId !== undefined) run.run_id = options.runId;
  const uploadedAt = Math.floor(Date.now() / 1000);

  const results = parsed.measurements.map((m) =>
    Result.parse({
      id: resultId(sha, testBed, m, run),
      dut,
      test_bed: testBed,
      benchmark_name: m.benchmarkName,
      values: m.values,
      summary: summarize(m.values),
      units: m.units,
      throughput: m.throughput,
      metadata: JSON.stringify({ ...m.metadata, toolchain }),
      timestamp: uploadedAt,
      sha,
      metric: m.metric,
      direction: m.direction,
      params: m.params ? JSON.stringify(m.params) : null,
      source_format: m.sourceFormat,
      status: "ok",
      status_reason: null,
      run,
      fingerprint,
    } satisfies Result),
  );

  const store = await ResultStore.open({ uri: dbUri, retry: deps.retry, log: deps.log });
  try {
    const outcome = await store.write(results);
    return {
      db: dbUri,
      rowsWritten: outcome.inserted,
      rowsAlreadyStored: outcome.alreadyStored,
      sha,
      dut,
      testBed,
      fingerprint,
      run,
      benchmarks: results.map((r) => ({
        name: r.benchmark_name,
        metric: r.metric,
        median: r.summary.median,
        units: r.units,
        n: r.values.length,
      })),
      warnings: parsed.warnings,
    };
  } finally {
    store.close();
  }
}
