import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordedRequest } from "../support/github-server.js";
import { commitAll, git, requireOrSkip, tempDir } from "../support/helpers.js";
import { ACT, ACT_TEST_TIMEOUT_MS } from "../support/act.js";
import { exampleCaller, startActScenario, type ActScenario } from "../support/act-scenario.js";
import { installIssues } from "../support/issues-world.js";
import { mainHistory } from "../support/report-history.js";

/**
 * The report of main's history under act: the example caller (examples/workflows/report.yml)
 * pinned to this working tree calls the reusable report.yml, whose report job runs the `report`
 * action on the store (moto S3, 30 commits of main with one planted 30% step), files the
 * regression issue on the OpenAPI-checked GitHub and uploads the dashboard with
 * actions/upload-pages-artifact (to the results-service twin); its deploy job runs
 * actions/deploy-pages, which takes an OIDC token from the twin and creates the Pages
 * deployment on the local GitHub. A second caller, with fail-on-regression and no Pages, fails
 * in the verdict job with the regression named.
 */
const REPO = "acme/engine";
const PAGE_URL = "https://acme.github.io/engine/";
const work = tempDir("lance-bench-act-report-");
let scenario: ActScenario;
let repo: string;
let head: string;
let issues: ReturnType<typeof installIssues>;
const deployments: RecordedRequest[] = [];

const secrets = () => ({
  GITHUB_TOKEN: "ghs_reportJobTokenNeverPrinted0123456789",
  AWS_ACCESS_KEY_ID: scenario.s3.env.AWS_ACCESS_KEY_ID!,
  AWS_SECRET_ACCESS_KEY: scenario.s3.env.AWS_SECRET_ACCESS_KEY!,
});
const repository = { full_name: REPO, name: "engine", owner: { login: "acme" }, default_branch: "main" };

beforeAll(async () => {
  scenario = await startActScenario(work, "act-report");
  repo = path.join(work, "engine");
  mkdirSync(path.join(repo, ".github/workflows"), { recursive: true });
  const caller = (edit: (w: Record<string, unknown>) => Record<string, unknown>) =>
    exampleCaller(scenario, "report.yml", (w) =>
      edit({ ...w, db: scenario.db, "aws-endpoint-url": scenario.s3.endpoint }),
    );
  writeFileSync(
    path.join(repo, ".github/workflows/report.yml"),
    caller((w) => w),
  );
  writeFileSync(
    path.join(repo, ".github/workflows/report-strict.yml"),
    caller((w) => ({ ...w, issues: false, pages: false, "fail-on-regression": true })),
  );
  git(repo, ["init", "-q", "-b", "main"]);
  git(repo, ["remote", "add", "origin", `https://github.com/${REPO}.git`]);
  head = commitAll(repo, "the report's callers");
  await mainHistory(scenario.db, scenario.storeEnv());
  issues = installIssues(scenario.github, REPO, []);
  scenario.github.route("POST", `/repos/${REPO}/pages/deployments`, (request) => {
    deployments.push(request);
    return {
      status: 200,
      body: {
        id: 4242,
        status_url: `${scenario.github.url}/repos/${REPO}/pages/deployments/4242`,
        page_url: PAGE_URL,
      },
    };
  });
  scenario.github.route("GET", `/repos/${REPO}/pages/deployments/4242`, [
    { status: 200, body: { status: "deployment_in_progress" } },
    { status: 200, body: { status: "succeed" } },
  ]);
}, 600_000);

afterAll(async () => {
  await scenario?.close();
});

const run = (workflow: string, log: string) =>
  scenario.run({
    repo,
    event: "schedule",
    workflow: `.github/workflows/${workflow}`,
    payload: { schedule: "30 5 * * *", repository },
    secrets: secrets(),
    env: { ...scenario.results.oidc.env },
    log,
  });

/** The names in the Pages artifact: a zip holding artifact.tar, as upload-pages-artifact makes it. */
function pagesArtifactFiles(zip: Buffer): string[] {
  const dir = tempDir();
  writeFileSync(path.join(dir, "artifact.zip"), zip);
  execFileSync("unzip", ["-q", "artifact.zip"], { cwd: dir });
  return execFileSync("tar", ["-tf", "artifact.tar"], { cwd: dir, encoding: "utf8" })
    .split("\n")
    .filter(Boolean)
    .map((name) => name.replace(/^\.\//, ""));
}

describe("the report workflow under act", { timeout: ACT_TEST_TIMEOUT_MS }, () => {
  it("reports the planted regression, files its issue, and deploys the dashboard to Pages", async (ctx) => {
    requireOrSkip(ctx, ACT);
    const result = await run("report.yml", "report");
    expect(result.code, result.output.slice(-8000)).toBe(0);
    for (const secret of Object.values(secrets())) expect(result.output).not.toContain(secret);
    // the issue of the one regression commit range
    expect(issues.issues).toHaveLength(1);
    expect(issues.issues[0]!.title).toMatch(/^Regression: scan\/1m \+\d+\.\d% \(/);
    expect(issues.issues[0]!.body).toContain("https://lance-format.github.io/lance/");
    // the dashboard, as Pages receives it: uPlot travelled with the action's bundle
    const artifact = scenario.results.artifacts.get("github-pages");
    expect(artifact, "the github-pages artifact").toBeDefined();
    const files = pagesArtifactFiles(artifact!);
    for (const file of ["index.html", "dashboard.js", "uPlot.iife.min.js", "uPlot.min.css", "data/index.json"])
      expect(files, file).toContain(file);
    expect(files.filter((f) => f.startsWith("data/series/") && f.endsWith(".json"))).toHaveLength(2);
    // one Pages deployment of that artifact, proved by the OIDC token the twin issued
    expect(deployments).toHaveLength(1);
    expect(deployments[0]!.body).toMatchObject({
      artifact_id: scenario.results.artifactDownload("github-pages")!.id,
      pages_build_version: head,
    });
    expect(scenario.results.oidc.issued).toContain((deployments[0]!.body as { oidc_token: string }).oidc_token);
    expect(result.output).toContain(PAGE_URL);
    expect(scenario.github.violations).toEqual([]);
    expect(scenario.results.unexpected).toEqual([]);
  });

  it("with fail-on-regression and no Pages, the verdict job fails naming the regression", async (ctx) => {
    requireOrSkip(ctx, ACT);
    const before = deployments.length;
    const result = await run("report-strict.yml", "report-strict");
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/::error::1 new regression\(s\) on refs\/heads\/main/);
    // the report job itself succeeded; nothing was deployed
    expect(deployments.length).toBe(before);
    expect(scenario.github.violations).toEqual([]);
  });
});
