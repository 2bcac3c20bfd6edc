import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { group } from "d3-array";
import picomatch from "picomatch";
import { z } from "zod";
import { validateSha } from "../context/git.js";
import { CONFIG_FILE, loadRepoConfig, policyResolver } from "../context/repo-config.js";
import {
  ConfigurationError,
  parseOptions,
  PROCESS_FAMILY,
  type Baseline,
  type CompareOutcome,
  type Direction,
  type RepoConfig,
  formatChange,
  type Result,
} from "../model/index.js";
import { GitRef } from "../model/ref.js";
import { parseInputs } from "../parse/index.js";
import { compareSuite, type ComparisonInput } from "../stats/compare.js";
import { median } from "../stats/median.js";
import { localPath, redactUri, resolveDbUri } from "../store/uri.js";
import { openExistingStore } from "./open-store.js";
import type { CommandDeps } from "./deps.js";

export const CompareOptions = z.object({
  base: z.array(z.string().trim().min(1)).min(1, "is required"),
  head: z.array(z.string().trim().min(1)).min(1, "is required"),
  db: z.string().trim().min(1).optional(),
  config: z.string().trim().min(1).optional(),
  /** The branch whose recent results give each benchmark's noise (and the `history` baseline). */
  historyRef: GitRef.default("refs/heads/main"),
});
export type CompareOptions = z.infer<typeof CompareOptions>;

export function parseCompareOptions(raw: Record<string, unknown>): CompareOptions {
  return parseOptions(CompareOptions, raw);
}

/** One run of one benchmark, from a file or from the store. */
interface Observed {
  name: string;
  metric: string;
  direction: Direction;
  units: string;
  fingerprint: string | null;
  values: number[];
  sha: string | null;
  /** Which run it was measured in, for stored results (the same for every benchmark of the run). */
  runId: string | null;
  /** A harness's process measurement (its metadata says so): judged in its own family. */
  processFamily: boolean;
}

const HISTORY_SPEC = /^history(?::(\d+))?$/;
const SHA_SPEC = /^sha:(.+)$/;

/**
 * Compares a base and a head, each given as result files, a commit in the store (`sha:<40 hex>`)
 * or, for the base only, `history[:N]`: the last N results on the history ref (main) measured
 * on the head's fingerprint. Reads `.lance-bench.yml` for thresholds and mutes.
 */
export async function compare(
  options: CompareOptions,
  deps: CommandDeps & { cwd?: string } = {},
): Promise<CompareOutcome> {
  const cwd = deps.cwd ?? process.cwd();
  // The default file may be absent (the defaults apply); a file the user names must exist.
  const config = await loadRepoConfig(options.config ?? path.join(cwd, CONFIG_FILE), {
    required: options.config !== undefined,
  });
  const warnings: string[] = [];
  if (options.head.some((spec) => HISTORY_SPEC.test(spec))) {
    throw new ConfigurationError("head: history is a baseline, not a head (give result files or sha:<commit>)");
  }
  const historyBase = options.base.length === 1 ? HISTORY_SPEC.exec(options.base[0]!) : null;
  if (!historyBase && options.base.some((spec) => HISTORY_SPEC.test(spec))) {
    throw new ConfigurationError("base: history cannot be combined with other base inputs");
  }
  // Bad input is reported before the store is opened.
  for (const [side, specs] of [
    ["base", options.base],
    ["head", options.head],
  ] as const) {
    for (const spec of specs) {
      const sha = SHA_SPEC.exec(spec);
      if (sha) validateSha(sha[1]!, side);
    }
  }
  const usesStore = historyBase !== null || [...options.base, ...options.head].some((s) => SHA_SPEC.test(s));
  const dbUri = resolveDbUri(options.db, deps.env);
  const storeOptions = { uri: dbUri, retry: deps.retry, log: deps.log };
  // sha: and history read the store, which must exist. Otherwise the store only adds each
  // benchmark's noise: a local folder that does not exist has none (and is not created), and
  // a store without the table is read as empty.
  const localStore = localPath(dbUri);
  const store = usesStore
    ? await openExistingStore(storeOptions)
    : config.compare.history > 0 && (localStore === undefined || existsSync(localStore))
      ? await openExistingStore({ ...storeOptions, allowMissingTable: true })
      : undefined;
  try {
    const head = await loadSide(options.head, "head", store, warnings);
    const names = [...new Set(head.map((o) => o.name))];
    const historyRuns = Number(historyBase?.[1]) || config.compare.history;
    const history =
      store && historyRuns > 0
        ? await store.recentResults({ ref: options.historyRef, names, perBenchmark: historyRuns })
        : [];
    const headShas = new Set(head.map((o) => o.sha).filter((sha) => sha !== null));
    const historyObserved = history.filter((r) => !headShas.has(r.sha)).map(fromResult);
    if (historyBase && historyObserved.length === 0) {
      throw new ConfigurationError(
        `base: history: the store ${redactUri(dbUri)} has no results of these benchmarks on ${options.historyRef}`,
      );
    }
    const base = historyBase ? historyObserved : await loadSide(options.base, "base", store, warnings);
    // main's runs already in a side are not counted twice as noise
    const sideShas = new Set([...headShas, ...base.map((o) => o.sha)]);
    const noise = historyBase ? [] : historyObserved.filter((o) => o.sha === null || !sideShas.has(o.sha));
    const inputs = pair(base, head, noise, historyBase !== null, warnings);
    const untestable = inputs.filter((i) => i.base?.runs.length === 1 && i.head?.runs.length === 1 && !i.noise);
    if (untestable.length > 0) {
      warnings.push(
        `${untestable.length} benchmark(s) have one run a side and no known run-to-run noise, so they cannot be ` +
          `judged (within-run samples say nothing about run-to-run noise). Give several runs a side ` +
          `(--repetitions), or publish main's runs (publish --ref main) so their noise is known.`,
      );
    }
    const comparison = compareSuite(inputs, {
      fdr: config.compare.fdr,
      minSamples: config.compare["min-samples"],
      confidence: config.compare.confidence,
      resamples: config.compare["bootstrap-resamples"],
      policyFor: policyResolver(config.compare),
    });
    if (comparison.headRunShift) {
      const { direction, benchmarks, of } = comparison.headRunShift;
      warnings.push(
        `the head run was ${direction} on ${benchmarks} of ${of} benchmarks at once, as a busy machine makes it: ` +
          `those are not flagged. Run the head again (or several times) to tell the code from the machine.`,
      );
    }
    const pace = comparison.runPace;
    if (pace && (pace.head > pace.high || pace.head < pace.low)) {
      warnings.push(
        `the head run went ${formatChange(pace.head)} against main's typical run across the suite, beyond every one ` +
          `of main's ${pace.runs} runs (${formatChange(pace.low)} … ${formatChange(pace.high)}): verdicts are taken at ` +
          `the head run's pace, so a change of the whole suite would not show in them. Run the head again to tell.`,
      );
    }
    return {
      ...comparison,
      baseline: describeBaseline(options.base, historyBase !== null, historyRuns, options.historyRef),
      head: options.head.join(", "),
      settings: settingsOf(config, options.historyRef),
      warnings,
    };
  } finally {
    store?.close();
  }
}

async function loadSide(
  specs: readonly string[],
  side: "base" | "head",
  store: Awaited<ReturnType<typeof openExistingStore>> | undefined,
  warnings: string[],
): Promise<Observed[]> {
  const observed: Observed[] = [];
  for (const spec of specs) {
    const sha = SHA_SPEC.exec(spec);
    if (sha) {
      const full = validateSha(sha[1]!, side);
      if (!store)
        throw new ConfigurationError(`${side}: sha:${full} needs a store, and ${"--db"} names none that exists`);
      const rows = (await store.query({ sha: full })) as unknown as Result[];
      const ok = rows.filter((row) => row.status === "ok");
      if (ok.length === 0) throw new ConfigurationError(`${side}: the store has no results for commit ${full}`);
      observed.push(...ok.map(fromResult));
      continue;
    }
    const files = await expandPattern(spec, side);
    for (const file of files) observed.push(...(await readSideFile(file, warnings)));
  }
  if (observed.length === 0) throw new ConfigurationError(`${side}: no benchmark results in ${specs.join(", ")}`);
  const empty = observed.find((o) => o.values.length === 0);
  if (empty) {
    const metric = empty.metric === "time" ? "" : ` (${empty.metric})`;
    throw new ConfigurationError(`${side}: benchmark ${empty.name}${metric} has no samples in ${specs.join(", ")}`);
  }
  return observed;
}

/**
 * A path, or a pattern in its last segment (`results/base/results-*.jsonl`): the shape of the
 * folders a run action leaves, where the number of crates is not known in advance.
 */
async function expandPattern(spec: string, side: string): Promise<string[]> {
  const name = path.basename(spec);
  if (!picomatch.scan(name).isGlob) {
    if (!existsSync(spec)) {
      throw new ConfigurationError(`${side}: ${spec} is neither a file, a directory, sha:<commit> nor history[:N]`);
    }
    return [spec];
  }
  const dir = path.dirname(spec);
  if (picomatch.scan(dir).isGlob)
    throw new ConfigurationError(`${side}: ${spec}: a pattern may only be in the file name`);
  const matches = picomatch(name, { dot: false });
  const entries = await readdir(dir).catch(() => [] as string[]);
  const found = entries.filter((entry) => matches(entry)).sort();
  if (found.length === 0) throw new ConfigurationError(`${side}: ${spec} matches no file`);
  return found.map((entry) => path.join(dir, entry));
}

/** One file (or Criterion folder): our results files keep their fingerprint; tool output has none. */
async function readSideFile(spec: string, warnings: string[]): Promise<Observed[]> {
  const parsed = await parseInputs([spec], "auto");
  warnings.push(...parsed.warnings);
  return [
    ...parsed.results.filter((r) => r.status === "ok").map(fromResult),
    ...parsed.measurements.map((m) => ({
      name: m.benchmarkName,
      metric: m.metric,
      direction: m.direction,
      units: m.units,
      fingerprint: null,
      values: m.values,
      sha: null,
      runId: null,
      processFamily: m.metadata?.family === PROCESS_FAMILY,
    })),
  ];
}

function fromResult(row: Result): Observed {
  return {
    name: row.benchmark_name,
    metric: row.metric,
    direction: row.direction,
    units: row.units,
    fingerprint: row.fingerprint,
    values: [...row.values],
    sha: row.sha,
    runId: runIdOf(row),
    processFamily: metadataOf(row.metadata).family === PROCESS_FAMILY,
  };
}

/**
 * One run of a suite: a commit, measured by one CI run (attempt), once or as one of its
 * repetitions. Every benchmark of that run shares it, which is what lets runs be paced.
 */
function runIdOf(row: Result): string {
  const { provider, repository, run_id, run_attempt } = row.run;
  return JSON.stringify([row.sha, provider, repository, run_id, run_attempt, repetitionOf(row.metadata)]);
}

function repetitionOf(metadata: string): number | null {
  const parsed = metadataOf(metadata);
  const repetition = parsed.repetition ?? parsed.ab_repetition;
  return typeof repetition === "number" ? repetition : null;
}

/** A stored row's metadata, `{}` when it is not a JSON object. */
function metadataOf(metadata: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(metadata);
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * Matches benchmarks by name and metric. Only runs measured on the head's fingerprint are a
 * baseline or noise: numbers from another machine or toolchain are neither. A history that
 * mixes fingerprints is split by fingerprint, never pooled.
 */
function pair(
  base: readonly Observed[],
  head: readonly Observed[],
  history: readonly Observed[],
  baseIsHistory: boolean,
  warnings: string[],
): ComparisonInput[] {
  const key = (o: Observed) => `${o.name}\u0000${o.metric}`;
  const baseByKey = group(base, key);
  const headByKey = group(head, key);
  const historyByKey = group(history, key);
  const keys = [...new Set([...headByKey.keys(), ...baseByKey.keys()])];
  const assumed = new Set<string>();
  const inputs = keys.map((k) => {
    const headRuns = headByKey.get(k);
    let baseRuns = baseByKey.get(k);
    const any = (headRuns ?? baseRuns)![0]!;
    const input: ComparisonInput = {
      name: any.name,
      metric: any.metric,
      direction: any.direction,
      baseIsHistory,
      ...(any.processFamily ? { family: PROCESS_FAMILY } : {}),
    };
    let fingerprints = new Set((headRuns ?? []).map((o) => o.fingerprint).filter((f) => f !== null));
    if (headRuns && baseIsHistory && fingerprints.size === 0 && baseRuns) {
      // tool output carries no fingerprint: main's history is a baseline only if it is one machine
      const known = new Set(baseRuns.map((o) => o.fingerprint));
      if (known.size > 1) {
        input.incomparable =
          `main's history was measured on ${known.size} fingerprints and the head file carries none: ` +
          `compare lance-bench results files, which carry theirs`;
      } else {
        fingerprints = known as Set<string>;
        assumed.add([...known][0]!);
      }
    }
    if (headRuns && baseRuns && fingerprints.size > 0 && baseRuns.some((o) => o.fingerprint !== null)) {
      const matching = baseRuns.filter((o) => o.fingerprint === null || fingerprints.has(o.fingerprint));
      if (matching.length === 0) {
        input.incomparable = `measured on another machine or toolchain (fingerprint ${[...fingerprints][0]} vs ${baseRuns[0]!.fingerprint})`;
      } else if (baseIsHistory && fingerprints.size > 1) {
        input.incomparable = `the head's runs were measured on ${fingerprints.size} fingerprints`;
      } else baseRuns = matching;
    }
    if (baseRuns) {
      input.base = { runs: baseRuns.map((o) => o.values), units: baseRuns[0]!.units };
      if (baseRuns.every((o) => o.runId !== null)) input.base.runIds = baseRuns.map((o) => o.runId!);
    }
    if (headRuns) input.head = { runs: headRuns.map((o) => o.values), units: headRuns[0]!.units };
    if (fingerprints.size > 0) {
      const byFingerprint = group(
        (historyByKey.get(k) ?? []).filter((o) => fingerprints.has(o.fingerprint!)),
        (o) => o.fingerprint!,
      );
      const groups = [...byFingerprint.values()].map((runs) => runs.map((o) => median(o.values)));
      if (groups.length > 0) input.noise = groups;
    }
    return input;
  });
  for (const fingerprint of assumed) {
    warnings.push(
      `the head files carry no fingerprint: assumed measured on the machine of main's history (${fingerprint})`,
    );
  }
  return inputs;
}

function describeBaseline(specs: readonly string[], history: boolean, runs: number, ref: string): Baseline {
  if (history)
    return { kind: "history", description: `the last ${runs} results on ${ref} measured on the same fingerprint` };
  if (specs.some((s) => SHA_SPEC.test(s)))
    return { kind: "store", description: `stored results of ${specs.join(", ")}` };
  return { kind: "files", description: specs.join(", ") };
}

function settingsOf(config: RepoConfig, historyRef: string): CompareOutcome["settings"] {
  const c = config.compare;
  return {
    threshold: c.threshold,
    fdr: c.fdr,
    minSamples: c["min-samples"],
    confidence: c.confidence,
    history: c.history,
    historyRef,
  };
}
