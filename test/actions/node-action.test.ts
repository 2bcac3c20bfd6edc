import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { ROOT } from "../support/helpers.js";

/**
 * The actions are `node24` JavaScript actions: only those get the runner's
 * ACTIONS_RUNTIME_TOKEN, ACTIONS_RESULTS_URL and ACTIONS_CACHE_URL (artifacts, GitHub's
 * cache), never a `run:` step (docs/architecture.md).
 */
const ACTIONS = ["schedule", "run-rust", "run-python", "run-pipeline", "publish", "compare-pr"];
const load = (file: string) => parseYaml(readFileSync(path.join(ROOT, file), "utf8"));
const actionFiles = [
  "action.yml",
  ...readdirSync(path.join(ROOT, "actions")).map((name) => path.join("actions", name, "action.yml")),
];

describe("node24 actions", () => {
  it.each(ACTIONS)("actions/%s is a node24 action whose main is its bundle", (name) => {
    const yml = load(`actions/${name}/action.yml`);
    expect(yml.runs).toEqual({ using: "node24", main: `../../dist/${name}/index.js` });
    expect(existsSync(path.join(ROOT, "actions", name, yml.runs.main))).toBe(true);
    for (const output of Object.values(yml.outputs as Record<string, object>))
      expect(output).not.toHaveProperty("value");
  });

  it("the root action runs no bundle: it is a stub pointing to the actions", () => {
    const yml = load("action.yml");
    expect(yml.runs.using).toBe("composite");
    expect(existsSync(path.join(ROOT, "dist/main"))).toBe(false);
  });

  it("no action.yml has a `run:` step that calls a bundle", () => {
    for (const file of actionFiles) {
      const steps: { run?: string }[] = load(file).runs.steps ?? [];
      for (const step of steps) expect(step.run ?? "", file).not.toMatch(/dist\/|index\.js/);
    }
  });

  it("actions/prepare composes the third-party actions, each pinned to a full commit sha", () => {
    const yml = load("actions/prepare/action.yml");
    expect(yml.runs.using).toBe("composite");
    const uses = (yml.runs.steps as { uses?: string }[]).flatMap((s) => (s.uses ? [s.uses] : []));
    expect(uses.map((u) => u.split("@")[0])).toEqual(["actions/checkout", "actions/cache", "actions/setup-python"]);
    for (const use of uses) expect(use).toMatch(/@[0-9a-f]{40}$/);
  });

  it("workflows and examples pin third-party actions by full sha and prepare before running", () => {
    const files = [".github/workflows", "examples/workflows"].flatMap((dir) =>
      readdirSync(path.join(ROOT, dir)).map((f) => path.join(dir, f)),
    );
    for (const file of files) {
      const text = readFileSync(path.join(ROOT, file), "utf8");
      for (const m of text.matchAll(/uses: (actions\/[\w-]+)@(\S+)/g))
        expect(m[2], `${file}: ${m[1]}`).toMatch(/^[0-9a-f]{40}$/);
    }
  });
});
