/**
 * A configuration search as a table of its probes and a line for its answer (the optimum and
 * the exact command that ran it, or "no configuration met …" and the closest probe): plain text
 * for a terminal, markdown for a job summary.
 */
import type { ChosenProbe, ProbeRecord, SearchResult } from "../model/search.js";
import { markdownTable, textTable } from "./format.js";

export interface SearchReportOptions {
  /** Metric columns; by default the objective and the metrics the constraints name (else every metric, up to 8). */
  metrics?: readonly string[];
}

const MAX_DEFAULT_METRICS = 8;
const MAX_REASON = 60;

/** Metrics as people read them: 4 significant digits, whole numbers from 1000 up. */
export function formatMetricValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) || Math.abs(value) >= 1000) return Math.round(value).toLocaleString("en-US");
  return String(Number(value.toPrecision(4)));
}

function metricColumns(result: SearchResult, options: SearchReportOptions): string[] {
  if (options.metrics) return [...options.metrics];
  const reported = [...new Set(result.probes.flatMap((p) => Object.keys(p.metrics)))];
  const constraints = result.constraints ?? "";
  // In the order the constraints name them, as a reader scans the filter left to right.
  const named = reported
    .filter((m) => mentions(constraints, m))
    .sort((a, b) => constraints.indexOf(a) - constraints.indexOf(b));
  const objective = result.objective?.metric;
  const columns = [...new Set([...(objective ? [objective] : []), ...named])];
  return columns.length > 0 ? columns : reported.slice(0, MAX_DEFAULT_METRICS);
}

/** Whether `text` names `metric` as a whole word (names hold dots and dashes, so no `\b`). */
function mentions(text: string, metric: string): boolean {
  const escaped = metric.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
  return new RegExp(`(^|[^A-Za-z0-9_.:/\`-])\`?${escaped}\`?($|[^A-Za-z0-9_.:/-])`).test(text);
}

/** Parameters that vary between probes (a fixed dataset path in every row says nothing). */
function paramColumns(probes: readonly ProbeRecord[]): string[] {
  const names = [...new Set(probes.flatMap((p) => Object.keys(p.params)))];
  if (probes.length <= 1) return names;
  return names.filter((name) => new Set(probes.map((p) => String(p.params[name] ?? ""))).size > 1);
}

function statusCell(probe: ProbeRecord): string {
  if (probe.status === "ok") return "ok";
  const reason = probe.reason ?? "";
  return `${probe.status}: ${reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON - 1)}…` : reason}`;
}

function rows(result: SearchResult, params: string[], metrics: string[]): { header: string[]; body: string[][] } {
  const closest = result.outcome.kind === "none-met" ? result.outcome.closest?.index : undefined;
  const header = ["#", ...params, ...metrics, "runs", "status", "met", ""];
  const body = result.probes.map((p) => [
    String(p.index + 1),
    ...params.map((name) => String(p.params[name] ?? "")),
    ...metrics.map((m) => (p.metrics[m] === undefined ? "–" : formatMetricValue(p.metrics[m]))),
    String(p.runs.length),
    statusCell(p),
    p.status !== "ok" ? "–" : p.passed ? "yes" : "no",
    p.optimum ? "optimum" : p.index === closest ? "closest" : "",
  ]);
  return { header, body };
}

function describe(result: SearchResult): string {
  const what =
    result.kind === "binary" && result.binary
      ? `binary search over ${result.binary.parameter} in [${result.binary.lo}, ${result.binary.hi}]` +
        (result.binary.feasible === "above" ? " (feasible from a threshold up)" : "")
      : `grid search`;
  const filter = result.constraints !== undefined ? `, constraints: ${result.constraints}` : "";
  const objective = result.objective ? `, ${result.objective.direction} ${result.objective.metric}` : "";
  return `${what}${filter}${objective} — ${result.probes.length} probes, ${result.runCount} runs`;
}

function chosenLine(probe: ChosenProbe, metrics: string[]): string {
  const params = Object.entries(probe.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
  const values = metrics
    .filter((m) => probe.metrics[m] !== undefined)
    .map((m) => `${m} ${formatMetricValue(probe.metrics[m]!)}`)
    .join(", ");
  return `probe #${probe.index + 1} (${params})${values ? `: ${values}` : ""}`;
}

function boundaryLine(result: SearchResult): string | undefined {
  const b = result.binary;
  if (!b) return undefined;
  if (b.feasible === "above") {
    const feasible =
      b.smallestFeasible === undefined ? "no value feasible" : `feasible from ${b.parameter}=${b.smallestFeasible} up`;
    const infeasible = b.largestInfeasible === undefined ? "" : `, infeasible up to ${b.largestInfeasible}`;
    return `${feasible}${infeasible}`;
  }
  const feasible =
    b.largestFeasible === undefined ? "no value feasible" : `feasible up to ${b.parameter}=${b.largestFeasible}`;
  const infeasible = b.smallestInfeasible === undefined ? "" : `, infeasible from ${b.smallestInfeasible}`;
  return `${feasible}${infeasible}`;
}

/** The search as plain text: a one-line description, the probe table, the answer and its command. */
export function searchText(result: SearchResult, options: SearchReportOptions = {}): string {
  const metrics = metricColumns(result, options);
  const { header, body } = rows(result, paramColumns(result.probes), metrics);
  const lines = [describe(result), "", textTable(header, body), ""];
  const boundary = boundaryLine(result);
  if (boundary) lines.push(`Boundary: ${boundary}`);
  const outcome = result.outcome;
  if (outcome.kind === "optimum") {
    lines.push(`Optimum: ${chosenLine(outcome.optimum, metrics)}`);
    if (outcome.optimum.command) lines.push(`Command: ${outcome.optimum.command.line}`);
  } else {
    lines.push(outcome.message);
    if (outcome.closest) {
      lines.push(`Closest: ${chosenLine(outcome.closest, metrics)}`);
      if (outcome.closest.command) lines.push(`Command: ${outcome.closest.command.line}`);
    }
  }
  return lines.join("\n");
}

/** The search as markdown (a job summary): the same content, the command in a code block. */
export function searchMarkdown(result: SearchResult, options: SearchReportOptions = {}): string {
  const metrics = metricColumns(result, options);
  const { header, body } = rows(result, paramColumns(result.probes), metrics);
  const lines = [`**${describe(result)}**`, ""];
  const outcome = result.outcome;
  const command = (c: ChosenProbe["command"]) => (c ? ["", "```sh", c.line, "```"] : []);
  if (outcome.kind === "optimum") {
    lines.push(`Optimum: ${chosenLine(outcome.optimum, metrics)}`, ...command(outcome.optimum.command));
  } else {
    lines.push(`:warning: ${outcome.message}`);
    if (outcome.closest)
      lines.push("", `Closest: ${chosenLine(outcome.closest, metrics)}`, ...command(outcome.closest.command));
  }
  const boundary = boundaryLine(result);
  if (boundary) lines.push("", `Boundary: ${boundary}`);
  lines.push("", markdownTable(header, body));
  return lines.join("\n");
}
