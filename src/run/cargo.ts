import { createHash } from "node:crypto";
import { readFile, realpath } from "node:fs/promises";
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import { resolveInside } from "../context/paths.js";
import { runProgram } from "../context/process.js";
import { ConfigurationError } from "../model/index.js";
import { exists } from "./build-cache.js";
import { spawnCaptured, tail } from "./spawn.js";
import type { ChildEnv } from "../context/child-env.js";
import type { ProcessTreeUsage } from "./process-tree.js";

/** A workspace member with at least one `[[bench]]` target. */
export interface BenchCrate {
  name: string;
  /** Folder of its Cargo.toml, relative to the checkout. */
  path: string;
}

/** The crates to benchmark: the given paths (checked), else every member that declares benches. */
export async function resolveCrates(checkout: string, requested: readonly string[]): Promise<BenchCrate[]> {
  if (requested.length > 0) {
    return Promise.all(
      requested.map(async (cratePath) => {
        const crateDir = await resolveInside(checkout, cratePath, "crate path", "the repository");
        const normalized = path.relative(await realpath(checkout), crateDir) || ".";
        const manifest = path.join(crateDir, "Cargo.toml");
        if (!(await exists(manifest))) {
          throw new ConfigurationError(`crate path "${cratePath}" has no Cargo.toml in the repository`);
        }
        const parsed = parseToml(await readFile(manifest, "utf8")) as { package?: { name?: unknown } };
        const name = parsed.package?.name;
        return { name: typeof name === "string" ? name : path.basename(normalized), path: normalized };
      }),
    );
  }
  const { stdout } = await runProgram("cargo", ["metadata", "--no-deps", "--format-version", "1"], {
    cwd: checkout,
    timeoutMs: 300_000,
  }).catch((error: Error) => {
    throw new ConfigurationError(`cannot list the workspace's crates: ${error.message}`);
  });
  const metadata = JSON.parse(stdout) as {
    packages: { name: string; manifest_path: string; targets: { kind: string[] }[] }[];
  };
  const crates = metadata.packages
    .filter((p) => p.targets.some((t) => t.kind.includes("bench")))
    .map((p) => ({ name: p.name, path: path.relative(checkout, path.dirname(p.manifest_path)) || "." }));
  if (crates.length === 0) throw new ConfigurationError(`no crate in "${checkout}" declares a benchmark`);
  return crates;
}

/** The channel named by rust-toolchain(.toml), if the project pins one. */
export async function pinnedToolchain(checkout: string): Promise<string | undefined> {
  const tomlFile = path.join(checkout, "rust-toolchain.toml");
  if (await exists(tomlFile)) {
    const parsed = parseToml(await readFile(tomlFile, "utf8")) as { toolchain?: { channel?: unknown } };
    if (typeof parsed.toolchain?.channel === "string") return parsed.toolchain.channel;
  }
  const plain = path.join(checkout, "rust-toolchain");
  if (await exists(plain)) {
    const text = (await readFile(plain, "utf8")).trim();
    if (text.startsWith("[")) {
      const parsed = parseToml(text) as { toolchain?: { channel?: unknown } };
      return typeof parsed.toolchain?.channel === "string" ? parsed.toolchain.channel : undefined;
    }
    return text || undefined;
  }
  return undefined;
}

/**
 * Makes sure the project's pinned toolchain is installed (rustup would otherwise download it
 * in the middle of the first cargo call, inside the time budget) and returns `rustc -V`.
 */
export async function ensureToolchain(checkout: string, log: (m: string) => void): Promise<string> {
  const channel = await pinnedToolchain(checkout);
  if (channel !== undefined) {
    if (!/^[A-Za-z0-9._-]+$/.test(channel))
      throw new ConfigurationError(`rust-toolchain names "${channel}", not a toolchain`);
    const installed = (await runProgram("rustup", ["toolchain", "list"]).catch(() => ({ stdout: "" }))).stdout;
    if (!installed.split("\n").some((line) => line.startsWith(channel))) {
      log(`installing the pinned Rust toolchain ${channel} with rustup`);
      await runProgram("rustup", ["toolchain", "install", channel, "--profile", "minimal"], { timeoutMs: 900_000 });
    }
  }
  return (await runProgram("rustc", ["--version"], { cwd: checkout })).stdout.trim();
}

/** Short hash of a file's content, or "none" when it does not exist (cache keys). */
export async function fileHash(file: string): Promise<string> {
  try {
    return createHash("sha256")
      .update(await readFile(file))
      .digest("hex")
      .slice(0, 16);
  } catch {
    return "none";
  }
}

export interface CargoBenchRequest {
  crateDir: string;
  runner: "cargo-criterion" | "cargo-bench";
  benches: readonly string[];
  filter?: string | undefined;
  features?: string | undefined;
  cargoArgs: readonly string[];
  env: ChildEnv;
  timeoutMs: number;
  onStderr?: (chunk: string) => void;
  onStart?: () => void;
  /** Sample the process tree's RSS every this many ms and measure its CPU time (`usage`). */
  measureTree?: { intervalMs: number };
}

export interface CargoBenchOutput {
  /** cargo-criterion's JSON messages, or the bench binaries' console output. */
  stdout: string;
  stderr: string;
  durationMs: number;
  /** Crates cargo compiled in this run ("Compiling NAME vX"): shows what the build cache saved. */
  compiled: string[];
  /** With `measureTree`: the peak RSS and CPU time of the whole process tree. */
  usage?: ProcessTreeUsage;
}

export class CargoFailure extends Error {
  constructor(
    message: string,
    readonly timedOut: boolean,
  ) {
    super(message);
  }
}

/** Whether `cargo criterion` is installed. */
export async function hasCargoCriterion(): Promise<boolean> {
  return runProgram("cargo", ["criterion", "--version"]).then(
    () => true,
    () => false,
  );
}

type CargoBenchArgs = Omit<CargoBenchRequest, "env" | "timeoutMs" | "crateDir" | "measureTree">;

/**
 * The cargo command line for one crate (arguments only; no shell ever sees them). With
 * `noRun`, the build alone: the same targets, features and arguments, so the run that follows
 * finds everything built.
 */
export function cargoBenchArgs(request: CargoBenchArgs, noRun = false): string[] {
  const args =
    request.runner === "cargo-criterion"
      ? ["criterion", "--message-format=json", "--plotting-backend", "disabled"]
      : ["bench"];
  if (noRun) args.push("--no-run");
  for (const bench of request.benches) args.push("--bench", bench);
  if (request.features) args.push("--features", request.features);
  args.push(...request.cargoArgs);
  if (request.filter !== undefined && !noRun) args.push("--", request.filter);
  return args;
}

/**
 * Builds a crate's benchmarks without running them (`--no-run`), so that the measured runs
 * after it build nothing: their wall time, CPU time and peak RSS are the benchmarks', not
 * rustc's. Returns the crates compiled.
 */
export async function buildCargoBench(request: Omit<CargoBenchRequest, "measureTree">): Promise<string[]> {
  return (await cargo(cargoBenchArgs(request, true), request)).compiled;
}

export async function runCargoBench(request: CargoBenchRequest): Promise<CargoBenchOutput> {
  return cargo(cargoBenchArgs(request), request);
}

async function cargo(args: string[], request: CargoBenchRequest): Promise<CargoBenchOutput> {
  const result = await spawnCaptured("cargo", args, {
    cwd: request.crateDir,
    env: request.env,
    timeoutMs: request.timeoutMs,
    onStderr: request.onStderr,
    onStart: request.onStart,
    ...(request.measureTree ? { measureTree: request.measureTree } : {}),
  });
  if (result.timedOut) {
    throw new CargoFailure(
      `exceeded its time budget of ${Math.round(request.timeoutMs / 60_000)} min and was stopped`,
      true,
    );
  }
  if (result.code !== 0) {
    throw new CargoFailure(`cargo ${args.join(" ")} failed (exit ${result.code}):\n${tail(result.stderr)}`, false);
  }
  const compiled = [...result.stderr.matchAll(/^\s*Compiling (\S+) v/gm)].map((m) => m[1]!);
  return {
    stdout: result.stdout,
    stderr: result.stderr,
    durationMs: result.durationMs,
    compiled,
    ...(result.usage ? { usage: result.usage } : {}),
  };
}
