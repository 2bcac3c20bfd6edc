import { describe, expect, it } from "vitest";
import { chartAxes, searchChartMermaid, searchChartSvg } from "../../src/report/search-chart.js";
import { gridSearch } from "../../src/search/index.js";
import { countingProbe } from "../search/synthetic.js";

/** A grid over clients whose qps saturates while p99 grows: the usual throughput–latency curve. */
async function clientsGrid(metrics: (clients: number) => Record<string, number>) {
  const { probe } = countingProbe((p) => metrics(Number(p.clients)));
  return gridSearch(probe, {
    grid: { clients: [1, 2, 4, 8, 16] },
    filter: "latency_p99 <= 2",
    objective: { metric: "qps", direction: "maximize" },
  });
}

const curve = (c: number) => ({ qps: 10_000 * Math.min(c, 6), latency_p99: 0.25 * c, latency_avg: 0.1 * c });

describe("the QPS–latency chart of a search", () => {
  it("plots the maximized objective across and the worst reported latency up", async () => {
    expect(chartAxes(await clientsGrid(curve))).toEqual({ x: "qps", y: "latency_p99" });
    const avgOnly = await clientsGrid((c) => ({ qps: 1000 * c, latency_avg: c, latency_p99: 0 }));
    expect(chartAxes(avgOnly)).toEqual({ x: "qps", y: "latency_p99" });
    // no latency at all: nothing to draw, and no file, no Mermaid block
    const noLatency = await clientsGrid((c) => ({ qps: c, latency_p99: 1 }));
    const bare = { ...noLatency, probes: noLatency.probes.map((p) => ({ ...p, metrics: { qps: p.metrics.qps! } })) };
    expect(chartAxes(bare)).toBeUndefined();
    expect(searchChartSvg(bare, "t")).toBeUndefined();
    expect(searchChartMermaid(bare, "t")).toBeUndefined();
  });

  it("renders a Mermaid xychart in order of throughput, and an SVG with every probe labelled", async () => {
    const result = await clientsGrid(curve);
    // qps saturates at 60,000 (clients 8 and 16): sorted by qps, ties in the order probed
    expect(searchChartMermaid(result, 'GET: "grid" search')).toBe(
      [
        "```mermaid",
        "xychart-beta",
        `  title "GET: 'grid' search"`,
        `  x-axis "qps" ["10,000", "20,000", "40,000", "60,000", "60,000"]`,
        `  y-axis "latency_p99"`,
        "  line [0.25, 0.5, 1, 2, 4]",
        "```",
      ].join("\n"),
    );
    const svg = searchChartSvg(result, "GET: grid search")!;
    expect(svg).toMatch(/^<svg width="640" height="360"/);
    for (const c of [1, 2, 4, 8, 16]) expect(svg).toContain(`>clients=${c}<`);
    expect(svg).toContain(">GET: grid search<");
  });
});
