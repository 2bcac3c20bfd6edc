import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { conformingExample } from "./github-openapi.js";
import type { GitHubServer, RecordedRequest } from "./github-server.js";
import { git } from "./helpers.js";

/** A workflow dispatch GitHub accepted: the workflow, its ref and its inputs. */
export interface Dispatch {
  repository: string;
  workflow: string;
  ref: string;
  inputs: Record<string, string>;
}

interface DispatchInput {
  type?: string;
  required?: boolean;
  options?: string[];
}

/**
 * GitHub's side of a repository the act scenarios benchmark, answered from the real git
 * repository: the repository, its branch and commit pages from `git`, and workflow dispatches
 * checked as GitHub checks them against the target workflow's declared `workflow_dispatch`
 * inputs (an undeclared input, a missing required one or a non-boolean for a boolean is a 422,
 * as on GitHub). Accepted dispatches are recorded, for the test to run each with act.
 */
export function installRepositoryWorld(server: GitHubServer, repository: string, dir: string, branch = "main") {
  const dispatches: Dispatch[] = [];
  const rejected: { workflow: string; message: string }[] = [];
  const commitTemplate = { ...conformingExample("GET", "/repos/{owner}/{repo}/commits/{ref}"), files: [] };
  const commitObject = (sha: string) => ({ ...commitTemplate, sha, node_id: `C_${sha.slice(0, 8)}` });
  const history = () => git(dir, ["rev-list", branch]).trim().split("\n");
  server.route("GET", `/repos/${repository}`, () => ({
    status: 200,
    body: { ...conformingExample("GET", "/repos/{owner}/{repo}"), full_name: repository, default_branch: branch },
  }));
  server.route("GET", `/repos/${repository}/branches/${branch}`, () => ({
    status: 200,
    body: {
      ...conformingExample("GET", "/repos/{owner}/{repo}/branches/{branch}"),
      name: branch,
      commit: commitObject(history()[0]!),
    },
  }));
  server.route("GET", `/repos/${repository}/commits`, (request: RecordedRequest) => {
    const commits = history();
    const perPage = Number(request.query.get("per_page") ?? 30);
    const page = Number(request.query.get("page") ?? 1);
    const last = Math.max(1, Math.ceil(commits.length / perPage));
    const headers: Record<string, string> = {};
    if (page < last)
      headers.link = `<${server.url}/repos/${repository}/commits?sha=${branch}&per_page=${perPage}&page=${page + 1}>; rel="next"`;
    return { status: 200, headers, body: commits.slice((page - 1) * perPage, page * perPage).map(commitObject) };
  });
  let nextRunId = 7000;
  const dispatchRoute = (workflow: string) =>
    server.route("POST", `/repos/${repository}/actions/workflows/${workflow}/dispatches`, (request) => {
      const body = request.body as { ref: string; inputs?: Record<string, string> };
      const problem = checkDispatch(path.join(dir, ".github/workflows", workflow), body.inputs ?? {});
      if (problem) {
        rejected.push({ workflow, message: problem });
        return {
          status: 422,
          body: { message: problem, documentation_url: "https://docs.github.com/rest/actions/workflows" },
        };
      }
      dispatches.push({ repository, workflow, ref: body.ref, inputs: body.inputs ?? {} });
      const id = nextRunId++;
      return {
        status: 200,
        body: {
          workflow_run_id: id,
          run_url: `${server.url}/repos/${repository}/actions/runs/${id}`,
          html_url: `https://github.com/${repository}/actions/runs/${id}`,
        },
      };
    });
  return { dispatches, rejected, dispatchRoute };
}

/** What GitHub answers a dispatch whose inputs the workflow does not accept (undefined: accepted). */
export function checkDispatch(workflowFile: string, inputs: Record<string, string>): string | undefined {
  const workflow = parseYaml(readFileSync(workflowFile, "utf8")) as {
    on?: { workflow_dispatch?: { inputs?: Record<string, DispatchInput> } | null };
  };
  if (!workflow.on || !("workflow_dispatch" in workflow.on))
    return "Workflow does not have 'workflow_dispatch' trigger";
  const declared = workflow.on.workflow_dispatch?.inputs ?? {};
  const unexpected = Object.keys(inputs).filter((name) => !(name in declared));
  if (unexpected.length > 0) return `Unexpected inputs provided: ${JSON.stringify(unexpected)}`;
  const missing = Object.entries(declared)
    .filter(([name, input]) => input.required === true && (inputs[name] ?? "") === "")
    .map(([name]) => name);
  if (missing.length > 0) return `Required input '${missing[0]}' not provided`;
  for (const [name, value] of Object.entries(inputs)) {
    const input = declared[name]!;
    if (input.type === "boolean" && value !== "true" && value !== "false")
      return `Provided value '${value}' for input '${name}' not in the list of allowed values`;
    if (input.type === "choice" && !(input.options ?? []).includes(value))
      return `Provided value '${value}' for input '${name}' not in the list of allowed values`;
  }
  return undefined;
}

/** A pull request as GitHub's pulls API shows it: its head commit, repository and times. */
export interface PullRequestView {
  repository: string;
  number: number;
  head: string;
  headRef: string;
  headRepository: string;
  base: string;
  updatedAt?: string;
  pushedAt?: string;
}

/**
 * GitHub's side of one pull request: `GET pulls/N`, and its comments (listed, created, edited),
 * kept in `comments`. Comments posted with `replyToken` (the scheduler's, @bench-bot's replies)
 * land in `replies` instead; everything else is the verdict comment of lance-bench.
 */
export function installPullRequest(server: GitHubServer, view: PullRequestView, replyToken?: string) {
  const { repository, number } = view;
  const comments: { id: number; body: string }[] = [];
  const replies: string[] = [];
  const pull = conformingExample("GET", "/repos/{owner}/{repo}/pulls/{pull_number}");
  const prHead = pull.head as Record<string, unknown>;
  server.route("GET", `/repos/${repository}/pulls/${number}`, () => ({
    status: 200,
    body: {
      ...pull,
      number,
      state: "open",
      updated_at: view.updatedAt ?? pull.updated_at,
      user: { ...(pull.user as object), login: view.headRepository.split("/")[0] },
      head: {
        ...prHead,
        sha: view.head,
        ref: view.headRef,
        repo: {
          ...(prHead.repo as object),
          full_name: view.headRepository,
          ...(view.pushedAt ? { pushed_at: view.pushedAt } : {}),
        },
      },
      base: { ...(pull.base as object), sha: view.base, ref: "main" },
    },
  }));
  const example = (
    conformingExample("GET", "/repos/{owner}/{repo}/issues/{issue_number}/comments") as unknown as Record<
      string,
      unknown
    >[]
  )[0]!;
  const asComment = (id: number, body: string) => ({
    ...example,
    id,
    body,
    user: { ...(example.user as object), login: "github-actions[bot]" },
    html_url: `https://github.com/${repository}/pull/${number}#issuecomment-${id}`,
  });
  server.route("GET", `/repos/${repository}/issues/${number}/comments`, () => ({
    status: 200,
    body: comments.map((c) => asComment(c.id, c.body)),
  }));
  server.route("POST", `/repos/${repository}/issues/${number}/comments`, (request: RecordedRequest) => {
    const body = (request.body as { body: string }).body;
    if (replyToken !== undefined && request.headers.authorization?.includes(replyToken)) {
      replies.push(body);
      return { status: 201, body: asComment(800 + replies.length, body) };
    }
    const created = { id: 9000 + comments.length, body };
    comments.push(created);
    // an edit of that comment from now on
    server.route("PATCH", `/repos/${repository}/issues/comments/${created.id}`, (edit: RecordedRequest) => {
      created.body = (edit.body as { body: string }).body;
      return { status: 200, body: asComment(created.id, created.body) };
    });
    return { status: 201, body: asComment(created.id, body) };
  });
  return { comments, replies };
}
