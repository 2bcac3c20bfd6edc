import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { handleBenchComment, parseBenchCommentOptions } from "../../src/commands/bench-comment.js";
import { createGitHubClient } from "../../src/github/client.js";
import { conformingExample } from "../support/github-openapi.js";
import { startGitHubServer, type GitHubServer } from "../support/github-server.js";
import { ROOT, tempDir } from "../support/helpers.js";

/*
 * Static checks of the shipped reusable workflows (.github/workflows) and of the callers the
 * README shows (examples/workflows): what they hand to lance-bench's actions exists there, the
 * dispatch target declares what the scheduler and @bench-bot send, the copies of the
 * per-language jobs in run-benchmarks.yml stay copies, no secret reaches a pull request's run,
 * and every job refuses a lance-bench-ref, git_sha or pr_number that is not one before anything
 * runs, reading the value through `env:` only, never spliced into a script.
 */
interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Job {
  name?: string;
  if?: string;
  needs?: string[];
  uses?: string;
  with?: Record<string, unknown>;
  secrets?: Record<string, string>;
  permissions?: Record<string, string>;
  "runs-on"?: string;
  "timeout-minutes"?: number | string;
  services?: unknown;
  steps?: Step[];
}
interface InputDeclaration {
  type?: string;
  required?: boolean;
  default?: unknown;
}
interface Workflow {
  on: {
    workflow_call?: {
      inputs?: Record<string, InputDeclaration>;
      secrets?: Record<string, { required?: boolean }>;
    };
    workflow_dispatch?: { inputs?: Record<string, InputDeclaration> } | null;
  };
  jobs: Record<string, Job>;
}
interface ActionYml {
  inputs?: Record<string, { required?: boolean; default?: unknown }>;
}

const WORKFLOW_DIR = path.join(ROOT, ".github/workflows");
const EXAMPLE_DIR = path.join(ROOT, "examples/workflows");
const text = (file: string) => readFileSync(file, "utf8");
const readWorkflow = (file: string) => parseYaml(text(file)) as Workflow;
const yamlFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith(".yml"))
    .sort();

/** The reusable workflows lance-bench ships: every workflow_call file in .github/workflows. */
const REUSABLE = yamlFiles(WORKFLOW_DIR).filter((f) => readWorkflow(path.join(WORKFLOW_DIR, f)).on.workflow_call);
const read = (file: string) => readWorkflow(path.join(WORKFLOW_DIR, file));
const example = (file: string) => readWorkflow(path.join(EXAMPLE_DIR, file));
const ALL_FILES = [
  ...yamlFiles(WORKFLOW_DIR).map((f) => path.join(WORKFLOW_DIR, f)),
  ...yamlFiles(EXAMPLE_DIR).map((f) => path.join(EXAMPLE_DIR, f)),
];

const SHA = "0123456789abcdef0123456789abcdef01234567";
const LOCAL_ACTION = /^\.\/\.lance-bench\/actions\/([\w-]+)$/;
const REMOTE_ACTION = /^lancedb\/lance-bench\/actions\/([\w-]+)@[0-9a-f]{40}$/;
const REMOTE_WORKFLOW = /^lancedb\/lance-bench\/\.github\/workflows\/([\w.-]+)@[0-9a-f]{40}$/;

function actionInputs(name: string): { all: Set<string>; required: Set<string> } {
  const file = path.join(ROOT, "actions", name, "action.yml");
  expect(existsSync(file), `actions/${name}/action.yml`).toBe(true);
  const inputs = (parseYaml(text(file)) as ActionYml).inputs ?? {};
  const all = new Set(Object.keys(inputs));
  const required = new Set(
    Object.entries(inputs)
      .filter(([, d]) => d.required === true && d.default === undefined)
      .map(([k]) => k),
  );
  return { all, required };
}

/** Every step of every job of a file that runs one of lance-bench's actions. */
function actionSteps(file: string): { job: string; step: Step; action: string }[] {
  const out: { job: string; step: Step; action: string }[] = [];
  for (const [job, spec] of Object.entries(readWorkflow(file).jobs)) {
    for (const step of spec.steps ?? []) {
      const match = LOCAL_ACTION.exec(step.uses ?? "") ?? REMOTE_ACTION.exec(step.uses ?? "");
      if (match) out.push({ job, step, action: match[1]! });
    }
  }
  return out;
}

/** The `inputs.<name>` an expression-bearing value reads. */
const inputsRead = (value: unknown) =>
  new Set([...JSON.stringify(value).matchAll(/inputs\.([\w-]+)/g)].map((m) => m[1]!));

function runStep(step: Step, env: Record<string, string>, cwd = tempDir("lance-bench-workflow-step-")) {
  const result = spawnSync("bash", ["-e", "-c", step.run!], {
    cwd,
    env: { PATH: process.env.PATH, ...env },
    encoding: "utf8",
  });
  return { ...result, cwd };
}

describe.each(REUSABLE)("%s", (file) => {
  const workflow = read(file);

  it("requires lance-bench-ref, with no default", () => {
    const input = workflow.on.workflow_call!.inputs!["lance-bench-ref"]!;
    expect(input.required).toBe(true);
    expect(input.default).toBeUndefined();
  });

  it("grants nothing at the top; each job asks for its own, with a reason", () => {
    const raw = text(path.join(WORKFLOW_DIR, file));
    const top = (parseYaml(raw) as { permissions?: unknown }).permissions;
    expect(top === undefined || JSON.stringify(top) === "{}" || JSON.stringify(top) === '{"contents":"read"}').toBe(
      true,
    );
    for (const [id, job] of Object.entries(workflow.jobs)) {
      for (const scope of Object.keys(job.permissions ?? {})) {
        // each grant carries a comment on its line
        expect(raw, `${id}: ${scope}`).toMatch(new RegExp(`\\n\\s+${scope}: (read|write) # \\S`));
      }
    }
  });

  describe.each(Object.keys(workflow.jobs))("job %s", (job) => {
    const spec = workflow.jobs[job]!;
    const steps = spec.steps!;
    const guard = steps[0]!;

    it("has a name and a timeout, and checks out without persisting credentials", () => {
      expect(spec.name).toBeTruthy();
      expect(spec["timeout-minutes"]).toBeDefined();
      for (const step of steps.filter((s) => (s.uses ?? "").startsWith("actions/checkout@"))) {
        expect(step.with?.["persist-credentials"], step.name).toBe(false);
      }
    });

    it("splices no expression into a script", () => {
      for (const step of steps.filter((s) => s.run)) expect(step.run, step.name).not.toContain("${{");
    });

    it("checks the ref in its first step, through env only, before lance-bench is used", () => {
      expect(guard.shell).toBe("bash");
      expect(guard.env).toEqual({ LANCE_BENCH_REF: "${{ inputs.lance-bench-ref }}" });
      expect(guard.run).not.toContain("${{");
      const firstLanceBench = steps.findIndex(
        (s) => (s.uses ?? "").includes(".lance-bench") || JSON.stringify(s).includes("lance-bench-ref"),
      );
      expect(firstLanceBench).toBe(0);
    });

    it.each([
      ["main", false],
      ["$(touch pwned)", false],
      ["`touch pwned`", false],
      [`${"a".repeat(40)}\ntouch pwned`, false],
      ["0123456789abcdef0123456789abcdef0123456", false], // 39 hex digits
      [`${"a".repeat(40)}0`, false], // 41
      ["g".repeat(40), false],
      ["", false],
      ["0123456789abcdef0123456789abcdef01234567", true],
      ["0123456789ABCDEF0123456789ABCDEF01234567", true],
    ])("%j → accepted: %s", (ref, ok) => {
      const result = runStep(guard, { LANCE_BENCH_REF: ref });
      expect(result.status).toBe(ok ? 0 : 1);
      if (!ok) expect(result.stdout).toMatch(/^::error::lance-bench-ref must be a full lance-bench commit sha/);
      expect(result.stdout).not.toContain("pwned");
      expect(existsSync(path.join(result.cwd, "pwned"))).toBe(false);
    });
  });
});

describe("the inputs given to lance-bench's actions exist there", () => {
  const uses = ALL_FILES.flatMap((file) => actionSteps(file).map((s) => ({ ...s, file: path.relative(ROOT, file) })));

  it("finds the action steps of the new workflows", () => {
    const files = new Set(uses.map((u) => u.file));
    for (const f of [
      "schedule-benchmarks.yml",
      "run-benchmarks.yml",
      "run-rust-benchmarks.yml",
      "run-python-benchmarks.yml",
      "run-pipeline-benchmarks.yml",
      "bench-bot.yml",
      "report.yml",
    ]) {
      expect(files).toContain(`.github/workflows/${f}`);
    }
  });

  it.each(uses.map((u) => [`${u.file} ${u.job}: ${u.step.name ?? u.action}`, u] as const))("%s", (_, u) => {
    const { all, required } = actionInputs(u.action);
    const given = Object.keys(u.step.with ?? {});
    expect(
      given.filter((k) => !all.has(k)),
      `inputs actions/${u.action} does not declare`,
    ).toEqual([]);
    expect(
      [...required].filter((k) => !given.includes(k)),
      `required inputs of actions/${u.action}`,
    ).toEqual([]);
  });

  it("fails on an input the action does not declare (the check itself)", () => {
    const { all } = actionInputs("run-rust");
    expect(all.has("crates")).toBe(true);
    expect(all.has("crate")).toBe(false);
  });
});

describe("the examples call the shipped reusable workflows as they are declared", () => {
  const calls = yamlFiles(EXAMPLE_DIR).flatMap((file) =>
    Object.entries(example(file).jobs)
      .filter(([, job]) => REMOTE_WORKFLOW.test(job.uses ?? ""))
      .map(([id, job]) => [`${file} ${id}`, job] as const),
  );

  it("has callers of each workflow the README names", () => {
    const called = new Set(calls.map(([, job]) => REMOTE_WORKFLOW.exec(job.uses!)![1]));
    for (const f of REUSABLE) expect(called, f).toContain(f);
  });

  it.each(calls)("%s", (_, job) => {
    const target = REMOTE_WORKFLOW.exec(job.uses!)![1]!;
    const declared = read(target).on.workflow_call!;
    const inputs = declared.inputs ?? {};
    const given = Object.keys(job.with ?? {});
    expect(
      given.filter((k) => !(k in inputs)),
      `inputs ${target} does not declare`,
    ).toEqual([]);
    const required = Object.entries(inputs)
      .filter(([, d]) => d.required)
      .map(([k]) => k);
    expect(
      required.filter((k) => !given.includes(k)),
      `required inputs of ${target}`,
    ).toEqual([]);
    const secrets = Object.keys(job.secrets ?? {});
    expect(
      secrets.filter((k) => !(k in (declared.secrets ?? {}))),
      `secrets ${target} does not declare`,
    ).toEqual([]);
    // the pin and the code it runs are the same lance-bench commit
    expect(job.uses!.split("@")[1]).toBe(job.with?.["lance-bench-ref"]);
  });

  it("dispatches workflows that exist among the examples", () => {
    for (const file of ["schedule-benchmarks.yml", "bench-bot.yml"]) {
      const job = Object.values(example(file).jobs)[0]!;
      expect(existsSync(path.join(EXAMPLE_DIR, String(job.with?.workflow)))).toBe(true);
    }
  });
});

describe("the dispatch target declares exactly what the scheduler and @bench-bot send", () => {
  const REPO = "lance-format/lance";
  const HEAD = "c".repeat(40);
  const TOKEN = "ghp_FAKEreusableWORKFLOWtoken012345";
  let server: GitHubServer;
  let benchBotInputs: Record<string, string>;

  beforeAll(async () => {
    server = await startGitHubServer();
    const pull = conformingExample("GET", "/repos/{owner}/{repo}/pulls/{pull_number}");
    const head = pull.head as Record<string, unknown>;
    server.route("GET", `/repos/${REPO}/pulls/7`, [
      {
        status: 200,
        body: {
          ...pull,
          number: 7,
          updated_at: "2026-03-01T11:00:00Z",
          head: {
            ...head,
            sha: HEAD,
            repo: { ...(head.repo as object), full_name: "contributor/lance", pushed_at: "2026-03-01T10:00:00Z" },
          },
        },
      },
    ]);
    server.route("GET", `/repos/${REPO}/collaborators/maintainer/permission`, [
      {
        status: 200,
        body: {
          ...conformingExample("GET", "/repos/{owner}/{repo}/collaborators/{username}/permission"),
          permission: "write",
          role_name: "write",
        },
      },
    ]);
    server.route("POST", `/repos/${REPO}/issues/comments/9/reactions`, [
      {
        status: 201,
        body: conformingExample("POST", "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", 201),
      },
    ]);
    server.route("POST", `/repos/${REPO}/actions/workflows/run-benchmarks.yml/dispatches`, [{ status: 204 }]);
    const outcome = await handleBenchComment(
      parseBenchCommentOptions({ workflow: "run-benchmarks.yml", token: TOKEN }),
      {
        action: "created",
        comment: {
          id: 9,
          body: "@bench-bot benchmark --crate rust/lance",
          user: { login: "maintainer" },
          created_at: "2026-03-01T12:00:00Z",
        },
        issue: { number: 7, pull_request: { url: `https://api.github.com/repos/${REPO}/pulls/7` } },
        repository: { full_name: REPO },
      },
      { client: createGitHubClient({ token: TOKEN, baseUrl: server.url, retryBaseMs: 10 }) },
    );
    expect(outcome.kind).toBe("dispatched");
    const dispatch = server.requests.find((r) => r.path.endsWith("/dispatches"))!;
    benchBotInputs = (dispatch.body as { inputs: Record<string, string> }).inputs;
  });
  afterAll(() => server?.close());

  /** What the scheduler sends: its sha-input (git_sha by default), plus extra inputs the caller names. */
  function schedulerInputs(): string[] {
    const schedule = parseYaml(text(path.join(ROOT, "actions/schedule/action.yml"))) as ActionYml;
    const shaInput = String(schedule.inputs!["sha-input"]!.default);
    const step = actionSteps(path.join(WORKFLOW_DIR, "schedule-benchmarks.yml"))[0]!.step;
    expect(step.with).not.toHaveProperty("sha-input");
    expect(step.with).not.toHaveProperty("key-input");
    return [shaInput];
  }

  it("@bench-bot sends git_sha, pr_number, pr_repo, run_rust, run_python, rust_crates; the scheduler git_sha", () => {
    expect(Object.keys(benchBotInputs).sort()).toEqual(
      ["git_sha", "pr_number", "pr_repo", "run_rust", "run_python", "rust_crates"].sort(),
    );
    expect(benchBotInputs).toMatchObject({ git_sha: HEAD, pr_number: "7", pr_repo: "contributor/lance" });
    expect(schedulerInputs()).toEqual(["git_sha"]);
  });

  it("run-benchmarks.yml takes them (and no other dispatch-style input); git_sha alone is required", () => {
    const inputs = read("run-benchmarks.yml").on.workflow_call!.inputs!;
    const dispatchStyle = Object.keys(inputs).filter((k) => k.includes("_"));
    expect(dispatchStyle.sort()).toEqual(Object.keys(benchBotInputs).sort());
    for (const key of schedulerInputs()) expect(inputs[key]!.required).toBe(true);
    for (const key of Object.keys(benchBotInputs).filter((k) => !schedulerInputs().includes(k))) {
      expect(inputs[key]!.required, key).toBeFalsy();
      expect(inputs[key]!.default, key).toBeDefined();
    }
    // what a value GitHub's dispatch carries (text) becomes under each declared type
    expect(inputs.run_rust!.type).toBe("boolean");
    expect(["true", "false"]).toContain(benchBotInputs.run_rust);
  });

  it("the example dispatch target declares exactly those workflow_dispatch inputs and passes each through", () => {
    const target = example("run-benchmarks.yml");
    const dispatch = target.on.workflow_dispatch!.inputs!;
    expect(Object.keys(dispatch).sort()).toEqual(Object.keys(benchBotInputs).sort());
    const called = read("run-benchmarks.yml").on.workflow_call!.inputs!;
    const job = Object.values(target.jobs).find(
      (j) => REMOTE_WORKFLOW.exec(j.uses ?? "")?.[1] === "run-benchmarks.yml",
    )!;
    expect(job).toBeDefined();
    for (const [key, declaration] of Object.entries(dispatch)) {
      expect(job.with?.[key], key).toBe(`\${{ inputs.${key} }}`);
      expect(declaration.type ?? "string", key).toBe(called[key]!.type ?? "string");
      expect(declaration.required ?? false, key).toBe(called[key]!.required ?? false);
    }
  });
});

describe("run-benchmarks.yml's per-language jobs are copies of run-rust/run-python-benchmarks.yml's", () => {
  const combined = read("run-benchmarks.yml");
  const combinedInputs = combined.on.workflow_call!.inputs!;
  const COPIES = [
    ["rust", "run-rust-benchmarks.yml", "benchmark", "run_rust"],
    ["rust-pr", "run-rust-benchmarks.yml", "benchmark-pr", "run_rust"],
    ["python", "run-python-benchmarks.yml", "benchmark", "run_python"],
    ["python-pr", "run-python-benchmarks.yml", "benchmark-pr", "run_python"],
  ] as const;

  it.each(COPIES)("%s = %s %s", (id, file, original, flag) => {
    const copy = combined.jobs[id]!;
    const source = read(file).jobs[original]!;
    const { if: copyIf, ...copyRest } = copy;
    const { if: sourceIf, ...sourceRest } = source;
    expect(copyRest).toEqual(sourceRest);
    expect(copyIf).toBe(`inputs.${flag} && ${sourceIf}`);
    // each input the job reads is declared alike in both workflows
    const sourceInputs = read(file).on.workflow_call!.inputs!;
    for (const name of inputsRead(source)) {
      const { type, required, default: def } = sourceInputs[name] ?? {};
      const c = combinedInputs[name];
      expect(c, name).toBeDefined();
      expect({ type: c!.type, required: c!.required, default: c!.default }, name).toEqual({
        type,
        required,
        default: def,
      });
    }
  });
});

describe("secrets: only where they are needed, never in a pull request's run", () => {
  const FILES = [
    "run-benchmarks.yml",
    "run-rust-benchmarks.yml",
    "run-python-benchmarks.yml",
    "run-pipeline-benchmarks.yml",
  ];
  const prJobs = FILES.flatMap((file) =>
    Object.entries(read(file).jobs)
      .filter(([id]) => id.endsWith("-pr"))
      .map(([id, job]) => [`${file} ${id}`, job] as const),
  );

  it("finds the pull request jobs", () => expect(prJobs.length).toBe(5));

  it.each(prJobs)("%s: no secrets, a read-only token, mode pr with an artifact", (_, job) => {
    expect(JSON.stringify(job)).not.toMatch(/secrets\./);
    expect(job.permissions).toEqual({ contents: "read" });
    expect(job.if).toContain("inputs.pr_number != ''");
    const run = job.steps!.find((s) => /actions\/run-/.test(s.uses ?? ""))!;
    expect(run.with).toMatchObject({ mode: "pr", "pr-number": "${{ inputs.pr_number }}" });
    expect(String(run.with!.artifact)).toMatch(/^lance-bench-pr-(rust|python|pipeline)$/);
  });

  it.each(
    REUSABLE.flatMap((file) =>
      Object.entries(read(file).jobs).flatMap(([id, job]) =>
        (job.steps ?? []).map((step) => [`${file} ${id}: ${step.name}`, step] as const),
      ),
    ),
  )("%s: a secret reaches only a lance-bench action's env or token", (_, step) => {
    const { env, with: inputs, ...rest } = step;
    expect(JSON.stringify(rest)).not.toMatch(/secrets\./);
    const lanceBench = LOCAL_ACTION.test(step.uses ?? "");
    for (const [key, value] of Object.entries(env ?? {})) {
      if (!String(value).includes("secrets.")) continue;
      // the presence check reads a comparison, never the value
      if (!lanceBench) expect(String(value), key).toMatch(/^\$\{\{ secrets\.\w+ != '' \}\}$/);
    }
    for (const [key, value] of Object.entries(inputs ?? {})) {
      if (String(value).includes("secrets.")) expect(key).toBe("token");
    }
  });

  it("the comment job holds the store's secrets and pull-requests: write, and runs after the PR jobs", () => {
    const comment = read("run-benchmarks.yml").jobs.comment!;
    expect(comment.needs).toEqual(["rust-pr", "python-pr"]);
    expect(comment.permissions).toEqual({ actions: "read", contents: "read", "pull-requests": "write" });
    const compares = comment.steps!.filter((s) => s.uses === "./.lance-bench/actions/compare-pr");
    expect(compares.map((s) => s.with!.artifact)).toEqual(["lance-bench-pr-rust", "lance-bench-pr-python"]);
    for (const step of compares) {
      expect(step.with!["pr-number"]).toBe("${{ inputs.pr_number }}");
      expect(step.env!.AWS_ACCESS_KEY_ID).toBe("${{ secrets.AWS_ACCESS_KEY_ID }}");
    }
    // it checks out the default branch, never the pull request's code
    for (const step of comment.steps!.filter((s) => (s.uses ?? "").startsWith("actions/checkout@"))) {
      expect(JSON.stringify(step.with)).not.toContain("git_sha");
    }
  });
});

describe("a missing SCHEDULER_GITHUB_TOKEN is one clear error", () => {
  it.each(["schedule-benchmarks.yml", "bench-bot.yml"])("%s", (file) => {
    const steps = Object.values(read(file).jobs)[0]!.steps!;
    const check = steps[1]!;
    expect(check.env).toEqual({ HAS_SCHEDULER_TOKEN: "${{ secrets.SCHEDULER_GITHUB_TOKEN != '' }}" });
    const schedule = steps.findIndex((s) => s.uses === "./.lance-bench/actions/schedule");
    expect(schedule).toBeGreaterThan(1);
    expect(steps[schedule]!.with!.token).toBe("${{ secrets.SCHEDULER_GITHUB_TOKEN }}");
    const missing = runStep(check, { HAS_SCHEDULER_TOKEN: "false" });
    expect(missing.status).toBe(1);
    const errors = missing.stdout.split("\n").filter((l) => l.startsWith("::error::"));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/SCHEDULER_GITHUB_TOKEN secret is missing/);
    expect(runStep(check, { HAS_SCHEDULER_TOKEN: "true" }).status).toBe(0);
  });
});

describe("git_sha and pr_number are refused unless they are a sha and a number", () => {
  const checks = REUSABLE.flatMap((file) =>
    Object.entries(read(file).jobs)
      .filter(([, job]) => JSON.stringify(job).includes("inputs.git_sha"))
      .map(([id, job]) => [`${file} ${id}`, job] as const),
  );

  it("finds them in every job that benchmarks or compares a commit", () => expect(checks.length).toBe(11));

  it.each(checks)("%s: the second step, through env, before any checkout", (_, job) => {
    const check = job.steps![1]!;
    expect(check.env!.GIT_SHA).toBe("${{ inputs.git_sha }}");
    expect(check.env!.PR_NUMBER).toBe("${{ inputs.pr_number }}");
    const prRequired = job.if === undefined ? false : !job.if.includes("pr_number == ''");
    const cases: [Record<string, string>, boolean][] = [
      [{ GIT_SHA: SHA, PR_NUMBER: prRequired ? "42" : "" }, true],
      [{ GIT_SHA: SHA, PR_NUMBER: "42" }, true],
      [{ GIT_SHA: "main", PR_NUMBER: "42" }, false],
      [{ GIT_SHA: `${SHA}\ntouch pwned`, PR_NUMBER: "42" }, false],
      [{ GIT_SHA: SHA, PR_NUMBER: "42; touch pwned" }, false],
      [{ GIT_SHA: SHA, PR_NUMBER: "$(touch pwned)" }, false],
      [{ GIT_SHA: SHA, PR_NUMBER: "0" }, false],
      [{ GIT_SHA: SHA, PR_NUMBER: "-1" }, false],
    ];
    if (check.env!.PR_REPO) {
      cases.push([{ GIT_SHA: SHA, PR_NUMBER: "42", PR_REPO: "contributor/lance" }, true]);
      cases.push([{ GIT_SHA: SHA, PR_NUMBER: "42", PR_REPO: "x/y; touch pwned" }, false]);
      cases.push([{ GIT_SHA: SHA, PR_NUMBER: "", PR_REPO: "" }, false]); // the comment job needs a PR
    }
    for (const [env, ok] of cases) {
      const result = runStep(check, env);
      expect(result.status, JSON.stringify(env)).toBe(ok ? 0 : 1);
      if (!ok) expect(result.stdout).toMatch(/^::error::(git_sha|pr_number|pr_repo) must be/);
      expect(existsSync(path.join(result.cwd, "pwned"))).toBe(false);
    }
  });
});

describe("every input of the actions is reachable from the workflow's inputs, or fixed in its header", () => {
  const CASES = [
    ["run-rust-benchmarks.yml", "run-rust"],
    ["run-python-benchmarks.yml", "run-python"],
    ["run-pipeline-benchmarks.yml", "run-pipeline"],
    ["schedule-benchmarks.yml", "schedule"],
    ["run-benchmarks.yml", "compare-pr"],
    ["report.yml", "report"],
  ] as const;

  it.each(CASES)("%s: %s", (file, action) => {
    const raw = text(path.join(WORKFLOW_DIR, file));
    const fixed = new RegExp(`# ${action} inputs fixed here:([\\s\\S]*?)\\n\\s*(?:#\\n|[^#\\s])`).exec(raw)?.[1];
    expect(fixed, `"${action} inputs fixed here:" in ${file}`).toBeDefined();
    const steps = actionSteps(path.join(WORKFLOW_DIR, file)).filter((s) => s.action === action);
    const reachable = new Set(
      steps.flatMap(({ step }) =>
        Object.entries(step.with ?? {})
          .filter(([, v]) => /inputs\.|secrets\./.test(String(v)))
          .map(([k]) => k),
      ),
    );
    const { all } = actionInputs(action);
    const neither = [...all].filter((k) => !reachable.has(k) && !new RegExp(`\\b${k}\\b`).test(fixed!));
    expect(neither).toEqual([]);
  });
});
