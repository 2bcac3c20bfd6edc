import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, type CliIo } from "../../src/cli.js";
import { VERSION } from "../../src/version.js";
import { ROOT, tempDir } from "../support/helpers.js";

/** Runs the CLI in this process and collects what it prints. */
async function cli(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: { HOME: tempDir() } };
  const code = await runCli(argv, io);
  return { code, stdout, stderr, lines: stderr.trimEnd().split("\n") };
}

describe("CLI usage errors", () => {
  // One line saying what is wrong, one saying where to read more: never the whole help,
  // which pushes the one useful line off the screen.
  it.each([
    [["nope"], "unknown command 'nope'", "see lance-bench --help"],
    [["publish", "x.json", "--bogus"], "unknown option '--bogus'", "see lance-bench publish --help"],
    [["publish"], "missing required argument 'files'", "see lance-bench publish --help"],
    [["run-rust", "--repo", ".", "--runner", "x"], "argument 'x' is invalid", "see lance-bench run-rust --help"],
    [["compare", "--base"], "'--base <input...>' argument missing", "see lance-bench compare --help"],
    [["has-results"], "required option '--sha <sha>' not specified", "see lance-bench has-results --help"],
  ])("%j: one error line and one hint", async (argv, error, hint) => {
    const run = await cli(...argv);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.lines).toHaveLength(2);
    expect(run.lines[0]).toMatch(/^lance-bench: error: /);
    expect(run.lines[0]).toContain(error);
    expect(run.lines[1]).toBe(hint);
  });

  it("names the flag and the value it could not read", async () => {
    const run = await cli("run-rust", "--repo", ".", "--budget-minutes", "abc");
    expect(run.code).toBe(2);
    expect(run.lines).toEqual(['lance-bench: error: --budget-minutes: expected a number, got "abc"']);
    const negative = await cli("run-pipeline", "--repo", ".", "--iters", "0");
    expect(negative.lines).toEqual(['lance-bench: error: --iters: must be at least 1, got "0"']);
  });

  it("takes one source of run-python's version, not two", async () => {
    const run = await cli("run-python", "--repo", ".", "--dut-version", "1.0", "--dut-version-from-package", "pylance");
    expect(run.code).toBe(2);
    expect(run.lines).toEqual(["lance-bench: error: --dut-version-from-package: give it or dut-version, not both"]);
  });

  it("suggests only flags the command has", async () => {
    // run-rust on a folder that is no git checkout: publish's --dut-timestamp is no help here.
    const run = await cli("run-rust", "--repo", tempDir());
    expect(run.code).toBe(2);
    expect(run.lines).toHaveLength(1);
    expect(run.stderr).toMatch(/is it a git checkout\?/);
    expect(run.stderr).not.toMatch(/--dut-timestamp|--dut-version/);
  });
});

describe("CLI version and help", () => {
  it("prints its version, the package's", async () => {
    const run = await cli("--version");
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(VERSION);
    const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });

  it("runs as the README says, npx lance-bench, from the package's bin", () => {
    const run = spawnSync("npx", ["--no-install", "lance-bench", "--version"], { cwd: ROOT, encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe(VERSION);
  });

  it("every run command accepts --dut-name and --dut-version", async () => {
    for (const command of ["run-rust", "run-python", "run-pipeline"]) {
      const help = await cli(command, "--help");
      expect(help.stdout, command).toMatch(/--dut-name <name>/);
      expect(help.stdout, command).toMatch(/--dut-version <version>/);
    }
  });
});

describe("the Node the package declares", () => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    engines: { node: string };
    devDependencies: Record<string, string>;
  };
  const major = (version: string) => Number(/(\d+)/.exec(version)![1]);

  it("declares 22+, which LanceDB needs, and brings a Node that satisfies it to every npm script", () => {
    expect(pkg.engines.node).toBe(">=22");
    const lancedb = JSON.parse(readFileSync(path.join(ROOT, "node_modules/@lancedb/lancedb/package.json"), "utf8")) as {
      engines: { node: string };
    };
    expect(major(lancedb.engines.node)).toBeLessThanOrEqual(major(pkg.engines.node));
    // The `node` devDependency is the Node that `npm test`, `npm run demo` and `npx` run on
    // where the machine's own Node is older; the actions' runtime is node24.
    expect(major(pkg.devDependencies.node!)).toBe(24);
  });

  it("runs this test on that Node", () => {
    expect(major(process.versions.node)).toBeGreaterThanOrEqual(22);
  });
});
