import { readFileSync, readdirSync } from "node:fs";

/**
 * What a benchmarked process tree used: its peak resident memory and its CPU time, read from
 * /proc (Linux). Hand-written rather than a library: pidusage and ps-tree sample one process or
 * run `ps`, and neither sums a tree's RSS at a 50 ms period without spawning a process per sample.
 *
 * - Peak RSS: every `intervalMs` the tree under the root is walked through
 *   /proc/<pid>/task/<tid>/children and the VmRSS of every live process is summed; the peak is
 *   the largest sum, or the largest VmHWM (a single process's own high-water mark, which a short
 *   spike between samples still raises), whichever is larger.
 * - CPU time: user + system time of every process of the tree that was waited for, read as the
 *   growth of this process's cutime + cstime (/proc/self/stat) between the start and the reaping
 *   of the root. A process reaps its children, so their time rolls up to the root and then to
 *   us. Exact, with no sampling, but only while this process runs one measured child at a time;
 *   a daemon that escapes the tree is not counted (nor waited for).
 */

export interface ProcessTreeUsage {
  /** Bytes; undefined when the tree ended before a first sample could see it. */
  peakRssBytes: number | undefined;
  /** User + system seconds of the tree; undefined off Linux. */
  cpuSeconds: number | undefined;
  /** Samples taken. */
  samples: number;
}

/** Linux's USER_HZ, which /proc reports times in: 100 on every architecture it supports. */
const TICKS_PER_SECOND = 100;

/** utime, stime, cutime, cstime of a process, in ticks (fields 14–17 of /proc/<pid>/stat). */
function statTimes(pid: number | "self"): [number, number, number, number] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // the command name (field 2) may hold spaces and parentheses: fields start after the last ")"
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return [Number(fields[11]), Number(fields[12]), Number(fields[13]), Number(fields[14])];
  } catch {
    return undefined;
  }
}

/** This process's waited-for children's CPU ticks (cutime + cstime). */
function childrenTicks(): number | undefined {
  const times = statTimes("self");
  return times ? times[2] + times[3] : undefined;
}

/** The pids of `pid` and all its live descendants. */
export function processTree(pid: number): number[] {
  const tree: number[] = [];
  const pending = [pid];
  const seen = new Set<number>();
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    tree.push(next);
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${next}/task`);
    } catch {
      continue; // gone
    }
    for (const tid of tasks) {
      try {
        for (const child of readFileSync(`/proc/${next}/task/${tid}/children`, "utf8").split(" ")) {
          if (child.trim() !== "") pending.push(Number(child));
        }
      } catch {
        // the thread or process ended meanwhile
      }
    }
  }
  return tree;
}

/** VmRSS and VmHWM of a process in bytes (a zombie has neither). */
function memoryOf(pid: number): { rss: number; hwm: number } | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined;
  }
  const kb = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  };
  const rss = kb("VmRSS");
  if (rss === undefined) return undefined;
  return { rss, hwm: kb("VmHWM") ?? rss };
}

export interface ProcessTreeWatch {
  /** Call once the root has been reaped (the child's `exit`/`close` event): stops sampling. */
  finish(): ProcessTreeUsage;
}

/**
 * Starts watching the tree under `pid` (call right after spawning it, before it can exit
 * unseen): samples every `intervalMs` until `finish`.
 */
export function watchProcessTree(pid: number, intervalMs = 50): ProcessTreeWatch {
  const startTicks = childrenTicks();
  let peak: number | undefined;
  let samples = 0;
  const sample = () => {
    let sum = 0;
    let hwm = 0;
    let seen = false;
    for (const member of processTree(pid)) {
      const memory = memoryOf(member);
      if (!memory) continue;
      seen = true;
      sum += memory.rss;
      hwm = Math.max(hwm, memory.hwm);
    }
    if (!seen) return;
    samples++;
    peak = Math.max(peak ?? 0, sum, hwm);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  let finished: ProcessTreeUsage | undefined;
  return {
    finish() {
      if (finished) return finished;
      clearInterval(timer);
      const endTicks = childrenTicks();
      finished = {
        peakRssBytes: peak,
        cpuSeconds:
          startTicks === undefined || endTicks === undefined ? undefined : (endTicks - startTicks) / TICKS_PER_SECOND,
        samples,
      };
      return finished;
    },
  };
}
