// `npm run demo`: the main-branch job on this machine, end to end and for real.
// Runs the fixture benchmarks (Criterion via `cargo bench`, pytest-benchmark via the
// project's venv), publishes both into the embedded local LanceDB (LANCE_BENCH_URI, else
// ~/.lance-bench), then asks the store whether the commit has results, as the scheduler does.
// The CLI steps run `npx lance-bench`, exactly as the README tells a user to.
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const out = path.join(root, "test-output/demo");
mkdirSync(out, { recursive: true });

/**
 * Runs one step. A quiet step keeps its standard output (long benchmark reports) unless it
 * fails, but always shows standard error, where cargo and pip say what they are doing.
 */
function step(title, program, args, { quiet = false, ...options } = {}) {
  console.log(`\n== ${title}\n$ ${[program, ...args].join(" ")}`);
  try {
    execFileSync(program, args, {
      stdio: ["ignore", quiet ? "pipe" : "inherit", "inherit"],
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
// The first build compiles Criterion and its dependencies (a few minutes on two cores):
// cargo's "Compiling …" lines show it moving.
step("Rust: cargo bench on fixtures/rust-criterion", "cargo", ["bench", "--bench", "fixture"], {
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
const lanceBench = (title, args) => step(title, "npx", ["lance-bench", ...args], { cwd: root });
lanceBench("Publish the Criterion results", ["publish", criterionHome, "--repo", rustFixture]);
lanceBench("Publish the pytest-benchmark results", ["publish", pytestJson, "--repo", pyFixture]);

const sha = execFileSync("git", ["-C", root, "rev-parse", "HEAD"], { encoding: "utf8" }).trim();
lanceBench("Has this commit been benchmarked? (exit 0 = yes)", ["has-results", "--sha", sha]);
console.log("\nDone. Browse the rows with: npx lance-bench export | head");
