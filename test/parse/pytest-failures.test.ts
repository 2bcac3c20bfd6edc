import { describe, expect, it } from "vitest";
import {
  describeFailures,
  junitAddress,
  junitFailureMessages,
  pytestFailures,
  shortSummaryFailures,
} from "../../src/parse/pytest-failures.js";

/** What pytest 9 printed and wrote for a run with a failing test and a failing fixture (trimmed). */
const OUTPUT = `tests/test_cases.py .F.E                                                 [100%]
=========================== short test summary info ============================
FAILED tests/test_cases.py::test_needs_dataset - ValueError: Dataset at path /tmp/lance-be...
FAILED tests/sub/test_p.py::TestGroup::test_take[a - b] - AssertionError: assert 1 == 2
ERROR tests/test_cases.py::test_setup - RuntimeError: no fixture
ERROR tests/test_broken.py
=================== 2 failed, 2 passed, 1 error in 0.59s ====================`;

const JUNIT = `<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests"><testsuite name="pytest">
<testcase classname="tests.test_cases" name="test_fast" time="0.1" />
<testcase classname="tests.test_cases" name="test_needs_dataset" time="0.001"><failure message="ValueError: Dataset at path /tmp/lance-bench-test-x/very/long/path/rows.txt was not found">tb &lt;here&gt;</failure></testcase>
<testcase classname="tests.sub.test_p.TestGroup" name="test_take[a - b]" time="0.001"><failure message="AssertionError: assert 1 == 2&#10;  where 1 = f()">tb</failure></testcase>
<testcase classname="tests.test_cases" name="test_setup" time="0.001"><error message="failed on setup with &quot;RuntimeError: no fixture&quot;">tb</error></testcase>
</testsuite></testsuites>`;

describe("pytest failures: node ids from the short summary, messages from the JUnit XML", () => {
  it("reads the FAILED and ERROR lines of the short summary", () => {
    expect(shortSummaryFailures(OUTPUT).map((f) => [f.kind, f.nodeId])).toEqual([
      ["FAILED", "tests/test_cases.py::test_needs_dataset"],
      ["FAILED", "tests/sub/test_p.py::TestGroup::test_take[a - b]"],
      ["ERROR", "tests/test_cases.py::test_setup"],
      ["ERROR", "tests/test_broken.py"],
    ]);
    expect(shortSummaryFailures("no summary here\nFAILED x")).toEqual([]);
  });

  it("maps node ids to JUnit addresses as pytest does", () => {
    expect(junitAddress("tests/sub/test_p.py::TestGroup::test_take[a/b.py]")).toBe(
      "tests.sub.test_p.TestGroup\u0000test_take[a/b.py]",
    );
    expect(junitFailureMessages(JUNIT).size).toBe(3);
  });

  it("keeps each whole message (XML entities decoded), else the summary's cut one", () => {
    const failures = pytestFailures(OUTPUT, JUNIT);
    expect(failures.map((f) => f.message)).toEqual([
      "ValueError: Dataset at path /tmp/lance-bench-test-x/very/long/path/rows.txt was not found",
      "AssertionError: assert 1 == 2\n  where 1 = f()",
      'failed on setup with "RuntimeError: no fixture"',
      "",
    ]);
    expect(pytestFailures(OUTPUT, undefined)[0]!.message).toBe("ValueError: Dataset at path /tmp/lance-be...");
    expect(describeFailures(failures).split("\n")).toEqual([
      "FAILED tests/test_cases.py::test_needs_dataset - ValueError: Dataset at path /tmp/lance-bench-test-x/very/long/path/rows.txt was not found",
      "FAILED tests/sub/test_p.py::TestGroup::test_take[a - b] - AssertionError: assert 1 == 2",
      'ERROR tests/test_cases.py::test_setup - failed on setup with "RuntimeError: no fixture"',
      "ERROR tests/test_broken.py",
    ]);
  });
});

describe("pytest failures when the rootdir is above the folder pytest ran in", () => {
  // Lance's layout, as pytest 9 printed it: a pyproject.toml in python/ makes it the rootdir,
  // the suite runs in python/bench; pytest-benchmark names benchmarks from the rootdir, while
  // the short summary names files from the folder pytest ran in.
  const output = `============================= test session starts ==============================
platform linux -- Python 3.11.7, pytest-9.0.1, pluggy-1.6.0
rootdir: /w/python
configfile: pyproject.toml
collected 2 items
=========================== short test summary info ============================
FAILED ci_benchmarks/benchmarks/test_scan.py::test_scan_slice[tpch] - ValueEr...
=================== 1 failed, 1 passed in 0.59s ====================`;
  const junit = `<testsuites><testsuite name="pytest">
<testcase classname="bench.ci_benchmarks.benchmarks.test_scan" name="test_scan_slice[tpch]" time="0.1"><failure message="ValueError: Dataset at path /data/tpch was not found">tb</failure></testcase>
</testsuite></testsuites>`;

  it("names a failed benchmark from the rootdir, as its passing runs are named, with its whole message", () => {
    expect(pytestFailures(output, junit, "/w/python/bench")).toEqual([
      {
        kind: "FAILED",
        nodeId: "bench/ci_benchmarks/benchmarks/test_scan.py::test_scan_slice[tpch]",
        message: "ValueError: Dataset at path /data/tpch was not found",
      },
    ]);
  });

  it("without the header (-q) keeps the summary's id but still finds the whole message", () => {
    const quiet = output.split("\n").slice(5).join("\n");
    expect(pytestFailures(quiet, junit, "/w/python/bench")).toEqual([
      {
        kind: "FAILED",
        nodeId: "ci_benchmarks/benchmarks/test_scan.py::test_scan_slice[tpch]",
        message: "ValueError: Dataset at path /data/tpch was not found",
      },
    ]);
  });
});
