import { mkdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { resolveInside } from "../context/paths.js";
import {
  BenchmarkName,
  ConfigurationError,
  ResultFileError,
  LanceBenchError,
  parseOptions,
  PROCESS_METRICS,
  type Direction,
  type Measurement,
  type Result,
  type Status,
} from "../model/index.js";
import { OUTPUT_FORMATS, parseCommandOutput, StageCollector, type OutputMetric } from "../parse/command-formats.js";
import { searchChartSvg } from "../report/search-chart.js";
import { splitCommand } from "../run/command-line.js";
import type { ProbeOutcome, SearchObjective, SearchParams, SearchResult } from "../model/search.js";
import { binarySearch, describeParams, gridSearch, type Probe } from "../search/index.js";
import type { ProfileOutcome } from "../run/profile.js";
import { runStep } from "../run/python.js";
import { StageProfiler } from "../run/stage-profile.js";
import { spawnCaptured, tail, type SpawnResult } from "../run/spawn.js";
import { processMeasurements, processUsage } from "./process-metrics.js";
import type { PublishSummary } from "./publish.js";
import { resolveDut, resolveResultsContext, toFailedResults, toResults, type RunRole } from "./results-context.js";
import {
  abPlan,
  optionalText,
  publishIfMain,
  RunCommonOptions,
  runContextOptions,
  type RunDependencies,
  runRole,
  saveResultsFile,
  storePreloader,
  withRunWorkspace,
} from "./run-common.js";

/** A parameter's name, as a `{name}` placeholder of the command template. */
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** What a placeholder looks like in the template; other braces (JSON arguments) stay as they are. */
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]{0,63})\}/g;

/** `name=value`: the value is one argument (never split, never seen by a shell), printable text. */
const Param = z
  .string()
  .min(1, "an empty parameter")
  .transform((spec, ctx) => {
    const eq = spec.indexOf("=");
    const name = eq === -1 ? spec : spec.slice(0, eq);
    if (eq === -1 || !PARAM_NAME.test(name)) {
      ctx.addIssue({ code: "custom", message: `"${spec}" is not name=value (a name is letters, digits and _)` });
      return z.NEVER;
    }
    const value = spec.slice(eq + 1);
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(value) || value.length > 4096) {
      ctx.addIssue({ code: "custom", message: `${name}: a value is one line of at most 4096 characters` });
      return z.NEVER;
    }
    return { name, value };
  });

/** `name=v1,v2,…`: one axis of a grid; numbers stay numbers. */
const GridAxis = z
  .string()
  .trim()
  .min(1, "an empty grid axis")
  .transform((spec, ctx) => {
    const eq = spec.indexOf("=");
    const name = eq === -1 ? spec : spec.slice(0, eq);
    const values =
      eq === -1
        ? []
        : spec
            .slice(eq + 1)
            .split(",")
            .map((v) => v.trim());
    if (eq === -1 || !PARAM_NAME.test(name) || values.length === 0 || values.some((v) => v === "")) {
      ctx.addIssue({ code: "custom", message: `"${spec}" is not name=v1,v2,… (a name is letters, digits and _)` });
      return z.NEVER;
    }
    return { name, values: [...new Set(values)].map(paramValue) };
  });

/** `name=LO..HI`: an integer range, both ends included. */
const SearchRange = z
  .string()
  .trim()
  .transform((spec, ctx) => {
    const match = /^([A-Za-z_][A-Za-z0-9_]{0,63})=(-?\d{1,12})\.\.(-?\d{1,12})$/.exec(spec);
    if (!match || Number(match[2]) > Number(match[3])) {
      ctx.addIssue({
        code: "custom",
        message: `"${spec}" is not name=LO..HI with integers LO <= HI, e.g. clients=1..64`,
      });
      return z.NEVER;
    }
    return { name: match[1]!, lo: Number(match[2]), hi: Number(match[3]) };
  });

/** `max:qps` / `min:latency_p99` (also `maximize:` / `minimize:`). */
const ObjectiveSpec = z
  .string()
  .trim()
  .transform((spec, ctx): SearchObjective => {
    const match = /^(max|maximize|min|minimize):(.+)$/.exec(spec);
    if (!match) {
      ctx.addIssue({ code: "custom", message: `"${spec}" is not max:METRIC or min:METRIC, e.g. max:qps` });
      return z.NEVER;
    }
    return { metric: match[2]!.trim(), direction: match[1]!.startsWith("max") ? "maximize" : "minimize" };
  });

/** Stored as numbers where they are numbers, so that a search can order its probes. */
const paramValue = (value: string): string | number =>
  /^-?\d{1,15}(\.\d{1,15})?$/.test(value) ? Number(value) : value;

export const RunCommandOptions = RunCommonOptions.extend({
  workdir: z.string().trim().min(1).default("."),
  buildCommand: optionalText,
  /** The command template, e.g. `redis-benchmark -p {port} -c {clients} --csv`; run without a shell. */
  benchmarkCommand: z.string().trim().min(1, "is required: the command to benchmark"),
  /** `name=value`, one per placeholder of the template. */
  param: z.array(Param).default([]),
  format: z.enum(OUTPUT_FORMATS).default("none"),
  /** The benchmark the suite's own measurements go under (default: the program's file name). */
  benchmarkName: BenchmarkName.optional(),
  /** The exit code that means "skipped here" (intermine314's: 2). */
  skipExitCode: z.coerce.number().int().min(1).max(255).default(2),
  /** How often the process tree's RSS is sampled. */
  sampleIntervalMs: z.coerce.number().int().min(5).max(10_000).default(50),
  /** Grid search: `name=v1,v2,…` per parameter, the probes their cartesian product. */
  grid: z.array(GridAxis).default([]),
  /** Grid search: what a probe must meet to be a candidate, e.g. `recall_avg >= 0.95`. */
  filter: optionalText,
  /** Binary search over an integer parameter: `name=LO..HI`. */
  search: SearchRange.optional(),
  /** Binary search: what a feasible probe meets, e.g. `latency_p99 <= 5 and recall_avg >= 0.9`. */
  constraint: optionalText,
  /** The metric the optimum is best by: `max:qps` or `min:latency_p99`. */
  objective: ObjectiveSpec.optional(),
  /** Which benchmark of the output gives a probe its bare metric names (default: the only one there is). */
  searchBenchmark: BenchmarkName.optional(),
  /** Binary search: `below` (feasible up to a threshold: clients) or `above` (from a threshold up: nprobes). */
  feasible: z.enum(["below", "above"]).default("below"),
  /** A search gives up on a probe after this long (killed, recorded as failed) and goes on. */
  probeTimeoutSeconds: z.coerce.number().positive().max(86_400).optional(),
  /** Record a CPU flamegraph during this stage only (perf attached at its START, stopped at its END). */
  profileStage: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.-]{1,100}(:[A-Za-z0-9_.=-]{1,100})?$/, "is a stage name as the signals print it")
    .optional(),
  /** The process profiled during that stage: a name (e.g. redis-server) or a pid; default the command. */
  profileProcess: z
    .string()
    .trim()
    .regex(/^(\d{1,10}|[A-Za-z0-9_.:+-]{1,64})$/, "is a process name or a pid")
    .optional(),
})
  .refine((o) => !(o.grid.length > 0 && o.search), {
    path: ["search"],
    message: "grid and search are two searches: give one of them",
  })
  .refine((o) => o.filter === undefined || o.grid.length > 0, {
    path: ["filter"],
    message: "filters a grid: give --grid",
  })
  .refine((o) => o.constraint === undefined || o.search, {
    path: ["constraint"],
    message: "constrains a binary search: give --search (a grid takes --filter)",
  })
  .refine((o) => !o.search || o.constraint !== undefined, {
    path: ["constraint"],
    message: "is required with --search: what a feasible probe meets, e.g. 'latency_p99 <= 5'",
  })
  .refine((o) => o.objective === undefined || o.grid.length > 0 || o.search, {
    path: ["objective"],
    message: "belongs to a search: give --grid or --search",
  })
  .refine((o) => o.searchBenchmark === undefined || o.grid.length > 0 || o.search, {
    path: ["searchBenchmark"],
    message: "belongs to a search: give --grid or --search",
  })
  .refine((o) => o.grid.length === 0 || o.objective !== undefined, {
    path: ["objective"],
    message: "is required with --grid: the metric the best configuration is best by, e.g. max:qps",
  })
  .refine((o) => o.profileProcess === undefined || o.profileStage !== undefined, {
    path: ["profileProcess"],
    message: "is the process profiled during --profile-stage: give that too",
  })
  .refine((o) => o.search || !o.feasible || o.feasible === "below", {
    path: ["feasible"],
    message: "belongs to a binary search: give --search",
  })
  .refine((o) => o.probeTimeoutSeconds === undefined || o.grid.length > 0 || o.search, {
    path: ["probeTimeoutSeconds"],
    message: "belongs to a search: give --grid or --search (a plain run has budget-minutes)",
  })
  .refine((o) => new Set(o.grid.map((a) => a.name)).size === o.grid.length, {
    path: ["grid"],
    message: "a parameter is given twice",
  });
export type RunCommandOptions = z.infer<typeof RunCommandOptions>;

export function parseRunCommandOptions(raw: Record<string, unknown>): RunCommandOptions {
  return parseOptions(RunCommandOptions, raw);
}

/** Checks a template against the parameters and returns its argv with every placeholder filled. */
export function fillTemplate(template: string, params: readonly { name: string; value: string }[]): string[] {
  const words = splitCommand(template, "benchmark-command");
  const values = new Map<string, string>();
  for (const { name, value } of params) {
    if (values.has(name)) throw ConfigurationError.forInput("param", `${name} is given twice`);
    values.set(name, value);
  }
  const used = new Set<string>();
  const argv = words.map((word) =>
    word.replace(PLACEHOLDER, (_, name: string) => {
      const value = values.get(name);
      if (value === undefined) {
        throw ConfigurationError.forInput(
          "benchmark-command",
          `placeholder {${name}} has no value: pass --param ${name}=<value>`,
        );
      }
      used.add(name);
      return value;
    }),
  );
  const unused = [...values.keys()].filter((name) => !used.has(name));
  if (unused.length) {
    throw ConfigurationError.forInput("param", `${unused.join(", ")}: no {placeholder} of the command uses it`);
  }
  if (argv[0] === "") throw ConfigurationError.forInput("benchmark-command", "the program's name is empty");
  return argv;
}

/** One run of the command. */
export interface CommandRun {
  repetition: number;
  status: Status;
  reason?: string;
  exitCode: number | null;
  wallSeconds: number;
  cpuSeconds?: number;
  peakRssBytes?: number;
  /** Metrics measured (ok runs). */
  metrics: number;
  /** The suite's own time for the run (parse and record), not the command's. */
  overheadMs: number;
}

/** One metric across the runs, for reports: the median of every sample of the ok runs. */
export interface MetricRow {
  benchmark: string;
  metric: string;
  median: number | null;
  units: string;
  direction: Direction;
  /** Samples behind the median. */
  n: number;
}

export interface RunCommandSummary {
  sha: string;
  /** The argv run (placeholders filled). */
  command: string[];
  params: Record<string, string | number>;
  benchmarkName: string;
  format: RunCommandOptions["format"];
  runs: CommandRun[];
  metrics: MetricRow[];
  /** Stored records: ok, skipped and failed. */
  results: number;
  resultsFile?: string;
  durationMs: number;
  published?: PublishSummary;
  /** With --grid or --search: every probe, and the optimum (or "no configuration met" and the closest probe). */
  search?: SearchResult;
  /** The search's QPS–latency chart (SVG beside the results file), when its probes report both. */
  chartFile?: string;
  /** With --profile-stage: the flamegraph of that stage, or why there is none. */
  profile?: ProfileOutcome;
}

/** Where a run ran: its parameters (over `--param`) and its argv; in a search, the probe's own parameters. */
interface RunAt {
  params: Record<string, string | number>;
  argv: string[];
  searched?: SearchParams;
  /** Set after the search: which probe the run belongs to and whether that probe is the answer. */
  search?: { kind: SearchResult["kind"]; probe: number; role: "probe" | "optimum" | "closest" };
}

/** What one finished run recorded: its outcome and the measurements of an ok run. */
interface Recorded {
  run: CommandRun;
  measurements: Measurement[];
  at: RunAt;
}

/**
 * A probe's metrics from one run's measurements (the median of a metric's samples): every metric
 * as `benchmark/metric`, and bare (`qps`, `latency_p99`, `wall_time`, `peak_rss`) the metrics of
 * the suite's own benchmark and of the chosen one — `--search-benchmark`, else the only other
 * benchmark the output reports (redis-benchmark -t get: GET).
 */
function probeMetrics(measurements: readonly Measurement[], own: string, chosen: string | undefined): ProbeOutcome {
  const others = [...new Set(measurements.map((m) => m.benchmarkName).filter((b) => b !== own))];
  if (chosen !== undefined && !others.includes(chosen) && chosen !== own) {
    return {
      status: "failed",
      reason: `search-benchmark: the output has no benchmark ${chosen} (it has ${others.join(", ") || "none"})`,
    };
  }
  const bare = chosen ?? (others.length === 1 ? others[0] : undefined);
  const metrics: Record<string, number> = {};
  for (const m of measurements) {
    if (m.values.length === 0) continue;
    const value = median(m.values);
    metrics[`${m.benchmarkName}/${m.metric}`] = value;
    if (m.benchmarkName === bare || (m.benchmarkName === own && !(m.metric in metrics))) metrics[m.metric] = value;
  }
  return { status: "ok", metrics };
}

const searchKey = (p: SearchParams) => JSON.stringify(Object.entries(p).sort(([a], [b]) => a.localeCompare(b)));

/** Marks each run of a search with its probe (1-based) and role: probe, optimum, or closest (none met). */
function markProbes(recorded: Recorded[], result: SearchResult): void {
  const indexOf = new Map(result.probes.map((p) => [searchKey(p.params), p.index]));
  const outcome = result.outcome;
  const chosen = outcome.kind === "optimum" ? outcome.optimum.index : outcome.closest?.index;
  for (const r of recorded) {
    const index = indexOf.get(searchKey(r.at.searched ?? {}));
    if (index === undefined) continue;
    const role = index !== chosen ? "probe" : outcome.kind === "optimum" ? "optimum" : "closest";
    r.at.search = { kind: result.kind, probe: index + 1, role };
  }
}

/** Why a run that did not exit 0 failed (or was skipped), in one line plus stderr's tail. */
function exitReason(ran: SpawnResult, limit: string): string {
  if (ran.timedOut) return `killed at its ${limit} after ${(ran.durationMs / 1000).toFixed(1)} s`;
  const last = tail(ran.stderr, 5);
  return `exited with code ${ran.code}${last ? `: ${last}` : ""}`;
}

/**
 * Runs a benchmark command at a commit, `repetitions` times: fresh worktree, optional build,
 * then the command (no shell; `{name}` placeholders filled from `--param`), each run in its own
 * process group and killed with it at the budget. Every run records its wall time, the CPU
 * time and peak RSS of its whole process tree, its stage signals, and what it printed in
 * `format`. Exit code `skip-exit-code` or a skipped record = skipped (stored with the reason,
 * never a regression); another exit, a timeout, unreadable output or broken parity = failed
 * (stored with the reason; the command then ends with an error). Main mode publishes.
 */
export async function runCommand(options: RunCommandOptions, deps: RunDependencies = {}): Promise<RunCommandSummary> {
  if (options.baseSha !== undefined) {
    throw ConfigurationError.forInput("base-sha", "run-command runs one commit; compare two with compare");
  }
  if (options.profile !== undefined) {
    throw ConfigurationError.forInput(
      "profile",
      "run-command profiles a stage, not a benchmark id: give --profile-stage (and --profile-process)",
    );
  }
  const plan = abPlan(options);
  const params: Record<string, string | number> = Object.fromEntries(
    options.param.map((p) => [p.name, paramValue(p.value)]),
  );
  const searching = options.grid.length > 0 || options.search !== undefined;
  if (options.search && options.repetitions !== undefined) {
    throw ConfigurationError.forInput(
      "repetitions",
      "a binary search re-runs the probes near the boundary itself; repetitions is for --grid",
    );
  }
  /** The command of one probe: its parameters over `--param`. */
  const probeCommand = (probeParams: SearchParams) => {
    const merged = { ...params, ...probeParams };
    const filled = Object.entries(merged).map(([name, value]) => ({ name, value: String(value) }));
    return { params: merged, argv: fillTemplate(options.benchmarkCommand, filled) };
  };
  // the first probe's (a placeholder the search fills but the template lacks is an error before anything runs)
  const first: SearchParams = options.search
    ? { [options.search.name]: options.search.lo }
    : Object.fromEntries(options.grid.map((a) => [a.name, a.values[0]!]));
  const argv = searching ? probeCommand(first).argv : fillTemplate(options.benchmarkCommand, options.param);
  const build = options.buildCommand ? splitCommand(options.buildCommand, "build-command") : undefined;
  const benchmarkName = options.benchmarkName ?? path.basename(argv[0]!);
  const identityOf = (p: Record<string, unknown>) => (Object.keys(p).length ? JSON.stringify(p) : undefined);
  const started = Date.now();

  return withRunWorkspace(options, deps, async (workspace) => {
    const { checkout, log } = workspace;
    const deadline = Date.now() + options.budgetMinutes * 60_000;
    const remaining = () => deadline - Date.now();
    const workdir = await resolveInside(checkout.dir, options.workdir, "workdir", "the repository");
    if (!(await stat(workdir).catch(() => undefined))?.isDirectory()) {
      throw new ConfigurationError(`workdir "${options.workdir}" is not a folder in the repository at ${checkout.sha}`);
    }
    const { dut } = await resolveDut({
      repo: checkout.dir,
      sha: checkout.sha,
      manifestDirs: [workdir, checkout.dir],
      dutName: options.dutName,
      dutVersion: options.dutVersion,
      defaultName: path.basename(path.resolve(options.repo)),
      warn: log,
    });
    const env = workspace.childEnv;
    if (build) {
      log(`building: ${build.join(" ")}`);
      await runStep("build command", build, { cwd: workdir, env, timeoutMs: Math.max(1_000, remaining()) });
    }
    storePreloader(options.mode, options.publish)();
    const profiler = options.profileStage
      ? await StageProfiler.create({
          stage: options.profileStage,
          process: options.profileProcess,
          workDir: workspace.workDir,
          svgFile: path.join(
            path.resolve(options.outputDir),
            `flamegraph-stage-${options.profileStage.replace(/[^A-Za-z0-9_.-]/g, "_")}.svg`,
          ),
          timeoutMs: 10 * 60_000,
        })
      : undefined;

    const measurementOf = (
      benchmark: string,
      metric: string,
      values: number[],
      units: string,
      direction: Direction,
      sourceFormat: Measurement["sourceFormat"],
      origin: string,
      metadata: Record<string, unknown>,
      at: RunAt,
    ): Measurement => ({
      benchmarkName: benchmark,
      values,
      units,
      metric,
      direction,
      throughput: null,
      params: Object.keys(at.params).length ? at.params : null,
      sourceFormat,
      metadata: { command: at.argv, ...metadata },
      origin,
      ...(identityOf(at.params) === undefined ? {} : { identity: identityOf(at.params)! }),
    });

    const runOnce = async (repetition: number, at: RunAt): Promise<Recorded> => {
      const argv = at.argv;
      const label = `run ${repetition} of ${benchmarkName}${searching ? ` (${describeParams(at.params)})` : ""}`;
      const budgetLeft = remaining();
      if (budgetLeft <= 0) {
        const reason = `not started: the time budget (budget-minutes ${options.budgetMinutes}) was spent`;
        return {
          run: { repetition, status: "failed", reason, exitCode: null, wallSeconds: 0, metrics: 0, overheadMs: 0 },
          measurements: [],
          at,
        };
      }
      if (plan.repetitions > 1) log(`${label} (${repetition} of ${plan.repetitions})`);
      let pid: number | undefined;
      const stages = new StageCollector(undefined, (signal) => profiler?.onSignal(signal, pid));
      // a search's probe timeout, when shorter than what is left of the budget
      const probeLimitMs = searching && options.probeTimeoutSeconds ? options.probeTimeoutSeconds * 1000 : Infinity;
      const limit =
        probeLimitMs < budgetLeft
          ? `probe timeout (probe-timeout-seconds ${options.probeTimeoutSeconds})`
          : `time budget (budget-minutes ${options.budgetMinutes})`;
      const ran = await spawnCaptured(argv[0]!, argv.slice(1), {
        cwd: workdir,
        env,
        timeoutMs: Math.min(budgetLeft, probeLimitMs),
        measureTree: { intervalMs: options.sampleIntervalMs },
        onStart: (started) => (pid = started),
        onStderr: (chunk) => stages.feed(chunk),
      }).catch((error: Error) => {
        throw ConfigurationError.forInput("benchmark-command", `cannot start ${argv[0]}: ${error.message}`);
      });
      stages.end();
      await profiler?.afterRun(false);
      const recordStart = performance.now();
      const usage = processUsage(ran, options.sampleIntervalMs);
      const { rssSamples: _samples, intervalMs: _interval, ...used } = usage;
      const base = { repetition, exitCode: ran.code, ...used };
      const finish = (status: Status, reason: string | undefined, measurements: Measurement[]): Recorded => {
        if (status !== "ok") log(`${label}: ${status}: ${reason}`);
        return {
          run: {
            ...base,
            status,
            ...(reason === undefined ? {} : { reason }),
            metrics: measurements.length,
            overheadMs: performance.now() - recordStart,
          },
          measurements,
          at,
        };
      };
      if (!ran.timedOut && ran.code === options.skipExitCode) {
        const said = tail(ran.stderr, 1).trim() || tail(ran.stdout, 1).trim();
        return finish("skipped", `exit code ${ran.code}${said ? `: ${said}` : ""}`, []);
      }
      if (ran.timedOut || ran.code !== 0) return finish("failed", exitReason(ran, limit), []);

      let outputMetrics: OutputMetric[];
      try {
        const output = parseCommandOutput(options.format, ran.stdout, label);
        if (output.status !== "ok") return finish(output.status, output.reason ?? output.status, []);
        outputMetrics = output.metrics;
      } catch (error) {
        if (!(error instanceof ResultFileError)) throw error;
        return finish("failed", error.message, []);
      }
      const origin = label;
      const identity = identityOf(at.params);
      const measurements: Measurement[] = processMeasurements(benchmarkName, usage, {
        origin,
        metadata: { command: at.argv },
        params: Object.keys(at.params).length ? at.params : null,
        ...(identity === undefined ? {} : { identity }),
      });
      for (const [stage, durations] of stages.durations) {
        measurements.push(
          measurementOf(
            benchmarkName,
            `stage/${stage}`,
            durations,
            "seconds",
            "lower_is_better",
            "command",
            origin,
            {},
            at,
          ),
        );
      }
      if (stages.unfinished.length) log(`${label}: stages started and never ended: ${stages.unfinished.join(", ")}`);
      const seen = new Set(measurements.map((m) => `${m.benchmarkName}\u0000${m.metric}`));
      const format = options.format === "none" ? "command" : options.format;
      for (const m of outputMetrics) {
        const benchmark = m.benchmark ?? benchmarkName;
        const key = `${benchmark}\u0000${m.metric}`;
        if (seen.has(key)) {
          return finish(
            "failed",
            `${label}: the ${options.format} output reports ${m.metric} of ${benchmark}, which the suite measures itself`,
            [],
          );
        }
        seen.add(key);
        measurements.push(
          measurementOf(benchmark, m.metric, m.values, m.units, m.direction, format, origin, m.metadata ?? {}, at),
        );
      }
      return finish("ok", undefined, measurements);
    };

    const recorded: Recorded[] = [];
    let search: SearchResult | undefined;
    let chartFile: string | undefined;
    if (!searching) {
      for (let r = 1; r <= plan.repetitions; r++) recorded.push(await runOnce(r, { params, argv }));
    } else {
      const probe: Probe = async (probeParams) => {
        const run = await runOnce(recorded.length + 1, { ...probeCommand(probeParams), searched: probeParams });
        recorded.push(run);
        if (run.run.status !== "ok") return { status: run.run.status, reason: run.run.reason ?? run.run.status };
        return probeMetrics(run.measurements, benchmarkName, options.searchBenchmark);
      };
      const hooks = { commandFor: (p: SearchParams) => probeCommand(p).argv };
      search = options.search
        ? await binarySearch(
            probe,
            {
              parameter: options.search.name,
              lo: options.search.lo,
              hi: options.search.hi,
              constraints: options.constraint!,
              ...(options.objective ? { objective: options.objective } : {}),
              feasible: options.feasible,
            },
            hooks,
          )
        : await gridSearch(
            probe,
            {
              grid: Object.fromEntries(options.grid.map((a) => [a.name, a.values])),
              ...(options.filter ? { filter: options.filter } : {}),
              objective: options.objective!,
              repetitions: plan.repetitions,
            },
            hooks,
          );
      markProbes(recorded, search);
      const title = `${options.searchBenchmark ?? benchmarkName}: ${search.kind} search`;
      const svg = searchChartSvg(search, title);
      if (svg) {
        chartFile = path.join(path.resolve(options.outputDir), "search-chart.svg");
        await mkdir(path.dirname(chartFile), { recursive: true });
        await writeFile(chartFile, svg);
      }
    }

    const profile = await profiler?.afterRun(true);
    if (profile) {
      log(
        profile.status === "recorded"
          ? `flamegraph of ${profile.benchmark}: ${profile.svg}`
          : `no flamegraph of ${profile.benchmark}: ${profile.reason}`,
      );
    }
    const measured = recorded.flatMap((x) => x.measurements);
    const context = await resolveResultsContext(
      runContextOptions(checkout, dut, options, workspace),
      measured,
      [],
      workspace.env,
    );
    const results: Result[] = recorded.flatMap(({ run, measurements, at }) => {
      const role: RunRole | undefined = searching
        ? { repetition: run.repetition }
        : runRole(plan, run.repetition, "head");
      const searchMeta = at.search ? { search: at.search } : {};
      if (run.status === "ok") {
        return toResults(
          measurements.map((m) => ({ ...m, metadata: { ...m.metadata, ...searchMeta } })),
          context,
          role,
        );
      }
      return toFailedResults(
        [
          {
            benchmarkName,
            reason: run.reason ?? run.status,
            status: run.status,
            metric: "wall_time",
            units: PROCESS_METRICS.wall_time.units,
            direction: "lower_is_better",
            sourceFormat: "command",
            params: Object.keys(at.params).length ? at.params : null,
            ...(identityOf(at.params) === undefined ? {} : { identity: identityOf(at.params)! }),
            metadata: { command: at.argv, exit_code: run.exitCode, wall_seconds: run.wallSeconds, ...searchMeta },
          },
        ],
        context,
        role,
      );
    });
    const resultsFile = await saveResultsFile(options.outputDir, "command", results, `run-command ${argv.join(" ")}`);
    const published = await publishIfMain(options.mode, options.publish, results, options.db, workspace, deps.retry);
    return {
      sha: checkout.sha,
      command: argv,
      params,
      benchmarkName,
      format: options.format,
      runs: recorded.map((x) => x.run),
      // a search's runs are different configurations: its probe table stands for the medians
      metrics: search ? [] : metricRows(measured),
      results: results.length,
      resultsFile,
      durationMs: Date.now() - started,
      ...(published ? { published } : {}),
      ...(search ? { search } : {}),
      ...(chartFile ? { chartFile } : {}),
      ...(profile ? { profile } : {}),
    };
  });
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Each benchmark and metric across the ok runs, in the order first measured. */
function metricRows(measurements: readonly Measurement[]): MetricRow[] {
  const rows = new Map<string, MetricRow & { values: number[] }>();
  for (const m of measurements) {
    const key = `${m.benchmarkName}\u0000${m.metric}`;
    const row = rows.get(key) ?? {
      benchmark: m.benchmarkName,
      metric: m.metric,
      median: null,
      units: m.units,
      direction: m.direction,
      n: 0,
      values: [],
    };
    row.values.push(...m.values);
    rows.set(key, row);
  }
  return [...rows.values()].map(({ values, ...row }) => ({ ...row, median: median(values), n: values.length }));
}

/** The error a run ends with when some of its runs failed (after their records were stored). */
export function failedRunsError(summary: RunCommandSummary): LanceBenchError | undefined {
  // In a search a failed probe is an infeasible configuration; the search's answer decides.
  if (summary.search) {
    const outcome = summary.search.outcome;
    if (outcome.kind === "optimum") return undefined;
    const command = outcome.closest?.command ? ` (closest probe's command: ${outcome.closest.command.line})` : "";
    return new LanceBenchError(`${outcome.message}${command}; every probe is stored`);
  }
  const failed = summary.runs.filter((r) => r.status === "failed");
  if (failed.length === 0) return undefined;
  return new LanceBenchError(
    `${failed.length} of ${summary.runs.length} runs of ${summary.benchmarkName} failed (recorded with status failed): ` +
      failed.map((r) => `run ${r.repetition}: ${(r.reason ?? "failed").split("\n")[0]}`).join("; "),
  );
}
