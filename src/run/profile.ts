import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { childEnv, type ChildEnv } from "../context/child-env.js";
import { spawnCaptured, tail } from "./spawn.js";

/** The profilers' own environment: they need no credential either. */
const toolEnv = () => childEnv(process.env);

/** What became of a profiling request: an SVG, or the reason there is none (never a failure). */
export type ProfileOutcome =
  { benchmark: string; status: "recorded"; svg: string } | { benchmark: string; status: "skipped"; reason: string };

const skipped = (benchmark: string, reason: string): ProfileOutcome => ({ benchmark, status: "skipped", reason });

/** Whether perf may record here (it needs a kernel that allows it, perf_event_paranoid etc.). */
export async function perfRefusal(workDir: string): Promise<string | undefined> {
  const probe = path.join(workDir, "perf-probe.data");
  const result = await spawnCaptured("perf", ["record", "-q", "-o", probe, "--", "true"], {
    env: toolEnv(),
    timeoutMs: 30_000,
  }).catch((error: Error) => ({ code: -1, stderr: error.message }));
  await rm(probe, { force: true });
  if (result.code === 0) return undefined;
  return `perf cannot record here (${tail(result.stderr, 2).replace(/\s+/g, " ").trim() || `exit ${result.code}`})`;
}

async function hasProgram(program: string): Promise<boolean> {
  return spawnCaptured(program, ["--help"], { env: toolEnv(), timeoutMs: 10_000 }).then(
    (r) => r.code === 0,
    () => false,
  );
}

/** Criterion's filter is a regex: match exactly this one benchmark id. */
export const exactFilter = (name: string) => `^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`;

export interface RustProfileRequest {
  benchmark: string;
  crateDir: string;
  benches: readonly string[];
  features?: string | undefined;
  env: ChildEnv;
  workDir: string;
  svgFile: string;
  seconds: number;
  timeoutMs: number;
}

/**
 * A CPU flamegraph of one Criterion benchmark: `perf record` (DWARF call graphs, so no
 * rebuild with frame pointers is needed) around Criterion's `--profile-time` mode, which
 * runs the benchmark without measuring, then inferno folds the stacks and renders the SVG.
 */
export async function profileRustBenchmark(request: RustProfileRequest): Promise<ProfileOutcome> {
  const refusal = await profilerRefusal(request.workDir);
  if (refusal) return skipped(request.benchmark, refusal);
  const dir = await mkdtemp(path.join(request.workDir, "profile-"));
  const data = path.join(dir, "perf.data");
  const cargoArgs = ["bench", ...request.benches.flatMap((b) => ["--bench", b])];
  if (request.features) cargoArgs.push("--features", request.features);
  cargoArgs.push("--", "--profile-time", String(request.seconds), exactFilter(request.benchmark));
  const recorded = await spawnCaptured(
    "perf",
    ["record", "-q", "-F", "499", "--call-graph", "dwarf,16384", "-o", data, "--", "cargo", ...cargoArgs],
    { cwd: request.crateDir, env: request.env, timeoutMs: request.timeoutMs },
  );
  if (recorded.code !== 0) {
    await rm(dir, { recursive: true, force: true });
    return skipped(request.benchmark, `perf record failed: ${tail(recorded.stderr, 3)}`);
  }
  return renderFlamegraph(request.benchmark, data, dir, request.svgFile, request.timeoutMs);
}

/** perf data → folded stacks (inferno) → SVG; removes `dir` (which holds the data) afterwards. */
export async function renderFlamegraph(
  benchmark: string,
  data: string,
  dir: string,
  svgFile: string,
  timeoutMs: number,
): Promise<ProfileOutcome> {
  try {
    const script = await spawnCaptured("perf", ["script", "-i", data], { env: toolEnv(), timeoutMs });
    if (script.code !== 0) return skipped(benchmark, `perf script failed: ${tail(script.stderr, 3)}`);
    if (script.stdout.trim() === "") return skipped(benchmark, "perf recorded no samples: the process was idle");
    const folded = await spawnCaptured("inferno-collapse-perf", [], {
      env: toolEnv(),
      input: script.stdout,
      timeoutMs,
    });
    const svg = await spawnCaptured("inferno-flamegraph", ["--title", `${benchmark} (CPU)`], {
      env: toolEnv(),
      input: folded.stdout,
      timeoutMs,
    });
    if (folded.code !== 0 || svg.code !== 0 || !svg.stdout.includes("<svg")) {
      return skipped(benchmark, `rendering the flamegraph failed: ${tail(folded.stderr + svg.stderr, 3)}`);
    }
    await writeFile(svgFile, svg.stdout);
    return { benchmark, status: "recorded", svg: svgFile };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Whether perf and inferno can make a flamegraph here; the reason when not. */
export async function profilerRefusal(workDir: string): Promise<string | undefined> {
  const refusal = await perfRefusal(workDir);
  if (refusal) return refusal;
  for (const program of ["inferno-collapse-perf", "inferno-flamegraph"]) {
    if (!(await hasProgram(program))) return `${program} is not installed (cargo install inferno)`;
  }
  return undefined;
}

export interface CommandProfileRequest {
  /** What is profiled, for the title and messages (e.g. "pipeline copy at 10000 rows"). */
  label: string;
  argv: readonly string[];
  cwd: string;
  env: ChildEnv;
  workDir: string;
  svgFile: string;
  timeoutMs: number;
}

/**
 * A CPU flamegraph of one run of any command (a pipeline iteration): `perf record` with
 * frame-pointer call graphs over the whole process tree, rendered by inferno. The command's
 * own exit status is reported as a skipped profile, never as a failed benchmark.
 */
export async function profileCommand(request: CommandProfileRequest): Promise<ProfileOutcome> {
  const refusal = await profilerRefusal(request.workDir);
  if (refusal) return skipped(request.label, refusal);
  const dir = await mkdtemp(path.join(request.workDir, "profile-"));
  const data = path.join(dir, "perf.data");
  const recorded = await spawnCaptured("perf", ["record", "-q", "-F", "499", "-g", "-o", data, "--", ...request.argv], {
    cwd: request.cwd,
    env: request.env,
    timeoutMs: request.timeoutMs,
  });
  if (recorded.code !== 0) {
    await rm(dir, { recursive: true, force: true });
    return skipped(request.label, `the profiled run failed: ${tail(recorded.stderr, 3)}`);
  }
  return renderFlamegraph(request.label, data, dir, request.svgFile, request.timeoutMs);
}

export interface PythonProfileRequest {
  benchmark: string;
  python: string;
  pytestArgs: readonly string[];
  cwd: string;
  env: ChildEnv;
  svgFile: string;
  timeoutMs: number;
}

/**
 * A CPU flamegraph of one pytest benchmark (its node id) with py-spy, which samples the
 * interpreter from outside and renders the SVG itself.
 */
export async function profilePythonBenchmark(request: PythonProfileRequest): Promise<ProfileOutcome> {
  const pySpy = path.join(path.dirname(request.python), "py-spy");
  const result = await spawnCaptured(
    pySpy,
    [
      "record",
      "--format",
      "flamegraph",
      "--rate",
      "250",
      "-o",
      request.svgFile,
      "--",
      request.python,
      "-m",
      "pytest",
      "--benchmark-only",
      "-p",
      "no:cacheprovider",
      ...request.pytestArgs,
      request.benchmark,
    ],
    { cwd: request.cwd, env: request.env, timeoutMs: request.timeoutMs },
  ).catch((error: Error) => ({ code: -1, stderr: error.message, stdout: "" }));
  if (result.code !== 0) {
    return skipped(
      request.benchmark,
      `py-spy could not profile here: ${tail(`${result.stdout}\n${result.stderr}`, 3)}`,
    );
  }
  const svg = await readFile(request.svgFile, "utf8").catch(() => "");
  if (!svg.includes("<svg")) return skipped(request.benchmark, "py-spy wrote no flamegraph");
  return { benchmark: request.benchmark, status: "recorded", svg: request.svgFile };
}
