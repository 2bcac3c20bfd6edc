import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, VENV_PYTHON, git, gitRepoFrom, runCliProcess, tempDir } from "../support/helpers.js";

/**
 * The pytest-benchmark fixture run for real with the project's venv
 * (scripts/setup-python.sh), published from its git checkout, then read back by the Python
 * lance-bench's reader: Python `lancedb` opening the table and checking its ten columns' Arrow types.
 */
const work = tempDir();
const repo = gitRepoFrom(path.join(ROOT, "fixtures/python-pytest-benchmark"), path.join(work, "repo"));
const db = path.join(work, "db");
const resultFile = path.join(work, "bench.json");
const head = git(repo, ["rev-parse", "HEAD"]).trim();

describe("pytest-benchmark fixture, run for real", () => {
  it("pytest --benchmark-json → publish, dut from pyproject.toml and git", () => {
    execFileSync(
      VENV_PYTHON,
      ["-m", "pytest", "-q", "--benchmark-only", `--benchmark-json=${resultFile}`, "-p", "no:cacheprovider"],
      {
        cwd: repo,
        encoding: "utf8",
      },
    );
    const run = runCliProcess([
      "publish",
      resultFile,
      "--repo",
      repo,
      "--db",
      db,
      "--json",
      "--testbed-name",
      "ci-box",
    ]);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.dut.name).toBe("bench-fixture-py");
    expect(summary.dut.version).toBe(`0.2.0+${head.slice(0, 7)}`);
    expect(summary.testBed.name).toBe("ci-box");
    const names = summary.benchmarks.map((b: { name: string }) => b.name);
    expect(names).toEqual(
      expect.arrayContaining(["tests/test_benchmarks.py::test_sort[100]", "tests/test_benchmarks.py::test_sort[1000]"]),
    );
    expect(names.length).toBeGreaterThanOrEqual(4);
    // Nanoseconds per iteration: sorting 1000 items takes microseconds, not seconds.
    const sort = summary.benchmarks.find((b: { name: string }) => b.name.endsWith("test_sort[1000]"));
    expect(sort.units).toBe("nanoseconds");
    expect(sort.median).toBeGreaterThan(1_000);
    expect(sort.median).toBeLessThan(10_000_000);
  });

  it("the Python lance-bench's reader opens the table and finds its ten columns and types", () => {
    const script = `
import json, sys, lancedb, pyarrow as pa
db = lancedb.connect(sys.argv[1])
table = db.open_table("results")
expected = pa.schema([
    ("id", pa.string()),
    ("dut", pa.struct([("name", pa.string()), ("version", pa.string()), ("timestamp", pa.int64())])),
    ("test_bed", pa.struct([("name", pa.string()), ("cpu", pa.string()), ("memory_gb", pa.int32()), ("os", pa.string()), ("created_at", pa.int64())])),
    ("benchmark_name", pa.string()),
    ("values", pa.list_(pa.float64())),
    ("summary", pa.struct([(n, pa.float64()) for n in ["min", "q1", "median", "q3", "max", "mean", "standard_deviation"]])),
    ("units", pa.string()),
    ("throughput", pa.struct([("multiplier", pa.float64()), ("name", pa.string()), ("unit_system", pa.string())])),
    ("metadata", pa.string()),
    ("timestamp", pa.int64()),
])
data = table.to_arrow().select(expected.names)
mismatched = [f"{e.name}: {a.type} != {e.type}" for e, a in zip(expected, data.schema) if not a.type.equals(e.type)]
rows = data.to_pylist()
print(json.dumps({"mismatched": mismatched, "rows": len(rows),
                  "first": {k: rows[0][k] for k in ["benchmark_name", "units", "dut"]},
                  "values_len": len(rows[0]["values"]), "median": rows[0]["summary"]["median"]}))
`;
    const out = JSON.parse(execFileSync(VENV_PYTHON, ["-c", script, db], { encoding: "utf8" }));
    expect(out.mismatched).toEqual([]);
    expect(out.rows).toBeGreaterThanOrEqual(4);
    expect(out.first.units).toBe("nanoseconds");
    expect(out.first.dut.version).toBe(`0.2.0+${head.slice(0, 7)}`);
    expect(out.values_len).toBeGreaterThan(1);
    expect(out.median).toBeGreaterThan(0);
  });
});
