import { formatChange, formatMeasurement, type ChangePoint, type Series, type SeriesReport } from "../model/index.js";
import { callGitHub, type GitHubClient } from "./client.js";
import { repositoryName, type RepositoryRef } from "./repos.js";

/*
 * One GitHub issue per regression on main. Change points that share a commit range (same last
 * good and first bad commit) are one cause and become one issue listing every benchmark that
 * moved. Each issue carries a hidden marker naming its range; the repository's issues with our
 * label, open and closed, are listed (not searched: the search index lags behind writes) and a
 * range that already has an issue is never filed again:
 *   - open issue, body or title changed → edited (PATCH); identical → left alone;
 *   - closed issue → left alone, whatever changed (someone closed it: a human decision that a
 *     re-run must not undo by reopening or rewriting it);
 *   - with `closeRestored`, a range all of whose benchmarks later came back to their old level
 *     gets a comment and is closed when its issue is open; such a range with no issue yet is
 *     not filed (an issue opened only to be closed is noise).
 * Calls go one at a time through the client (retry and throttling plugins); a range whose
 * issue still cannot be filed is reported in `failed` and the others go on.
 */

export const DEFAULT_REGRESSION_LABELS: readonly string[] = ["performance-regression"];
/** Suspect commits listed in an issue body (the compare link shows them all). */
export const DEFAULT_SUSPECT_COMMITS = 20;
/** Benchmarks tabulated in one issue: GitHub caps a body at 65,536 characters. */
export const MAX_TABLE_ROWS = 60;

export interface RegressionIssueOptions {
  repository: RepositoryRef;
  /** Web root for links, e.g. https://github.com (GITHUB_SERVER_URL). */
  serverUrl: string;
  /** The dashboard; linked from every issue. */
  dashboardUrl?: string;
  /** A link to one series' chart (e.g. an anchor of the dashboard); shown per benchmark. */
  chartUrl?: (series: Series) => string | undefined;
  /** Put on every issue; the first one also finds our issues again (default performance-regression). */
  labels?: readonly string[];
  /** Comment on and close the open issue of a range whose benchmarks all came back (default false). */
  closeRestored?: boolean;
  /**
   * Which commit ranges may get a new issue (default: every one). The others only keep an issue
   * they already have up to date, and closed once restored: an old regression is not filed late.
   */
  fileNew?: (range: CommitRange) => boolean;
  /** Suspect commits listed per issue (default 20, at most 100). */
  suspectCommits?: number;
  /** Only issues opened by this login count as ours (default: any issue with the label and the marker). */
  author?: string;
  log?: (message: string) => void;
}

/** A commit range `lastGood..firstBad` (full SHAs): an issue's identity. */
export type CommitRange = string;

/** The commit range of a change point: what its issue is found by. */
export const commitRange = (change: { lastGoodSha: string; firstBadSha: string }): CommitRange =>
  `${change.lastGoodSha}..${change.firstBadSha}`;

export interface FiledIssue {
  range: CommitRange;
  number: number;
  url: string;
  state: "open" | "closed";
}

export interface RegressionIssueResult {
  created: FiledIssue[];
  updated: FiledIssue[];
  /** Issues already saying what they should, and closed issues (left alone). */
  unchanged: FiledIssue[];
  /** Open issues closed because their benchmarks came back (closeRestored). */
  closed: FiledIssue[];
  /** Ranges not filed on purpose (restored before any issue was opened). */
  skipped: { range: CommitRange; reason: string }[];
  /** Ranges whose issue could not be filed, created, edited or closed, with the error. */
  failed: { range: CommitRange; error: string }[];
}

/** One series' regression, and the later change point that brought the level back, if any. */
export interface RegressionEntry {
  series: Series;
  changePoint: ChangePoint;
  restoredBy?: ChangePoint;
}

/** Every regression of one commit range. */
export interface RegressionGroup {
  range: CommitRange;
  lastGoodSha: string;
  firstBadSha: string;
  /** Largest magnitude first. */
  entries: RegressionEntry[];
  /** Every entry has been restored by a later change point. */
  restored: boolean;
}

/** A commit as listed in the issue body. */
export interface SuspectCommit {
  sha: string;
  author: string;
  subject: string;
}

export const regressionMarker = (range: CommitRange) => `<!-- lance-bench:regression ${range} -->`;
const MARKER_PATTERN = /<!-- lance-bench:regression (\S+\.\.\S+) -->/;
const restoredMarker = (range: CommitRange) => `<!-- lance-bench:restored ${range} -->`;
const COMMITS_START = "<!-- lance-bench:commits -->";
const COMMITS_END = "<!-- /lance-bench:commits -->";

const short = (sha: string) => sha.slice(0, 7);
const badness = (change: number, series: Series) => (series.direction === "lower_is_better" ? change : -change);

/**
 * The later change point that brings a regression's series back: an improvement after it whose
 * new level differs from the level before the regression, in the bad direction, by no more than
 * the regression's own uncertainty (half its interval's width). Undefined: not restored.
 */
export function restoringChangePoint(series: Series, changePoints: readonly ChangePoint[], regression: ChangePoint) {
  const [low, high] = regression.interval;
  const tolerance = Math.abs(high - low) / 2;
  return changePoints.find((later) => {
    if (later.index <= regression.index || later.verdict !== "improvement" || regression.before === 0) return false;
    const residual = (later.after - regression.before) / regression.before;
    return badness(residual, series) <= tolerance;
  });
}

/** The regression change points of a report, one group per commit range, oldest range first. */
export function groupRegressions(reports: readonly SeriesReport[]): RegressionGroup[] {
  const groups = new Map<CommitRange, RegressionGroup & { time: number }>();
  for (const { series, changePoints } of reports) {
    for (const changePoint of changePoints) {
      if (changePoint.verdict !== "regression") continue;
      const range = commitRange(changePoint);
      let group = groups.get(range);
      if (!group) {
        group = {
          range,
          lastGoodSha: changePoint.lastGoodSha,
          firstBadSha: changePoint.firstBadSha,
          entries: [],
          restored: true,
          time: Infinity,
        };
        groups.set(range, group);
      }
      const restoredBy = restoringChangePoint(series, changePoints, changePoint);
      group.entries.push({ series, changePoint, ...(restoredBy ? { restoredBy } : {}) });
      group.restored &&= restoredBy !== undefined;
      group.time = Math.min(group.time, series.points[changePoint.index]?.time ?? Infinity);
    }
  }
  const magnitude = (entry: RegressionEntry) => Math.abs(entry.changePoint.relativeChange);
  const compareEntries = (a: RegressionEntry, b: RegressionEntry) =>
    magnitude(b) - magnitude(a) || (a.series.key < b.series.key ? -1 : a.series.key > b.series.key ? 1 : 0);
  return [...groups.values()]
    .sort((a, b) => a.time - b.time || (a.range < b.range ? -1 : 1))
    .map(({ time: _time, ...group }) => ({ ...group, entries: group.entries.sort(compareEntries) }));
}

/** Text that renders as itself in markdown and mentions nobody (`@name` would notify). */
function plain(text: string): string {
  return (
    text
      .replace(/[\\`*[\]<>|~]/g, (c) => `\\${c}`)
      // an underscore inside a word never emphasises (x86_64 stays as written)
      .replace(/(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, "\\_")
      .replaceAll("@", "@\u200b")
      .replace(/\s+/g, " ")
      .trim()
  );
}

/** A code span, safe inside a table cell. */
function code(text: string): string {
  const fence = text.includes("`") ? "``" : "`";
  const pad = text.includes("`") ? " " : "";
  // "<!--" never appears outside our markers, so a name cannot pass for one.
  const safe = text.replace(/\s+/g, " ").replaceAll("|", "\\|").replaceAll("<!--", "<\u200b!--");
  return `${fence}${pad}${safe}${pad}${fence}`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), `|${header.map((_, i) => (i === 0 ? " --- " : " ---: ")).join("|")}|`, ...rows.map(line)].join(
    "\n",
  );
}

const confidence = (value: number) => (value >= 0.999 ? ">99.9%" : `${(100 * value).toFixed(1)}%`);
const percent = (value: number) => `${value >= 0 ? "+" : "−"}${Math.abs(100 * value).toFixed(1)}%`;

export function regressionTitle(group: RegressionGroup): string {
  const top = group.entries[0]!;
  const names = new Set(group.entries.map((e) => e.series.benchmark));
  const magnitude = formatChange(top.changePoint.relativeChange);
  const range = `(${short(group.lastGoodSha)}..${short(group.firstBadSha)})`;
  const upTo = group.entries.length > 1 ? `up to ${magnitude}` : magnitude;
  let what = names.size > 1 ? `${names.size} benchmarks` : top.series.benchmark;
  // GitHub caps a title at 256 characters.
  const room = 256 - `Regression:   ${upTo} ${range}`.length;
  if (what.length > room) what = `${what.slice(0, Math.max(0, room - 1))}…`;
  return `Regression: ${what} ${upTo} ${range}`;
}

export interface SuspectCommits {
  /** The listed commits, oldest first; undefined: they could not be listed (error says why). */
  commits?: SuspectCommit[];
  total?: number;
  error?: string;
}

/** The body's suspect-commit section, between markers, so later runs can reuse it without asking GitHub again. */
export function renderSuspectCommits(suspects: SuspectCommits, commitUrl: (sha: string) => string): string {
  if (!suspects.commits) {
    return `The suspect commits could not be listed (${plain(suspects.error ?? "unknown error")}); the compare link shows them.`;
  }
  const lines = suspects.commits.map(
    (c) => `- [\`${short(c.sha)}\`](${commitUrl(c.sha)}) ${plain(c.subject) || "(no subject)"} — ${plain(c.author)}`,
  );
  const total = suspects.total ?? suspects.commits.length;
  if (total > suspects.commits.length)
    lines.push(`- … and ${total - suspects.commits.length} more (see the compare link)`);
  if (lines.length === 0) lines.push("- (no commits in the range)");
  return [COMMITS_START, ...lines, COMMITS_END].join("\n");
}

/** The suspect-commit section of an earlier body, when it was listed successfully. */
export function existingSuspectCommits(body: string): string | undefined {
  const start = body.indexOf(COMMITS_START);
  const end = body.indexOf(COMMITS_END, start);
  return start >= 0 && end > start ? body.slice(start, end + COMMITS_END.length) : undefined;
}

export function regressionBody(
  group: RegressionGroup,
  commitsSection: string,
  options: Pick<RegressionIssueOptions, "repository" | "serverUrl" | "dashboardUrl" | "chartUrl">,
): string {
  const web = `${options.serverUrl.replace(/\/+$/, "")}/${repositoryName(options.repository)}`;
  const compare = `${web}/compare/${group.lastGoodSha}...${group.firstBadSha}`;
  const commit = (sha: string) => `${web}/commit/${sha}`;
  const count = group.entries.length;
  const lines = [
    regressionMarker(group.range),
    `**${count === 1 ? "A benchmark" : `${count} benchmarks`} regressed on main** between ` +
      `[\`${short(group.lastGoodSha)}\`](${commit(group.lastGoodSha)}) (last good) and ` +
      `[\`${short(group.firstBadSha)}\`](${commit(group.firstBadSha)}) (first bad).`,
    "",
    `- Commit range: [\`${short(group.lastGoodSha)}...${short(group.firstBadSha)}\`](${compare})`,
  ];
  if (options.dashboardUrl) lines.push(`- Charts: [dashboard](${options.dashboardUrl})`);
  lines.push("", "### Benchmarks", "");
  const rows = group.entries.slice(0, MAX_TABLE_ROWS).map(({ series, changePoint: cp }) => {
    const chart = options.chartUrl?.(series);
    const name = chart ? `[${code(series.benchmark)}](${chart})` : code(series.benchmark);
    const [low, high] = cp.interval;
    return [
      name,
      plain(series.metric),
      plain(series.testBed),
      `${formatMeasurement(cp.before, series.units)} → ${formatMeasurement(cp.after, series.units)}`,
      `${formatChange(cp.relativeChange)} [${percent(low)}, ${percent(high)}]`,
      confidence(cp.confidence),
    ];
  });
  lines.push(table(["Benchmark", "Metric", "Test bed", "Before → after", "Change [interval]", "Confidence"], rows));
  if (count > MAX_TABLE_ROWS) lines.push("", `… and ${count - MAX_TABLE_ROWS} more benchmarks (see the dashboard).`);
  const restored = group.entries.filter((e) => e.restoredBy);
  if (restored.length > 0) {
    lines.push("", "### Restored since", "");
    for (const { series, restoredBy } of restored.slice(0, MAX_TABLE_ROWS)) {
      lines.push(`- ${code(series.benchmark)} (${plain(series.testBed)}): ${restoredLine(restoredBy!, series, web)}`);
    }
  }
  lines.push("", "### Suspect commits", "", commitsSection, "");
  lines.push(
    "_Filed by lance-bench from the change points of main; re-runs edit this issue rather than open another._",
  );
  return lines.join("\n");
}

function restoredLine(cp: ChangePoint, series: Series, web: string): string {
  return (
    `back to ${formatMeasurement(cp.after, series.units)} (${formatChange(cp.relativeChange)}) in ` +
    `[\`${short(cp.lastGoodSha)}...${short(cp.firstBadSha)}\`](${web}/compare/${cp.lastGoodSha}...${cp.firstBadSha})`
  );
}

function restoredComment(group: RegressionGroup, options: RegressionIssueOptions): string {
  const web = `${options.serverUrl.replace(/\/+$/, "")}/${repositoryName(options.repository)}`;
  const lines = [
    restoredMarker(group.range),
    `Every benchmark of this regression is back to its level before \`${short(group.lastGoodSha)}..${short(group.firstBadSha)}\`; closing.`,
    "",
  ];
  for (const { series, changePoint, restoredBy } of group.entries.slice(0, MAX_TABLE_ROWS)) {
    lines.push(
      `- ${code(series.benchmark)} (${plain(series.testBed)}): was ${formatMeasurement(changePoint.before, series.units)}, ` +
        restoredLine(restoredBy!, series, web),
    );
  }
  return lines.join("\n");
}

/** One of our issues as listed: enough to tell whether it needs an edit. */
export interface KnownIssue {
  number: number;
  url: string;
  state: "open" | "closed";
  title: string;
  body: string;
  comments: number;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Files one issue per regression commit range of `reports` (see the module comment). Never
 * throws for GitHub's failures: they land in `failed`, the other ranges are still filed.
 */
export async function fileRegressionIssues(
  client: GitHubClient,
  reports: readonly SeriesReport[],
  options: RegressionIssueOptions,
): Promise<RegressionIssueResult> {
  const result: RegressionIssueResult = {
    created: [],
    updated: [],
    unchanged: [],
    closed: [],
    skipped: [],
    failed: [],
  };
  const groups = groupRegressions(reports);
  if (groups.length === 0) return result;
  const { owner, repo } = options.repository;
  const name = repositoryName(options.repository);
  const labels = [...(options.labels ?? DEFAULT_REGRESSION_LABELS)];
  if (labels.length === 0)
    throw new Error("fileRegressionIssues: at least one label is needed to find the issues again");
  const log = options.log ?? (() => {});
  const perPage = Math.max(1, Math.min(100, Math.floor(options.suspectCommits ?? DEFAULT_SUSPECT_COMMITS)));

  let known: Map<CommitRange, KnownIssue>;
  try {
    known = await listRegressionIssues(client, options.repository, labels[0]!, options.author);
  } catch (error) {
    // Without the list, any issue filed could be a duplicate: file none.
    for (const group of groups) result.failed.push({ range: group.range, error: errorText(error) });
    return result;
  }

  const suspects = async (group: RegressionGroup): Promise<SuspectCommits> => {
    try {
      const { data } = await callGitHub(
        `comparing ${short(group.lastGoodSha)}...${short(group.firstBadSha)} in ${name}`,
        () =>
          client.rest.repos.compareCommitsWithBasehead({
            owner,
            repo,
            basehead: `${group.lastGoodSha}...${group.firstBadSha}`,
            per_page: perPage,
          }),
      );
      const commits = data.commits.slice(0, perPage).map((c) => ({
        sha: c.sha,
        author: c.commit.author?.name ?? c.author?.login ?? "unknown",
        subject: c.commit.message.split("\n", 1)[0] ?? "",
      }));
      return { commits, total: data.total_commits };
    } catch (error) {
      log(`regression issue ${group.range}: ${errorText(error)}`);
      return { error: errorText(error) };
    }
  };

  for (const group of groups) {
    const where = `regression issue for ${short(group.lastGoodSha)}..${short(group.firstBadSha)} in ${name}`;
    try {
      const existing = known.get(group.range);
      const filed = (issue: { number: number; html_url: string; state: string }): FiledIssue => ({
        range: group.range,
        number: issue.number,
        url: issue.html_url,
        state: issue.state === "closed" ? "closed" : "open",
      });
      if (existing?.state === "closed") {
        result.unchanged.push({ range: group.range, number: existing.number, url: existing.url, state: "closed" });
        continue;
      }
      if (!existing && options.fileNew && !options.fileNew(group.range)) continue;
      if (group.restored && options.closeRestored && !existing) {
        result.skipped.push({ range: group.range, reason: "restored before an issue was filed" });
        continue;
      }
      const reused = existing && existingSuspectCommits(existing.body);
      const commitsSection =
        reused ?? renderSuspectCommits(await suspects(group), (sha) => `${webRoot(options)}/commit/${sha}`);
      const title = regressionTitle(group);
      const body = regressionBody(group, commitsSection, options);

      if (!existing) {
        const { data } = await callGitHub(`creating the ${where}`, () =>
          client.rest.issues.create({ owner, repo, title, body, labels }),
        );
        result.created.push(filed(data));
        const names = data.labels.map((l) => (typeof l === "string" ? l : l.name));
        if (!names.includes(labels[0])) {
          result.failed.push({
            range: group.range,
            error:
              `#${data.number} was created without its label ${labels[0]} (the token may lack push access): ` +
              "later runs cannot find it and would file it again",
          });
        }
        continue;
      }
      const changed = existing.title !== title || existing.body !== body;
      if (group.restored && options.closeRestored) {
        if (!(await alreadyCommented(client, options.repository, existing, restoredMarker(group.range), where))) {
          await callGitHub(`commenting on the ${where}`, () =>
            client.rest.issues.createComment({
              owner,
              repo,
              issue_number: existing.number,
              body: restoredComment(group, options),
            }),
          );
        }
        const { data } = await callGitHub(`closing the ${where}`, () =>
          client.rest.issues.update({
            owner,
            repo,
            issue_number: existing.number,
            state: "closed",
            state_reason: "completed",
            ...(changed ? { title, body } : {}),
          }),
        );
        result.closed.push(filed(data));
        continue;
      }
      if (!changed) {
        result.unchanged.push({ range: group.range, number: existing.number, url: existing.url, state: "open" });
        continue;
      }
      const { data } = await callGitHub(`updating the ${where}`, () =>
        client.rest.issues.update({ owner, repo, issue_number: existing.number, title, body }),
      );
      result.updated.push(filed(data));
    } catch (error) {
      log(`${where}: ${errorText(error)}`);
      result.failed.push({ range: group.range, error: errorText(error) });
    }
  }
  return result;
}

const webRoot = (options: RegressionIssueOptions) =>
  `${options.serverUrl.replace(/\/+$/, "")}/${repositoryName(options.repository)}`;

/**
 * Our regression issues, open and closed, by commit range: every page of the issues carrying
 * `label`, oldest first (if a range was ever filed twice, the oldest issue is the one kept up).
 */
export async function listRegressionIssues(
  client: GitHubClient,
  target: RepositoryRef,
  label: string,
  author?: string,
): Promise<Map<CommitRange, KnownIssue>> {
  const found = new Map<CommitRange, KnownIssue>();
  await callGitHub(`listing the ${label} issues of ${repositoryName(target)}`, async () => {
    const pages = client.paginate.iterator(client.rest.issues.listForRepo, {
      owner: target.owner,
      repo: target.repo,
      labels: label,
      state: "all",
      sort: "created",
      direction: "asc",
      per_page: 100,
    });
    for await (const page of pages) {
      for (const issue of page.data) {
        if (issue.pull_request) continue;
        if (author !== undefined && issue.user?.login !== author) continue;
        const range = MARKER_PATTERN.exec(issue.body ?? "")?.[1];
        if (range === undefined || found.has(range)) continue;
        found.set(range, {
          number: issue.number,
          url: issue.html_url,
          state: issue.state === "closed" ? "closed" : "open",
          title: issue.title,
          body: issue.body ?? "",
          comments: issue.comments,
        });
      }
    }
  });
  return found;
}

/** Whether the restored comment was already posted (a close that failed after it, on an earlier run). */
async function alreadyCommented(
  client: GitHubClient,
  target: RepositoryRef,
  issue: KnownIssue,
  marker: string,
  where: string,
): Promise<boolean> {
  if (issue.comments === 0) return false;
  return callGitHub(`listing the comments of the ${where}`, async () => {
    const pages = client.paginate.iterator(client.rest.issues.listComments, {
      owner: target.owner,
      repo: target.repo,
      issue_number: issue.number,
      per_page: 100,
    });
    for await (const page of pages) if (page.data.some((c) => c.body?.includes(marker) === true)) return true;
    return false;
  });
}
