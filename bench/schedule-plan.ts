// Backfill planning at scale, for `npm run bench`: 1,000 commits of history (10 pages from a
// local GitHub that checks every call against GitHub's OpenAPI description) against the
// 1,000,000-row store `bench/run.mjs` built. Dry run: the dispatches are left out, as the
// target says. Prints one JSON line: wall times, store queries, API calls.
import { performance } from "node:perf_hooks";
import { parseScheduleOptions, schedule } from "../src/commands/schedule.js";
import { createGitHubClient } from "../src/github/client.js";
import { ResultStore } from "../src/store/results-table.js";
import { conformingExample } from "../test/support/github-openapi.js";
import { startGitHubServer } from "../test/support/github-server.js";

const [db, storedCommitsText = "10000", repsText = "5"] = process.argv.slice(2);
if (!db) throw new Error("usage: schedule-plan.ts DB [STORED_COMMITS] [REPS]");
const storedCommits = Number(storedCommitsText);
// The same shas bench/run.mjs stored: the newest 500 commits are new, the 500 before are stored.
const fakeSha = (i: number) => i.toString(16).padStart(8, "0").repeat(5);
const history = Array.from({ length: 1000 }, (_, i) => fakeSha(storedCommits + 500 - i));

// Count what the store is asked: the harness wraps the real methods, nothing is stubbed.
let storeQueries = 0;
for (const method of ["shasWithResults", "hasResultsForCommit", "query"] as const) {
  const original = ResultStore.prototype[method] as (...args: unknown[]) => Promise<unknown>;
  (ResultStore.prototype as unknown as Record<string, unknown>)[method] = function (
    this: ResultStore,
    ...args: unknown[]
  ) {
    if (method !== "hasResultsForCommit") storeQueries++;
    return original.apply(this, args);
  };
}

const server = await startGitHubServer();
const commit = { ...conformingExample("GET", "/repos/{owner}/{repo}/commits/{ref}"), files: [] };
server.route("GET", "/repos/lance-format/lance/branches/main", [
  {
    status: 200,
    body: {
      ...conformingExample("GET", "/repos/{owner}/{repo}/branches/{branch}"),
      commit: { ...commit, sha: history[0] },
    },
  },
]);
server.route("GET", "/repos/lance-format/lance/commits", (request) => {
  const perPage = Number(request.query.get("per_page"));
  const page = Number(request.query.get("page") ?? 1);
  const next = `<${server.url}/repos/lance-format/lance/commits?sha=main&per_page=${perPage}&page=${page + 1}>; rel="next"`;
  return {
    status: 200,
    headers: page * perPage < history.length ? { link: next } : ({} as Record<string, string>),
    body: history.slice((page - 1) * perPage, page * perPage).map((sha) => ({ ...commit, sha })),
  };
});

const wallMs: number[] = [];
let apiCalls = 0;
let queries = 0;
let summary;
for (let rep = 0; rep < Number(repsText); rep++) {
  server.requests.length = 0;
  storeQueries = 0;
  const started = performance.now();
  summary = await schedule(
    parseScheduleOptions({
      repository: "lance-format/lance",
      branch: "main",
      workflow: "run-benchmarks.yml",
      workflowRepository: "lancedb/lance-bench",
      token: "bench",
      db,
      mode: "backfill",
      maxCommits: "1000",
      dryRun: true,
    }),
    { client: createGitHubClient({ token: "bench", baseUrl: server.url }), env: {} },
  );
  wallMs.push(performance.now() - started);
  apiCalls = server.requests.length;
  queries = storeQueries;
}
await server.close();
if (server.violations.length > 0) throw new Error(`contract violations: ${server.violations.join("; ")}`);
console.log(
  JSON.stringify({
    wallMs,
    apiCalls,
    storeQueries: queries,
    checked: summary!.checked.length,
    missing: summary!.dispatched.length,
  }),
);
