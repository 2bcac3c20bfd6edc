import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { RuntimeSetupError } from "../model/errors.js";
import { isSecretVariable } from "../model/secret-variables.js";
import type { RuntimePlatform } from "./platform.js";

/**
 * The environment npm installs the runtime with: the action's own, minus every variable that
 * may hold a credential (isSecretVariable: the action's inputs, the runner's tokens, cloud
 * keys). npm needs none of them; it keeps PATH, HOME and its own `npm_config_*` settings (a
 * registry mirror, a proxy).
 */
export function installEnvironment(parent: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined) continue;
    const keep = name === "PATH" || name === "HOME" || name.toLowerCase().startsWith("npm_config_");
    if (keep || !isSecretVariable(name)) env[name] = value;
  }
  return env;
}

/** The npm to run: the one shipped beside this Node when there is one, else `npm` on PATH. */
export function npmCommand(): { command: string; prefixArgs: string[] } {
  const bin = path.dirname(process.execPath);
  for (const cli of [
    path.join(bin, "../lib/node_modules/npm/bin/npm-cli.js"),
    path.join(bin, "node_modules/npm/bin/npm-cli.js"),
  ]) {
    if (existsSync(cli)) return { command: process.execPath, prefixArgs: [cli] };
  }
  return { command: process.platform === "win32" ? "npm.cmd" : "npm", prefixArgs: [] };
}

/** The arguments of the install: the committed lockfile as is, no dev packages, no scripts. */
export function npmCiArgs(platform: RuntimePlatform): string[] {
  return [
    "ci",
    "--omit=dev",
    "--ignore-scripts",
    "--no-audit",
    "--no-fund",
    "--loglevel=error",
    `--os=${platform.os}`,
    `--cpu=${platform.cpu}`,
    ...(platform.libc ? [`--libc=${platform.libc}`] : []),
  ];
}

/**
 * `npm ci` in `dir` (which holds the runtime package.json and package-lock.json), for
 * `platform`'s native packages, with the environment installEnvironment builds.
 */
export function npmCi(dir: string, platform: RuntimePlatform, parentEnv: NodeJS.ProcessEnv): Promise<void> {
  const { command, prefixArgs } = npmCommand();
  const args = [...prefixArgs, ...npmCiArgs(platform)];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: dir,
      env: installEnvironment(parentEnv),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += String(chunk)));
    child.stderr.on("data", (chunk) => (output += String(chunk)));
    child.on("error", (error) =>
      reject(new RuntimeSetupError(`cannot run npm to install the LanceDB runtime: ${error.message}`)),
    );
    child.on("close", (code, signal) => {
      if (code === 0) resolve();
      else
        reject(
          new RuntimeSetupError(
            `npm ci of the LanceDB runtime in ${dir} failed (${signal ?? `exit ${code}`}):\n${output.trim().slice(-4000)}`,
          ),
        );
    });
  });
}
