import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runActionBundle } from "../support/action-bundle.js";
import { ROOT, tempDir } from "../support/helpers.js";
import { startGitHubServer, type GitHubServer } from "../support/github-server.js";
import { installIssues } from "../support/issues-world.js";
import { COMMITS, mainHistory, sha } from "../support/report-history.js";

/**
 * The committed `report` bundle, run as the runner runs a node24 action, on a real LanceDB
 * folder holding 30 commits of main (one benchmark 30% slower from commit 24 on), filing its
 * issue on the OpenAPI-checked local GitHub.
 */
const TOKEN = "ghs_FAKEreportACTIONtoken0123456789";
const REPO = "lancedb/lance";
const dir = tempDir("lance-bench-report-action-");
const db = path.join(dir, "db");
let server: GitHubServer;

const runner = () => ({
  GITHUB_API_URL: server.url,
  GITHUB_REPOSITORY: REPO,
  GITHUB_SERVER_URL: "https://github.com",
  GITHUB_ACTIONS: "true",
});

beforeAll(async () => {
  server = await startGitHubServer();
  await mainHistory(db);
}, 180_000);
afterAll(() => server?.close());
beforeEach(() => {
  server.requests.length = 0;
  server.violations.length = 0;
});
afterEach(() => expect(server.violations).toEqual([]));

describe("report action (dist/report)", () => {
  it("writes report.json, the job summary and the dashboard, sets its outputs and files one issue", async () => {
    const world = installIssues(server, REPO, []);
    const out = path.join(tempDir(), "report");
    const inputs = {
      db,
      "output-dir": out,
      issues: "true",
      token: TOKEN,
      repository: REPO,
      "server-url": "https://github.com",
      "dashboard-url": "https://lancedb.github.io/lance/bench/",
    };
    const run = await runActionBundle("report", dir, inputs, runner());
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({
      report: path.join(out, "report.json"),
      summary: path.join(out, "summary.md"),
      dashboard: path.join(out, "dashboard"),
      regressions: "1",
      issues: "1",
    });
    const report = JSON.parse(readFileSync(run.outputs.report!, "utf8"));
    expect(report).toMatchObject({ series: 2, points: 2 * COMMITS, latestSha: sha(COMMITS - 1) });
    expect(report.changes.map((c: { benchmark: string }) => c.benchmark)).toEqual(["scan/1m"]);
    // the job summary is the markdown of the new regressions, with its compare link
    expect(run.summary).toContain(readFileSync(run.outputs.summary!, "utf8").trim());
    expect(run.summary).toMatch(/\]\(https:\/\/github\.com\/lancedb\/lance\/compare\/[0-9a-f]{40}\.\.\.[0-9a-f]{40}\)/);
    expect(run.summary).toContain("Regression issues: 1 created, 0 updated, 0 unchanged, 0 closed.");
    // the dashboard carries uPlot, copied from the bundle's own folder (an action has no node_modules)
    for (const file of ["index.html", "dashboard.js", "uPlot.iife.min.js", "uPlot.min.css", "data/index.json"])
      expect(existsSync(path.join(out, "dashboard", file)), file).toBe(true);
    expect(readFileSync(path.join(out, "dashboard", "uPlot.iife.min.js"))).toEqual(
      readFileSync(path.join(ROOT, "dist/report/uplot/uPlot.iife.min.js")),
    );
    expect(world.issues).toHaveLength(1);
    expect(world.issues[0]!.title).toMatch(/^Regression: scan\/1m \+\d+\.\d% \(/);
    expect(world.issues[0]!.body).toContain("https://lancedb.github.io/lance/bench/");
    // the token was masked, and never printed
    expect(run.stdout).toContain(`::add-mask::${TOKEN}`);
    expect(run.stdout.replaceAll(`::add-mask::${TOKEN}`, "")).not.toContain(TOKEN);
    // a re-run files nothing new
    const again = await runActionBundle("report", dir, inputs, runner());
    expect(again.code, again.stdout).toBe(0);
    expect(again.outputs.issues).toBe("");
    expect(world.issues).toHaveLength(1);
  }, 120_000);

  it("with fail-on-regression, fails the step after writing the report", async () => {
    const out = path.join(tempDir(), "report");
    const run = await runActionBundle(
      "report",
      dir,
      { db, "output-dir": out, "fail-on-regression": "true", dashboard: "false" },
      runner(),
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("::error::1 new regression(s) on refs/heads/main");
    expect(existsSync(path.join(out, "report.json"))).toBe(true);
    expect(existsSync(path.join(out, "dashboard"))).toBe(false);
    expect(run.outputs.regressions).toBe("1");
  }, 120_000);

  it("a GitHub failure while filing fails the step, and the report and summary are still there", async () => {
    // another repository, where the first test's issue is not: creating it fails (500, retried)
    const other = "lancedb/other";
    installIssues(server, other, [], { failPostFor: /scan\/1m/ });
    const out = path.join(tempDir(), "report");
    const run = await runActionBundle(
      "report",
      dir,
      { db, "output-dir": out, issues: "true", token: TOKEN, repository: other, dashboard: "false" },
      runner(),
    );
    expect(run.code, run.stdout).toBe(1);
    expect(run.stdout).toMatch(/::error::1 regression issue\(s\) could not be filed \(the report is written\)/);
    expect(existsSync(path.join(out, "report.json"))).toBe(true);
    expect(run.summary).toContain("could not file");
  }, 180_000);
});
