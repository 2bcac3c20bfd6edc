/**
 * Turning a search's probes into its answer: the optimum by the objective among the probes
 * that passed, or — when none did — "no configuration met <filter>" with the closest probe
 * (smallest relative violation, see `assess` in ./expression.ts), never an empty optimum.
 */
import { quote } from "shell-quote";
import { z } from "zod";
import type { ChosenProbe, ProbeRecord, SearchObjective, SearchOutcome } from "../model/search.js";
import { UnknownMetricError } from "./expression.js";
import { describeParams, type CommandFor } from "./probe.js";

export type {
  ChosenProbe,
  ObjectiveDirection,
  ProbeRecord,
  SearchObjective,
  SearchOutcome,
  SearchResult,
} from "../model/search.js";

export const Objective = z.object({
  metric: z.string().min(1, "name the metric to optimize"),
  direction: z.enum(["maximize", "minimize"]),
});

/** Words a POSIX shell reads literally; `=` only after the first word (there it would be an assignment). */
const PLAIN_WORD = /^[A-Za-z0-9_./:@%+,=-]+$/;

/**
 * The argv and the one line a person can paste into a shell to run it again. shell-quote
 * escapes every `=` (`--nprobes\=10`), correct but unreadable in the command people copy most,
 * so plain words stay bare and only the others go through it.
 */
export function renderCommand(argv: readonly string[]): { argv: readonly string[]; line: string } {
  const word = (arg: string, i: number) =>
    PLAIN_WORD.test(arg) && !(i === 0 && arg.includes("=")) ? arg : quote([arg]);
  return { argv: [...argv], line: argv.map(word).join(" ") };
}

/** The objective's value in a probe; a metric the probe did not report is the user's typo, not a miss. */
export function objectiveValue(probe: Pick<ProbeRecord, "metrics">, objective: SearchObjective): number {
  const value = probe.metrics[objective.metric];
  if (value === undefined) {
    throw new UnknownMetricError(objective.metric, Object.keys(probe.metrics), `objective (${objective.direction})`);
  }
  return value;
}

/** Whether `a` is better than `b` for the objective (NaN is never better). */
function better(a: number, b: number, objective: SearchObjective): boolean {
  if (Number.isNaN(a)) return false;
  if (Number.isNaN(b)) return true;
  return objective.direction === "maximize" ? a > b : a < b;
}

/**
 * The best of `candidates` by the objective; ties (and no objective) go to the earliest, so a
 * search answers the same way every time it sees the same numbers.
 */
export function bestProbe(candidates: readonly ProbeRecord[], objective?: SearchObjective): ProbeRecord | undefined {
  let best: ProbeRecord | undefined;
  for (const probe of candidates) {
    if (best === undefined) best = probe;
    else if (objective && better(objectiveValue(probe, objective), objectiveValue(best, objective), objective)) {
      best = probe;
    }
  }
  return best;
}

/**
 * The succeeded probe closest to meeting the filter: smallest violation, then the better
 * objective (a near miss with more QPS is the more useful hint), then the earliest.
 */
export function closestProbe(probes: readonly ProbeRecord[], objective?: SearchObjective): ProbeRecord | undefined {
  const ok = probes.filter((p) => p.status === "ok" && p.violation !== undefined);
  const least = Math.min(...ok.map((p) => p.violation!));
  return bestProbe(
    ok.filter((p) => p.violation === least),
    objective,
  );
}

function choose(probe: ProbeRecord, commandFor: CommandFor | undefined): ChosenProbe {
  return {
    index: probe.index,
    params: probe.params,
    metrics: probe.metrics,
    violation: probe.violation ?? 0,
    ...(commandFor ? { command: renderCommand(commandFor(probe.params)) } : {}),
  };
}

/**
 * The outcome of a search: the optimum (marked on its record), or none-met with the closest
 * probe and a message that names the filter and what the closest probe missed by.
 */
export function decideOutcome(
  probes: ProbeRecord[],
  optimum: ProbeRecord | undefined,
  options: { constraints?: string; objective?: SearchObjective; commandFor?: CommandFor; scope?: string },
): SearchOutcome {
  if (optimum) {
    probes[optimum.index] = { ...optimum, optimum: true };
    return { kind: "optimum", optimum: choose(optimum, options.commandFor) };
  }
  const filter = options.constraints ?? "the search";
  const scope = options.scope ? ` ${options.scope}` : "";
  const ok = probes.filter((p) => p.status === "ok");
  if (ok.length === 0) {
    const reasons = [...new Set(probes.map((p) => p.reason).filter((r) => r !== undefined))].slice(0, 3);
    const why = reasons.length > 0 ? `: ${reasons.join("; ")}` : "";
    return {
      kind: "none-met",
      message: `no configuration met ${filter}${scope}: all ${probes.length} probes failed or were skipped${why}`,
    };
  }
  // Unknown metrics in the objective are reported here too, not swallowed by the closeness order.
  const closest = closestProbe(probes, options.objective)!;
  const missedBy = `${(closest.violation! * 100).toPrecision(3)}%`;
  return {
    kind: "none-met",
    message: `no configuration met ${filter}${scope}; closest: probe #${closest.index + 1} (${describeParams(closest.params)}), off by ${missedBy}`,
    closest: choose(closest, options.commandFor),
  };
}
