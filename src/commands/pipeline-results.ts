import path from "node:path";
import { z } from "zod";
import { resolveRevision } from "../context/git.js";
import { ConfigurationError, parseOptions } from "../model/index.js";
import { commitTables, tablesMarkdown, tablesText, type Table } from "../report/pipeline-report.js";
import { HISTORY_FILE, readHistory, type HistoryIteration } from "./pipeline-history.js";
import { optionalText, type RunDependencies } from "./run-common.js";
import { runPipeline, RunPipelineOptions, type RunPipelineSummary } from "./run-pipeline.js";

/** `pipeline-results`: rapidbyte's `bench_compare.py` over the results history. */
export const PipelineResultsOptions = z.object({
  history: z.string().trim().min(1).default(path.join("lance-bench-results", HISTORY_FILE)),
  last: z.coerce.number().int().min(1).max(100).default(2),
  shas: z.array(z.string().trim().min(1)).default([]),
  rows: z.coerce.number().int().min(1).optional(),
  /** A git checkout, to resolve refs (branch names, HEAD~1) given instead of shas. */
  repo: optionalText,
});
export type PipelineResultsOptions = z.infer<typeof PipelineResultsOptions>;

export const parsePipelineResultsOptions = (raw: Record<string, unknown>) => parseOptions(PipelineResultsOptions, raw);

export interface CommitComparison {
  shas: string[];
  tables: Table[];
  text: string;
  markdown: string;
}

const label = (entries: readonly HistoryIteration[]) => (sha: string) =>
  entries.find((e) => e.sha === sha)?.shortSha ?? sha.slice(0, 7);

/** Picks the commits to show: those named (sha prefixes or refs), else the last N in the history. */
async function chooseShas(entries: readonly HistoryIteration[], options: PipelineResultsOptions): Promise<string[]> {
  const known = [...new Set(entries.map((e) => e.sha))];
  if (options.shas.length === 0) return known.slice(-options.last);
  const chosen: string[] = [];
  for (const wanted of options.shas) {
    let prefix = wanted.toLowerCase();
    if (!/^[0-9a-f]{4,64}$/.test(prefix)) {
      if (!options.repo)
        throw new ConfigurationError(`sha: "${wanted}" is not a commit sha (pass --repo to resolve refs)`);
      prefix = await resolveRevision(options.repo, wanted, "sha");
    }
    const matches = known.filter((sha) => sha.startsWith(prefix) || prefix.startsWith(sha));
    if (matches.length === 0) throw new ConfigurationError(`sha: no results for "${wanted}" in ${options.history}`);
    if (matches.length > 1)
      throw new ConfigurationError(`sha: "${wanted}" matches ${matches.length} commits; give more of it`);
    chosen.push(matches[0]!);
  }
  return chosen;
}

export async function pipelineResults(options: PipelineResultsOptions): Promise<CommitComparison> {
  let entries = await readHistory(options.history);
  if (options.rows !== undefined) entries = entries.filter((e) => e.rows === options.rows);
  if (entries.length === 0) {
    throw new ConfigurationError(
      `no pipeline results${options.rows ? ` at ${options.rows} rows` : ""} in ${options.history}`,
    );
  }
  const shas = await chooseShas(entries, options);
  const tables = commitTables(
    entries.filter((e) => shas.includes(e.sha)),
    shas,
    label(entries),
  );
  return { shas, tables, text: tablesText(tables), markdown: tablesMarkdown(tables) };
}

/** `pipeline-compare A B`: both refs benchmarked now, on this machine, against the same database. */
export const PipelineCompareOptions = RunPipelineOptions.omit({ sha: true, baseSha: true, repetitions: true }).extend({
  refA: z.string().trim().min(1),
  refB: z.string().trim().min(1),
  mode: z.enum(["main", "pr"]).default("pr"),
});
export type PipelineCompareOptions = z.infer<typeof PipelineCompareOptions>;

export const parsePipelineCompareOptions = (raw: Record<string, unknown>) => parseOptions(PipelineCompareOptions, raw);

export interface PipelineCompareSummary extends CommitComparison {
  runs: { ref: string; summary: RunPipelineSummary }[];
  historyFile: string;
}

/**
 * rapidbyte's `bench_compare.sh`: each ref checked out into its own worktree (the caller's
 * checkout and its uncommitted changes are never touched), built, seeded and run with the
 * same variants and row counts, then the per-metric change from A to B. Results files land in
 * `output-dir/<sha7>/`, so `lance-bench compare` can test the difference as well.
 */
export async function pipelineCompare(
  options: PipelineCompareOptions,
  deps: RunDependencies = {},
): Promise<PipelineCompareSummary> {
  const shaA = await resolveRevision(options.repo, options.refA, "ref A");
  const shaB = await resolveRevision(options.repo, options.refB, "ref B");
  const { refA, refB, ...common } = options;
  const outputDir = path.resolve(options.outputDir);
  const historyFile = path.resolve(options.historyFile ?? path.join(outputDir, HISTORY_FILE));
  const runs: PipelineCompareSummary["runs"] = [];
  for (const [ref, sha] of [
    [refA, shaA],
    [refB, shaB],
  ] as const) {
    deps.log?.(`benchmarking ${ref} (${sha.slice(0, 7)})`);
    const summary = await runPipeline(
      {
        ...common,
        sha,
        gitBranch: options.gitBranch ?? ref,
        outputDir: path.join(outputDir, sha.slice(0, 7)),
        historyFile,
      },
      deps,
    );
    runs.push({ ref, summary });
  }
  const entries = runs.flatMap(({ summary }) => summary.entries);
  const shas = shaA === shaB ? [shaA] : [shaA, shaB];
  const names = new Map([
    [shaA, `${refA} (${shaA.slice(0, 7)})`],
    [shaB, `${refB} (${shaB.slice(0, 7)})`],
  ]);
  const tables = commitTables(entries, shas, (sha) => names.get(sha) ?? sha.slice(0, 7));
  return { shas, tables, text: tablesText(tables), markdown: tablesMarkdown(tables), runs, historyFile };
}
