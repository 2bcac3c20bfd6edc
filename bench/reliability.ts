// `npm run bench:reliability`: does anything get lost? Runs the reliability scenarios for real —
// concurrent publisher processes on a local folder and on a real S3-compatible server, re-run
// attempts, an endpoint that ignores conditional writes, the storage going away mid-publish,
// GitHub API faults, and a corpus of malformed inputs — and prints one table: rows expected vs
// stored, faults injected vs survived, malformed inputs tried vs rejected cleanly.
// Exits non-zero when a scenario that must hold does not.
import { writeFileSync, mkdirSync, rmSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { callGitHub, createGitHubClient } from "../src/github/client.js";
import { ResultFileError } from "../src/model/index.js";
import { parseInputs, type FormatChoice } from "../src/parse/index.js";
import { ROOT, explicitDut, runCliAsync, storedIds } from "../test/support/helpers.js";
import { conformingExample } from "../test/support/github-openapi.js";
import { startGitHubServer, type Answer } from "../test/support/github-server.js";
import { buildLargeFiles, buildMalformedCorpus } from "../test/support/malformed-corpus.js";
import { startS3Server } from "../test/support/s3-server.js";
import { startS3Proxy } from "../test/support/s3-proxy.js";

const work = path.join(ROOT, "bench/output/reliability");
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

interface Row {
  scenario: string;
  measure: string;
  expected: string;
  observed: string;
  ok: boolean | "info";
}
const rows: Row[] = [];
const add = (row: Row) => {
  rows.push(row);
  process.stderr.write(`  ${row.ok === false ? "FAIL" : "done"}: ${row.scenario}\n`);
};

function bencherFile(name: string, count: number, prefix = "bench"): string {
  const file = path.join(work, name);
  writeFileSync(
    file,
    Array.from({ length: count }, (_, i) => `test ${prefix}_${i} ... bench: ${1000 + i} ns/iter (+/- 5)\n`).join(""),
  );
  return file;
}

const githubRun = (attempt: number) => ({
  GITHUB_ACTIONS: "true",
  GITHUB_REPOSITORY: "lance-format/lance",
  GITHUB_RUN_ID: "777",
  GITHUB_RUN_ATTEMPT: String(attempt),
});

/** `jobs` publisher processes at once, each with `perJob` rows; returns how many exited 0. */
async function matrix(db: string, env: NodeJS.ProcessEnv, jobs: number[], attempt: number, file: string) {
  const runs = await Promise.all(
    jobs.map((job) =>
      runCliAsync(["publish", file, "--db", db, ...explicitDut, "--testbed-name", `runner-${job}`], {
        ...env,
        ...githubRun(attempt),
      }),
    ),
  );
  return runs.filter((r) => r.code === 0).length;
}

async function concurrency(label: string, db: string, env: NodeJS.ProcessEnv) {
  const file = bencherFile(`matrix-${label}.txt`, 100);
  const all = Array.from({ length: 16 }, (_, i) => i);
  const succeeded = await matrix(db, env, all, 1, file);
  let ids = await storedIds(db, env);
  add({
    scenario: `${label}: 16 publisher processes × 100 rows`,
    measure: "rows stored (distinct)",
    expected: "1600 (1600)",
    observed: `${ids.length} (${new Set(ids).size}); ${succeeded}/16 exited 0`,
    ok: ids.length === 1600 && new Set(ids).size === 1600 && succeeded === 16,
  });
  const rerun = await matrix(db, env, [2, 5, 9, 14], 2, file);
  ids = await storedIds(db, env);
  add({
    scenario: `${label}: 4 of them re-run (attempt 2)`,
    measure: "rows stored (distinct)",
    expected: "1600 (1600)",
    observed: `${ids.length} (${new Set(ids).size}); ${rerun}/4 exited 0`,
    ok: ids.length === 1600 && new Set(ids).size === 1600 && rerun === 4,
  });
}

// ------------------------------------------------------------ rows: local folder and S3
await concurrency("local folder", path.join(work, "local-db"), {});
const s3 = await startS3Server();
try {
  await s3.createBucket("reliability");
  await concurrency("S3 (moto, conditional writes)", "s3://reliability/matrix", s3.env);

  // An endpoint that ignores conditional writes: refused by default …
  const ignoring = await startS3Proxy(s3.endpoint, s3.env, { ignoreConditionalWrites: true });
  const unsafeFile = bencherFile("unsafe.txt", 100);
  const unsafeRuns = await Promise.all(
    Array.from({ length: 8 }, (_, job) =>
      runCliAsync(
        ["publish", unsafeFile, "--db", "s3://reliability/refused", ...explicitDut, "--testbed-name", `r${job}`],
        ignoring.env,
      ),
    ),
  );
  const refused = unsafeRuns.filter((r) => r.code === 2 && /ignores conditional writes/.test(r.stderr)).length;
  const refusedIds = await storedIds("s3://reliability/refused", s3.env);
  add({
    scenario: "S3 ignoring conditional writes: 8 publishers",
    measure: "refused / rows written",
    expected: "8/8 refused, 0 rows",
    observed: `${refused}/8 refused, ${refusedIds.length} rows`,
    ok: refused === 8 && refusedIds.length === 0,
  });
  // … and what the refusal prevents, when overridden (measured: 8 concurrent appends kept 1 of 8; docs/architecture.md).
  const overridden = await matrix(
    "s3://reliability/overridden",
    { ...ignoring.env, LANCE_BENCH_ALLOW_UNSAFE_COMMITS: "1" },
    [0, 1, 2, 3, 4, 5, 6, 7],
    1,
    unsafeFile,
  );
  const overriddenIds = await storedIds("s3://reliability/overridden", s3.env);
  add({
    scenario: "… same, overridden (LANCE_BENCH_ALLOW_UNSAFE_COMMITS=1)",
    measure: "rows stored",
    expected: "800 if nothing were lost",
    observed: `${overriddenIds.length}; ${overridden}/8 exited 0`,
    ok: "info",
  });
  // … and the alternative for such endpoints: Lance's DynamoDB commit lock.
  await s3.createCommitTable("lance_commits");
  const lockedDb = "s3+ddb://reliability/locked?ddbTableName=lance_commits";
  const locked = await matrix(lockedDb, ignoring.env, [0, 1, 2, 3, 4, 5, 6, 7], 1, unsafeFile);
  const lockedIds = await storedIds(lockedDb, s3.env);
  add({
    scenario: "… same endpoint via s3+ddb:// (DynamoDB lock)",
    measure: "rows stored (distinct)",
    expected: "800 (800)",
    observed: `${lockedIds.length} (${new Set(lockedIds).size}); ${locked}/8 exited 0`,
    ok: lockedIds.length === 800 && new Set(lockedIds).size === 800 && locked === 8,
  });
  await ignoring.close();

  // ---------------------------------------------------------- storage faults
  const isDataWrite = (method: string, url: string) => method === "PUT" && /\/results\.lance\/data\//.test(url);
  const brief = await startS3Proxy(s3.endpoint, s3.env, {
    onRequest: async (method, url, self) => {
      if (self.outages === 0 && isDataWrite(method, url)) {
        await self.down();
        setTimeout(() => void self.up(), 1500);
      }
    },
  });
  const briefRun = await runCliAsync(
    ["publish", bencherFile("brief.txt", 100), "--db", "s3://reliability/brief", ...explicitDut],
    {
      ...brief.env,
      LANCE_BENCH_RETRY_BASE_MS: "1000",
    },
  );
  const briefIds = await storedIds("s3://reliability/brief", s3.env);
  add({
    scenario: "storage down 1.5 s during a publish",
    measure: "faults survived; rows",
    expected: "1/1; 100",
    observed: `${briefRun.code === 0 ? 1 : 0}/${brief.outages}; ${briefIds.length}`,
    ok: briefRun.code === 0 && brief.outages === 1 && briefIds.length === 100,
  });
  await brief.close();

  const long = await startS3Proxy(s3.endpoint, s3.env, {
    onRequest: async (method, url, self) => {
      if (self.outages === 0 && isDataWrite(method, url)) await self.down();
    },
  });
  const longFile = bencherFile("long.txt", 100);
  const longRun = await runCliAsync(["publish", longFile, "--db", "s3://reliability/long", ...explicitDut], {
    ...long.env,
    LANCE_BENCH_RETRY_ATTEMPTS: "2",
    LANCE_BENCH_RETRY_BASE_MS: "200",
    OBJECT_STORE_CLIENT_MAX_RETRIES: "1",
  });
  await long.close();
  const partial = (await storedIds("s3://reliability/long", s3.env)).length;
  const again = await runCliAsync(["publish", longFile, "--db", "s3://reliability/long", ...explicitDut], s3.env);
  const afterRerun = (await storedIds("s3://reliability/long", s3.env)).length;
  const loud = longRun.code === 2 && /failed after 2 tries/.test(longRun.stderr);
  add({
    scenario: "storage down past the retry budget",
    measure: "loud failure; partial rows; re-run",
    expected: "exit 2; 0; 100",
    observed: `exit ${longRun.code}; ${partial}; ${again.code === 0 ? afterRerun : "re-run failed"}`,
    ok: loud && partial === 0 && existsSync(longFile) && again.code === 0 && afterRerun === 100,
  });
} finally {
  await s3.stop();
}

// ------------------------------------------------------------ GitHub API faults
const github = await startGitHubServer();
try {
  const client = createGitHubClient({
    token: "t",
    baseUrl: github.url,
    retryBaseMs: 10,
    rateLimitUnitMs: 10,
    requestTimeoutMs: 300,
  });
  // A real commit object: the server checks every answer against GitHub's OpenAPI description.
  const commit = { ...conformingExample("GET", "/repos/{owner}/{repo}/commits/{ref}"), files: [], sha: "a".repeat(40) };
  const ok: Answer = { status: 200, body: commit };
  const secondary: Answer = {
    status: 403,
    headers: { "retry-after": "1" },
    body: { message: "You have exceeded a secondary rate limit" },
  };
  const reset = () => String(Math.floor(Date.now() / 1000) + 1);
  const faults: [string, Answer[], boolean][] = [
    ["502, 503", [{ status: 502 }, { status: 503 }, ok], true],
    ["secondary rate limit", [secondary, ok], true],
    [
      "primary rate limit",
      [
        {
          status: 403,
          headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset() },
          body: { message: "API rate limit exceeded" },
        },
        ok,
      ],
      true,
    ],
    ["429", [{ status: 429, body: { message: "Too Many Requests" } }, ok], true],
    ["hung request", ["hang", ok], true],
    ["permanent 500 (must stop)", [{ status: 500, body: { message: "Server Error" } }], false],
    ["permanent secondary limit (must stop)", [secondary], false],
    [
      "wait of an hour asked (must stop)",
      [{ ...(secondary as object), status: 403, headers: { "retry-after": "3600" } } as Answer],
      false,
    ],
  ];
  let survived = 0;
  let boundedStops = 0;
  let injected = 0;
  const details: string[] = [];
  for (const [name, answers, recoverable] of faults) {
    const route = `/repos/o/r/commits/${encodeURIComponent(name.replace(/\W+/g, "-"))}`;
    github.route("GET", route, answers);
    const before = github.requests.length;
    const started = Date.now();
    const outcome = await callGitHub(name, () => client.request(`GET ${route}`)).then(
      () => "ok",
      () => "failed",
    );
    const tries = github.requests.length - before;
    injected++;
    if (recoverable && outcome === "ok") survived++;
    if (!recoverable && outcome === "failed" && tries <= 4 && Date.now() - started < 10_000) boundedStops++;
    details.push(`${name}: ${outcome} after ${tries}`);
  }
  const recoverableCount = faults.filter(([, , r]) => r).length;
  add({
    scenario: "GitHub API: transient faults",
    measure: "faults survived",
    expected: `${recoverableCount}/${recoverableCount}`,
    observed: `${survived}/${recoverableCount}`,
    ok: survived === recoverableCount,
  });
  add({
    scenario: "GitHub API: faults that do not clear",
    measure: "stopped within 4 tries and 10 s",
    expected: `${injected - recoverableCount}/${injected - recoverableCount}`,
    observed: `${boundedStops}/${injected - recoverableCount}`,
    ok: boundedStops === injected - recoverableCount,
  });
  process.stderr.write(`    ${details.join("; ")}\n`);
  if (github.violations.length > 0) throw new Error(`GitHub contract violations: ${github.violations.join("; ")}`);
} finally {
  await github.close();
}

// ------------------------------------------------------------ malformed inputs
const corpusDir = path.join(work, "corpus");
mkdirSync(corpusDir, { recursive: true });
const seedDb = path.join(work, "corpus-db");
await runCliAsync(["publish", bencherFile("seed.txt", 3, "seed"), "--db", seedDb, ...explicitDut]);
const corpus = await buildMalformedCorpus(corpusDir);
let clean = 0;
for (let i = 0; i < corpus.length; i += 2) {
  const batch = corpus.slice(i, i + 2);
  const runs = await Promise.all(batch.map((c) => runCliAsync(["publish", c.input, "--db", seedDb, ...explicitDut])));
  runs.forEach((run, j) => {
    const errors = run.stderr.split("\n").filter((l) => l.startsWith("lance-bench: error:"));
    const c = batch[j]!;
    if (
      run.code === 2 &&
      errors.length === 1 &&
      errors[0]!.includes(c.input) &&
      c.expected.test(errors[0]!) &&
      !/^\s+at /m.test(run.stderr)
    )
      clean++;
    else process.stderr.write(`    not clean: ${c.parser} ${c.defect}: ${run.stderr.slice(0, 300)}\n`);
  });
}
const seedRows = (await storedIds(seedDb, {})).length;
add({
  scenario: `malformed corpus (${new Set(corpus.map((c) => c.parser)).size} parsers, CLI)`,
  measure: "rejected cleanly; rows written",
  expected: `${corpus.length}/${corpus.length}; 0`,
  observed: `${clean}/${corpus.length}; ${seedRows - 3}`,
  ok: clean === corpus.length && seedRows === 3,
});

const large = await buildLargeFiles(corpusDir);
let largeClean = 0;
const peaks: number[] = [];
for (const c of large) {
  const run = await runCliAsync(["publish", c.input, "--db", seedDb, ...explicitDut], {
    NODE_OPTIONS: `--max-old-space-size=64 --import ${path.join(ROOT, "test/support/report-rss.mjs")}`,
  });
  peaks.push(Number(/peak-rss-mb: (\d+)/.exec(run.stderr)?.[1] ?? NaN));
  if (run.code === 2 && c.expected.test(run.stderr) && !/heap out of memory/.test(run.stderr)) largeClean++;
}
for (const c of large) rmSync(c.input, { force: true });
add({
  scenario: "100 MB files, 64 MB JS heap",
  measure: "rejected cleanly (peak RSS MB)",
  expected: `${large.length}/${large.length}`,
  observed: `${largeClean}/${large.length} (${peaks.join(", ")})`,
  ok: largeClean === large.length,
});

// Random inputs through every parser, in process: anything but a ResultFileError is a crash.
const FORMATS: FormatChoice[] = ["auto", "criterion-json", "bencher", "pytest", "rapidbyte", "lance-bench-results"];
let fuzzTried = 0;
let fuzzClean = 0;
const fuzzDir = path.join(os.tmpdir(), `lance-bench-fuzz-${process.pid}`);
mkdirSync(fuzzDir, { recursive: true });
const samples = fc.sample(
  fc.tuple(
    fc.oneof(fc.uint8Array({ maxLength: 2000 }), fc.string({ unit: "grapheme", maxLength: 500 }), fc.json()),
    fc.constantFrom(...FORMATS),
  ),
  1000,
);
for (const [content, format] of samples) {
  const file = path.join(fuzzDir, `f${fuzzTried++}`);
  writeFileSync(file, content);
  try {
    await parseInputs([file], format);
    fuzzClean++; // accepted: also fine
  } catch (error) {
    if (error instanceof ResultFileError && error.message.startsWith(file)) fuzzClean++;
  }
}
rmSync(fuzzDir, { recursive: true, force: true });
add({
  scenario: `random inputs × ${FORMATS.length} formats (fast-check)`,
  measure: "parsed or ResultFileError (no crash)",
  expected: `${fuzzTried}/${fuzzTried}`,
  observed: `${fuzzClean}/${fuzzTried}`,
  ok: fuzzClean === fuzzTried,
});

// ------------------------------------------------------------ the table
const header = ["scenario", "measure", "expected", "observed", "verdict"];
const cells = rows.map((r) => [
  r.scenario,
  r.measure,
  r.expected,
  r.observed,
  r.ok === "info" ? "info" : r.ok ? "ok" : "FAIL",
]);
const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
const line = (c: string[]) => `| ${c.map((v, i) => v.padEnd(widths[i]!)).join(" | ")} |`;
console.log(line(header));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const c of cells) console.log(line(c));
const failed = rows.filter((r) => r.ok === false).length;
console.log(failed === 0 ? "\nreliability: every scenario held" : `\nreliability: ${failed} scenario(s) FAILED`);
process.exit(failed === 0 ? 0 : 1);
