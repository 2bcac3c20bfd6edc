import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { assertFreshDist } from "./fresh-dist.js";
import { ROOT, cleanEnv } from "./helpers.js";

export interface BundleRun {
  code: number;
  /** stdout and stderr together: workflow commands (::error::, ::add-mask::) land here. */
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
}

/**
 * Runs a committed action bundle (`dist/<name>/index.js`) as the runner runs a node24 action:
 * inputs as INPUT_* variables, outputs and the job summary in files, as on a runner. `distDir`
 * runs a copy of dist/ instead (outside this checkout); a variable of `env` set to undefined is
 * left out of the bundle's environment.
 */
export function runActionBundle(
  name: string,
  dir: string,
  inputs: Record<string, string>,
  env: NodeJS.ProcessEnv,
  cwd?: string,
  distDir = path.join(ROOT, "dist"),
): Promise<BundleRun> {
  assertFreshDist();
  const outputFile = path.join(dir, `output-${Math.random().toString(36).slice(2)}`);
  const summaryFile = `${outputFile}.summary`;
  writeFileSync(outputFile, "");
  writeFileSync(summaryFile, "");
  const childEnv: NodeJS.ProcessEnv = {
    ...cleanEnv(),
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    ...env,
  };
  for (const [input, value] of Object.entries(inputs)) childEnv[`INPUT_${input.toUpperCase()}`] = value;
  return new Promise((resolve) => {
    for (const [key, value] of Object.entries(childEnv)) if (value === undefined) delete childEnv[key];
    const child = spawn(process.execPath, [path.join(distDir, name, "index.js")], { env: childEnv, cwd });
    let stdout = "";
    child.stdout.on("data", (c) => (stdout += String(c)));
    child.stderr.on("data", (c) => (stdout += String(c)));
    child.on("close", (code) => {
      const outputs: Record<string, string> = {};
      for (const m of readFileSync(outputFile, "utf8").matchAll(/^(.+?)<<(.+)\n([\s\S]*?)\n\2$/gm))
        outputs[m[1]!] = m[3]!;
      resolve({ code: code ?? -1, stdout, outputs, summary: readFileSync(summaryFile, "utf8") });
    });
  });
}
