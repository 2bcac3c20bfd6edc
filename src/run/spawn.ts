import { spawn } from "node:child_process";
import type { ChildEnv } from "../context/child-env.js";
import { watchProcessTree, type ProcessTreeUsage, type ProcessTreeWatch } from "./process-tree.js";

export interface SpawnResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
  /** With `measureTree`: the peak RSS and CPU time of the whole process tree. */
  usage?: ProcessTreeUsage;
}

export interface SpawnOptions {
  cwd?: string;
  /** The allowlisted environment (`childEnv`): a plain `process.env` does not type-check. */
  env: ChildEnv;
  /** Kill the whole process tree after this long (cargo spawns rustc and bench binaries). */
  timeoutMs?: number;
  /** Called with each chunk of stderr, e.g. to stream build progress to a log. */
  onStderr?: (chunk: string) => void;
  /** Called once the program is running (work to overlap with it), with its pid. */
  onStart?: (pid: number | undefined) => void;
  /** Text fed to the program's standard input (closed after it). */
  input?: string;
  /** Sample the process tree's RSS every this many ms and measure its CPU time (`usage`). */
  measureTree?: { intervalMs: number };
}

/**
 * Runs a program without a shell, capturing its output. On timeout the whole process group
 * is terminated (SIGTERM, then SIGKILL), so no orphaned benchmark keeps the machine busy.
 */
export function spawnCaptured(program: string, args: readonly string[], options: SpawnOptions): Promise<SpawnResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      cwd: options.cwd,
      env: options.env.vars,
      detached: true,
      stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    if (options.input !== undefined) {
      child.stdin?.on("error", () => undefined); // a program may exit without reading it all
      child.stdin?.end(options.input);
    }
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    let watch: ProcessTreeWatch | undefined;
    child.once("spawn", () => {
      if (options.measureTree && child.pid !== undefined)
        watch = watchProcessTree(child.pid, options.measureTree.intervalMs);
      options.onStart?.(child.pid);
    });
    // the root is reaped before "exit": its tree's CPU time has rolled up to us by now
    child.once("exit", () => watch?.finish());
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      options.onStderr?.(chunk);
    });
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    let killTimer: NodeJS.Timeout | undefined;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            killGroup("SIGTERM");
            killTimer = setTimeout(() => killGroup("SIGKILL"), 5_000);
          }, options.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      watch?.finish();
      reject(new Error(`${program}: ${error.message}`));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      const usage = watch?.finish();
      resolve({ code, stdout, stderr, timedOut, durationMs: Date.now() - started, ...(usage ? { usage } : {}) });
    });
  });
}

/** The last `lines` lines of a program's output, for an error message. */
export function tail(text: string, lines = 15): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}
