import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePublishOptions, publish } from "../../src/commands/publish.js";
import { parseReportOptions, report } from "../../src/commands/report.js";
import { createGitHubClient } from "../../src/github/client.js";
import { runCliAsync, tempDir } from "../support/helpers.js";
import { startGitHubServer, type GitHubServer } from "../support/github-server.js";
import { installIssues } from "../support/issues-world.js";
import { COMMITS, STEP_AT, criterionLine, env, mainHistory, sha } from "../support/report-history.js";

/**
 * `report` end to end on a real LanceDB folder: 30 commits of main published through the
 * suite's own publish path, one benchmark 30% slower from commit 24 on, one flat; the report
 * finds that change point (and no other), lists it as a new regression, writes report.json,
 * the summary and the dashboard, and files one issue on the OpenAPI-checked GitHub.
 */
describe("report on a real LanceDB store", () => {
  let server: GitHubServer;
  const db = path.join(tempDir(), "db");
  beforeAll(async () => {
    server = await startGitHubServer();
    await mainHistory(db);
  }, 180_000);
  afterAll(() => server?.close());

  it("finds the planted step as a new regression, writes report.json, the summary and the dashboard", async () => {
    const out = tempDir();
    const summary = await report(parseReportOptions({ db, outputDir: out, repository: "lancedb/lance", recent: 10 }), {
      env,
    });
    const changes = summary.report.changes;
    expect(changes.map((c) => c.benchmark)).toEqual(["scan/1m"]);
    const step = changes[0]!;
    expect(step).toMatchObject({ verdict: "regression", new: true, metric: "time", testBed: "bench-box" });
    // the first slower commit, give or take two
    const firstBad = Array.from({ length: COMMITS }, (_, i) => sha(i)).indexOf(step.firstBadSha);
    expect(Math.abs(firstBad - STEP_AT)).toBeLessThanOrEqual(2);
    expect(step.relativeChange).toBeGreaterThan(0.2);
    expect(step.relativeChange).toBeLessThan(0.4);
    expect(step.interval[0]).toBeLessThanOrEqual(step.relativeChange);
    expect(step.interval[1]).toBeGreaterThanOrEqual(step.relativeChange);
    expect(summary.report).toMatchObject({ series: 2, points: 2 * COMMITS, latestSha: sha(COMMITS - 1) });
    expect(JSON.parse(readFileSync(path.join(out, "report.json"), "utf8"))).toEqual(summary.report);
    expect(readFileSync(path.join(out, "summary.md"), "utf8")).toContain(
      `https://github.com/lancedb/lance/compare/${step.lastGoodSha}...${step.firstBadSha}`,
    );
    expect(summary.dashboard?.series).toBe(2);
    expect(existsSync(path.join(out, "dashboard", "index.html"))).toBe(true);
    expect(summary.issues).toBeUndefined();
  }, 60_000);

  it("files one issue for the new regression, and none again on a re-run", async () => {
    const world = installIssues(server, "lancedb/lance", []);
    const client = createGitHubClient({
      token: "ghs_FAKEreportTOKEN",
      baseUrl: server.url,
      retries: 1,
      retryBaseMs: 1,
    });
    const run = () =>
      report(
        parseReportOptions({ db, outputDir: tempDir(), repository: "lancedb/lance", issues: true, dashboard: false }),
        {
          env,
          client,
        },
      );
    const first = await run();
    expect(first.issues?.created).toHaveLength(1);
    expect(world.issues).toHaveLength(1);
    expect(world.issues[0]!.title).toMatch(/^Regression: scan\/1m \+\d+\.\d% \(/);
    expect(world.issues[0]!.labels).toEqual(["performance-regression"]);
    const second = await run();
    expect(second.issues?.created).toHaveLength(0);
    expect(second.issues?.unchanged).toHaveLength(1);
    expect(world.issues).toHaveLength(1);
    expect(server.violations).toEqual([]);
  }, 120_000);

  it("files no issue for a regression older than the recent commits", async () => {
    const world = installIssues(server, "lancedb/old", []);
    const client = createGitHubClient({
      token: "ghs_FAKEreportTOKEN",
      baseUrl: server.url,
      retries: 1,
      retryBaseMs: 1,
    });
    // the step is 7 commits old: not among the 3 newest
    const summary = await report(
      parseReportOptions({
        db,
        outputDir: tempDir(),
        repository: "lancedb/old",
        issues: true,
        dashboard: false,
        recent: 3,
      }),
      { env, client },
    );
    expect(summary.report.changes.map((c) => [c.benchmark, c.new])).toEqual([["scan/1m", false]]);
    expect(summary.issues?.created).toEqual([]);
    expect(world.issues).toEqual([]);
  }, 60_000);

  it("says there is no history yet, exit 0, for a store without main's history", async () => {
    const empty = path.join(tempDir(), "db");
    await publish(
      parsePublishOptions({
        files: [path.join(tempDir(), "x")].map((f) => (writeFileSync(f, criterionLine("pr/only", 10, 1)), f)),
        db: empty,
        sha: sha(99),
        dutVersion: "1.0.0",
        dutTimestamp: "1700000000",
        dutName: "demo",
        prNumber: 7,
      }),
      { env },
    );
    const out = tempDir();
    const cli = await runCliAsync(["report", "--db", empty, "--output-dir", out, "--no-dashboard"]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain("no refs/heads/main history yet: nothing to report");
    expect(JSON.parse(readFileSync(path.join(out, "report.json"), "utf8"))).toMatchObject({ series: 0, changes: [] });
  }, 60_000);
});
