import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ACTION_DECLARATIONS } from "../../src/commands/declarations.js";
import { actionInputs } from "../../src/model/index.js";
import { ROOT, tempDir } from "../support/helpers.js";

// The generator reads the compiled declarations: `npm run build` first, as `npm run bundle` does.
const generate = (readme: string, ...args: string[]) =>
  spawnSync(process.execPath, [path.join(ROOT, "scripts/gen-readme-tables.mjs"), ...args], {
    env: { ...process.env, LANCE_BENCH_README: readme },
    encoding: "utf8",
  });

const README = path.join(ROOT, "README.md");
const committed = readFileSync(README, "utf8");
const tableOf = (document: string, name: string) =>
  document.slice(document.indexOf(`<!-- inputs:${name}:start -->`), document.indexOf(`<!-- inputs:${name}:end -->`));

describe("README.md's action tables", () => {
  it("match the declarations (the committed README passes --check)", () => {
    const run = generate(README, "--check");
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });

  it.each(ACTION_DECLARATIONS.map((d) => [d.name, d] as const))("%s: a row per input and output", (name, d) => {
    const table = tableOf(committed, name);
    for (const input of actionInputs(d)) expect(table).toMatch(new RegExp(`^\\| \`${input.name}\` +\\|`, "m"));
    for (const output of Object.keys(d.outputs)) expect(table).toMatch(new RegExp(`^\\| \`${output}\` +\\|`, "m"));
    const rows = table.split("\n").filter((line) => /^\| `/.test(line));
    expect(rows).toHaveLength(actionInputs(d).length + Object.keys(d.outputs).length);
  });

  it("--check fails on a stale table, naming its action, and a run rewrites it", () => {
    const copy = path.join(tempDir("lance-bench-readme-"), "README.md");
    const stale = committed.replace(/^\| `recent` .*\n/m, "");
    expect(stale).not.toBe(committed);
    writeFileSync(copy, stale);
    const check = generate(copy, "--check");
    expect(check.status).toBe(1);
    expect(check.stderr).toContain("report");
    expect(check.stderr).not.toContain("compare-pr");
    expect(readFileSync(copy, "utf8")).toBe(stale);

    const write = generate(copy);
    expect(write.status).toBe(0);
    expect(readFileSync(copy, "utf8")).toBe(committed);
  });

  it("--check fails when an action's markers are missing", () => {
    const copy = path.join(tempDir("lance-bench-readme-"), "README.md");
    writeFileSync(copy, committed.replaceAll("<!-- inputs:schedule:", "<!-- gone:schedule:"));
    const check = generate(copy, "--check");
    expect(check.status).toBe(1);
    expect(check.stderr).toContain("schedule");
  });
});
