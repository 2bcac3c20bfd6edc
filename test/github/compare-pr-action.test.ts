import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runActionBundle } from "../support/action-bundle.js";
import { tempDir } from "../support/helpers.js";
import { writeCriterionFile } from "../support/criterion-file.js";
import { conformingExample } from "../support/github-openapi.js";
import { startGitHubServer, type GitHubServer, type RecordedRequest } from "../support/github-server.js";

/** The committed compare-pr bundle, run as the runner runs a node24 action, against the OpenAPI-checked server. */
const TOKEN = "ghs_FAKEcompareTOKEN0123456789";
const REPO = "lancedb/lance-bench";
const MARKER = "<!-- lance-bench:compare key=default -->";
let server: GitHubServer;
const dir = tempDir("lance-bench-compare-pr-");

function criterionFile(name: string, levels: Record<string, number>, seed: number): string {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31 - 0.5;
  };
  return writeCriterionFile(path.join(dir, name), levels, { samples: 30, noise: () => 0.02 * next() });
}

// three runs a side (one results file each, as a run action's repetitions leave them): one run a
// side is never judged
for (const run of [1, 2, 3]) {
  criterionFile(`base-${run}.jsonl`, { "sort/100": 500, "sort/1000": 12_000, fib: 21_000 }, run);
  criterionFile(`head-${run}.jsonl`, { "sort/100": 500, "sort/1000": 13_500, fib: 21_000 }, 10 + run);
}
const base = path.join(dir, "base-*.jsonl");
const head = path.join(dir, "head-*.jsonl");
const event = path.join(dir, "event.json");
writeFileSync(event, JSON.stringify({ action: "synchronize", pull_request: { number: 42 } }));
/** A workflow_run job: the PR number comes from an artifact; the head that ran, from the event. */
const HEAD_SHA = "a".repeat(40);
const workflowRunEvent = path.join(dir, "workflow-run-event.json");
writeFileSync(
  workflowRunEvent,
  JSON.stringify({
    action: "completed",
    workflow_run: { head_sha: HEAD_SHA, head_repository: { full_name: "contributor/lance-bench" } },
  }),
);
const BOT = "github-actions[bot]";

function runBundle(inputs: Record<string, string>, eventPath = event) {
  return runActionBundle(
    "compare-pr",
    dir,
    { token: TOKEN, "comment-author": BOT, ...inputs },
    {
      GITHUB_API_URL: server.url,
      GITHUB_REPOSITORY: REPO,
      GITHUB_EVENT_PATH: eventPath,
      RUNNER_TEMP: dir,
      LANCE_BENCH_URI: path.join(dir, "no-store"),
    },
    dir,
  );
}

const commentExample = () => {
  const list = conformingExample("GET", "/repos/{owner}/{repo}/issues/{issue_number}/comments") as unknown as Record<
    string,
    unknown
  >[];
  return list[0]!;
};
const comment = (id: number, body: string, login = "someone") => ({
  ...commentExample(),
  user: { ...(commentExample().user as object), login },
  id,
  body,
  html_url: `https://github.com/${REPO}/pull/42#issuecomment-${id}`,
});

/**
 * 103 comments on two pages; ours (when present) is on the second. A foreign one carrying our
 * marker (someone pasted it) comes first.
 */
function installComments(ours: boolean, foreignMarker = false) {
  const page1 = Array.from({ length: 100 }, (_, i) =>
    comment(1000 + i, i === 7 && foreignMarker ? `${MARKER}\nmy fake report` : `review comment ${i}`),
  );
  const page2 = [
    comment(2000, "LGTM"),
    comment(2001, ours ? `${MARKER}\nold report` : "nit", BOT),
    comment(2002, "thanks"),
  ];
  server.route("GET", `/repos/${REPO}/issues/42/comments`, (request: RecordedRequest) =>
    request.query.get("page") === "2"
      ? { status: 200, body: page2 }
      : {
          status: 200,
          body: page1,
          headers: { link: `<${server.url}/repos/${REPO}/issues/42/comments?per_page=100&page=2>; rel="next"` },
        },
  );
  const answer = (status: number, id: number) => (request: RecordedRequest) => ({
    status,
    body: { ...comment(id, (request.body as { body: string }).body) },
  });
  server.route("PATCH", `/repos/${REPO}/issues/comments/2001`, answer(200, 2001));
  server.route("PATCH", `/repos/${REPO}/issues/comments/1007`, answer(200, 1007));
  server.route("POST", `/repos/${REPO}/issues/42/comments`, answer(201, 3000));
}

const writes = () => server.requests.filter((r) => r.method !== "GET");

beforeAll(async () => {
  server = await startGitHubServer();
});
afterAll(() => server?.close());
beforeEach(() => {
  server.requests.length = 0;
  server.violations.length = 0;
});
afterEach(() => expect(server.violations).toEqual([]));

describe("compare-pr action", () => {
  it("updates its one comment, found on the second page, annotates the regression and fails the step", async () => {
    installComments(true);
    const run = await runBundle({ base, head });
    expect(run.code).toBe(1);
    expect(writes().map((r) => `${r.method} ${r.path}`)).toEqual([`PATCH /repos/${REPO}/issues/comments/2001`]);
    const body = (writes()[0]!.body as { body: string }).body;
    expect(body.startsWith(MARKER)).toBe(true);
    expect(body).toMatch(/#### Regressions[\s\S]*`sort\/1000`[\s\S]*\*\*\+12\.\d%\*\*/);
    expect(run.stdout).toMatch(/::error title=Benchmark regression::sort\/1000 \(time\) regressed: 12\.\d%/);
    expect(run.stdout).toMatch(/::error::1 benchmark\(s\) regressed: sort\/1000 12\.\d%/);
    expect(run.outputs).toMatchObject({ regressions: "1", improvements: "0" });
    expect(run.outputs["comment-url"]).toMatch(/issuecomment-2001$/);
    expect(run.summary).toContain("#### Regressions");
    expect(JSON.parse(readFileSync(run.outputs.report!, "utf8")).counts.regressed).toBe(1);
    // the token appears once, in the ::add-mask:: command that hides it from every later line
    expect(run.stdout.replace(`::add-mask::${TOKEN}`, "")).not.toContain(TOKEN);
  });

  it("creates the comment when none of the PR's comments is ours, and passes when told not to fail", async () => {
    installComments(false);
    const run = await runBundle({ base, head, "fail-on-regression": "false" });
    expect(run.code).toBe(0);
    expect(writes().map((r) => `${r.method} ${r.path}`)).toEqual([`POST /repos/${REPO}/issues/42/comments`]);
    expect(run.stdout).toMatch(/::warning title=Benchmark regression::sort\/1000/);
    expect(run.outputs["comment-url"]).toMatch(/issuecomment-3000$/);
  });

  it("never edits a foreign comment carrying our marker: posts its own", async () => {
    installComments(false, true);
    const run = await runBundle({ base, head, "fail-on-regression": "false" });
    expect(run.code).toBe(0);
    expect(writes().map((r) => `${r.method} ${r.path}`)).toEqual([`POST /repos/${REPO}/issues/42/comments`]);
  });

  it("edits its own comment even past a foreign one with the marker", async () => {
    installComments(true, true);
    const run = await runBundle({ base, head, "fail-on-regression": "false" });
    expect(run.code).toBe(0);
    expect(writes().map((r) => `${r.method} ${r.path}`)).toEqual([`PATCH /repos/${REPO}/issues/comments/2001`]);
  });

  it("with an empty comment-author, asks GitHub who the token is", async () => {
    installComments(true, true);
    server.route("GET", "/user", [{ status: 200, body: { ...conformingExample("GET", "/user"), login: BOT } }]);
    const run = await runBundle({ base, head, "fail-on-regression": "false", "comment-author": "" });
    expect(run.code).toBe(0);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toContain("GET /user");
    expect(writes().map((r) => `${r.method} ${r.path}`)).toEqual([`PATCH /repos/${REPO}/issues/comments/2001`]);
  });

  const installPull = (sha: string, repository: string) => {
    const pull = conformingExample("GET", "/repos/{owner}/{repo}/pulls/{pull_number}");
    const prHead = pull.head as Record<string, unknown>;
    server.route("GET", `/repos/${REPO}/pulls/42`, [
      {
        status: 200,
        body: {
          ...pull,
          number: 42,
          head: { ...prHead, sha, repo: { ...(prHead.repo as object), full_name: repository } },
        },
      },
    ]);
  };

  it("in a workflow_run job, comments on the PR whose head is the run's head", async () => {
    installComments(true);
    installPull(HEAD_SHA, "Contributor/Lance-Bench");
    const run = await runBundle({ base, head, "fail-on-regression": "false", "pr-number": "42" }, workflowRunEvent);
    expect(run.code).toBe(0);
    expect(server.requests[0]!.path).toBe(`/repos/${REPO}/pulls/42`);
    expect(writes().map((r) => `${r.method} ${r.path}`)).toEqual([`PATCH /repos/${REPO}/issues/comments/2001`]);
  });

  it.each([
    ["another head", "b".repeat(40), "contributor/lance-bench", /its head is b{40}, not a{40}/],
    ["another repository", HEAD_SHA, "victim/lance-bench", /head repository is victim\/lance-bench, not contributor/],
  ])("a forged PR number (%s) writes nothing and says why", async (_what, sha, repository, why) => {
    installComments(true);
    installPull(sha, repository);
    const run = await runBundle({ base, head, "pr-number": "42" }, workflowRunEvent);
    expect(run.code).toBe(1);
    expect(writes()).toEqual([]);
    expect(run.stdout).toMatch(/::error::pr-number: pull request #42 is not the one benchmarked/);
    expect(run.stdout).toMatch(why);
  });

  it("the expected head is both inputs or neither", async () => {
    installComments(true);
    const run = await runBundle({ base, head, "expected-head-sha": HEAD_SHA });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::expected-head-sha, expected-head-repository: give both/);
    expect(server.requests).toEqual([]);
  });

  it("passes without commenting on an unchanged head, and explains a bad input in one line", async () => {
    installComments(false);
    const same = await runBundle({ base, head: base, comment: "false" });
    expect(same.code).toBe(0);
    expect(writes()).toEqual([]);
    expect(same.outputs.regressions).toBe("0");
    const bad = await runBundle({ base, head: path.join(dir, "missing.jsonl") });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/::error::head: .*missing\.jsonl is neither a file/);
    expect(writes()).toEqual([]);
  });
});
