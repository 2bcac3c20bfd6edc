import { access, readFile } from "node:fs/promises";
import path from "node:path";
import { ConfigurationError, StepFailure } from "../model/index.js";
import type { ChildEnv } from "../context/child-env.js";
import type { ProcessTreeUsage } from "./process-tree.js";
import { spawnCaptured, tail } from "./spawn.js";

export interface PythonEnvironment {
  dir: string;
  python: string;
  /** The child environment with the venv activated. */
  env: ChildEnv;
}

/** A fresh virtual environment for one run (benchmarks never see another run's packages). */
export async function createVenv(
  interpreter: string,
  dir: string,
  baseEnv: ChildEnv,
  timeoutMs: number,
): Promise<PythonEnvironment> {
  const created = await spawnCaptured(interpreter, ["-m", "venv", dir], { env: baseEnv, timeoutMs }).catch(
    (error: Error) => {
      throw new ConfigurationError(`cannot run the Python interpreter "${interpreter}": ${error.message}`);
    },
  );
  if (created.code !== 0) {
    throw new StepFailure(`${interpreter} -m venv failed (exit ${created.code}):\n${tail(created.stderr)}`);
  }
  const bin = path.join(dir, "bin");
  const env = baseEnv.with({
    VIRTUAL_ENV: dir,
    PATH: `${bin}${path.delimiter}${baseEnv.get("PATH") ?? ""}`,
    PYTHONHOME: undefined,
  });
  return { dir, python: path.join(bin, "python"), env };
}

/** Runs one step of the run (pip, build, dataset generation) and fails with its last lines. */
export async function runStep(
  what: string,
  argv: readonly string[],
  options: { cwd: string; env: ChildEnv; timeoutMs: number },
): Promise<{ stdout: string; stderr: string; durationMs: number }> {
  const [program, ...args] = argv;
  const result = await spawnCaptured(program!, args, options).catch((error: Error) => {
    throw new StepFailure(`${what}: cannot start ${program}: ${error.message}`);
  });
  if (result.timedOut) throw new StepFailure(`${what} exceeded the time budget and was stopped`);
  if (result.code !== 0) {
    throw new StepFailure(`${what} failed (exit ${result.code}):\n${tail(`${result.stdout}\n${result.stderr}`)}`);
  }
  return result;
}

export async function pipInstall(venv: PythonEnvironment, packages: readonly string[], cwd: string, timeoutMs: number) {
  if (packages.length === 0) return;
  // "--" ends pip's options: every word after it is a requirement.
  await runStep(
    `pip install ${packages.join(" ")}`,
    [venv.python, "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "-q", "--", ...packages],
    { cwd, env: venv.env, timeoutMs },
  );
}

/**
 * The distribution name of a pip requirement ("pylance==1.0.0", "lancedb[embeddings]>=0.25",
 * "pkg @ https://…"), or undefined for a path, a URL or a file, which name no distribution.
 */
export function requirementName(requirement: string): string | undefined {
  const spec = requirement.trim();
  const direct = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?\s*@/.exec(spec);
  if (direct) return direct[1];
  if (/^[./~]/.test(spec) || spec.includes("://") || /\.(whl|tar\.gz|zip)$/i.test(spec)) return undefined;
  const match = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:$|[[<>=!~;@(\s])/.exec(spec);
  return match?.[1];
}

/** The installed version of each distribution in the venv (null: not installed), by importlib.metadata. */
export async function installedVersions(
  venv: PythonEnvironment,
  names: readonly string[],
  cwd: string,
): Promise<Record<string, string | null>> {
  if (names.length === 0) return {};
  // The names travel as arguments, never inside the program text.
  const program = [
    "import importlib.metadata as m, json, sys",
    "out = {}",
    "for name in sys.argv[1:]:",
    "    try:",
    "        out[name] = m.version(name)",
    "    except m.PackageNotFoundError:",
    "        out[name] = None",
    "print(json.dumps(out))",
  ].join("\n");
  const { stdout } = await runStep("reading installed package versions", [venv.python, "-c", program, ...names], {
    cwd,
    env: venv.env,
    timeoutMs: 60_000,
  });
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as Record<string, string | null>;
}

export interface PytestRun {
  jsonFile: string;
  /** Where pytest ran (the short summary names files relative to it). */
  cwd: string;
  /** Whether pytest wrote the benchmark JSON. */
  wroteJson: boolean;
  exitCode: number | null;
  output: string;
  /** pytest's JUnit XML report, where it wrote one: the failed tests' whole messages. */
  junitXml: string | undefined;
  /** The run's wall time (start to exit). */
  durationMs: number;
  /** With `measureTree`: the peak RSS and CPU time of pytest's whole process tree. */
  usage?: ProcessTreeUsage;
}

/**
 * `pytest --benchmark-only --benchmark-json=FILE`, with the short summary of failures (`-rfE`)
 * and a JUnit XML report, which together say which tests failed and why (the caller reads
 * them). Exit 5 (nothing collected) and a timeout are errors here.
 */
export async function runPytestBenchmarks(
  venv: PythonEnvironment,
  args: readonly string[],
  jsonFile: string,
  options: { cwd: string; env: ChildEnv; timeoutMs: number; measureTree?: { intervalMs: number } },
): Promise<PytestRun> {
  const junitFile = `${jsonFile.replace(/\.json$/, "")}.junit.xml`;
  const result = await spawnCaptured(
    venv.python,
    [
      "-m",
      "pytest",
      "--benchmark-only",
      `--benchmark-json=${jsonFile}`,
      `--junitxml=${junitFile}`,
      "-p",
      "no:cacheprovider",
      // The summary names failed tests by node id (a -r of the user's comes later and wins).
      "-rfE",
      ...args,
    ],
    options,
  );
  const output = `${result.stdout}\n${result.stderr}`;
  if (result.timedOut) throw new StepFailure("pytest exceeded the time budget and was stopped");
  if (result.code === 5)
    throw new ConfigurationError(
      `pytest collected no benchmarks (check the pytest arguments and markers):\n${tail(output, 5)}`,
    );
  const wroteJson = await access(jsonFile).then(
    () => true,
    () => false,
  );
  const junitXml = await readFile(junitFile, "utf8").catch(() => undefined);
  return {
    jsonFile,
    cwd: options.cwd,
    wroteJson,
    exitCode: result.code,
    output,
    junitXml,
    durationMs: result.durationMs,
    ...(result.usage ? { usage: result.usage } : {}),
  };
}
