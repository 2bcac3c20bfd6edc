import path from "node:path";
import { z } from "zod";
import {
  GitRef,
  ResultFileError,
  parseOptions,
  prNumberOfRef,
  pullRequestRun,
  type DutBuild,
  type Result,
  type RunInfo,
  type TestBed,
} from "../model/index.js";
import { FORMAT_CHOICES, UNKNOWN_FORMAT, parseInputs } from "../parse/index.js";
import { CONFIG_FILE, loadRepoConfig, metricResolver } from "../context/repo-config.js";
import type { PublishedBenchmark } from "../report/publish-summary.js";
import { resolveDbUri } from "../store/uri.js";
import { describeResults, resolveResultsContext, toResults } from "./results-context.js";
import { openStore } from "./open-store.js";
import type { CommandDeps } from "./deps.js";

const optionalText = z.string().trim().min(1).optional();

/** Options of `publish`, shared by the CLI and the action (same names, kebab-cased). */
export const PublishOptions = z.object({
  files: z.array(z.string().min(1)).min(1, "give at least one result file or directory"),
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
  /**
   * The ref every stored row is recorded under (`main` → `refs/heads/main`), instead of the CI
   * run's (or, for a results file, the one it was measured under): how a laptop or another CI
   * builds a branch's history that `compare --history-ref` reads.
   */
  ref: GitRef.optional(),
  /**
   * The pull request these results belong to: rows go under `refs/pull/<n>/head` with
   * `run.pr_number` n, never into a branch's history (a contradicting `ref` is refused).
   */
  prNumber: z.coerce.number().int().positive().optional(),
  /** `.lance-bench.yml` whose `metrics` rules give units and directions (default: in --repo, else the cwd). */
  config: optionalText,
});
export type PublishOptions = z.infer<typeof PublishOptions>;

export type PublishDependencies = CommandDeps;

export interface PublishSummary {
  db: string;
  rowsWritten: number;
  rowsAlreadyStored: number;
  /** Of the first record (a publish normally holds one build, machine and run). */
  sha: string;
  dut: DutBuild;
  testBed: TestBed;
  fingerprint: string;
  run: RunInfo;
  benchmarks: PublishedBenchmark[];
  warnings: string[];
}

export function parsePublishOptions(raw: Record<string, unknown>): PublishOptions {
  return parseOptions(PublishOptions, raw);
}

/** Writes records in one commit (idempotent by id) and summarizes what was stored. */
export async function storeResults(
  results: readonly Result[],
  db: string | undefined,
  deps: PublishDependencies,
  warnings: string[] = [],
): Promise<PublishSummary> {
  const dbUri = resolveDbUri(db, deps.env ?? process.env);
  // The same results file given twice (or a results file and its re-run) holds the same ids.
  const unique = [...new Map(results.map((r) => [r.id, r])).values()];
  const first = unique[0]!;
  const store = await openStore({ uri: dbUri, retry: deps.retry, log: deps.log });
  try {
    const outcome = await store.write(unique);
    return {
      db: dbUri,
      rowsWritten: outcome.inserted,
      rowsAlreadyStored: outcome.alreadyStored + (results.length - unique.length),
      sha: first.sha,
      dut: first.dut,
      testBed: first.test_bed,
      fingerprint: first.fingerprint,
      run: first.run,
      benchmarks: describeResults(unique),
      warnings,
    };
  } finally {
    store.close();
  }
}

/**
 * Parses result files, attaches the build, machine and run to raw tool output (records from
 * lance-bench results files already carry theirs), and writes everything to the `results`
 * table in one commit. Everything is validated before the store is opened, so a bad file or
 * option leaves the table untouched.
 */
export async function publish(options: PublishOptions, deps: PublishDependencies = {}): Promise<PublishSummary> {
  const env = deps.env ?? process.env;
  resolveDbUri(options.db, env); // a bad --db fails before any work
  const pullRequest =
    options.prNumber === undefined ? undefined : pullRequestRun(options.prNumber, options.ref, env.GITHUB_REF);
  const config = await loadRepoConfig(options.config ?? path.join(options.repo ?? ".", CONFIG_FILE), {
    required: options.config !== undefined,
  });
  const parsed = await parseInputs(options.files, options.format, metricResolver(config.metrics)).catch(
    (error: unknown) => {
      // Only publish can be told the format; compare, which reads files too, cannot.
      if (error instanceof ResultFileError && error.reason.startsWith(UNKNOWN_FORMAT)) {
        throw new ResultFileError(error.file, error.location, `${error.reason} (the format option forces one)`);
      }
      throw error;
    },
  );
  const results = [...parsed.results];
  const warnings = [...parsed.warnings];
  if (parsed.measurements.length > 0) {
    const warn = (message: string) => warnings.push(message);
    const context = await resolveResultsContext(
      { ...options, warn, pullRequest },
      parsed.measurements,
      parsed.toolchain,
      env,
    );
    results.push(...toResults(parsed.measurements, context));
  }
  // results files carry the run they were measured in: the pull request (or ref) given here wins
  const { ref } = options;
  const stamp = pullRequest ?? (ref === undefined ? undefined : { ref, pr_number: prNumberOfRef(ref) });
  const stored = stamp === undefined ? results : results.map((r) => ({ ...r, run: { ...r.run, ...stamp } }));
  return storeResults(stored, options.db, { ...deps, env }, warnings);
}
