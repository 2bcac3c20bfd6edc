/**
 * Stage signals a benchmark prints on stderr (the protocol of valkey-search's benchmark wrapper), for external monitors and
 * for stage metrics:
 *
 *     [STAGE:START] name[:tag]
 *     [STAGE:END] name[:tag] duration=X.XXXs
 */

export interface StageSignal {
  kind: "start" | "end";
  /** `name` or `name:tag`. */
  stage: string;
  /** The duration an END line states, in seconds. */
  durationSeconds?: number;
}

const SIGNAL =
  /^\[STAGE:(START|END)\]\s+([A-Za-z0-9_.-]{1,100}(?::[A-Za-z0-9_.=-]{1,100})?)(?:\s+duration=([0-9]+(?:\.[0-9]+)?)s)?\s*$/;

/** The signal a stderr line holds, or undefined (any other line, or a malformed signal). */
export function parseStageSignal(line: string): StageSignal | undefined {
  const match = SIGNAL.exec(line.replace(/\r$/, ""));
  if (!match) return undefined;
  const [, kind, stage, duration] = match;
  return {
    kind: kind === "START" ? "start" : "end",
    stage: stage!,
    ...(kind === "END" && duration !== undefined ? { durationSeconds: Number(duration) } : {}),
  };
}

/**
 * Collects stage durations from stderr as it arrives: an END's stated duration, else the time
 * since its START arrived. A stage may run several times (each a sample). START without END
 * (the run ended inside it) is reported in `unfinished`.
 */
export class StageCollector {
  readonly durations = new Map<string, number[]>();
  private readonly open = new Map<string, number>();
  private partial = "";

  constructor(
    private readonly now: () => number = () => performance.now(),
    /** Told of every signal as it arrives (a profiler attaching to a stage). */
    private readonly onSignal?: (signal: StageSignal) => void,
  ) {}

  /** Feeds a chunk of stderr (lines may be split across chunks). */
  feed(chunk: string): void {
    const text = this.partial + chunk;
    const lines = text.split("\n");
    this.partial = lines.pop() ?? "";
    for (const line of lines) this.line(line);
  }

  /** The stderr ended: a last line without newline still counts. */
  end(): void {
    if (this.partial !== "") this.line(this.partial);
    this.partial = "";
  }

  get unfinished(): string[] {
    return [...this.open.keys()];
  }

  private line(line: string): void {
    const signal = parseStageSignal(line);
    if (!signal) return;
    this.onSignal?.(signal);
    const at = this.now();
    if (signal.kind === "start") {
      this.open.set(signal.stage, at);
      return;
    }
    const started = this.open.get(signal.stage);
    this.open.delete(signal.stage);
    const seconds = signal.durationSeconds ?? (started === undefined ? undefined : (at - started) / 1000);
    if (seconds === undefined) return; // an END without duration nor START: nothing to measure
    const list = this.durations.get(signal.stage) ?? [];
    list.push(seconds);
    this.durations.set(signal.stage, list);
  }
}
