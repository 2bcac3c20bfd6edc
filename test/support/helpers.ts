import { execFileSync, spawn, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, type TestContext } from "vitest";
import type { Result } from "../../src/model/index.js";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const SAMPLES = path.join(ROOT, "fixtures/samples");
export const sample = (name: string) => path.join(SAMPLES, name);
export const CLI = path.join(ROOT, "lib/entries/cli.js");
export const VENV_PYTHON = path.join(ROOT, ".venv/bin/python");

export const SHA_A = "a".repeat(40);
export const SHA_B = "b".repeat(40);

/** Every folder tempDir made for this test file (or script), removed at its end. */
const madeDirs: string[] = [];
const removeMadeDirs = () => {
  for (const dir of madeDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
};
try {
  // Registered once, while vitest collects the file that imports this module (each file gets
  // its own instance): a hook registered from inside a test body never runs.
  afterAll(removeMadeDirs);
} catch {
  // outside vitest (bench/reliability.ts): at exit
  process.once("exit", removeMadeDirs);
}

/** A fresh temporary directory, removed when the test file ends. */
export function tempDir(prefix = "lance-bench-test-"): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  madeDirs.push(dir);
  return dir;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in its own process, as a user would. */
export function runCliProcess(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  cwd = ROOT,
  timeoutMs = 120_000,
): CliRun {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...cleanEnv(), ...env },
    encoding: "utf8",
    timeout: timeoutMs,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Runs the real CLI in its own process without blocking this one, for tests that serve
 * something to it meanwhile (a proxy, a fake GitHub) or run many at once.
 */
export function runCliAsync(args: readonly string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...cleanEnv(), ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += String(chunk)));
    child.stderr.on("data", (chunk) => (stderr += String(chunk)));
    const timer = setTimeout(() => child.kill("SIGKILL"), 240_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/**
 * Ids of every stored row, read back through the CLI's `export` (works for folders and S3).
 * A store that was never created holds no rows: `export` refuses it (exit 2, "no result store
 * there" / "no results table there"), which counts as none here; any other failure throws.
 */
export async function storedIds(db: string, env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const exported = await runCliAsync(["export", "--db", db], env);
  if (exported.code === 2 && /: no (result store|results table) there/.test(exported.stderr)) return [];
  if (exported.code !== 0) throw new Error(`export from ${db} failed: ${exported.stderr}`);
  return exported.stdout
    .split("\n")
    .filter(Boolean)
    .map((line) => String(JSON.parse(line).id));
}

/** Version and row count of a local table: a failed publish must leave both as they were. */
export async function tableState(db: string): Promise<{ version: number; rows: number }> {
  const lancedb = await import("@lancedb/lancedb");
  const conn = await lancedb.connect(db);
  const table = await conn.openTable("results");
  const state = { version: await table.version(), rows: await table.countRows() };
  conn.close();
  return state;
}

/** The environment without CI variables that would change run detection. */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (
      key.startsWith("GITHUB_") ||
      key.startsWith("RUNNER_") ||
      key.startsWith("INPUT_") ||
      key === "LANCE_BENCH_URI"
    ) {
      delete env[key];
    }
  }
  env.LANCE_BENCH_RETRY_BASE_MS = "20";
  // Action bundles load LanceDB from this project's node_modules, not from a runtime they
  // install (test/runtime/runtime.test.ts covers that, without this variable).
  env.LANCE_BENCH_RUNTIME_DIR = ROOT;
  return env;
}

/** Copies a fixture into `dir` and makes it a git repository with one commit. */
export function gitRepoFrom(fixture: string, dir: string, time = "2026-01-02T03:04:05Z"): string {
  cpSync(fixture, dir, {
    recursive: true,
    filter: (src) => !/\/(target|\.venv|__pycache__|\.pytest_cache)(\/|$)/.test(src),
  });
  git(dir, ["init", "-q", "-b", "main"]);
  commitAll(dir, "fixture", time);
  return dir;
}

export function commitAll(dir: string, message: string, time = "2026-01-02T03:04:05Z"): string {
  git(dir, ["add", "-A"]);
  const env = { ...process.env, GIT_AUTHOR_DATE: time, GIT_COMMITTER_DATE: time };
  execFileSync(
    "git",
    ["-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "--allow-empty", "-m", message],
    { env },
  );
  return git(dir, ["rev-parse", "HEAD"]).trim();
}

export function git(dir: string, args: readonly string[]): string {
  return execFileSync("git", ["-C", dir, ...args], { encoding: "utf8" });
}

export const explicitDut = [
  "--sha",
  SHA_A,
  "--dut-version",
  "1.0.0+aaaaaaa",
  "--dut-timestamp",
  "1700000000",
  "--dut-name",
  "demo",
];

/**
 * A tool some tests need that a fresh machine may lack. Where it is missing those tests are
 * skipped with a printed reason and the install command; where `requiredBy` is set to "1"
 * (`.ci/run` installs the tool and sets it) a missing tool fails them instead.
 */
export interface OptionalTool {
  name: string;
  /** A command that succeeds only where the tool can be used. */
  probe: readonly [string, ...string[]];
  install: string;
  requiredBy: string;
}

export const CARGO_CRITERION: OptionalTool = {
  name: "cargo-criterion",
  probe: ["cargo", "criterion", "--version"],
  install: "cargo install cargo-criterion --locked --version 1.1.0",
  requiredBy: "LANCE_BENCH_REQUIRE_CARGO_CRITERION",
};

export const REDIS: OptionalTool = {
  name: "redis-server and redis-benchmark",
  probe: ["sh", "-c", "redis-server --version && redis-benchmark --version"],
  install: "apt-get install -y redis-server redis-tools",
  requiredBy: "LANCE_BENCH_REQUIRE_REDIS",
};

const probed = new Map<string, string | undefined>();

/** Why `tool` cannot be used here, or undefined when it can (probed once per test file). */
export function toolMissing(tool: OptionalTool): string | undefined {
  if (!probed.has(tool.name)) {
    const [command, ...args] = tool.probe;
    const result = spawnSync(command, args, { encoding: "utf8", timeout: 60_000 });
    const output = `${result.stderr ?? ""}${result.stdout ?? ""}`.trim().split("\n")[0];
    probed.set(
      tool.name,
      result.status === 0
        ? undefined
        : `\`${tool.probe.join(" ")}\` failed${result.error ? ` (${result.error.message})` : output ? `: ${output}` : ""}`,
    );
  }
  return probed.get(tool.name);
}

/** Whether the environment demands `tool` (its `requiredBy` variable is "1"). */
export const toolRequired = (tool: OptionalTool) => process.env[tool.requiredBy] === "1";

/**
 * Call first in a test that needs `tool`: returns where it is installed; where it is not, skips
 * the test with a printed reason, or fails it when the environment requires the tool.
 */
export function requireOrSkip(ctx: TestContext, tool: OptionalTool): void {
  const missing = toolMissing(tool);
  if (missing === undefined) return;
  if (toolRequired(tool)) {
    throw new Error(`${tool.name} is required here (${tool.requiredBy}=1) but ${missing}; install it: ${tool.install}`);
  }
  const reason = `${tool.name} is not installed (${missing}): skipped; to run it: ${tool.install}`;
  console.log(`skipping "${ctx.task.name}": ${reason}`);
  ctx.skip(reason);
}

/** Makes the Criterion fixture's adler32 run three passes (a threefold regression) in `lib`. */
export function slowDownAdler32(lib: string): void {
  writeFileSync(
    lib,
    readFileSync(lib, "utf8").replace(
      "pub fn adler32(data: &[u8]) -> u32 {",
      [
        "pub fn adler32(data: &[u8]) -> u32 {",
        "    for _ in 0..2 {",
        "        std::hint::black_box(adler32_once(std::hint::black_box(data)));",
        "    }",
        "    adler32_once(data)",
        "}",
        "",
        "fn adler32_once(data: &[u8]) -> u32 {",
      ].join("\n"),
    ),
  );
}

/** The records a lance-bench results file holds (its first line is the header): the rows a publish writes. */
export function resultsFileRows(file: string): Result[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .slice(1)
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Result);
}
