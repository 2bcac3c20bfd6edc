import { createHash } from "node:crypto";
import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import {
  ConfigurationError,
  LanceBenchError,
  parseOptions,
  PROCESS_FAMILY_METADATA,
  type DutBuild,
  type Measurement,
  type Result,
} from "../model/index.js";
import { hasBenchLines, parseBencher } from "../parse/bencher.js";
import { parseCriterionDir } from "../parse/criterion-dir.js";
import { parseCriterionJson } from "../parse/criterion-json.js";
import { linesOf } from "../parse/stream.js";
import { safeFileName } from "../context/paths.js";

import {
  buildCargoBench,
  CargoFailure,
  ensureToolchain,
  fileHash,
  hasCargoCriterion,
  resolveCrates,
  runCargoBench,
  cargoBenchArgs,
  type BenchCrate,
} from "../run/cargo.js";
import { cacheKeys, copyFolder } from "../run/build-cache.js";
import { cacheStatus } from "../report/run-summary.js";
import { profileRustBenchmark, type ProfileOutcome } from "../run/profile.js";
import {
  cargoProcessName,
  PROCESS_SAMPLE_INTERVAL_MS,
  processMeasurements,
  processRun,
  processUsage,
  type ProcessRun,
} from "./process-metrics.js";
import type { PublishSummary } from "./publish.js";
import { resolveDut, resolveResultsContext, toResults, type ResultsContext, type RunRole } from "./results-context.js";
import { prepareCheckout, type Checkout } from "../run/checkout.js";
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

/** Options of `run-rust`, shared by the CLI and the action. */
export const RunRustOptions = RunCommonOptions.extend({
  crates: textList,
  benches: textList,
  filter: optionalText,
  features: optionalText,
  cargoArgs: textList,
  runner: z.enum(["auto", "cargo-criterion", "cargo-bench"]).default("auto"),
  profileSeconds: z.coerce.number().positive().default(5),
});
export type RunRustOptions = z.infer<typeof RunRustOptions>;

export function parseRunRustOptions(raw: Record<string, unknown>): RunRustOptions {
  return parseOptions(RunRustOptions, raw);
}

export interface CrateOutcome {
  crate: string;
  path: string;
  status: "ok" | "failed";
  error?: string;
  /** Benchmark results of the head: one per benchmark and run (the process measurements besides). */
  results: number;
  /**
   * Each run's `cargo bench` process tree (head and base): wall time, CPU time and peak RSS,
   * stored under `processBenchmark` (three more results per run, in the same results files).
   */
  processes: ProcessRun[];
  /** The benchmark the runs' process measurements are stored under: `cargo-bench/<crate>`. */
  processBenchmark: string;
  resultsFile?: string;
  /** Same-runner A/B: the base commit's results, every repetition. */
  baseResultsFile?: string;
  baseResults?: number;
  /** The cache key the (head's) target folder came from, if any. */
  cacheHit?: string;
  /** What the build cache did, per side. */
  cache: { head: SideCache; base?: SideCache };
  runner: "cargo-criterion" | "cargo-bench";
  durationMs: number;
  /** Crates compiled in this run (few when the build cache was warm), before the measured runs. */
  compiled: string[];
  /** Same-runner A/B: the crates compiled for the base commit. */
  baseCompiled?: string[];
}

/** What the build cache did for one side's target folder. */
export interface SideCache {
  /** The key this side's target folder is saved under. */
  key: string;
  /**
   * hit: its own entry; partial: an entry found by a restore key (an older lockfile, or the
   * other side's); copy-of-head: a copy of the head's restored build (the base had no entry);
   * miss: built from nothing.
   */
  restored: "hit" | "partial" | "copy-of-head" | "miss";
  /** The entry it was restored from. */
  from?: string;
  /** Whether it was saved under `key` after the run (false: that entry exists, or saving failed). */
  saved: boolean;
  saveError?: string;
}

export interface RunRustSummary {
  sha: string;
  /** Runs of the head (of each side, in an A/B); left out when the head ran once. */
  repetitions?: number;
  /** Same-runner A/B: the base commit, run alternately with the head. */
  baseSha?: string;
  toolchain: string;
  crates: CrateOutcome[];
  profile?: ProfileOutcome;
  published?: PublishSummary;
}

/** A slug for file, artifact and cache names: "rust/lance-index" → "rust-lance-index". */
export const crateSlug = (cratePath: string) => safeFileName(cratePath.replace(/\./g, "-"), "root");

/** Reads what the runner left: cargo-criterion's JSON, else Criterion's folder, else libtest lines. */
async function collectMeasurements(
  runner: CrateOutcome["runner"],
  stdout: string,
  criterionHome: string,
  label: string,
) {
  if (runner === "cargo-criterion") return parseCriterionJson(linesOf(stdout), `${label} (cargo criterion output)`);
  const found = await readdir(criterionHome).catch(() => [] as string[]);
  if (found.length > 0) return parseCriterionDir(criterionHome);
  return hasBenchLines(stdout) ? parseBencher(linesOf(stdout), `${label} (cargo bench output)`) : [];
}

/**
 * Builds the project at a commit and runs its Criterion benchmarks, crate by crate, then
 * publishes (main mode) or leaves a results file per crate for a later job (pr mode).
 * A crate that fails to build or run is reported and the others still run; the command
 * fails at the end if any crate failed.
 */
export async function runRust(options: RunRustOptions, deps: RunDependencies = {}): Promise<RunRustSummary> {
  const plan = abPlan(options);
  return withRunWorkspace(options, deps, async (workspace) => {
    const { checkout, workDir, cache, log, env, childEnv } = workspace;
    const baseCheckout = plan.baseSha
      ? await prepareCheckout(path.resolve(options.repo), plan.baseSha, workDir)
      : undefined;
    try {
      return await runAll(baseCheckout);
    } finally {
      await baseCheckout?.dispose();
    }

    async function runAll(baseCheckout: Checkout | undefined): Promise<RunRustSummary> {
      const preloadStore = storePreloader(options.mode, options.publish);
      const [crates, toolchain, runner] = await Promise.all([
        resolveCrates(checkout.dir, options.crates),
        ensureToolchain(checkout.dir, log),
        options.runner === "auto"
          ? hasCargoCriterion().then((has): CrateOutcome["runner"] => (has ? "cargo-criterion" : "cargo-bench"))
          : options.runner,
      ]);
      const lockHash = await fileHash(path.join(checkout.dir, "Cargo.lock"));
      const baseLockHash = baseCheckout ? await fileHash(path.join(baseCheckout.dir, "Cargo.lock")) : undefined;
      const toolchainKey = createHash("sha256").update(toolchain).digest("hex").slice(0, 12);
      const outcomes: CrateOutcome[] = [];
      const allResults: Result[] = [];
      let profile: ProfileOutcome | undefined;
      const contexts = new Map<string, Promise<ResultsContext>>();
      // Each crate's build is named (manifest version, or --dut-name/--dut-version) before
      // anything is built, so a broken manifest cannot surface after an hour of benchmarks.
      const duts = new Map<string, DutBuild>();
      const trees: ["head" | "base", Checkout][] = [["head", checkout]];
      if (baseCheckout) trees.push(["base", baseCheckout]);
      for (const [side, tree] of trees) {
        for (const crate of crates) {
          const { dut } = await resolveDut({
            repo: tree.dir,
            sha: tree.sha,
            // The workspace root's Cargo.toml when it has a version, else the crate's own.
            manifestDirs: [tree.dir, path.join(tree.dir, crate.path)],
            dutName: options.dutName,
            dutVersion: options.dutVersion,
            defaultName: path.basename(path.resolve(options.repo)),
            warn: log,
          });
          duts.set(`${side}\u0000${crate.path}`, dut);
        }
      }

      for (const crate of crates) {
        const outcome = await runCrate(crate);
        outcomes.push(outcome.summary);
        allResults.push(...outcome.results);
      }

      /** What `cargo bench` is asked for one crate at one side's commit (to build, or to run). */
      function cargoRequest(crate: BenchCrate, side: "head" | "base", targetDir: string, criterionHome: string) {
        return {
          crateDir: path.join((side === "head" ? checkout : baseCheckout!).dir, crate.path),
          runner,
          benches: options.benches,
          filter: options.filter,
          features: options.features,
          cargoArgs: options.cargoArgs,
          env: childEnv.with({ CARGO_TARGET_DIR: targetDir, CRITERION_HOME: criterionHome, CARGO_TERM_COLOR: "never" }),
          timeoutMs: options.budgetMinutes * 60_000,
          onStart: preloadStore,
        };
      }

      /**
       * One run of one crate at one commit: cargo bench (its process tree measured; the build
       * is done already), then its measurements, and the process's, as results.
       */
      async function runOnce(
        crate: BenchCrate,
        side: "head" | "base",
        targetDir: string,
        run: RunRole | undefined,
      ): Promise<{
        results: Result[];
        processResults: Result[];
        compiled: string[];
        measurements: Measurement[];
        process: ProcessRun;
      }> {
        const tree = side === "head" ? checkout : baseCheckout!;
        const slug = crateSlug(crate.path);
        // a fresh Criterion folder per run: Criterion would otherwise compare with (and move) the last one
        const criterionHome = path.join(workDir, `criterion-${side}-${slug}-${run?.repetition ?? 1}`);
        const request = cargoRequest(crate, side, targetDir, criterionHome);
        const output = await runCargoBench({ ...request, measureTree: { intervalMs: PROCESS_SAMPLE_INTERVAL_MS } });
        const label = side === "head" ? crate.path : `${crate.path} (base)`;
        const measurements: Measurement[] = await collectMeasurements(runner, output.stdout, criterionHome, label);
        if (measurements.length === 0) {
          throw new ConfigurationError(
            options.filter !== undefined
              ? `the filter "${options.filter}" matched no benchmark`
              : `${side === "base" ? "the base commit " : ""}produced no benchmark results (no Criterion output found)`,
          );
        }
        // The build, machine and run are the same for every repetition of one side: read them once.
        const contextKey = `${side}\u0000${crate.path}`;
        let context = contexts.get(contextKey);
        if (!context) {
          const dut = duts.get(contextKey)!;
          context = resolveResultsContext(
            runContextOptions(tree, dut, options, workspace),
            measurements,
            [toolchain],
            env,
          );
          contexts.set(contextKey, context);
        }
        const processName = cargoProcessName(runner, crate.name);
        const usage = processUsage(output, PROCESS_SAMPLE_INTERVAL_MS);
        const processMeasured = processMeasurements(processName, usage, {
          origin: `${label}: ${runner}`,
          metadata: { command: ["cargo", ...cargoBenchArgs(request)], ...PROCESS_FAMILY_METADATA },
        });
        return {
          results: toResults(measurements, await context, run),
          processResults: toResults(processMeasured, await context, run),
          compiled: output.compiled,
          measurements,
          process: processRun(processName, usage, run),
        };
      }

      /** Fills one side's target folder from the cache: its own entry, else the nearest one. */
      async function restoreSide(dir: string, key: string, restoreKeys: readonly string[]): Promise<SideCache> {
        await rm(dir, { recursive: true, force: true }); // a fixed folder may hold a previous job's build
        const from = await cache.restore([dir], key, restoreKeys);
        if (from === undefined) return { key, restored: "miss", saved: false };
        return { key, restored: from === key ? "hit" : "partial", from, saved: false };
      }

      async function saveSide(crate: BenchCrate, dir: string, side: SideCache): Promise<void> {
        try {
          side.saved = await cache.save([dir], side.key);
        } catch (error) {
          side.saveError = (error as Error).message;
          log(`${crate.path}: could not save the build cache ${side.key}: ${side.saveError}`);
        }
      }

      async function runCrate(crate: BenchCrate): Promise<{ summary: CrateOutcome; results: Result[] }> {
        const slug = crateSlug(crate.path);
        // GitHub's cache restores files where they were saved from: then the folders are fixed.
        const targetsRoot = cache.pathsRoot ?? workDir;
        const targetDir = path.join(targetsRoot, `target-${slug}`);
        const baseTargetDir = path.join(targetsRoot, `target-base-${slug}`);
        const keyPrefix = `lance-bench-cargo-${process.platform}-${process.arch}-${toolchainKey}-${slug}-`;
        // Each side has its own entry (the base is usually main's commit, the head one PR's),
        // so a same-runner A/B serves both sides; a base without an entry of its own starts
        // from a copy of the head's restored build rather than from nothing.
        const headKeys = cacheKeys(`${keyPrefix}${lockHash}`, [keyPrefix], workspace.cachePr);
        const headCache = await restoreSide(targetDir, headKeys.key, headKeys.restoreKeys);
        let baseCache: SideCache | undefined;
        if (baseCheckout) {
          const baseKeys = cacheKeys(
            `${keyPrefix}base-${baseLockHash}`,
            [`${keyPrefix}base-`, keyPrefix],
            workspace.cachePr,
          );
          baseCache = await restoreSide(baseTargetDir, baseKeys.key, baseKeys.restoreKeys);
          if (baseCache.restored === "miss" && headCache.restored !== "miss") {
            await copyFolder(targetDir, baseTargetDir);
            baseCache = { ...baseCache, restored: "copy-of-head", from: headCache.from };
          }
        }
        // (the sides' `saved` is filled in by the saves in `finally`, before this crate's outcome is read)
        const cacheReport = { head: headCache, ...(baseCache ? { base: baseCache } : {}) };
        log(`${crate.path}: build cache ${cacheStatus(cacheReport)}; running ${runner}`);
        const started = Date.now();
        const summaryBase = {
          crate: crate.name,
          path: crate.path,
          runner,
          processBenchmark: cargoProcessName(runner, crate.name),
          ...(headCache.from !== undefined ? { cacheHit: headCache.from } : {}),
          cache: cacheReport,
        };
        let compiled: string[] = [];
        let baseCompiled: string[] | undefined;
        const processes: ProcessRun[] = [];
        try {
          // Built before any measured run (cargo bench would build inside the first one, whose
          // wall time, CPU time and peak RSS would then be rustc's as much as the benchmarks').
          const noCriterionHome = path.join(workDir, `criterion-build-${slug}`);
          log(`${crate.path}: building the benchmarks (${runner.replace("-", " ")} --no-run)`);
          compiled = await buildCargoBench(cargoRequest(crate, "head", targetDir, noCriterionHome));
          if (baseCheckout) {
            log(`${crate.path}: building the base commit's benchmarks`);
            baseCompiled = await buildCargoBench(cargoRequest(crate, "base", baseTargetDir, noCriterionHome));
          }
          const headResults: Result[] = [];
          const baseResults: Result[] = [];
          let headBenchmarkResults = 0;
          let baseBenchmarkResults = 0;
          let measured: Measurement[] = [];
          /** What a measured run compiled after all (nothing, normally), added to its side's list. */
          const alsoCompiled = (before: readonly string[] | undefined, now: readonly string[]) => [
            ...new Set([...(before ?? []), ...now]),
          ];
          for (let r = 1; r <= plan.repetitions; r++) {
            const order = baseCheckout ? abOrder(r) : (["head"] as const);
            for (const side of order) {
              if (baseCheckout) log(`${crate.path}: repetition ${r} of ${plan.repetitions}, ${side}`);
              else if (plan.repetitions > 1) log(`${crate.path}: run ${r} of ${plan.repetitions}`);
              const run = await runOnce(
                crate,
                side,
                side === "head" ? targetDir : baseTargetDir,
                runRole(plan, r, side),
              );
              processes.push(run.process);
              if (side === "head") {
                headResults.push(...run.results, ...run.processResults);
                headBenchmarkResults += run.results.length;
                compiled = alsoCompiled(compiled, run.compiled);
                if (r === 1) measured = run.measurements;
              } else {
                baseResults.push(...run.results, ...run.processResults);
                baseBenchmarkResults += run.results.length;
                baseCompiled = alsoCompiled(baseCompiled, run.compiled);
              }
            }
          }
          const resultsFile = await saveResultsFile(options.outputDir, slug, headResults, `run-rust ${crate.path}`);
          const baseResultsFile = baseCheckout
            ? await saveResultsFile(
                path.join(options.outputDir, "base"),
                slug,
                baseResults,
                `run-rust ${crate.path} (base)`,
              )
            : undefined;
          if (options.profile !== undefined && measured.some((m) => m.benchmarkName === options.profile)) {
            // While this crate's build is still in place; a failed profile is a warning, not a failure.
            log(`${crate.path}: recording a CPU profile of ${options.profile}`);
            const criterionHome = path.join(workDir, `criterion-profile-${slug}`);
            profile = await profileRustBenchmark({
              benchmark: options.profile,
              crateDir: path.join(checkout.dir, crate.path),
              benches: options.benches,
              features: options.features,
              env: childEnv.with({
                CARGO_TARGET_DIR: targetDir,
                CRITERION_HOME: criterionHome,
                CARGO_TERM_COLOR: "never",
              }),
              workDir,
              svgFile: path.join(path.dirname(resultsFile), `flamegraph-${crateSlug(options.profile)}.svg`),
              seconds: options.profileSeconds,
              timeoutMs: options.budgetMinutes * 60_000,
            });
          }
          return {
            summary: {
              ...summaryBase,
              status: "ok",
              results: headBenchmarkResults,
              processes,
              resultsFile,
              ...(baseResultsFile ? { baseResultsFile, baseResults: baseBenchmarkResults } : {}),
              durationMs: Date.now() - started,
              compiled,
              ...(baseCompiled ? { baseCompiled } : {}),
            },
            results: headResults,
          };
        } catch (error) {
          if (!(error instanceof CargoFailure || error instanceof LanceBenchError)) throw error;
          return {
            summary: {
              ...summaryBase,
              status: "failed",
              error: error.message,
              results: 0,
              // (nothing of a failed crate is stored, its runs' processes neither)
              processes: [],
              durationMs: Date.now() - started,
              compiled,
            },
            results: [],
          };
        } finally {
          await saveSide(crate, targetDir, headCache);
          if (baseCache) await saveSide(crate, baseTargetDir, baseCache);
          if (cache.pathsRoot !== undefined) {
            await rm(targetDir, { recursive: true, force: true });
            await rm(baseTargetDir, { recursive: true, force: true });
          }
        }
      }

      if (options.profile !== undefined && profile === undefined) {
        profile = { benchmark: options.profile, status: "skipped", reason: "no benchmark with that name ran" };
      }
      const summary: RunRustSummary = {
        sha: checkout.sha,
        ...(baseCheckout || plan.repetitions > 1 ? { repetitions: plan.repetitions } : {}),
        ...(baseCheckout ? { baseSha: baseCheckout.sha } : {}),
        toolchain,
        crates: outcomes,
        profile,
      };
      summary.published = await publishIfMain(
        options.mode,
        options.publish,
        allResults,
        options.db,
        workspace,
        deps.retry,
      );
      return summary;
    }
  });
}

/** The failure of a run with failed crates, after the others were run and published. */
export function failedCratesError(summary: RunRustSummary): ConfigurationError | undefined {
  const failed = summary.crates.filter((c) => c.status === "failed");
  if (failed.length === 0) return undefined;
  return new ConfigurationError(
    `${failed.length} of ${summary.crates.length} crates failed: ` +
      failed.map((c) => `${c.path}: ${c.error?.split("\n")[0]}`).join("; "),
  );
}
