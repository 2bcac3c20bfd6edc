import { describe, expect, it } from "vitest";
import { metricResolver } from "../../src/context/repo-config.js";
import { RepoConfig } from "../../src/model/index.js";
import { parsePytestBenchmark } from "../../src/parse/pytest.js";

/** A pytest-benchmark 5 report with two benchmarks: the default timer and a custom one. */
const report = JSON.stringify({
  machine_info: { python_version: "3.11.7", python_implementation: "CPython" },
  benchmarks: [
    {
      name: "test_fast",
      fullname: "tests/test_cases.py::test_fast",
      options: { timer: "perf_counter", min_rounds: 5 },
      stats: { data: [1e-6, 2e-6], iterations: 1, rounds: 2 },
    },
    {
      name: "test_iops",
      fullname: "tests/test_cases.py::test_iops",
      options: { timer: "iops_timer", min_rounds: 5 },
      stats: { data: [1500, 1700], iterations: 1, rounds: 2 },
    },
  ],
  version: "5.3.1",
});

async function* chunks() {
  yield report;
}

async function parse(config: unknown) {
  const warnings: string[] = [];
  const rules = RepoConfig.parse(config).metrics;
  const measurements = await parsePytestBenchmark(chunks(), "bench.json", {
    warn: (m) => warnings.push(m),
    noteToolchain: () => {},
    metricFor: metricResolver(rules),
  });
  return { warnings, byName: new Map(measurements.map((m) => [m.benchmarkName.split("::")[1], m])) };
}

describe("pytest-benchmark timers and the repository's metrics rules", () => {
  it("records the timer and warns about one that is not a known clock in seconds", async () => {
    const { warnings, byName } = await parse({});
    expect(byName.get("test_fast")).toMatchObject({ units: "nanoseconds", values: [1000, 2000] });
    expect(byName.get("test_iops")).toMatchObject({ units: "nanoseconds", direction: "lower_is_better" });
    expect(byName.get("test_iops")!.metadata.timer).toBe("iops_timer");
    expect(warnings).toEqual([expect.stringMatching(/test_iops: pytest-benchmark timer "iops_timer" is not a known/)]);
  });

  it("takes unit, direction and metric from the rules, later rules overriding earlier ones field by field", async () => {
    const { warnings, byName } = await parse({
      metrics: [
        { match: "**/*::test_iops", unit: "ops", direction: "higher_is_better" },
        { match: "tests/**", metric: "iops" },
        { match: "**/*::test_fast", unit: "ms" },
      ],
    });
    expect(warnings).toEqual([]);
    expect(byName.get("test_iops")).toMatchObject({
      units: "ops",
      metric: "iops",
      direction: "higher_is_better",
      values: [1500, 1700],
    });
    // A time unit is stored in nanoseconds, as every time is.
    expect(byName.get("test_fast")).toMatchObject({
      units: "nanoseconds",
      metric: "iops",
      values: [1e-6 * 1e6, 2e-6 * 1e6],
    });
  });

  it("an unknown key or direction in a rule is a config error", () => {
    expect(RepoConfig.safeParse({ metrics: [{ match: "x", units: "ops" }] }).success).toBe(false);
    expect(RepoConfig.safeParse({ metrics: [{ match: "x", direction: "up" }] }).success).toBe(false);
  });
});

describe("the Python toolchain a pytest-benchmark report names", () => {
  async function toolchain(machine_info: unknown) {
    const noted: string[] = [];
    const text = JSON.stringify({ machine_info, benchmarks: JSON.parse(report).benchmarks, version: "5.3.1" });
    await parsePytestBenchmark(
      (async function* () {
        yield text;
      })(),
      "bench.json",
      { warn: () => {}, noteToolchain: (t) => noted.push(t) },
    );
    return noted;
  }

  it("is the implementation and version, or python when the implementation is not a string", async () => {
    expect(await toolchain({ python_version: "3.11.7", python_implementation: "CPython" })).toEqual(["CPython 3.11.7"]);
    expect(await toolchain({ python_version: "3.11.7" })).toEqual(["python 3.11.7"]);
    expect(await toolchain({ python_version: "3.11.7", python_implementation: { name: "CPython" } })).toEqual([
      "python 3.11.7",
    ]);
  });
});
