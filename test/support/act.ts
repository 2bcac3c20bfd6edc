import { spawn } from "node:child_process";
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { assertFreshDist } from "./fresh-dist.js";
import { type OptionalTool, ROOT, commitAll, git } from "./helpers.js";

/**
 * Runs workflows for real under nektos/act (docs/architecture.md): on this host (no Docker), with act's own
 * artifact and cache servers off and the toolkit pointed at the tests' twin of GitHub's results
 * service instead (act's artifact server refuses @actions/artifact 6's requests: it does not know
 * `mime_type`), GitHub's REST API at the OpenAPI-checked local server, github.com's git at the
 * local git server, and remote actions and reusable workflows replaced by local folders.
 */
export const ACT: OptionalTool = {
  name: "act",
  probe: [actBinary(), "--version"],
  install: "GOBIN=$PWD/.tools/bin go install github.com/nektos/act@v0.2.89",
  requiredBy: "LANCE_BENCH_REQUIRE_ACT",
};

function actBinary(): string {
  return path.join(ROOT, ".tools/bin/act");
}

/**
 * The third-party actions the shipped workflows pin, as act gets them here: from the vendored
 * copies (test/support/vendor/README.md; checkout and the GitHub Pages pair run, cache and
 * setup-python are only fetched).
 */
export const VENDORED_ACTIONS: Record<string, string> = {
  "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1": path.join(ROOT, "test/support/vendor/actions-checkout"),
  "actions/cache@27d5ce7f107fe9357f9df03efb73ab90386fccae": path.join(ROOT, "test/support/vendor/actions-cache"),
  "actions/setup-python@5fda3b95a4ea91299a34e894583c3862153e4b97": path.join(
    ROOT,
    "test/support/vendor/actions-setup-python",
  ),
  "actions/upload-pages-artifact@fc324d3547104276b827a68afc52ff2a11cc49c9": path.join(
    ROOT,
    "test/support/vendor/actions-upload-pages-artifact",
  ),
  // pinned by upload-pages-artifact v5.0.0's own action.yml
  "actions/upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f": path.join(
    ROOT,
    "test/support/vendor/actions-upload-artifact",
  ),
  "actions/deploy-pages@cd2ce8fcbc39b97be8ca5fce6e763baed58fa128": path.join(
    ROOT,
    "test/support/vendor/actions-deploy-pages",
  ),
};

/**
 * A test that runs workflows under act: builds and benchmarks take minutes, more on a loaded
 * 2-core machine (act's own kill comes at 15 minutes a run).
 */
export const ACT_TEST_TIMEOUT_MS = 1_800_000;

export interface ActRun {
  code: number;
  /** act's log: every step's output, prefixed with `[workflow/job]`. */
  output: string;
}

export interface ActOptions {
  /** The repository act runs in (its `origin` remote names github.repository). */
  repo: string;
  event: string;
  payload: Record<string, unknown>;
  /** The workflow file, relative to `repo`. */
  workflow: string;
  env: Record<string, string>;
  secrets?: Record<string, string>;
  /** `owner/name@ref` → folder, for remote actions and reusable workflows. */
  localRepositories: Record<string, string>;
  /** Where act keeps its per-run copies (a test's temp folder). */
  cacheDir: string;
  timeoutMs?: number;
}

/** One act invocation; resolves when act exits (never rejects). */
export function runAct(options: ActOptions): Promise<ActRun> {
  const eventFile = path.join(options.cacheDir, `event-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  mkdirSync(options.cacheDir, { recursive: true });
  writeFileSync(eventFile, JSON.stringify(options.payload));
  const args = [
    options.event,
    "--eventpath",
    eventFile,
    "--workflows",
    options.workflow,
    "-P",
    "ubuntu-latest=-self-hosted",
    // act's servers stay off (and would bind a non-loopback address by default)
    "--no-cache-server",
    "--artifact-server-addr",
    "127.0.0.1",
    "--cache-server-addr",
    "127.0.0.1",
    "--action-cache-path",
    path.join(options.cacheDir, "act"),
    "--action-offline-mode",
    ...Object.entries({ ...VENDORED_ACTIONS, ...options.localRepositories }).flatMap(([from, dir]) => [
      "--local-repository",
      `${from}=${dir}`,
    ]),
    ...Object.entries(options.env).flatMap(([name, value]) => ["--env", `${name}=${value}`]),
    ...Object.keys(options.secrets ?? {}).flatMap((name) => ["--secret", name]),
  ];
  return new Promise((resolve) => {
    // secrets by name only on the command line; their values come from act's environment
    const child = spawn(actBinary(), args, {
      cwd: options.repo,
      env: { ...process.env, ...options.secrets },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += String(chunk)));
    child.stderr.on("data", (chunk) => (output += String(chunk)));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 900_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

/**
 * This working tree as a commit of its own repository (tracked and new files, dist/ as it is
 * now), so the workflows and actions under test are exactly the ones here, uncommitted edits
 * included. Returns the folder and the commit.
 */
export function snapshotLanceBench(into: string): { dir: string; sha: string } {
  assertFreshDist();
  const files = git(ROOT, ["ls-files", "-z", "--cached", "--others", "--exclude-standard"])
    .split("\0")
    .filter((file) => file !== "");
  for (const file of files) {
    mkdirSync(path.dirname(path.join(into, file)), { recursive: true });
    const from = path.join(ROOT, file);
    try {
      cpSync(from, path.join(into, file), { recursive: false });
    } catch (error) {
      // a tracked file deleted in the working tree is not part of the snapshot
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  git(into, ["init", "-q", "-b", "main"]);
  const sha = commitAll(into, "lance-bench under test");
  return { dir: into, sha };
}
