import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { DEFAULT_API_URL, createGitHubClient } from "../github/client.js";
import {
  commitRange,
  DEFAULT_REGRESSION_LABELS,
  fileRegressionIssues,
  type RegressionIssueResult,
} from "../github/regression-issues.js";
import { parseRepository } from "../github/repos.js";
import { ConfigurationError, GitRef, parseOptions, type SeriesReport } from "../model/index.js";
import { writeDashboard, type DashboardSummary } from "../report/dashboard/index.js";
import { historyMarkdown, historyReport, newRegressions, type HistoryReport } from "../report/history-report.js";
import { historySeries } from "../report/series.js";
import { detectChangePoints } from "../stats/change-points.js";
import { resolveDbUri } from "../store/uri.js";
import { openExistingStore } from "./open-store.js";
import type { GitHubCommandDeps } from "./deps.js";

/** The options' fields (the declarations are checked against them). */
export const ReportOptionsShape = z.object({
  db: z.string().trim().min(1).optional(),
  /** The branch whose history is reported (main = refs/heads/main). */
  ref: GitRef.default("refs/heads/main"),
  outputDir: z.string().trim().min(1).default("lance-bench-report"),
  /** A change point is new when its first bad commit is among this many newest commits. */
  recent: z.coerce.number().int().min(1).max(100_000).default(10),
  dashboard: z.boolean().default(true),
  /** owner/name: compare links, and where regression issues go. */
  repository: z.string().trim().min(1).optional(),
  serverUrl: z.string().trim().url().default("https://github.com"),
  /** Where the dashboard is published (GitHub Pages): linked from every issue. */
  dashboardUrl: z.string().trim().url().optional(),
  /** Open (or update) one GitHub issue per new regression commit range. */
  issues: z.boolean().default(false),
  issueLabels: z.array(z.string().trim().min(1).max(50)).default([...DEFAULT_REGRESSION_LABELS]),
  closeRestored: z.boolean().default(false),
  token: z.string().trim().optional(),
  apiUrl: z.string().trim().url().optional(),
  failOnRegression: z.boolean().default(false),
});
export const ReportOptions = ReportOptionsShape.refine((o) => !o.issues || o.repository !== undefined, {
  path: ["repository"],
  message: "is required with issues: the repository the issues go to (owner/name)",
});
export type ReportOptions = z.infer<typeof ReportOptions>;

export function parseReportOptions(raw: Record<string, unknown>): ReportOptions {
  return parseOptions(ReportOptions, raw);
}

export interface ReportSummary {
  report: HistoryReport;
  reportFile: string;
  markdownFile: string;
  markdown: string;
  dashboard?: DashboardSummary & { dir: string };
  issues?: RegressionIssueResult;
}

/**
 * The history of a ref (main) as a report: series per benchmark, metric and test bed, their
 * change points, the new regressions (JSON, markdown, the job summary), a static dashboard, and
 * with `issues` one GitHub issue per new regression commit range. A store without history of
 * the ref gives a report that says so. GitHub failures while filing issues are reported in
 * `issues.failed`; the report itself is written first and never lost.
 */
export async function report(
  options: ReportOptions,
  deps: GitHubCommandDeps & { now?: () => number } = {},
): Promise<ReportSummary> {
  const env = deps.env ?? process.env;
  const log = deps.log ?? (() => undefined);
  const repository = options.repository === undefined ? undefined : parseRepository(options.repository, "repository");
  if (options.issues && !options.token && !deps.client) {
    throw new ConfigurationError("token: needed to file regression issues (issues: write)");
  }
  const store = await openExistingStore({
    uri: resolveDbUri(options.db, env),
    retry: deps.retry,
    log,
    allowMissingTable: true,
  });
  let reports: SeriesReport[];
  try {
    reports = historySeries(await store.refHistory(options.ref)).map((series) => {
      const { state: _, ...found } = detectChangePoints(series);
      return found;
    });
  } finally {
    store.close();
  }
  const generatedAt = Math.floor((deps.now?.() ?? Date.now()) / 1000);
  const history = historyReport(reports, { ref: options.ref, recent: options.recent, generatedAt });
  const compareUrl = repository
    ? (a: string, b: string) => `${options.serverUrl}/${repository.owner}/${repository.repo}/compare/${a}...${b}`
    : undefined;
  const markdown = historyMarkdown(history, compareUrl);
  const outputDir = path.resolve(options.outputDir);
  await mkdir(outputDir, { recursive: true });
  const reportFile = path.join(outputDir, "report.json");
  const markdownFile = path.join(outputDir, "summary.md");
  await writeFile(reportFile, `${JSON.stringify(history, null, 2)}\n`);
  await writeFile(markdownFile, `${markdown}\n`);

  let dashboard: ReportSummary["dashboard"];
  if (options.dashboard) {
    const dir = path.join(outputDir, "dashboard");
    const written = await writeDashboard(dir, reports, {
      repository: options.repository ?? "",
      serverUrl: options.serverUrl,
      generatedAt,
    });
    dashboard = { ...written, dir };
  }

  let issues: RegressionIssueResult | undefined;
  if (options.issues && repository) {
    // every regression is passed, so that an issue filed while its regression was new is still
    // kept up to date and closed once restored; only the new ones may open an issue
    const fresh = new Set(newRegressions(history).map(commitRange));
    const client =
      deps.client ??
      createGitHubClient({
        token: options.token!,
        baseUrl: options.apiUrl ?? env.GITHUB_API_URL ?? DEFAULT_API_URL,
        log,
      });
    issues = await fileRegressionIssues(client, reports, {
      repository,
      serverUrl: options.serverUrl,
      ...(options.dashboardUrl ? { dashboardUrl: options.dashboardUrl } : {}),
      labels: options.issueLabels,
      closeRestored: options.closeRestored,
      fileNew: (range) => fresh.has(range),
      log,
    });
  }
  return {
    report: history,
    reportFile,
    markdownFile,
    markdown,
    ...(dashboard ? { dashboard } : {}),
    ...(issues ? { issues } : {}),
  };
}
