import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runActionBundle } from "../support/action-bundle.js";
import { ROOT, commitAll, git, gitRepoFrom, runCliProcess, tempDir } from "../support/helpers.js";
// @ts-expect-error plain ESM script shared with `npm run bench`, no type declarations
import { startPostgres } from "../../scripts/postgres-server.mjs";

/*
 * run-pipeline, pipeline-results and pipeline-compare against a real PostgreSQL (Debian's,
 * started here on 127.0.0.1) and a real pipeline program (fixtures/pipeline: batched INSERT or
 * COPY, lz4/zstd between reader and writer). Nothing is mocked: the durations compared are
 * the ones the pipeline measured.
 */

interface Postgres {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const dir = tempDir("lance-bench-pipeline-");
const FIXTURE = path.join(ROOT, "fixtures/pipeline");
// The fixture is CommonJS: it finds pg, pg-copy-streams, lz4js and zstd through NODE_PATH
// when it runs from a worktree outside this repository.
const ENV = { NODE_PATH: path.join(ROOT, "node_modules") };
const TEN_MINUTES = 600_000;
let pg: Postgres;

beforeAll(async () => {
  pg = (await startPostgres()) as Postgres;
}, 120_000);
afterAll(async () => {
  await pg?.stop();
});

const pipelineArgs = (repo: string, extra: readonly string[]) => [
  "--repo",
  repo,
  "--command",
  "node pipeline.cjs run {pipeline}",
  "--pipelines-dir",
  "pipelines",
  "--database-url",
  pg.url,
  ...extra,
];

interface HistoryLine {
  mode: string;
  bench_rows: number;
  git_sha_full: string;
  iteration: number;
  status: string;
  error?: string;
  records_read: number;
  duration_secs: number;
  dest_flush_secs: number;
}
const readHistoryLines = (file: string): HistoryLine[] =>
  readFileSync(file, "utf8")
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l) as HistoryLine);

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

describe("run-pipeline", () => {
  it(
    "runs the variant × row-count matrix; COPY is measured faster than INSERT at 100,000 rows; history and store agree",
    () => {
      const repo = gitRepoFrom(FIXTURE, path.join(dir, "matrix-repo"));
      const out = path.join(dir, "matrix-out");
      const db = path.join(dir, "matrix-db");
      const run = runCliProcess(
        [
          "run-pipeline",
          ...pipelineArgs(repo, ["--variants", "insert", "copy", "zstd", "--rows", "1000", "100000", "--iters", "2"]),
          "--output-dir",
          out,
          "--db",
          db,
          "--json",
        ],
        ENV,
        ROOT,
        TEN_MINUTES,
      );
      expect(run.code, run.stderr).toBe(0);
      const summary = JSON.parse(run.stdout) as {
        sha: string;
        server: string;
        iterations: { status: string }[];
        report: { text: string };
        published: { rowsWritten: number };
      };
      expect(summary.iterations).toHaveLength(12);
      expect(summary.iterations.every((i) => i.status === "ok")).toBe(true);
      expect(summary.server).toMatch(/^postgresql \d+/);

      // Every iteration copied the whole table: the destination and the pipeline's state
      // were reset before each (without the reset the fixture resumes and copies nothing).
      const history = readHistoryLines(path.join(out, "pipeline-results.jsonl"));
      expect(history).toHaveLength(12);
      for (const line of history) {
        expect(line.status).toBe("ok");
        expect(line.records_read).toBe(line.bench_rows);
        expect(line.git_sha_full).toBe(summary.sha);
      }
      expect(history.map((l) => `${l.bench_rows}/${l.mode}/${l.iteration}`).slice(0, 6)).toEqual([
        "1000/insert/1",
        "1000/insert/2",
        "1000/copy/1",
        "1000/copy/2",
        "1000/zstd/1",
        "1000/zstd/2",
      ]);

      // The real measurement: COPY writes 100,000 rows faster than batched INSERT.
      const at100k = (mode: string) =>
        history.filter((l) => l.bench_rows === 100000 && l.mode === mode).map((l) => l.dest_flush_secs);
      expect(median(at100k("copy"))).toBeLessThan(median(at100k("insert")));
      const total = (mode: string) =>
        history.filter((l) => l.bench_rows === 100000 && l.mode === mode).map((l) => l.duration_secs);
      expect(median(total("copy"))).toBeLessThan(median(total("insert")));

      // rapidbyte bench.sh's comparison table, one per row count.
      expect(summary.report.text).toContain("Dataset:     100,000 rows");
      expect(summary.report.text).toMatch(/Metric \(avg\)\s+INSERT\s+COPY\s+ZSTD\s+COPY speedup\s+ZSTD speedup/);
      expect(summary.report.text).toMatch(/Decompression/);

      // Published: one result per benchmark and field, each iteration one sample, equal to the history.
      const exported = runCliProcess(["export", "--db", db, "--benchmark", "pipeline/copy/rows=100000"], ENV);
      expect(exported.code, exported.stderr).toBe(0);
      const rows = exported.stdout
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l) as { metric: string; values: number[]; units: string; direction: string });
      const duration = rows.find((r) => r.metric === "duration_secs")!;
      expect(duration.values).toEqual(
        history.filter((l) => l.bench_rows === 100000 && l.mode === "copy").map((l) => l.duration_secs),
      );
      expect(duration.units).toBe("seconds");
      expect(rows.find((r) => r.metric === "records_per_sec")).toMatchObject({
        units: "records/s",
        direction: "higher_is_better",
      });
      expect(rows.find((r) => r.metric === "records_read")?.units).toBe("records");
      // the suite's own measure of the pipeline's process tree (src/run/process-tree.ts)
      const rss = rows.find((r) => r.metric === "process_peak_rss_bytes")!;
      expect(rss).toMatchObject({ units: "bytes", direction: "lower_is_better" });
      expect(Math.min(...rss.values)).toBeGreaterThan(10 * 1024 * 1024); // a Node process
      expect(Math.min(...rows.find((r) => r.metric === "process_cpu_secs")!.values)).toBeGreaterThan(0);
      expect(summary.published.rowsWritten).toBe(rows.length * 6);

      // pipeline-results reads the same history back.
      const results = runCliProcess(
        ["pipeline-results", "--history", path.join(out, "pipeline-results.jsonl"), "--rows", "100000"],
        ENV,
      );
      expect(results.code, results.stderr).toBe(0);
      expect(results.stdout).toContain("Mode: COPY, 100,000 rows");
      expect(results.stdout).toContain(summary.sha.slice(0, 7));
    },
    TEN_MINUTES,
  );

  it(
    "pipeline-compare benchmarks two commits in their own worktrees and leaves the caller's checkout alone",
    () => {
      const repo = gitRepoFrom(FIXTURE, path.join(dir, "compare-repo"));
      const shaA = git(repo, ["rev-parse", "HEAD"]).trim();
      // Commit B writes in batches of 10 rows: a hundred times the INSERT statements of A's 1,000.
      const yaml = path.join(repo, "pipelines/bench_pg.yaml");
      writeFileSync(yaml, readFileSync(yaml, "utf8").replace(/max_batch_rows: \d+/, "max_batch_rows: 10"));
      const shaB = commitAll(repo, "smaller batches");
      writeFileSync(path.join(repo, "uncommitted.txt"), "work in progress\n");
      const out = path.join(dir, "compare-out");
      const run = runCliProcess(
        [
          "pipeline-compare",
          "HEAD~1",
          "HEAD",
          ...pipelineArgs(repo, ["--variants", "insert", "--rows", "20000", "--iters", "2"]),
          "--output-dir",
          out,
        ],
        ENV,
        ROOT,
        TEN_MINUTES,
      );
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain("Mode: INSERT, 20,000 rows");
      expect(run.stdout).toMatch(
        new RegExp(`Metric\\s+HEAD~1 \\(${shaA.slice(0, 7)}\\)\\s+HEAD \\(${shaB.slice(0, 7)}\\)\\s+Change`),
      );
      // A hundred times the statements: B's flush is slower, and the table says by how much.
      const flush = /^ {4}Flush\s+([\d.]+)\s+([\d.]+)\s+([+-][\d.]+)%$/m.exec(run.stdout);
      expect(flush, run.stdout).not.toBeNull();
      expect(Number(flush![2])).toBeGreaterThan(Number(flush![1]));
      expect(Number(flush![3])).toBeGreaterThan(0);

      const history = readHistoryLines(path.join(out, "pipeline-results.jsonl"));
      expect(history.map((l) => l.git_sha_full)).toEqual([shaA, shaA, shaB, shaB]);
      expect(existsSync(path.join(out, shaA.slice(0, 7), "results-pipeline.jsonl"))).toBe(true);
      expect(existsSync(path.join(out, shaB.slice(0, 7), "results-pipeline.jsonl"))).toBe(true);
      // The caller's checkout: same commit, same branch, the uncommitted file still there, no worktree left.
      expect(git(repo, ["rev-parse", "HEAD"]).trim()).toBe(shaB);
      expect(git(repo, ["branch", "--show-current"]).trim()).toBe("main");
      expect(readFileSync(path.join(repo, "uncommitted.txt"), "utf8")).toBe("work in progress\n");
      expect(git(repo, ["worktree", "list"]).trim().split("\n")).toHaveLength(1);
    },
    TEN_MINUTES,
  );
});

describe("the run-pipeline action (its committed bundle)", () => {
  it(
    "writes the comparison table to the job summary, sets its outputs, masks the database password",
    async () => {
      const repo = gitRepoFrom(FIXTURE, path.join(dir, "action-repo"));
      const out = path.join(dir, "action-out");
      // Trust authentication ignores the password; the action must still never print it.
      const url = pg.url.replace("postgres@", "postgres:hunter2-secret@");
      const inputs = {
        repo: repo,
        "pipeline-command": "node pipeline.cjs run {pipeline}",
        "pipelines-dir": "pipelines",
        variants: "insert copy",
        rows: "2000",
        iters: "2",
        "database-url": url,
        "output-dir": out,
        db: path.join(out, "db"),
      };
      const run = await runActionBundle("run-pipeline", dir, inputs, ENV);
      expect(run.code, run.stdout).toBe(0);
      expect(run.summary).toContain("lance-bench run-pipeline");
      expect(run.summary).toMatch(/\| Metric \(avg\) \| INSERT \| COPY \| Speedup \|/);
      expect(run.summary).toContain("Dataset:     2,000 rows");
      expect(run.outputs["history-file"]).toBe(path.join(out, "pipeline-results.jsonl"));
      expect(Number(run.outputs.count)).toBeGreaterThan(0);
      expect(run.stdout).toContain("::add-mask::hunter2-secret");
      expect(run.stdout.replace("::add-mask::hunter2-secret", "") + run.summary).not.toContain("hunter2-secret");

      // A failing pipeline: the summary is still written, then the step fails with one error.
      const failing = await runActionBundle(
        "run-pipeline",
        dir,
        {
          ...inputs,
          "pipeline-command": "node pipeline.cjs run no-such.yaml",
          "output-dir": path.join(out, "failing"),
        },
        ENV,
      );
      expect(failing.code).toBe(1);
      expect(failing.summary).toContain("FAILED insert at 2000 rows, iteration 1");
      expect(failing.stdout.match(/^::error::/gm)).toHaveLength(1);
      expect(failing.stdout).toMatch(/::error::4 of 4 pipeline iterations failed, nothing was published/);
    },
    TEN_MINUTES,
  );
});

describe("run-pipeline profiling", () => {
  // CI installs perf and inferno and requires a real flamegraph; elsewhere a missing
  // profiler must be reported as a skipped profile with its reason, never a failed run.
  const required = process.env.LANCE_BENCH_REQUIRE_PROFILER === "1";

  it(
    "records a CPU flamegraph of one more iteration of the variant, or says why it could not",
    () => {
      const repo = gitRepoFrom(FIXTURE, path.join(dir, "profile-repo"));
      const out = path.join(dir, "profile-out");
      const run = runCliProcess(
        [
          "run-pipeline",
          ...pipelineArgs(repo, [
            "--variants",
            "insert",
            "copy",
            "--rows",
            "5000",
            "--iters",
            "1",
            "--profile",
            "copy",
          ]),
          "--output-dir",
          out,
          "--no-publish",
          "--json",
        ],
        ENV,
        ROOT,
        TEN_MINUTES,
      );
      expect(run.code, run.stderr).toBe(0);
      const { profile } = JSON.parse(run.stdout) as {
        profile: { benchmark: string; status: string; svg?: string; reason?: string };
      };
      expect(profile.benchmark).toBe("pipeline copy at 5000 rows");
      if (required || profile.status === "recorded") {
        expect(profile, JSON.stringify(profile)).toMatchObject({ status: "recorded" });
        expect(profile.svg).toBe(path.join(out, "flamegraph-pipeline-copy.svg"));
        const svg = readFileSync(profile.svg!, "utf8");
        expect(svg).toMatch(/<svg/);
        expect(svg).toMatch(/node/); // the pipeline's own process, not only perf's
      } else {
        expect(profile.reason).toMatch(/perf|inferno/);
      }
      // The profiled run is not a measured iteration.
      expect(readHistoryLines(path.join(out, "pipeline-results.jsonl"))).toHaveLength(2);
    },
    TEN_MINUTES,
  );
});

describe("run-pipeline, bad input: one clear error, nothing published", () => {
  // A stand-in pipeline that misbehaves on purpose, one way per argument.
  const FAKE = `
const [how] = process.argv.slice(2);
const iteration = Number(process.env.BENCH_ITERATION);
const ok = '@@BENCH_JSON@@' + JSON.stringify({ records_read: 1000, duration_secs: 0.5 });
if (how === "exit" && iteration === 2) { console.log("starting"); console.error("boom: disk full"); process.exit(3); }
if (how === "none") { console.log("Pipeline done, but no machine-readable line"); process.exit(0); }
if (how === "malformed") { console.log("Pipeline done"); console.log('@@BENCH_JSON@@{"duration_secs": 0.5,'); process.exit(0); }
console.log(ok);
`;
  let repo: string;
  beforeAll(() => {
    repo = path.join(dir, "fake-repo");
    cpSync(path.join(FIXTURE, "package.json"), path.join(repo, "package.json"));
    writeFileSync(path.join(repo, "fake.cjs"), FAKE);
    git(path.join(dir), ["init", "-q", "-b", "main", repo]);
    commitAll(repo, "fake pipeline");
  });

  const runFake = (how: string, out: string, extra: readonly string[] = []) =>
    runCliProcess(
      [
        "run-pipeline",
        "--repo",
        repo,
        "--command",
        `node fake.cjs ${how}`,
        "--variants",
        "insert",
        "--rows",
        "1000",
        "--database-url",
        pg.url,
        "--output-dir",
        out,
        "--db",
        path.join(out, "db"),
        ...extra,
      ],
      ENV,
      ROOT,
      TEN_MINUTES,
    );

  const errorLines = (stderr: string) => stderr.split("\n").filter((l) => l.startsWith("lance-bench: error:"));

  it("a command that exits non-zero: that iteration is recorded as failed with its stderr, the run fails at the end", () => {
    const out = path.join(dir, "fake-exit");
    const run = runFake("exit", out);
    expect(run.code).toBe(2);
    const errors = errorLines(run.stderr);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("1 of 3 pipeline iterations failed, nothing was published");
    expect(errors[0]).toContain("insert at 1000 rows, iteration 2: exited with 3: boom: disk full");
    // The run carried on: iteration 3 ran and is in the history; the failure is recorded too.
    const history = readHistoryLines(path.join(out, "pipeline-results.jsonl"));
    expect(history.map((l) => l.status)).toEqual(["ok", "failed", "ok"]);
    expect(history[1]!.error).toContain("boom: disk full");
    expect(run.stdout).toContain("FAILED insert at 1000 rows, iteration 2");
    expect(existsSync(path.join(out, "db"))).toBe(false);
    expect(existsSync(path.join(out, "results-pipeline.jsonl"))).toBe(false);
  });

  it.each([
    ["none", /insert at 1000 rows, iteration 1: printed no @@BENCH_JSON@@ line/],
    ["malformed", /insert at 1000 rows, iteration 1: line 2: invalid JSON/],
  ])("output with %s @@BENCH_JSON@@ line: the error names the iteration and the line", (how, expected) => {
    const out = path.join(dir, `fake-${how}`);
    const run = runFake(how, out, ["--iters", "1"]);
    expect(run.code).toBe(2);
    const errors = errorLines(run.stderr);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(expected);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(path.join(out, "db"))).toBe(false);
  });

  it("an unreachable database: bounded retries, then one line naming the server", () => {
    const out = path.join(dir, "fake-unreachable");
    const closedPort = pg.port + 1 === 65536 ? pg.port - 1 : pg.port + 1;
    const url = `postgres://postgres:s3cret-pw@127.0.0.1:${closedPort}/bench`;
    const started = Date.now();
    const run = runFake("ok", out, ["--database-url", url, "--connect-attempts", "3", "--connect-backoff-ms", "100"]);
    expect(run.code).toBe(2);
    const errors = errorLines(run.stderr);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      new RegExp(
        `cannot connect to PostgreSQL at postgres@127\\.0\\.0\\.1:${closedPort}/bench after 3 tries: .*ECONNREFUSED`,
      ),
    );
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(run.stderr + run.stdout).not.toContain("s3cret-pw");
    expect(existsSync(path.join(out, "pipeline-results.jsonl"))).toBe(false);
  });

  it("a program without a manifest: named after its folder and commit, or as told; a broken manifest stops it first", () => {
    const bare = path.join(dir, "bare-pipeline");
    mkdirSync(bare, { recursive: true });
    writeFileSync(path.join(bare, "fake.cjs"), FAKE);
    git(dir, ["init", "-q", "-b", "main", bare]);
    const sha = commitAll(bare, "a pipeline program with no manifest");
    const runBare = (out: string, extra: readonly string[] = []) =>
      runCliProcess(
        ["run-pipeline", "--repo", bare, "--command", "node fake.cjs ok", "--variants", "insert", "--rows", "1000"]
          .concat(["--iters", "1", "--database-url", pg.url, "--output-dir", out, "--db", path.join(out, "db")])
          .concat(extra),
        ENV,
        ROOT,
        TEN_MINUTES,
      );
    const dutOf = (out: string) =>
      (
        JSON.parse(readFileSync(path.join(out, "results-pipeline.jsonl"), "utf8").split("\n")[1]!) as {
          dut: { name: string; version: string };
        }
      ).dut;

    const fallback = runBare(path.join(dir, "bare-fallback"));
    expect(fallback.stderr).not.toMatch(/lance-bench: error/);
    expect(fallback.code).toBe(0);
    expect(fallback.stderr).toMatch(/recording the version as unversioned\+[0-9a-f]{7} \(--dut-version sets one\)/);
    expect(dutOf(path.join(dir, "bare-fallback"))).toMatchObject({
      name: "bare-pipeline",
      version: `unversioned+${sha.slice(0, 7)}`,
    });

    const named = runBare(path.join(dir, "bare-named"), ["--dut-name", "rapidbyte", "--dut-version", "0.3.0+dev"]);
    expect(named.code).toBe(0);
    expect(dutOf(path.join(dir, "bare-named"))).toMatchObject({ name: "rapidbyte", version: "0.3.0+dev" });

    writeFileSync(path.join(bare, "package.json"), '{"version": ');
    commitAll(bare, "a broken manifest");
    const out = path.join(dir, "bare-broken");
    const broken = runBare(out);
    expect(broken.code).toBe(2);
    expect(errorLines(broken.stderr)).toEqual([expect.stringMatching(/package\.json: invalid JSON/)]);
    // Refused before the first iteration: no history, nothing seeded or published.
    expect(existsSync(path.join(out, "pipeline-results.jsonl"))).toBe(false);
    expect(broken.stderr).not.toMatch(/seeding/);
  });

  it.each([
    [["--command", "node fake.cjs {mode}"], /command: unknown placeholder \{mode\}/],
    [["--command", "node fake.cjs && rm -rf /"], /command: "&&" needs a shell/],
    [["--dest-schema", "raw; DROP TABLE x"], /dest-schema: "raw; DROP TABLE x" is not a plain SQL identifier/],
    [["--variants", "in/sert"], /variants: "in\/sert"/],
    [["--database-url", "mysql://x@y/z"], /database-url: the scheme is "mysql:"/],
  ])("a bad option %j is refused before anything runs", (extra, expected) => {
    const out = path.join(dir, `fake-option-${Math.random().toString(36).slice(2)}`);
    const run = runFake("ok", out, extra);
    expect(run.code).toBe(2);
    expect(errorLines(run.stderr)[0]).toMatch(expected);
    expect(existsSync(path.join(out, "pipeline-results.jsonl"))).toBe(false);
  });
});
