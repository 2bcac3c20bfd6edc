import { readFile, rm, stat } from "node:fs/promises";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { currentBranch } from "../context/git.js";
import { resolveInside } from "../context/paths.js";
import {
  ConfigurationError,
  ResultFileError,
  LanceBenchError,
  describeError,
  parseOptions,
  pipelineBenchmarkName,
  type Result,
} from "../model/index.js";
import { findBenchJson, pipelineMeasurements, type NamedPipelineRun } from "../parse/rapidbyte.js";
import { tablesMarkdown, tablesText, variantTables, type PipelineIteration } from "../report/pipeline-report.js";
import { splitCommand } from "../run/command-line.js";
import {
  checkIdentifier,
  connectPostgres,
  describeTarget,
  dropSchema,
  libpqEnvironment,
  postgresTarget,
  seedBenchEvents,
  serverVersion,
  type PostgresSession,
} from "../run/postgres.js";
import { profileCommand, type ProfileOutcome } from "../run/profile.js";
import { runStep } from "../run/python.js";
import { spawnCaptured, tail, type SpawnResult } from "../run/spawn.js";
import type { ChildEnv } from "../context/child-env.js";
import { appendHistory, HISTORY_FILE, type HistoryEntry } from "./pipeline-history.js";
import type { PublishSummary } from "./publish.js";
import { resolveDut, resolveResultsContext, toResults } from "./results-context.js";
import {
  optionalText,
  publishIfMain,
  RunCommonOptions,
  runContextOptions,
  type RunDependencies,
  saveResultsFile,
  storePreloader,
  textList,
  withRunWorkspace,
} from "./run-common.js";

/** rapidbyte's four benchmark pipelines (its bench.sh), the default variants. */
export const DEFAULT_VARIANTS: Readonly<Record<string, string>> = {
  insert: "bench_pg.yaml",
  copy: "bench_pg_copy.yaml",
  lz4: "bench_pg_lz4.yaml",
  zstd: "bench_pg_zstd.yaml",
};

const VARIANT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** What a command template may contain, each replaced inside an argument (never by a shell). */
const PLACEHOLDERS = ["pipeline", "variant", "rows", "iteration", "aot", "schema"] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];

export const RunPipelineOptions = RunCommonOptions.extend({
  workdir: z.string().trim().min(1).default("."),
  buildCommand: optionalText,
  /** The pipeline run, e.g. `rapidbyte run {pipeline}`; one `@@BENCH_JSON@@` line per run. */
  pipelineCommand: z.string().trim().min(1).default("rapidbyte run {pipeline}"),
  pipelinesDir: z.string().trim().min(1).default("tests/fixtures/pipelines"),
  /** `name` (a default or `bench_pg_<name>.yaml`) or `name=path` (relative to pipelines-dir). */
  variants: textList,
  rows: z.array(z.coerce.number().int().min(1).max(1_000_000_000)).min(1).default([10_000]),
  iters: z.coerce.number().int().min(1).max(1000).default(3),
  aot: z.boolean().default(true),
  databaseUrl: optionalText,
  destSchema: z.string().trim().min(1).default("raw"),
  /** State files to delete before every iteration, besides those the pipeline files name. */
  statePaths: textList,
  connectAttempts: z.coerce.number().int().min(1).max(30).default(6),
  /** First wait between connection attempts, doubled each time. */
  connectBackoffMs: z.coerce.number().int().min(0).max(60_000).default(500),
  /** The branch recorded in the history (default: GITHUB_REF_NAME, else the checkout's branch). */
  gitBranch: optionalText,
  /** The results history (default: pipeline-results.jsonl in output-dir). */
  historyFile: optionalText,
});
export type RunPipelineOptions = z.infer<typeof RunPipelineOptions>;

export function parseRunPipelineOptions(raw: Record<string, unknown>): RunPipelineOptions {
  return parseOptions(RunPipelineOptions, raw);
}

export interface Variant {
  name: string;
  /** The pipeline file, relative to pipelines-dir. */
  file: string;
}

/** Variants from their specs; the defaults when none are given. */
export function parseVariants(specs: readonly string[]): Variant[] {
  if (specs.length === 0) return Object.entries(DEFAULT_VARIANTS).map(([name, file]) => ({ name, file }));
  const variants = specs.map((spec) => {
    const [name = "", file] = spec.includes("=")
      ? [spec.slice(0, spec.indexOf("=")), spec.slice(spec.indexOf("=") + 1)]
      : [spec];
    if (!VARIANT_NAME.test(name)) {
      throw new ConfigurationError(`variants: "${spec}" — a variant name is letters, digits, ".", "_" or "-"`);
    }
    if (file !== undefined && file.trim() === "") throw new ConfigurationError(`variants: "${spec}" names no file`);
    return { name, file: file?.trim() ?? DEFAULT_VARIANTS[name] ?? `bench_pg_${name}.yaml` };
  });
  const seen = new Set<string>();
  for (const v of variants) {
    if (seen.has(v.name)) throw new ConfigurationError(`variants: "${v.name}" is listed twice`);
    seen.add(v.name);
  }
  return variants;
}

/** Checks a command template and returns a function that fills it in for one run. */
export function commandTemplate(text: string): (values: Record<Placeholder, string>) => string[] {
  const words = splitCommand(text, "pipeline-command");
  for (const word of words) {
    for (const [, name] of word.matchAll(/\{([^}]*)\}/g)) {
      if (!(PLACEHOLDERS as readonly string[]).includes(name!)) {
        throw new ConfigurationError(
          `pipeline-command: unknown placeholder {${name}} (known: ${PLACEHOLDERS.map((p) => `{${p}}`).join(", ")})`,
        );
      }
    }
  }
  return (values) => words.map((w) => w.replace(/\{([a-z]+)\}/g, (_, name: Placeholder) => values[name]));
}

/** A state file deleted before every iteration: where, and who named it (for errors). */
interface StateFile {
  /** As named, relative to the workdir. */
  relative: string;
  /** The file and field, or the input, that named it. */
  what: string;
}

/**
 * The state a rapidbyte-style pipeline file keeps between runs (`state.connection`, a SQLite
 * or state file): deleted before every iteration, or the second iteration would resume where
 * the first ended and copy nothing. The pipeline file is the PR's: the path must stay inside
 * the workdir (no `..`, no absolute path, no symbolic link out), checked before anything runs.
 */
async function stateFilesOf(pipelineFile: string, workdir: string, shownFile: string): Promise<StateFile[]> {
  let doc: unknown;
  try {
    doc = parseYaml(await readFile(pipelineFile, "utf8"));
  } catch {
    return []; // not YAML, or unreadable: the pipeline itself will say so
  }
  const state = (doc as { state?: { backend?: unknown; connection?: unknown } } | null)?.state;
  if (typeof state?.connection !== "string" || state.connection === "") return [];
  if (state.backend !== undefined && state.backend !== "sqlite" && state.backend !== "file") return [];
  return [{ relative: state.connection, what: `${shownFile}: state.connection` }];
}

/**
 * Removes state files (and SQLite's companions); folders are never removed. Each path is
 * checked again right before: the code benchmarked may have put a symbolic link in its way.
 */
async function deleteStateFiles(workdir: string, files: readonly StateFile[]): Promise<void> {
  for (const { relative, what } of files) {
    for (const suffix of ["", "-wal", "-shm", "-journal"]) {
      const candidate = await resolveInside(workdir, `${relative}${suffix}`, what, "the workdir");
      const info = await stat(candidate).catch(() => undefined);
      if (info?.isDirectory()) throw new ConfigurationError(`state path "${candidate}" is a folder, not a state file`);
      if (info) await rm(candidate, { force: true });
    }
  }
}

export interface IterationOutcome {
  variant: string;
  rows: number;
  iteration: number;
  status: "ok" | "failed";
  error?: string;
  /** The pipeline's own wall time (its `duration_secs`), when it reported one. */
  durationSecs?: number;
  /** The command's wall time as the suite saw it (process start to exit). */
  commandMs: number;
  /** The suite's own work around the run: resetting the destination and state, parsing, recording. */
  overheadMs: number;
}

export interface RunPipelineSummary {
  sha: string;
  database: string;
  server: string;
  variants: Variant[];
  rows: number[];
  iters: number;
  iterations: IterationOutcome[];
  /** What each iteration reported, one entry per `@@BENCH_JSON@@` line (or per failure): what the tables read. */
  entries: PipelineIteration[];
  /** Mean time to seed the source table, per row count. */
  seedMs: Record<string, number>;
  historyFile: string;
  results: number;
  resultsFile?: string;
  /** The comparison tables (plain text and markdown), one per row count. */
  report: { text: string; markdown: string };
  durationMs: number;
  published?: PublishSummary;
  profile?: ProfileOutcome;
}

/** One error for all failed iterations, raised after the report is out. */
export function failedIterationsError(summary: RunPipelineSummary): LanceBenchError | undefined {
  const failed = summary.iterations.filter((i) => i.status === "failed");
  if (failed.length === 0) return undefined;
  return new LanceBenchError(
    `${failed.length} of ${summary.iterations.length} pipeline iterations failed, nothing was published: ` +
      failed
        .map((i) => `${i.variant} at ${i.rows} rows, iteration ${i.iteration}: ${i.error?.split("\n")[0]}`)
        .join("; "),
  );
}

const now = () => performance.now();

/**
 * The history entries of one finished iteration: one per `@@BENCH_JSON@@` line it printed, or
 * one failed entry saying why (its exit status and the tail of its stderr, or the bad line).
 */
function iterationEntries(
  ran: SpawnResult,
  label: string,
  base: Omit<HistoryEntry, "status" | "fields" | "error">,
): HistoryEntry[] {
  const failed = (error: string): HistoryEntry[] => [{ ...base, status: "failed", error, fields: {} }];
  if (ran.code !== 0 || ran.timedOut) {
    const why = ran.timedOut ? "timed out (budget-minutes)" : `exited with ${ran.code}`;
    return failed(`${why}${ran.stderr.trim() ? `: ${tail(ran.stderr, 10)}` : ""}`);
  }
  try {
    const runs = findBenchJson(ran.stdout, label);
    // The suite's own measure of the whole process tree (the pipeline and every process it
    // started), for the one pipeline run an iteration normally holds; several runs share it.
    const tree: Record<string, number> = {};
    if (runs.length === 1 && ran.usage?.peakRssBytes !== undefined)
      tree.process_peak_rss_bytes = ran.usage.peakRssBytes;
    if (runs.length === 1 && ran.usage?.cpuSeconds !== undefined) tree.process_cpu_secs = ran.usage.cpuSeconds;
    return runs.map((run) => ({ ...base, status: "ok", fields: { ...run.fields, ...tree } }));
  } catch (error) {
    if (!(error instanceof ResultFileError)) throw error;
    return failed(error.location ? `${error.location}: ${error.reason}` : error.reason);
  }
}

/** A variant's pipeline file and the state files deleted before each of its iterations. */
interface VariantFiles {
  file: string;
  state: StateFile[];
}

/** Each variant's pipeline file, checked to exist (when the command uses it) before anything is built or seeded. */
async function locateVariants(
  variants: readonly Variant[],
  workdir: string,
  options: RunPipelineOptions,
  sha: string,
): Promise<Map<string, VariantFiles>> {
  const usesPipelineFile = options.pipelineCommand.includes("{pipeline}");
  const files = new Map<string, VariantFiles>();
  for (const variant of variants) {
    const relative = path.join(options.pipelinesDir, variant.file);
    const file = await resolveInside(workdir, relative, `variant ${variant.name}'s pipeline file`, "the workdir");
    if (usesPipelineFile && !(await stat(file).catch(() => undefined))?.isFile()) {
      throw new ConfigurationError(`variant ${variant.name}: no pipeline file ${relative} at ${sha}`);
    }
    const state = [
      ...(await stateFilesOf(file, workdir, relative)),
      ...options.statePaths.map((p) => ({ relative: p, what: "state-paths" })),
    ];
    // checked before anything is built, seeded or run
    for (const { relative: named, what } of state) await resolveInside(workdir, named, what, "the workdir");
    files.set(variant.name, { file, state });
  }
  return files;
}

/** What every iteration of one run shares. */
interface Bench {
  options: RunPipelineOptions;
  session: PostgresSession;
  /** Runs a database step; a failure (the server went away, a permission) becomes one line naming it. */
  database: <T>(what: string, step: () => Promise<T>) => Promise<T>;
  schema: string;
  fill: ReturnType<typeof commandTemplate>;
  workdir: string;
  commandEnv: ChildEnv;
  historyFile: string;
  /** The history fields every entry of this run shares. */
  identity: Pick<HistoryEntry, "aot" | "git_sha" | "git_sha_full" | "git_branch">;
  remaining: () => number;
  log: (message: string) => void;
}

/** Empties the destination and deletes the pipeline's state, so the next run starts from nothing. */
async function reset(bench: Bench, files: VariantFiles): Promise<void> {
  await bench.database(`dropping schema ${bench.schema}`, () => dropSchema(bench.session, bench.schema));
  await deleteStateFiles(bench.workdir, files.state);
}

/** The command line and environment of one run of a variant. */
function invocation(bench: Bench, variant: Variant, files: VariantFiles, rows: number, iteration: string) {
  const { options, schema } = bench;
  const argv = bench.fill({
    pipeline: files.file,
    variant: variant.name,
    rows: String(rows),
    iteration,
    aot: String(options.aot),
    schema,
  });
  const env = bench.commandEnv.with({
    BENCH_ROWS: String(rows),
    BENCH_VARIANT: variant.name,
    BENCH_ITERATION: iteration,
    BENCH_AOT: options.aot ? "1" : "0",
    BENCH_DEST_SCHEMA: schema,
  });
  return { argv, env };
}

/**
 * One measured iteration: reset, run, read its `@@BENCH_JSON@@` lines, append them to the
 * history. The suite's own work (reset, parse, record) is timed apart from the command.
 */
async function runIteration(
  bench: Bench,
  variant: Variant,
  files: VariantFiles,
  rows: number,
  iteration: number,
): Promise<{ outcome: IterationOutcome; entries: HistoryEntry[] }> {
  const label = `${variant.name} at ${rows} rows, iteration ${iteration}`;
  bench.log(`running ${label}`);
  const cleanStart = now();
  await reset(bench, files);
  const cleanMs = now() - cleanStart;
  const { argv, env } = invocation(bench, variant, files, rows, String(iteration));
  const ran = await spawnCaptured(argv[0]!, argv.slice(1), {
    cwd: bench.workdir,
    env,
    timeoutMs: bench.remaining(),
    measureTree: { intervalMs: 50 },
  }).catch((error: Error) => ({ code: -1, stdout: "", stderr: error.message, timedOut: false, durationMs: 0 }));
  const recordStart = now();
  const entries = iterationEntries(ran, label, {
    ...bench.identity,
    timestamp: new Date().toISOString(),
    mode: variant.name,
    bench_rows: rows,
    iteration,
  });
  for (const entry of entries) await appendHistory(bench.historyFile, entry);
  const failure = entries.find((e) => e.status === "failed");
  if (failure) bench.log(`failed: ${label}: ${failure.error}`);
  const durations = entries.map((e) => e.fields.duration_secs).filter((d) => d !== undefined);
  const outcome: IterationOutcome = {
    variant: variant.name,
    rows,
    iteration,
    status: failure ? "failed" : "ok",
    ...(failure?.error ? { error: failure.error } : {}),
    ...(durations.length ? { durationSecs: durations.reduce((a, b) => a + b, 0) } : {}),
    commandMs: ran.durationMs,
    overheadMs: cleanMs + (now() - recordStart),
  };
  return { outcome, entries };
}

/** One more, unmeasured iteration of the chosen variant under perf, at the last row count (still seeded). */
async function profileVariant(
  bench: Bench,
  variants: readonly Variant[],
  files: Map<string, VariantFiles>,
  workDir: string,
  outputDir: string,
): Promise<ProfileOutcome | undefined> {
  const wanted = bench.options.profile;
  if (wanted === undefined) return undefined;
  const chosen = wanted === "true" ? variants[0]! : variants.find((v) => v.name === wanted);
  if (!chosen) return { benchmark: wanted, status: "skipped", reason: "no variant with that name ran" };
  const rows = bench.options.rows[bench.options.rows.length - 1]!;
  const label = `pipeline ${chosen.name} at ${rows} rows`;
  bench.log(`recording a CPU flamegraph of one iteration: ${label}`);
  const variantFiles = files.get(chosen.name)!;
  await reset(bench, variantFiles);
  const { argv, env } = invocation(bench, chosen, variantFiles, rows, "profile");
  return profileCommand({
    label,
    argv,
    cwd: bench.workdir,
    env,
    workDir,
    svgFile: path.join(outputDir, `flamegraph-pipeline-${chosen.name}.svg`),
    timeoutMs: bench.remaining(),
  });
}

/**
 * Benchmarks a data pipeline against PostgreSQL, as rapidbyte's bench harness
 * (`bench.sh`) does: for every row count, seed `bench_events`; for every variant (INSERT, COPY,
 * lz4, zstd…), `iters` times: drop the destination schema and the pipeline's state, run the
 * command, take its `@@BENCH_JSON@@` lines. Every iteration is appended to the results
 * history; the successful ones become one stored result per field (each field its own
 * metric). A failed iteration is recorded and the run carries on, then fails at the end
 * without publishing: partial samples would pass for complete ones.
 */
export async function runPipeline(
  options: RunPipelineOptions,
  deps: RunDependencies = {},
): Promise<RunPipelineSummary> {
  if (options.baseSha !== undefined) {
    throw new ConfigurationError("base-sha: pipelines compare two refs with `lance-bench pipeline-compare`");
  }
  if ((options.repetitions ?? 1) !== 1) {
    throw new ConfigurationError("repetitions: a pipeline run repeats each variant with iters, not repetitions");
  }
  const build = options.buildCommand ? splitCommand(options.buildCommand, "build-command") : undefined;
  const fill = commandTemplate(options.pipelineCommand);
  const variants = parseVariants(options.variants);
  const schema = checkIdentifier(options.destSchema, "dest-schema");
  const env = deps.env ?? process.env;
  const target = postgresTarget(options.databaseUrl, env);
  const started = Date.now();

  return withRunWorkspace(options, deps, async (workspace) => {
    const { checkout, workDir, log } = workspace;
    const deadline = Date.now() + options.budgetMinutes * 60_000;
    const remaining = () => Math.max(1_000, deadline - Date.now());
    const workdir = await resolveInside(checkout.dir, options.workdir, "workdir", "the repository");
    if (!(await stat(workdir).catch(() => undefined))?.isDirectory()) {
      throw new ConfigurationError(`workdir "${options.workdir}" is not a folder in the repository at ${checkout.sha}`);
    }
    const files = await locateVariants(variants, workdir, options, checkout.sha);
    // Named before anything runs: a project the suite cannot name must not cost a whole matrix first.
    const { dut } = await resolveDut({
      repo: checkout.dir,
      sha: checkout.sha,
      manifestDirs: [workdir, checkout.dir],
      dutName: options.dutName,
      dutVersion: options.dutVersion,
      defaultName: path.basename(path.resolve(options.repo)),
      warn: log,
    });
    // the pipeline's own server, and no other: the parent's PG* are not on the allowlist
    const commandEnv = workspace.childEnv.with(libpqEnvironment(target));
    if (build) {
      log(`building: ${build.join(" ")}`);
      await runStep("build command", build, { cwd: workdir, env: commandEnv, timeoutMs: remaining() });
    }

    log(`connecting to PostgreSQL at ${describeTarget(target)}`);
    const session = await connectPostgres(target, {
      attempts: options.connectAttempts,
      minTimeoutMs: options.connectBackoffMs,
    });
    try {
      const database = async <T>(what: string, step: () => Promise<T>): Promise<T> => {
        try {
          return await step();
        } catch (error) {
          throw new LanceBenchError(`PostgreSQL at ${describeTarget(target)}: ${what} failed: ${describeError(error)}`);
        }
      };
      const server = await database("reading the server version", () => serverVersion(session));
      storePreloader(options.mode, options.publish)();
      const outputDir = path.resolve(options.outputDir);
      const bench: Bench = {
        options,
        session,
        database,
        schema,
        fill,
        workdir,
        commandEnv,
        historyFile: path.resolve(options.historyFile ?? path.join(outputDir, HISTORY_FILE)),
        identity: {
          aot: options.aot,
          git_sha: checkout.sha.slice(0, 7),
          git_sha_full: checkout.sha,
          git_branch:
            options.gitBranch ||
            env.GITHUB_HEAD_REF ||
            env.GITHUB_REF_NAME ||
            (await currentBranch(options.repo)) ||
            "detached",
        },
        remaining,
        log,
      };

      const iterations: IterationOutcome[] = [];
      const entries: PipelineIteration[] = [];
      const runs: NamedPipelineRun[] = [];
      const seedMs: Record<string, number> = {};
      for (const rows of options.rows) {
        log(`seeding bench_events with ${rows} rows`);
        const seedStart = now();
        await database(`seeding ${rows} rows`, () => seedBenchEvents(session, rows));
        seedMs[String(rows)] = now() - seedStart;
        for (const variant of variants) {
          for (let iteration = 1; iteration <= options.iters; iteration++) {
            const run = await runIteration(bench, variant, files.get(variant.name)!, rows, iteration);
            iterations.push(run.outcome);
            for (const { status, fields } of run.entries) {
              entries.push({ variant: variant.name, rows, sha: checkout.sha, status, fields });
              if (status === "ok") {
                runs.push({
                  benchmarkName: pipelineBenchmarkName(variant.name, rows),
                  fields,
                  params: { variant: variant.name, rows, aot: options.aot },
                  origin: `${variant.name} at ${rows} rows, iteration ${iteration}`,
                });
              }
            }
          }
        }
      }
      const tables = variantTables(
        entries,
        variants.map((v) => v.name),
      );
      const profile = await profileVariant(bench, variants, files, workDir, outputDir);

      let results: Result[] = [];
      let resultsFile: string | undefined;
      let published: PublishSummary | undefined;
      if (iterations.every((i) => i.status === "ok") && runs.length > 0) {
        const measurements = pipelineMeasurements(runs, {
          command: options.pipelineCommand,
          pipelines_dir: options.pipelinesDir,
        });
        const context = await resolveResultsContext(
          runContextOptions(checkout, dut, options, workspace),
          measurements,
          [server],
          workspace.env,
        );
        results = toResults(measurements, context);
        resultsFile = await saveResultsFile(
          options.outputDir,
          "pipeline",
          results,
          `run-pipeline ${options.pipelineCommand}`,
        );
        published = await publishIfMain(options.mode, options.publish, results, options.db, workspace, deps.retry);
      }
      return {
        sha: checkout.sha,
        database: describeTarget(target),
        server,
        variants,
        rows: options.rows,
        iters: options.iters,
        iterations,
        entries,
        seedMs,
        historyFile: bench.historyFile,
        results: results.length,
        ...(resultsFile ? { resultsFile } : {}),
        report: { text: tablesText(tables), markdown: tablesMarkdown(tables) },
        durationMs: Date.now() - started,
        ...(published ? { published } : {}),
        ...(profile ? { profile } : {}),
      };
    } finally {
      await session.end().catch(() => undefined);
    }
  });
}
