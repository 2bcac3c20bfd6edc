import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { formatMetricValue, searchMarkdown, searchText } from "../../src/report/search-report.js";
import { binarySearch, gridSearch, renderCommand, type SearchParams } from "../../src/search/index.js";
import { countingProbe, loadModel } from "./synthetic.js";

const commandFor = (p: SearchParams) => [
  "valkey-bench-rs",
  "--dataset",
  "datasets/sift 128.bin",
  "-c",
  String(p.clients),
];

describe("renderCommand", () => {
  it("leaves plain words bare and quotes the rest so a shell reads the argv back", () => {
    expect(renderCommand(["bench", "--nprobes=10", "a b", "it's", "$HOME", "", "x;y"]).line).toBe(
      `bench --nprobes=10 'a b' "it's" \\$HOME '' x\\;y`,
    );
    // A real shell splits the line back into the same argv.
    const argv = ["my bench", "--filter=a b", "it's", "$HOME", "", "x;y", "*", "--nprobes=10", "é"];
    const words = execFileSync("sh", ["-c", `set -- ${renderCommand(argv).line}; printf '%s\\0' "$@"`], {
      encoding: "utf8",
    });
    expect(words.split("\0").slice(0, -1)).toEqual(argv);
    // `=` in the first word would make it a variable assignment.
    expect(renderCommand(["FOO=bar", "x"]).line).toBe("FOO\\=bar x");
  });
});

describe("search reports", () => {
  it("formats metrics to 4 significant digits, whole numbers from 1000 up", () => {
    expect([0.95123, 12.5, 199_800.4, 3, Number.NaN].map(formatMetricValue)).toEqual([
      "0.9512",
      "12.5",
      "199,800",
      "3",
      "NaN",
    ]);
  });

  it("renders a feasible-above binary search: the smallest feasible value is the boundary", async () => {
    // recall grows with nprobes, qps falls: the optimum is the fewest probes that reach 0.9
    const { probe } = countingProbe((p) => ({
      recall: Math.min(1, 0.5 + 0.05 * Number(p.nprobes)),
      qps: 1000 / Number(p.nprobes),
    }));
    const result = await binarySearch(probe, {
      parameter: "nprobes",
      lo: 1,
      hi: 32,
      constraints: "recall >= 0.9",
      objective: { metric: "qps", direction: "maximize" },
      feasible: "above",
      confirmations: 1,
    });
    const text = searchText(result);
    expect(text.split("\n")[0]).toMatch(/^binary search over nprobes in \[1, 32\] \(feasible from a threshold up\)/);
    expect(text).toContain("Boundary: feasible from nprobes=8 up, infeasible up to 7");
    expect(text).toMatch(/Optimum: probe #\d+ \(nprobes=8\)/);
  });

  it("renders a binary search: the probes, the boundary, the optimum and its exact command", async () => {
    const model = loadModel({ sigma: 0, seed: 1 });
    const result = await binarySearch(
      model.probe,
      {
        parameter: "clients",
        lo: 1,
        hi: 200,
        base: { ef_search: 100 },
        constraints: "recall_avg >= 0.95 and latency_p99 <= 10",
        objective: { metric: "qps", direction: "maximize" },
      },
      { commandFor },
    );
    const text = searchText(result);
    const lines = text.split("\n");
    expect(lines[0]).toBe(
      `binary search over clients in [1, 200], constraints: recall_avg >= 0.95 and latency_p99 <= 10, maximize qps — ${result.probes.length} probes, ${result.runCount} runs`,
    );
    // ef_search is the same in every probe: no column for it.
    expect(lines[2]).toMatch(/^#\s+clients\s+qps\s+recall_avg\s+latency_p99\s+runs\s+status\s+met$/);
    expect(lines.find((l) => l.includes("optimum"))).toMatch(
      /^\d+\s+100\s+199,800\s+0\.97\s+10\s+2\s+ok\s+yes\s+optimum$/,
    );
    expect(text).toContain("Boundary: feasible up to clients=100, infeasible from 101");
    expect(text).toContain("Optimum: probe #");
    expect(text).toContain("(ef_search=100 clients=100): qps 199,800, recall_avg 0.97, latency_p99 10");
    expect(text).toContain("Command: valkey-bench-rs --dataset 'datasets/sift 128.bin' -c 100");

    const markdown = searchMarkdown(result);
    expect(markdown).toContain("```sh\nvalkey-bench-rs --dataset 'datasets/sift 128.bin' -c 100\n```");
    expect(markdown).toContain("| # | clients | qps | recall_avg | latency_p99 | runs | status | met |  |");
    expect(markdown).toMatch(/\| 100 \| 199,800 \| 0\.97 \| 10 \| 2 \| ok \| yes \| optimum \|/);
  });

  it("renders none-met with the closest probe, failures with their reason, and chosen metric columns", async () => {
    const { probe } = countingProbe((p) =>
      p.clients === 3
        ? { status: "failed", reason: "killed after 120 s | process group 4242" }
        : { qps: 1000 * Number(p.clients), latency_p99: 4 * Number(p.clients), errors: 0 },
    );
    const result = await gridSearch(
      probe,
      {
        grid: { clients: [1, 2, 3] },
        filter: "latency_p99 <= 2",
        objective: { metric: "qps", direction: "maximize" },
      },
      { commandFor },
    );
    const text = searchText(result);
    expect(text).toContain("no configuration met latency_p99 <= 2; closest: probe #1 (clients=1), off by 100%");
    expect(text).toContain("Closest: probe #1 (clients=1): qps 1,000, latency_p99 4");
    expect(text).toContain("Command: valkey-bench-rs --dataset 'datasets/sift 128.bin' -c 1");
    expect(text).toMatch(/\n1\s+1\s+1,000\s+4\s+1\s+ok\s+no\s+closest\n/);
    expect(text).toMatch(/\n3\s+3\s+–\s+–\s+1\s+failed: killed after 120 s \| process group 4242\s+–\n/);

    const markdown = searchMarkdown(result, { metrics: ["errors"] });
    expect(markdown).toContain(":warning: no configuration met latency_p99 <= 2");
    expect(markdown).toContain("| # | clients | errors | runs | status | met |  |");
    expect(markdown).toContain("| 3 | 3 | – | 1 | failed: killed after 120 s \\| process group 4242 | – |  |");
  });
});
