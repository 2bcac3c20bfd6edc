import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createGitHubClient } from "../../src/github/client.js";
import {
  fileRegressionIssues,
  groupRegressions,
  regressionMarker,
  type RegressionIssueOptions,
} from "../../src/github/regression-issues.js";
import type { ChangePoint, Series, SeriesReport } from "../../src/model/index.js";
import { startGitHubServer, type GitHubServer } from "../support/github-server.js";
import { installIssues as installIssuesWorld } from "../support/issues-world.js";

/**
 * One issue per regression commit range on main, against the OpenAPI-checked local GitHub:
 * every request (path, verb, query, body) and every canned answer is validated against
 * GitHub's published description, so a wrong payload fails the test.
 */
const OWNER = "lancedb";
const NAME = "lance";
const REPO = `${OWNER}/${NAME}`;
const sha = (c: string) => c.repeat(40);
const A0 = sha("a");
const A1 = sha("b");
const B0 = sha("c");
const B1 = sha("d");
const RANGE_A = `${A0}..${A1}`;
const RANGE_B = `${B0}..${B1}`;

let server: GitHubServer;
beforeAll(async () => {
  server = await startGitHubServer();
});
afterAll(() => server?.close());
beforeEach(() => {
  server.requests.length = 0;
});
afterEach(() => expect(server.violations).toEqual([]));

const client = () =>
  createGitHubClient({ token: "ghs_FAKEregressionTOKEN", baseUrl: server.url, retries: 2, retryBaseMs: 1 });

// ---- the report: series and their change points ----

function series(benchmark: string, shas: string[], extra: Partial<Series> = {}): Series {
  return {
    key: `${benchmark}\u0000time\u0000fp1`,
    benchmark,
    metric: "time",
    units: "nanoseconds",
    direction: "lower_is_better",
    fingerprint: "fp1",
    testBed: "ubuntu-24.04 x86_64",
    points: shas.map((s, i) => ({
      sha: s,
      time: 1_700_000_000 + i * 3600,
      version: `0.1.0+${s.slice(0, 7)}`,
      median: 100,
      q1: 99,
      q3: 101,
      n: 10,
    })),
    ...extra,
  };
}

/** Eight commits on main: a0 a1 … with the change ranges A (index 2) and B (index 5). */
const MAIN = [sha("1"), A0, A1, sha("2"), B0, B1, sha("3"), sha("4")];

function regression(lastGood: string, firstBad: string, before: number, change: number, index: number): ChangePoint {
  const after = before * (1 + change);
  return {
    index,
    lastGoodSha: lastGood,
    firstBadSha: firstBad,
    before,
    after,
    relativeChange: change,
    interval: [change - 0.02, change + 0.02],
    verdict: "regression",
    pValue: 0.0001,
    confidence: 0.9999,
  };
}

function report(adlerChange = 0.234): SeriesReport[] {
  return [
    { series: series("checksum/adler32_4k", MAIN), changePoints: [regression(A0, A1, 1200, adlerChange, 2)] },
    { series: series("checksum/crc32_4k", MAIN), changePoints: [regression(A0, A1, 800, 0.12, 2)] },
    {
      series: series("scan/take_1k", MAIN, { metric: "throughput", units: "rows/s", direction: "higher_is_better" }),
      changePoints: [
        { ...regression(B0, B1, 5e6, -0.3, 5) },
        // an improvement is never filed
        { ...regression(sha("3"), sha("4"), 3.5e6, 0.05, 7), verdict: "improvement" },
      ],
    },
    { series: series("too/short", MAIN.slice(0, 2)), changePoints: [], note: "2 points: too few" },
  ];
}

// ---- GitHub's side: the repository's issues, their comments, and compare ----

const installIssues = (options: Parameters<typeof installIssuesWorld>[3] = {}) =>
  installIssuesWorld(
    server,
    REPO,
    [
      [A0, A1],
      [B0, B1],
    ],
    options,
  );

const OPTIONS: RegressionIssueOptions = {
  repository: { owner: OWNER, repo: NAME },
  serverUrl: "https://github.com",
  dashboardUrl: "https://lancedb.github.io/lance-bench/",
  chartUrl: (s) => `https://lancedb.github.io/lance-bench/#${encodeURIComponent(s.benchmark)}`,
  suspectCommits: 3,
};

const writes = () => server.requests.filter((r) => r.method !== "GET");

describe("grouping regressions", () => {
  it("one group per commit range, improvements left out, largest magnitude first", () => {
    const groups = groupRegressions(report());
    expect(groups.map((g) => g.range)).toEqual([RANGE_A, RANGE_B]);
    expect(groups[0]!.entries.map((e) => e.series.benchmark)).toEqual(["checksum/adler32_4k", "checksum/crc32_4k"]);
    expect(groups.every((g) => !g.restored)).toBe(true);
  });
});

describe("regression issues", () => {
  it("files one issue per commit range, with labels, links, table and suspect commits", async () => {
    const world = installIssues();
    const result = await fileRegressionIssues(client(), report(), OPTIONS);
    expect(result.failed).toEqual([]);
    expect(result.created.map((i) => [i.range, i.number])).toEqual([
      [RANGE_A, 1],
      [RANGE_B, 2],
    ]);
    expect(world.issues).toHaveLength(2);
    const [a, b] = world.issues;
    expect(a!.title).toBe("Regression: 2 benchmarks up to +23.4% (aaaaaaa..bbbbbbb)");
    expect(b!.title).toBe("Regression: scan/take_1k −30.0% (ccccccc..ddddddd)");
    expect(a!.labels).toEqual(["performance-regression"]);
    expect(a!.body.startsWith(regressionMarker(RANGE_A))).toBe(true);
    expect(a!.body).toContain(`https://github.com/${REPO}/compare/${A0}...${A1}`);
    expect(a!.body).toContain("[dashboard](https://lancedb.github.io/lance-bench/)");
    expect(a!.body).toContain(
      "| [`checksum/adler32_4k`](https://lancedb.github.io/lance-bench/#checksum%2Fadler32_4k) | time | ubuntu-24.04 x86_64 | 1.200 µs → 1.481 µs | +23.4% [+21.4%, +25.4%] | >99.9% |",
    );
    expect(a!.body).toContain("`checksum/crc32_4k`");
    // suspect commits: sha, subject (escaped, nobody mentioned), author; the rest behind the link
    expect(a!.body).toContain(
      `- [\`bbbbbbb\`](https://github.com/${REPO}/commit/${A1.slice(0, 39)}1) Change 1 by @\u200bsomeone \\| \\<b\\>bold\\</b\\> — Dev 1`,
    );
    expect(a!.body).toContain("… and 22 more (see the compare link)");
    expect(b!.body).toContain("| 5000000.0 rows/s → 3500000.0 rows/s | −30.0% [−32.0%, −28.0%] |");
    // listed once, open and closed, by label, 100 a page; the compare asked for 3 commits
    const list = server.requests.filter((r) => r.method === "GET" && r.path === `/repos/${REPO}/issues`);
    expect(list).toHaveLength(1);
    expect(Object.fromEntries(list[0]!.query)).toMatchObject({
      labels: "performance-regression",
      state: "all",
      per_page: "100",
    });
    const compares = server.requests.filter((r) => r.path.includes("/compare/"));
    expect(compares.map((r) => r.query.get("per_page"))).toEqual(["3", "3"]);
  });

  it("a re-run changes nothing; a changed magnitude edits the issue in place", async () => {
    const world = installIssues();
    await fileRegressionIssues(client(), report(), OPTIONS);
    server.requests.length = 0;
    const again = await fileRegressionIssues(client(), report(), OPTIONS);
    expect(again.created).toEqual([]);
    expect(again.updated).toEqual([]);
    expect(again.unchanged.map((i) => i.number)).toEqual([1, 2]);
    expect(writes()).toEqual([]);
    // the suspect commits are reused from the body: no compare call
    expect(server.requests.filter((r) => r.path.includes("/compare/"))).toEqual([]);

    server.requests.length = 0;
    const changed = await fileRegressionIssues(client(), report(0.31), OPTIONS);
    expect(changed.updated.map((i) => i.number)).toEqual([1]);
    expect(changed.unchanged.map((i) => i.number)).toEqual([2]);
    expect(writes().map((r) => `${r.method} ${r.path}`)).toEqual([`PATCH /repos/${REPO}/issues/1`]);
    expect(world.issues).toHaveLength(2);
    expect(world.issues[0]!.title).toBe("Regression: 2 benchmarks up to +31.0% (aaaaaaa..bbbbbbb)");
    expect(world.issues[0]!.body).toContain("Change 1 by"); // the commit list survived the edit
  });

  it("a closed issue for the range is left alone: not reopened, not edited, not filed again", async () => {
    const world = installIssues();
    world.add({
      title: "Regression: old",
      body: `${regressionMarker(RANGE_A)}\nwas a runner change`,
      state: "closed",
      labels: ["performance-regression"],
    });
    const result = await fileRegressionIssues(client(), report(), OPTIONS);
    expect(result.unchanged).toEqual([
      { range: RANGE_A, number: 1, url: `https://github.com/${REPO}/issues/1`, state: "closed" },
    ]);
    expect(result.created.map((i) => i.range)).toEqual([RANGE_B]);
    expect(world.issues[0]!.state).toBe("closed");
    expect(world.issues[0]!.body).toContain("was a runner change");
    expect(writes().map((r) => `${r.method} ${r.path}`)).toEqual([`POST /repos/${REPO}/issues`]);
  });

  it("finds its issues on a later page among more than 100, ignoring pull requests and other issues", async () => {
    const world = installIssues();
    for (let i = 0; i < 130; i++) {
      world.add({
        title: `other ${i}`,
        body: i === 5 ? regressionMarker(RANGE_B) : "unrelated",
        state: i % 2 ? "open" : "closed",
        labels: ["performance-regression"],
        pullRequest: i === 5,
      });
    }
    world.add({ title: "unlabelled", body: regressionMarker(RANGE_B), state: "open", labels: ["bug"] });
    await fileRegressionIssues(client(), report(), OPTIONS);
    server.requests.length = 0;
    const result = await fileRegressionIssues(client(), report(), OPTIONS);
    expect(result.unchanged.map((i) => i.number)).toEqual([132, 133]);
    expect(writes()).toEqual([]);
    const pages = server.requests.filter((r) => r.method === "GET" && r.path === `/repos/${REPO}/issues`);
    expect(pages.map((r) => r.query.get("page") ?? "1")).toEqual(["1", "2"]);
  });

  it("more labels go on every issue; the first finds them again", async () => {
    const world = installIssues();
    await fileRegressionIssues(client(), report(), { ...OPTIONS, labels: ["perf", "bench:main"] });
    expect(world.issues.map((i) => i.labels)).toEqual([
      ["perf", "bench:main"],
      ["perf", "bench:main"],
    ]);
    const list = server.requests.find((r) => r.path === `/repos/${REPO}/issues` && r.method === "GET")!;
    expect(list.query.get("labels")).toBe("perf");
  });

  it("a restored regression gets a comment and is closed; restored before filing, it is not filed", async () => {
    const world = installIssues();
    await fileRegressionIssues(client(), report(), OPTIONS);
    // adler32 and crc32 came back at commit 4 (range A restored); take_1k only partly (B stays)
    const restored = report();
    restored[0]!.changePoints.push({
      ...regression(sha("3"), sha("4"), 1481, -0.19, 7),
      after: 1205,
      verdict: "improvement",
    });
    restored[1]!.changePoints.push({
      ...regression(sha("3"), sha("4"), 896, -0.1, 7),
      after: 806,
      verdict: "improvement",
    });
    restored[2]!.changePoints[1] = { ...restored[2]!.changePoints[1]!, after: 4e6 };
    server.requests.length = 0;
    const result = await fileRegressionIssues(client(), restored, { ...OPTIONS, closeRestored: true });
    expect(result.failed).toEqual([]);
    expect(result.closed).toEqual([
      { range: RANGE_A, number: 1, url: `https://github.com/${REPO}/issues/1`, state: "closed" },
    ]);
    expect(result.unchanged.map((i) => i.number)).toEqual([2]);
    expect(world.issues[0]!.state).toBe("closed");
    expect(world.issues[0]!.comments).toHaveLength(1);
    expect(world.issues[0]!.comments[0]).toContain("Every benchmark of this regression is back");
    expect(world.issues[0]!.comments[0]).toContain(
      "`checksum/adler32_4k` (ubuntu-24.04 x86_64): was 1.200 µs, back to 1.205 µs",
    );
    expect(world.issues[0]!.body).toContain("### Restored since");
    const close = server.requests.find((r) => r.method === "PATCH")!;
    expect(close.body).toMatchObject({ state: "closed", state_reason: "completed" });

    // a re-run: the issue is closed now, nothing more is said
    server.requests.length = 0;
    const again = await fileRegressionIssues(client(), restored, { ...OPTIONS, closeRestored: true });
    expect(again.unchanged.map((i) => [i.number, i.state])).toEqual([
      [1, "closed"],
      [2, "open"],
    ]);
    expect(writes()).toEqual([]);

    // never filed: a restored range gets no issue
    const fresh = installIssues();
    const skipped = await fileRegressionIssues(client(), restored.slice(0, 2), { ...OPTIONS, closeRestored: true });
    expect(skipped.skipped).toEqual([{ range: RANGE_A, reason: "restored before an issue was filed" }]);
    expect(fresh.issues).toEqual([]);
  });

  it("an old range (fileNew says no) gets no new issue, but the issue it has is still closed once restored", async () => {
    const world = installIssues();
    const onlyB = { ...OPTIONS, fileNew: (range: string) => range === RANGE_B };
    const first = await fileRegressionIssues(client(), report(), onlyB);
    expect(first.created.map((i) => i.range)).toEqual([RANGE_B]);
    expect(world.issues.map((i) => i.number)).toEqual([1]);
    // range A filed back when it was new (another run, every range allowed) …
    await fileRegressionIssues(client(), report(), OPTIONS);
    expect(world.issues).toHaveLength(2);
    // … is old now, and restored: its issue is closed although no new issue may be opened for it
    const restored = report();
    for (const [i, before, after] of [
      [0, 1481, 1205],
      [1, 896, 806],
    ] as const)
      restored[i]!.changePoints.push({
        ...regression(sha("3"), sha("4"), before, -0.19, 7),
        after,
        verdict: "improvement",
      });
    const later = await fileRegressionIssues(client(), restored, { ...onlyB, closeRestored: true });
    expect(later.closed.map((i) => i.range)).toEqual([RANGE_A]);
    expect(later.created).toEqual([]);
    expect(world.issues.map((i) => i.state)).toEqual(["open", "closed"]);
  });

  it("without closeRestored a restored regression stays open and says so", async () => {
    const world = installIssues();
    const restored = report().slice(0, 1);
    restored[0]!.changePoints.push({
      ...regression(sha("3"), sha("4"), 1481, -0.19, 7),
      after: 1199,
      verdict: "improvement",
    });
    const result = await fileRegressionIssues(client(), restored, OPTIONS);
    expect(result.created.map((i) => i.state)).toEqual(["open"]);
    expect(result.closed).toEqual([]);
    expect(world.issues[0]!.body).toContain("### Restored since");
    expect(world.issues[0]!.body).toContain("`checksum/adler32_4k` (ubuntu-24.04 x86_64): back to 1.199 µs (−19.0%)");
  });

  it("a close that failed after its comment is retried without commenting twice", async () => {
    const world = installIssues();
    await fileRegressionIssues(client(), report().slice(0, 1), OPTIONS);
    world.issues[0]!.comments.push(`<!-- lance-bench:restored ${RANGE_A} -->\nclosing.`);
    const restored = report().slice(0, 1);
    restored[0]!.changePoints.push({
      ...regression(sha("3"), sha("4"), 1481, -0.19, 7),
      after: 1199,
      verdict: "improvement",
    });
    const result = await fileRegressionIssues(client(), restored, { ...OPTIONS, closeRestored: true });
    expect(result.closed.map((i) => i.number)).toEqual([1]);
    expect(world.issues[0]!.comments).toHaveLength(1);
    expect(world.issues[0]!.state).toBe("closed");
  });

  it("the server holds these operations to GitHub's contract", async () => {
    const world = installIssues();
    world.add({ title: "t", body: "b", state: "open", labels: [] });
    const bad = await fetch(`${server.url}/repos/${REPO}/issues/1`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ state: "resolved" }),
    });
    const wrongQuery = await fetch(`${server.url}/repos/${REPO}/issues?state=any`);
    expect([bad.status, wrongQuery.status]).toEqual([400, 400]);
    expect(server.violations).toHaveLength(2);
    server.violations.length = 0;
  });

  it("an issue GitHub keeps refusing is reported as failed; the others are still filed", async () => {
    const world = installIssues({ failPostFor: /2 benchmarks/ });
    const result = await fileRegressionIssues(client(), report(), OPTIONS);
    expect(result.failed).toEqual([
      {
        range: RANGE_A,
        error: "creating the regression issue for aaaaaaa..bbbbbbb in lancedb/lance failed: HTTP 500: Server Error",
      },
    ]);
    expect(result.created.map((i) => i.range)).toEqual([RANGE_B]);
    expect(world.issues.map((i) => i.title)).toEqual(["Regression: scan/take_1k −30.0% (ccccccc..ddddddd)"]);
    // retried by the client: 1 + 2 tries for the failing one, 1 for the other
    expect(server.requests.filter((r) => r.method === "POST")).toHaveLength(4);
  });

  it("no list of issues, no issue filed (each would risk a duplicate)", async () => {
    installIssues({ failList: true });
    const result = await fileRegressionIssues(client(), report(), OPTIONS);
    expect(result.failed.map((f) => f.range)).toEqual([RANGE_A, RANGE_B]);
    expect(result.failed[0]!.error).toMatch(
      /listing the performance-regression issues of lancedb\/lance failed: HTTP 502/,
    );
    expect(writes()).toEqual([]);
  });

  it("commits that cannot be listed leave a note, and are listed on a later run", async () => {
    const world = installIssues({ failCompare: true });
    const result = await fileRegressionIssues(client(), report().slice(0, 1), OPTIONS);
    expect(result.created).toHaveLength(1);
    expect(world.issues[0]!.body).toContain("The suspect commits could not be listed");
    // compare works again (a fresh world holding the same issue)
    const later = installIssues();
    later.add({
      title: world.issues[0]!.title,
      body: world.issues[0]!.body,
      state: "open",
      labels: ["performance-regression"],
    });
    const again = await fileRegressionIssues(client(), report().slice(0, 1), OPTIONS);
    expect(again.updated.map((i) => i.number)).toEqual([1]);
    expect(later.issues[0]!.body).toContain("Change 1 by");
  });

  it("nothing to file, no call", async () => {
    installIssues();
    const result = await fileRegressionIssues(client(), [report()[3]!], OPTIONS);
    expect(result).toEqual({ created: [], updated: [], unchanged: [], closed: [], skipped: [], failed: [] });
    expect(server.requests).toEqual([]);
  });
});
