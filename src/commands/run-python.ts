import { createHash } from "node:crypto";
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import {
  ConfigurationError,
  parseOptions,
  PROCESS_FAMILY_METADATA,
  StepFailure,
  TIME_METRIC,
  TIME_UNIT,
  type Measurement,
  type Result,
} from "../model/index.js";
import { resolveInside } from "../context/paths.js";
import { CONFIG_FILE, loadRepoConfig, metricResolver } from "../context/repo-config.js";
import { parsePytestBenchmark } from "../parse/pytest.js";
import { readChunks } from "../parse/stream.js";
import { splitCommand } from "../run/command-line.js";
import { describeFailures, pytestFailures, type PytestFailure } from "../parse/pytest-failures.js";
import {
  createVenv,
  installedVersions,
  pipInstall,
  requirementName,
  runPytestBenchmarks,
  runStep,
  type PytestRun,
} from "../run/python.js";
import { tail } from "../run/spawn.js";
import { profilePythonBenchmark, type ProfileOutcome } from "../run/profile.js";
import { hashSources } from "../run/source-hash.js";
import {
  PROCESS_SAMPLE_INTERVAL_MS,
  processMeasurements,
  processRun,
  processUsage,
  pytestProcessName,
  type ProcessRun,
} from "./process-metrics.js";
import type { PublishSummary } from "./publish.js";
import {
  resolveDut,
  resolveResultsContext,
  toFailedResults,
  toResults,
  type ResultsContext,
  type RunRole,
} from "./results-context.js";
import { prepareCheckout, type Checkout } from "../run/checkout.js";
import { cacheKeys, LocalDirectoryCache } from "../run/build-cache.js";
import { envPassthroughProblem } from "../context/child-env.js";
import {
  abOrder,
  abPlan,
  optionalText,
  publishIfMain,
  RunCommonOptions,
  runContextOptions,
  type RunDependencies,
  runRole,
  saveResultsFile,
  storePreloader,
  textList,
  withRunWorkspace,
} from "./run-common.js";

/** An environment variable's name: these reach processes as names, never through a shell. */
const EnvName = z
  .string()
  .trim()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "is not an environment variable name (letters, digits, _)");
const RESERVED_ENV = /^(PATH|HOME|PWD|SHELL|USER|TMPDIR|VIRTUAL_ENV|PYTHON.*|LD_.*|DYLD_.*|LANCE_BENCH_.*)$/;

/** Options of `run-python`, shared by the CLI and the action. */
export const RunPythonOptions = RunCommonOptions.extend({
  workdir: z.string().trim().min(1).default("."),
  python: z.string().trim().min(1).default("python3"),
  buildCommand: optionalText,
  // Requirements, not options: "--index-url=..." would redirect every download.
  pip: z
    .array(
      z
        .string()
        .trim()
        .min(1)
        .refine((p) => !p.startsWith("-"), "an entry looks like a pip option, not a package"),
    )
    .default([]),
  datagenCommand: optionalText,
  /** What keys the dataset cache (default: the package the generator script lives in). */
  datagenSources: textList,
  /**
   * Environment variables whose values key the dataset cache too (scale knobs such as row
   * counts); the generator and the benchmarks see them (credential-like names are refused).
   */
  datagenEnv: z
    .array(EnvName)
    .default([])
    .superRefine((names, ctx) => {
      const problem = envPassthroughProblem(names);
      if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
    }),
  /** Relative to the workdir (inside the checkout), or an absolute path. */
  datasetDir: z.string().trim().min(1).default(".lance-bench-datasets"),
  /** Variables that also hold the dataset folder, for generators and benchmarks that read their own. */
  datasetEnv: z
    .array(
      EnvName.refine(
        (name) => !RESERVED_ENV.test(name),
        "is a variable the run itself needs (PATH, HOME, PYTHON*, VIRTUAL_ENV, LD_*, …)",
      ),
    )
    .default([]),
  /** Passed to pytest as they are: an argument may start with a dash or contain spaces. */
  pytestArgs: z.array(z.string().min(1, "an empty pytest argument")).default([]),
  markers: optionalText,
  /**
   * Record benchmarks whose tests failed (status `failed`, with the exception) and publish the
   * rest, instead of failing the whole run; the run still ends with an error naming how many.
   */
  allowFailures: z.boolean().default(false),
  /**
   * The build under test's version is this installed distribution's (e.g. pylance from PyPI
   * standing in for the checkout's), as `{installed version}+{short sha}`.
   */
  dutVersionFromPackage: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/, "is not a Python distribution name")
    .optional(),
});
export type RunPythonOptions = z.infer<typeof RunPythonOptions>;

export function parseRunPythonOptions(raw: Record<string, unknown>): RunPythonOptions {
  return parseOptions(RunPythonOptions, raw);
}

export interface RunPythonSummary {
  sha: string;
  python: string;
  /** "generated", "cache hit" (the generator did not run) or "none" (no generator). */
  datasets: "generated" | "cache hit" | "none";
  datasetKey?: string;
  /** Where the datasets were (restored or generated). */
  datasetDir?: string;
  /** Benchmark results measured (status ok): one per benchmark and run of the head (the process measurements besides). */
  results: number;
  /** Benchmarks measured (status ok), whatever the number of runs. */
  benchmarks: number;
  /**
   * Each run's pytest process tree (head and base): wall time, CPU time and peak RSS, stored
   * under `processBenchmark` (three more results per run, in the same results files).
   */
  processes: ProcessRun[];
  /** The benchmark the runs' process measurements are stored under: `pytest` (`pytest/<workdir>`). */
  processBenchmark: string;
  /** Benchmarks whose tests failed, recorded with status `failed` (only with allow-failures). */
  failed?: { name: string; reason: string; role?: "base" | "head"; repetition?: number }[];
  resultsFile?: string;
  /** Runs of the head (of each side, in an A/B); left out when the head ran once. */
  repetitions?: number;
  /** Same-runner A/B: the base commit, run alternately with the head, and its results. */
  baseSha?: string;
  baseResults?: number;
  baseResultsFile?: string;
  durationMs: number;
  published?: PublishSummary;
  profile?: ProfileOutcome;
}

/** The generator's script: the first argument that is a file, or the module of `-m module`. */
async function generatorScript(workdir: string, argv: readonly string[]): Promise<string | undefined> {
  const isFile = async (relative: string) =>
    (await stat(path.join(workdir, relative)).catch(() => undefined))?.isFile();
  for (const [index, arg] of argv.slice(1).entries()) {
    if (arg === "-m") {
      const module = argv[index + 2];
      if (!module) return undefined;
      const base = module.split(".").join(path.sep);
      for (const candidate of [`${base}.py`, path.join(base, "__main__.py")]) {
        if (await isFile(candidate)) return candidate;
      }
      return undefined;
    }
    if (!arg.startsWith("-") && (await isFile(arg))) return arg;
  }
  return undefined;
}

/**
 * By default the generator's sources are the package it lives in, so that a sibling module it
 * imports keys the cache too: from the script's folder up while the folder has an `__init__.py`
 * (never above the workdir). A script outside any package: its own folder.
 */
async function defaultDatagenSources(workdir: string, argv: readonly string[]): Promise<string[]> {
  const script = await generatorScript(workdir, argv);
  if (script === undefined) return [];
  const hasInit = async (relative: string) =>
    (await stat(path.join(workdir, relative, "__init__.py")).catch(() => undefined))?.isFile() === true;
  let folder = path.dirname(path.normalize(script));
  while (folder !== "." && !folder.startsWith("..") && (await hasInit(folder))) {
    const parent = path.dirname(folder);
    if (parent === "." || !(await hasInit(parent))) break;
    folder = parent;
  }
  return [folder];
}

/** The cache key: the generator's command, its sources' contents and the named variables' values. */
async function datasetCacheKey(
  workdir: string,
  argv: readonly string[],
  sources: readonly string[],
  envNames: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<string> {
  const hash = createHash("sha256");
  hash.update(JSON.stringify(argv));
  hash.update(await hashSources(workdir, sources));
  for (const name of [...new Set(envNames)].sort()) hash.update(JSON.stringify([name, env[name] ?? null]));
  return `lance-bench-datasets-${hash.digest("hex").slice(0, 16)}`;
}

/** Whether a folder holds anything (a missing folder holds nothing). */
const hasEntries = async (dir: string) => ((await readdir(dir).catch(() => [])) as string[]).length > 0;

/**
 * The dataset folder: relative to the workdir (inside the checkout) or absolute. The suite
 * replaces it when restoring from the cache, so it must not be a folder that holds the
 * checkout, the home folder or the cache.
 */
async function resolveDatasetDir(
  options: RunPythonOptions,
  checkoutDir: string,
  env: NodeJS.ProcessEnv,
  cacheRoot: string | undefined,
): Promise<string> {
  if (!path.isAbsolute(options.datasetDir)) {
    return resolveInside(checkoutDir, path.join(options.workdir, options.datasetDir), "dataset-dir", "the repository");
  }
  const dir = path.resolve(options.datasetDir);
  const holds = (inner: string | undefined) =>
    inner !== undefined && !path.relative(dir, path.resolve(inner)).startsWith("..");
  for (const [inner, what] of [
    [checkoutDir, "the checkout"],
    [env.HOME ?? os.homedir(), "the home folder"],
    [cacheRoot, "the cache"],
  ] as const) {
    if (holds(inner)) {
      throw new ConfigurationError(
        `dataset-dir "${options.datasetDir}" holds ${what}: the suite replaces this folder when it restores datasets from the cache; name a folder of its own`,
      );
    }
  }
  return dir;
}

/**
 * What a pytest run's exit means: benchmark JSON to read (and, with `allowFailures`, the tests
 * that failed), or an error that names each failed test with its exception. `problem` says
 * what else may explain the failure (datasets that came from the cache).
 */
function checkPytestRun(run: PytestRun, allowFailures: boolean, problem: string | undefined): PytestFailure[] {
  const failures = run.exitCode === 0 ? [] : pytestFailures(run.output, run.junitXml, run.cwd);
  const causes = failures.length ? `\n${describeFailures(failures)}` : "";
  const context = problem ? `\n${problem}` : "";
  if (!run.wroteJson) {
    throw new StepFailure(
      `pytest produced no benchmark JSON (exit ${run.exitCode}):${causes}${context}\n${tail(run.output)}`,
    );
  }
  if (run.exitCode !== 0 && !(allowFailures && run.exitCode === 1 && failures.length > 0)) {
    const count = failures.length ? ` ${failures.length} test${failures.length === 1 ? "" : "s"} failed:` : "";
    throw new StepFailure(`pytest failed (exit ${run.exitCode}):${count}${causes}${context}\n${tail(run.output, 10)}`);
  }
  return failures;
}

/** The error a run with allow-failures ends with when benchmarks failed (after publishing the rest). */
export function failedBenchmarksError(summary: RunPythonSummary): ConfigurationError | undefined {
  const names = [...new Set((summary.failed ?? []).map((f) => f.name))];
  const n = names.length;
  if (n === 0) return undefined;
  const shown = names.slice(0, 5).join(", ") + (n > 5 ? `, and ${n - 5} more` : "");
  return new ConfigurationError(
    `${n} benchmark${n === 1 ? "" : "s"} failed and ${n === 1 ? "was" : "were"} recorded with status failed: ${shown}`,
  );
}

/**
 * Runs a project's pytest-benchmark suite at a commit: fresh worktree, fresh venv, the
 * project's build command, datasets from its generator (cached by the generator's sources,
 * so an unchanged generator does not run again), then pytest, then publish (main) or a
 * results file (pr).
 */
export async function runPython(options: RunPythonOptions, deps: RunDependencies = {}): Promise<RunPythonSummary> {
  // Checked before anything runs: a command that needs a shell is refused outright.
  const build = options.buildCommand ? splitCommand(options.buildCommand, "build-command") : undefined;
  const datagen = options.datagenCommand ? splitCommand(options.datagenCommand, "datagen-command") : undefined;
  const plan = abPlan(options);
  if (options.dutVersion !== undefined && options.dutVersionFromPackage !== undefined) {
    throw ConfigurationError.forInput("dut-version-from-package", "give it or dut-version, not both");
  }
  const started = Date.now();
  return withRunWorkspace(options, deps, async (workspace) => {
    const { checkout, workDir, cache, log } = workspace;
    const timeoutMs = options.budgetMinutes * 60_000;
    const deadline = Date.now() + timeoutMs;
    const remaining = () => Math.max(1_000, deadline - Date.now());

    /** A commit's workdir with its own venv, the tools and its build: one per side of an A/B. */
    async function prepare(tree: Checkout, venvDir: string) {
      const workdir = await resolveInside(tree.dir, options.workdir, "workdir", "the repository");
      if (!(await stat(workdir).catch(() => undefined))?.isDirectory()) {
        throw new ConfigurationError(`workdir "${options.workdir}" is not a folder in the repository at ${tree.sha}`);
      }
      // Named before the venv and the build: a broken pyproject.toml must not cost a build first.
      // With --dut-version-from-package the version comes from the venv below.
      const { dut } = await resolveDut({
        repo: tree.dir,
        sha: tree.sha,
        manifestDirs: [workdir],
        dutName: options.dutName,
        dutVersion: options.dutVersion,
        defaultName: path.basename(path.resolve(options.repo)),
        warn: options.dutVersionFromPackage === undefined ? log : undefined,
      });
      const venv = await createVenv(options.python, venvDir, workspace.childEnv, remaining());
      const pythonVersion = (
        await runStep("python --version", [venv.python, "--version"], {
          cwd: workdir,
          env: venv.env,
          timeoutMs: 30_000,
        })
      ).stdout.trim();
      log(
        `venv with ${pythonVersion}; installing pytest-benchmark${options.pip.length ? ` and ${options.pip.join(", ")}` : ""}`,
      );
      await pipInstall(venv, ["pytest", "pytest-benchmark", ...options.pip], workdir, remaining());
      if (build) {
        log(`building${tree === checkout ? "" : " the base"}: ${build.join(" ")}`);
        await runStep("build command", build, { cwd: workdir, env: venv.env, timeoutMs: remaining() });
      }
      // What was measured: the installed versions of the named packages (pip may resolve a
      // requirement to another version than the checkout's own).
      const installed = await installedVersions(venv, packageNames, workdir);
      let dutVersion: string | undefined;
      if (options.dutVersionFromPackage !== undefined) {
        const version = installed[options.dutVersionFromPackage];
        if (!version) {
          throw new ConfigurationError(
            `dut-version-from-package: "${options.dutVersionFromPackage}" is not installed in the venv${tree === checkout ? "" : " of the base"} (install it with --pip or the build command)`,
          );
        }
        dutVersion = `${version}+${tree.sha.slice(0, 7)}`;
      }
      const packages = Object.fromEntries(Object.entries(installed).filter(([, v]) => v !== null)) as Record<
        string,
        string
      >;
      if (Object.keys(packages).length) {
        log(
          `installed: ${Object.entries(packages)
            .map(([n, v]) => `${n} ${v}`)
            .join(", ")}`,
        );
      }
      return { tree, workdir, venv, pythonVersion, packages, dut: { ...dut, version: dutVersion ?? dut.version } };
    }
    const packageNames = [
      ...new Set([
        ...options.pip.flatMap((p) => requirementName(p) ?? []),
        ...(options.dutVersionFromPackage ? [options.dutVersionFromPackage] : []),
      ]),
    ];

    // The benchmarked commit's own config says what its benchmarks' samples are; read before anything runs.
    const config = await loadRepoConfig(path.join(checkout.dir, CONFIG_FILE));
    const metricFor = metricResolver(config.metrics);
    const head = await prepare(checkout, path.join(workDir, "venv"));
    const { workdir, venv, pythonVersion } = head;
    const baseCheckout = plan.baseSha
      ? await prepareCheckout(path.resolve(options.repo), plan.baseSha, workDir)
      : undefined;
    try {
      const base = baseCheckout ? await prepare(baseCheckout, path.join(workDir, "venv-base")) : undefined;

      const datasetDir = await resolveDatasetDir(
        options,
        checkout.dir,
        workspace.env,
        cache instanceof LocalDirectoryCache ? cache.root : undefined,
      );
      /** Where the generator and the benchmarks are told the datasets are. */
      const datasetVars = Object.fromEntries(
        ["LANCE_BENCH_DATASET_DIR", ...options.datasetEnv].map((name) => [name, datasetDir]),
      );
      /** The knobs the generator reads (`datagen-env`), as this run was given them. */
      const datagenVars = Object.fromEntries(options.datagenEnv.map((name) => [name, workspace.env[name]]));
      const env = venv.env.with({ ...datagenVars, ...datasetVars });
      let datasets: RunPythonSummary["datasets"] = "none";
      let datasetKey: string | undefined;
      let datasetsToSave = false;
      if (datagen) {
        const sources = options.datagenSources.length
          ? options.datagenSources
          : await defaultDatagenSources(workdir, datagen);
        for (const source of sources) await resolveInside(workdir, source, "datagen-sources", "the workdir");
        if (sources.length === 0) {
          log(
            "warning: the dataset cache is keyed on the generator's command alone (no script or package found in it): " +
              "edits to the generator will not regenerate the datasets; name its files with --datagen-sources",
          );
        }
        // The folder is filled from the cache or by the generator, and handed back to the cache
        // afterwards: files of someone else's there would be replaced, and lost.
        if (await hasEntries(datasetDir)) {
          throw ConfigurationError.forInput(
            "dataset-dir",
            `${datasetDir} already holds files; lance-bench fills this folder with the cached or generated datasets, ` +
              "replacing what is there: empty it, or name a folder of its own",
          );
        }
        const datasetKeys = cacheKeys(
          await datasetCacheKey(workdir, datagen, sources, options.datagenEnv, workspace.env),
          [],
          workspace.cachePr,
        );
        datasetKey = datasetKeys.key;
        const hit = await cache.restore([datasetDir], datasetKey, datasetKeys.restoreKeys);
        if (hit && (await hasEntries(datasetDir))) {
          datasets = "cache hit";
          datasetsToSave = cache.kind === "local"; // the local entry was moved out: it goes back
          log(`datasets restored from the cache (${hit}) to ${datasetDir}; generator skipped`);
        } else {
          if (hit) log(`the cache entry ${hit} was empty; generating the datasets`);
          log(
            `generating datasets into ${datasetDir}: ${datagen.join(" ")} (keyed on ${sources.join(", ") || "the command"})`,
          );
          await mkdir(datasetDir, { recursive: true });
          await runStep("dataset generation", datagen, { cwd: workdir, env, timeoutMs: remaining() });
          if (!(await hasEntries(datasetDir))) {
            const names = ["$LANCE_BENCH_DATASET_DIR", ...options.datasetEnv.map((n) => `$${n}`)].join(" or ");
            throw new ConfigurationError(
              `dataset generation wrote nothing into ${datasetDir}, so nothing was cached: the generator must write its datasets to the folder named by ${names} (set with --dataset-dir; --dataset-env NAME passes it under the variable the generator reads)`,
            );
          }
          datasets = "generated";
          datasetsToSave = true;
        }
      }

      /** What else may explain failing benchmarks: datasets that came from the cache. */
      const datasetProblem = (): string | undefined =>
        datasets === "cache hit"
          ? `the datasets came from the cache (entry ${datasetKey}, restored to ${datasetDir}): if the benchmarks read them from elsewhere, the cache does not hold what they need; make the generator write to $LANCE_BENCH_DATASET_DIR (--dataset-dir, --dataset-env)`
          : undefined;
      try {
        const args = [...options.pytestArgs, ...(options.markers ? ["-m", options.markers] : [])];
        const processBenchmark = pytestProcessName(options.workdir);
        const preload = storePreloader(options.mode, options.publish);
        preload();
        const contexts = new Map<"head" | "base", Promise<ResultsContext>>();
        /** One pytest run of one side; both sides read the same datasets (the head's), so only the code differs. */
        const runOnce = async (side: NonNullable<typeof base>, role: "head" | "base", run: RunRole | undefined) => {
          const jsonFile = path.join(workDir, `pytest-benchmark-${role}-${run?.repetition ?? 1}.json`);
          const pytestRun = await runPytestBenchmarks(side.venv, args, jsonFile, {
            cwd: side.workdir,
            env: side.venv.env.with({ ...datagenVars, ...datasetVars }),
            timeoutMs: remaining(),
            measureTree: { intervalMs: PROCESS_SAMPLE_INTERVAL_MS },
          });
          const failures = checkPytestRun(pytestRun, options.allowFailures, datasetProblem());
          const failedIds = new Set(failures.map((f) => f.nodeId));
          const toolchain: string[] = [];
          const label = `pytest --benchmark-json output${role === "base" ? " (base)" : ""}`;
          const parsed = await parsePytestBenchmark(readChunks(jsonFile), label, {
            warn: log,
            noteToolchain: (t) => toolchain.push(t),
            allowEmpty: failures.length > 0,
            metricFor,
          });
          // A benchmark whose test failed after measuring is not a measurement to trust.
          const installed = Object.keys(side.packages).length ? { installed_packages: side.packages } : {};
          const found = parsed
            .filter((m) => !failedIds.has(m.benchmarkName))
            .map((m) => ({ ...m, metadata: { ...m.metadata, ...installed } }));
          // The build, machine and run are the same for every repetition of one side: read them once.
          let context = contexts.get(role);
          if (!context) {
            context = resolveResultsContext(
              runContextOptions(side.tree, side.dut, options, workspace),
              found,
              // The packages measured shape the numbers as the interpreter does: part of the fingerprint.
              [...toolchain, ...Object.entries(side.packages).map(([name, version]) => `${name} ${version}`)],
              workspace.env,
            );
            contexts.set(role, context);
          }
          const failedRows = toFailedResults(
            failures.map((f) => ({
              benchmarkName: f.nodeId,
              reason: f.message || `${f.kind} without a message`,
              metric: TIME_METRIC,
              units: TIME_UNIT,
              direction: "lower_is_better",
              sourceFormat: "pytest",
              metadata: { pytest_outcome: f.kind, ...installed },
            })),
            await context,
            run,
          );
          for (const f of failures) {
            log(`${f.kind} ${f.nodeId}: recorded as failed (${f.message.split("\n")[0]})`);
            failed.push({ name: f.nodeId, reason: f.message, ...(run ?? {}) });
          }
          // pytest's own process tree, whichever of its tests failed: it ran, and this is what it used
          const usage = processUsage(pytestRun, PROCESS_SAMPLE_INTERVAL_MS);
          const processMeasured = processMeasurements(processBenchmark, usage, {
            origin: `pytest${role === "base" ? " (base)" : ""}`,
            metadata: { pytest_args: args, ...PROCESS_FAMILY_METADATA },
          });
          processes.push(processRun(processBenchmark, usage, run));
          return {
            measurements: found,
            results: [...toResults(found, await context, run), ...failedRows],
            processResults: toResults(processMeasured, await context, run),
          };
        };
        const failed: NonNullable<RunPythonSummary["failed"]> = [];
        const processes: ProcessRun[] = [];
        const results: Result[] = [];
        const baseResults: Result[] = [];
        /** The process measurements, which the benchmark counts leave out. */
        const processResults: Result[] = [];
        let measurements: Measurement[] = [];
        for (let r = 1; r <= plan.repetitions; r++) {
          for (const role of base ? abOrder(r) : (["head"] as const)) {
            if (base) log(`repetition ${r} of ${plan.repetitions}, ${role}`);
            else if (plan.repetitions > 1) log(`run ${r} of ${plan.repetitions}`);
            const run = await runOnce(role === "head" ? head : base!, role, runRole(plan, r, role));
            processResults.push(...run.processResults);
            if (role === "base") baseResults.push(...run.results, ...run.processResults);
            else {
              results.push(...run.results, ...run.processResults);
              if (r === 1) measurements = run.measurements;
            }
          }
        }
        const resultsFile = await saveResultsFile(
          options.outputDir,
          "python",
          results,
          `run-python ${options.workdir}`,
        );
        const baseResultsFile = base
          ? await saveResultsFile(
              path.join(options.outputDir, "base"),
              "python",
              baseResults,
              `run-python ${options.workdir} (base)`,
            )
          : undefined;
        let profile: ProfileOutcome | undefined;
        if (options.profile !== undefined) {
          if (!measurements.some((m) => m.benchmarkName === options.profile)) {
            profile = { benchmark: options.profile, status: "skipped", reason: "no benchmark with that name ran" };
          } else {
            log(`recording a CPU profile of ${options.profile} with py-spy`);
            await pipInstall(venv, ["py-spy"], workdir, remaining());
            profile = await profilePythonBenchmark({
              benchmark: options.profile,
              python: venv.python,
              pytestArgs: args,
              cwd: workdir,
              env,
              svgFile: path.join(path.dirname(resultsFile), "flamegraph-python.svg"),
              timeoutMs: remaining(),
            });
          }
        }
        const isProcess = new Set(processResults);
        const measured = results.filter((r) => r.status === "ok" && !isProcess.has(r));
        const published = await publishIfMain(
          options.mode,
          options.publish,
          results,
          options.db,
          workspace,
          deps.retry,
        );
        return {
          sha: checkout.sha,
          python: pythonVersion,
          datasets,
          datasetKey,
          ...(datagen ? { datasetDir } : {}),
          results: measured.length,
          benchmarks: new Set(measured.map((r) => r.benchmark_name)).size,
          processes,
          processBenchmark,
          ...(failed.length ? { failed } : {}),
          resultsFile,
          ...(base || plan.repetitions > 1 ? { repetitions: plan.repetitions } : {}),
          ...(base
            ? {
                baseSha: base.tree.sha,
                baseResults: baseResults.filter((r) => r.status === "ok" && !isProcess.has(r)).length,
                baseResultsFile,
              }
            : {}),
          durationMs: Date.now() - started,
          published,
          profile,
        };
      } finally {
        // A local cache entry was moved out and goes back; a remote one is uploaded only when new.
        if (datasetKey !== undefined && datasetsToSave) {
          await cache
            .save([datasetDir], datasetKey)
            .catch((error: Error) => log(`could not cache the datasets: ${error.message}`));
        }
        // An absolute folder outlives the run's worktree: leave it empty for the next run (a local
        // cache has moved it back already; a remote one holds a copy).
        if (datasetKey !== undefined && path.isAbsolute(options.datasetDir)) {
          await rm(datasetDir, { recursive: true, force: true });
        }
      }
    } finally {
      await baseCheckout?.dispose();
    }
  });
}
