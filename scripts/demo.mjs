// `npm run demo`: the main-branch job on this machine, end to end and for real.
// Runs the fixture benchmarks (Criterion via `cargo bench`, pytest-benchmark via the
// project's venv), publishes both into the embedded local LanceDB (LANCE_BENCH_URI, else
// ~/.lance-bench), then asks the store whether the commit has results, as the scheduler does.
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const cli = path.join(root, "lib/entries/cli.js");
const out = path.join(root, "test-output/demo");
mkdirSync(out, { recursive: true });

/** Runs one step; a quiet step shows its output only when it fails. */
function step(title, program, args, { quiet = false, ...options } = {}) {
  console.log(`\n== ${title}\n$ ${[program, ...args].join(" ")}`);
  try {
    execFileSync(program, args, {
      stdio: ["ignore", quiet ? "pipe" : "inherit", quiet ? "pipe" : "inherit"],
      encoding: "utf8",
      ...options,
    });
  } catch (error) {
    process.stdout.write(error.stdout ?? "");
    process.stderr.write(error.stderr ?? "");
    console.error(`demo: step failed: ${title}`);
    process.exit(1);
  }
}

step("Python environment (pytest-benchmark, lancedb)", "bash", [path.join(root, "scripts/setup-python.sh")]);

const rustFixture = path.join(root, "fixtures/rust-criterion");
const criterionHome = path.join(out, "criterion");
step("Rust: cargo bench on fixtures/rust-criterion", "cargo", ["bench", "--quiet", "--bench", "fixture"], {
  cwd: rustFixture,
  // The same target folder as the tests, so the fixture's dependencies compile once.
  env: { ...process.env, CRITERION_HOME: criterionHome, CARGO_TARGET_DIR: path.join(root, "test-output/cargo-target") },
  quiet: true,
});

const pyFixture = path.join(root, "fixtures/python-pytest-benchmark");
const pytestJson = path.join(out, "pytest-benchmark.json");
step(
  "Python: pytest --benchmark-json on fixtures/python-pytest-benchmark",
  path.join(root, ".venv/bin/python"),
  ["-m", "pytest", "-q", "--benchmark-only", `--benchmark-json=${pytestJson}`, "-p", "no:cacheprovider"],
  { cwd: pyFixture, quiet: true },
);

// Each fixture is its own project inside this checkout: its manifest gives the version,
// this repository's HEAD the commit.
step("Publish the Criterion results", process.execPath, [cli, "publish", criterionHome, "--repo", rustFixture]);
step("Publish the pytest-benchmark results", process.execPath, [cli, "publish", pytestJson, "--repo", pyFixture]);

const sha = execFileSync("git", ["-C", root, "rev-parse", "HEAD"], { encoding: "utf8" }).trim();
step("Has this commit been benchmarked? (exit 0 = yes)", process.execPath, [cli, "has-results", "--sha", sha]);
console.log("\nDone. Browse the rows with: node lib/entries/cli.js export | head");
