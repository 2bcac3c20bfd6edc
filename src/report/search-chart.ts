/**
 * The QPS–latency curve of a search: every successful probe as a point (throughput across,
 * latency up), feasible probes apart from the others, the optimum marked. Two renderings:
 *
 * - an SVG file, drawn by Apache ECharts' server-side renderer (no DOM, no canvas), which the
 *   run keeps beside its results file (and so in the uploaded artifact);
 * - a Mermaid `xychart-beta` block for the job summary: GitHub renders Mermaid in markdown as
 *   an image, while an `<img>` with a data: URI or a local file is stripped from a summary.
 *
 * ECharts rather than hand-written SVG: axes with nice ticks, labels that avoid each other and
 * a legend are most of the work, and the dashboard draws its charts with a library anyway.
 */
import * as echarts from "echarts";
import type { ProbeRecord, SearchResult } from "../model/search.js";
import { formatMetricValue } from "./search-report.js";

/** Which metrics the chart plots: a throughput across and a latency up. */
export interface ChartAxes {
  x: string;
  y: string;
}

interface Point {
  probe: ProbeRecord;
  x: number;
  y: number;
}

const LATENCIES = ["latency_p99", "latency_p95", "latency_avg", "latency_p50"];

/**
 * The axes a search's probes support: the objective when it is maximized (qps), else `qps`;
 * up, the first of p99/p95/avg/p50 latency they report. Undefined: nothing to draw.
 */
export function chartAxes(result: SearchResult): ChartAxes | undefined {
  const ok = result.probes.filter((p) => p.status === "ok");
  const has = (metric: string) => ok.filter((p) => p.metrics[metric] !== undefined).length >= 2;
  const objective = result.objective;
  const x = objective?.direction === "maximize" && has(objective.metric) ? objective.metric : has("qps") ? "qps" : "";
  const y = LATENCIES.find((metric) => metric !== x && has(metric));
  return x && y ? { x, y } : undefined;
}

function points(result: SearchResult, axes: ChartAxes): Point[] {
  return result.probes
    .filter((p) => p.status === "ok" && p.metrics[axes.x] !== undefined && p.metrics[axes.y] !== undefined)
    .map((probe) => ({ probe, x: probe.metrics[axes.x]!, y: probe.metrics[axes.y]! }))
    .sort((a, b) => a.x - b.x);
}

const paramsLabel = (probe: ProbeRecord) =>
  Object.entries(probe.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");

/** The chart as an SVG document, or undefined when the probes have no throughput and latency to plot. */
export function searchChartSvg(result: SearchResult, title: string): string | undefined {
  const axes = chartAxes(result);
  if (!axes) return undefined;
  const all = points(result, axes);
  const pair = (p: Point) => ({ value: [p.x, p.y], name: paramsLabel(p.probe) });
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: 640, height: 360 });
  try {
    chart.setOption({
      animation: false,
      backgroundColor: "#ffffff",
      title: { text: title, left: "center", textStyle: { fontSize: 14 } },
      legend: { bottom: 0 },
      grid: { left: 70, right: 30, top: 50, bottom: 60 },
      xAxis: { type: "value", name: axes.x, nameLocation: "middle", nameGap: 28, scale: true },
      yAxis: { type: "value", name: axes.y, nameLocation: "end", scale: true },
      series: [
        {
          name: "all probes",
          type: "line",
          data: all.map(pair),
          symbol: "none",
          lineStyle: { color: "#9aa5b1", width: 1 },
          z: 1,
        },
        {
          name: "met the constraints",
          type: "scatter",
          data: all.filter((p) => p.probe.passed).map(pair),
          itemStyle: { color: "#2f7ed8" },
          label: { show: all.length <= 12, position: "top", formatter: "{b}", fontSize: 10 },
          z: 2,
        },
        {
          name: "did not",
          type: "scatter",
          data: all.filter((p) => !p.probe.passed).map(pair),
          itemStyle: { color: "#d9534f" },
          label: { show: all.length <= 12, position: "bottom", formatter: "{b}", fontSize: 10 },
          z: 2,
        },
        {
          name: "optimum",
          type: "scatter",
          symbol: "diamond",
          symbolSize: 18,
          data: all.filter((p) => p.probe.optimum).map(pair),
          itemStyle: { color: "#f0ad4e", borderColor: "#333", borderWidth: 1 },
          z: 3,
        },
      ],
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** Mermaid's xychart keeps to a word-ish title and bare numbers. */
const mermaidText = (text: string) => text.replace(/["\n\r]/g, "'");

/**
 * The chart as a Mermaid `xychart-beta` block (GitHub renders it in a job summary): the latency
 * of each probe, in order of throughput. Undefined when there is nothing to draw.
 */
export function searchChartMermaid(result: SearchResult, title: string): string | undefined {
  const axes = chartAxes(result);
  if (!axes) return undefined;
  const all = points(result, axes);
  const round = (n: number) => Number(n.toPrecision(4));
  return [
    "```mermaid",
    "xychart-beta",
    `  title "${mermaidText(title)}"`,
    `  x-axis "${axes.x}" [${all.map((p) => `"${formatMetricValue(p.x)}"`).join(", ")}]`,
    `  y-axis "${axes.y}"`,
    `  line [${all.map((p) => round(p.y)).join(", ")}]`,
    "```",
  ].join("\n");
}
