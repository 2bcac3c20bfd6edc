import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import path from "node:path";
import { childEnv } from "../context/child-env.js";
import { profilerRefusal, renderFlamegraph, type ProfileOutcome } from "./profile.js";

/**
 * A CPU flamegraph of one process during one stage of a benchmark, as valkey-search's stage
 * monitor records one: `perf record -p PID` is attached when the benchmark prints
 * `[STAGE:START] <stage>` on stderr and stopped (SIGINT, so perf writes its data) at the
 * matching `[STAGE:END]`, so the profile holds that stage and nothing else — not the server's
 * warm-up, not the load generator's setup.
 *
 * The profiled process is named (`redis-server`: exactly one running process whose name is
 * that; a number is a pid) or, by default, the benchmark command itself (with the children
 * it forks after the attach). perf attaches about a tenth of a second after START arrives:
 * the benchmark does not wait for it, so a stage shorter than that is barely seen.
 *
 * Only the first occurrence of the stage in the whole invocation is profiled (a flamegraph
 * per repetition would be the same picture R times). Nothing here fails the benchmark: a
 * profile that cannot be recorded is `skipped` with the reason.
 */
export interface StageProfileRequest {
  /** `name` or `name:tag`, as the signals print it; `name` alone also matches `name:tag`. */
  stage: string;
  /** A process name (its /proc comm, at most 15 characters), a pid, or undefined: the benchmark command. */
  process?: string | undefined;
  workDir: string;
  svgFile: string;
  timeoutMs: number;
}

/** A stage signal as parse/stage-signals.ts reads it from stderr. */
export interface StageEvent {
  kind: "start" | "end";
  stage: string;
}

/** What the run tells the profiler: the stage signals as they arrive, and the command's pid. */
export class StageProfiler {
  private perf: ChildProcess | undefined;
  private perfExit: Promise<number | null> | undefined;
  private perfErr = "";
  private target: { pid: number; label: string } | undefined;
  private state: "waiting" | "recording" | "done" = "waiting";
  private outcome: ProfileOutcome | undefined;
  private refusal: string | undefined;
  private started = 0;
  private stopped = 0;

  private constructor(
    private readonly request: StageProfileRequest,
    /** Where perf writes its data (made beforehand: nothing stands between START and the attach). */
    private readonly dir: string,
  ) {}

  /** Checks once, before the runs, that perf and inferno work here. */
  static async create(request: StageProfileRequest): Promise<StageProfiler> {
    await mkdir(path.dirname(request.svgFile), { recursive: true });
    const profiler = new StageProfiler(request, await mkdtemp(path.join(request.workDir, "stage-profile-")));
    profiler.refusal = await profilerRefusal(request.workDir);
    return profiler;
  }

  private get label(): string {
    return `stage ${this.request.stage}`;
  }

  private matches(stage: string): boolean {
    return stage === this.request.stage || stage.split(":")[0] === this.request.stage;
  }

  /** Called with each stage signal of a run whose command runs as `commandPid`. */
  onSignal(signal: StageEvent, commandPid: number | undefined): void {
    if (!this.matches(signal.stage)) return;
    if (signal.kind === "start" && this.state === "waiting") this.attach(commandPid);
    else if (signal.kind === "end" && this.state === "recording") this.stop();
  }

  private attach(commandPid: number | undefined): void {
    this.state = "recording";
    if (this.refusal) return this.skip(this.refusal);
    const target = resolveTarget(this.request.process, commandPid);
    if ("reason" in target) return this.skip(target.reason);
    this.target = target;
    this.started = performance.now();
    const perf = spawn(
      "perf",
      ["record", "-q", "-F", "499", "-g", "-p", String(target.pid), "-o", path.join(this.dir, "perf.data")],
      { env: childEnv(process.env).vars, stdio: ["ignore", "ignore", "pipe"] },
    );
    this.perf = perf;
    perf.stderr.setEncoding("utf8").on("data", (chunk: string) => (this.perfErr += chunk));
    this.perfExit = new Promise((resolve) => {
      perf.once("error", (error) => {
        this.perfErr += error.message;
        resolve(-1);
      });
      // perf writes its data on SIGINT and then dies of it (code null): that is success too
      perf.once("close", (code, signal) => resolve(signal === "SIGINT" ? 0 : code));
    });
  }

  private skip(reason: string): void {
    this.state = "done";
    this.outcome = { benchmark: this.label, status: "skipped", reason };
  }

  private stop(): void {
    this.state = "done";
    this.stopped = performance.now();
    this.perf?.kill("SIGINT");
  }

  /**
   * After each run: a stage that started and did not end is stopped with the run. After the
   * last run, `final` renders the flamegraph (or says why there is none).
   */
  async afterRun(final: boolean): Promise<ProfileOutcome | undefined> {
    if (this.state === "recording") this.stop();
    if (!final) return undefined;
    if (this.outcome) return this.outcome;
    if (this.state === "waiting") {
      return { benchmark: this.label, status: "skipped", reason: `no run printed [STAGE:START] ${this.request.stage}` };
    }
    const code = await this.perfExit;
    const dir = this.dir;
    const seconds = ((this.stopped - this.started) / 1000).toFixed(2);
    const label = `${this.label} of ${this.target!.label} (${seconds} s)`;
    if (code !== 0 && code !== 130) {
      await rm(dir, { recursive: true, force: true });
      const said = this.perfErr.trim().split("\n").slice(-3).join(" ");
      return { benchmark: label, status: "skipped", reason: `perf record -p failed (exit ${code}): ${said}` };
    }
    return renderFlamegraph(label, path.join(dir, "perf.data"), dir, this.request.svgFile, this.request.timeoutMs);
  }
}

/** The pid a `process` option names: a pid, exactly one process of that name, or the command. */
function resolveTarget(
  process: string | undefined,
  commandPid: number | undefined,
): { pid: number; label: string } | { reason: string } {
  if (process === undefined) {
    return commandPid === undefined
      ? { reason: "the benchmark command has no pid" }
      : { pid: commandPid, label: `the benchmark command (pid ${commandPid})` };
  }
  if (/^\d+$/.test(process)) return { pid: Number(process), label: `pid ${process}` };
  const pids = processesNamed(process);
  if (pids.length !== 1) {
    return {
      reason:
        pids.length === 0
          ? `no running process is named ${process}`
          : `${pids.length} running processes are named ${process} (pids ${pids.join(", ")}): give one pid`,
    };
  }
  return { pid: pids[0]!, label: `${process} (pid ${pids[0]})` };
}

/** Pids whose /proc comm is `name` (the kernel keeps the first 15 bytes of a program's name). */
export function processesNamed(name: string): number[] {
  const comm = name.slice(0, 15);
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").trimEnd() === comm) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}
