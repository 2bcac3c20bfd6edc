import { ConfigurationError, GitHubApiError } from "../model/index.js";
import { callGitHub, type GitHubClient } from "./client.js";

/** owner/name, as GitHub allows them. */
export interface RepositoryRef {
  owner: string;
  repo: string;
}

export const REPOSITORY_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;

export function parseRepository(text: string, input: string): RepositoryRef {
  const trimmed = text.trim();
  if (!REPOSITORY_PATTERN.test(trimmed) || trimmed.endsWith("/.") || trimmed.endsWith("/..")) {
    throw new ConfigurationError(`${input}: "${text}" is not a repository name (owner/name)`);
  }
  const [owner, repo] = trimmed.split("/") as [string, string];
  return { owner, repo };
}

export const repositoryName = (r: RepositoryRef) => `${r.owner}/${r.repo}`;

export async function defaultBranch(client: GitHubClient, target: RepositoryRef): Promise<string> {
  const { data } = await callGitHub(`reading repository ${repositoryName(target)}`, () =>
    client.rest.repos.get({ owner: target.owner, repo: target.repo }),
  );
  return data.default_branch;
}

/** The newest commit of a branch; a branch that does not exist is a ConfigurationError. */
export async function branchHead(client: GitHubClient, target: RepositoryRef, branch: string): Promise<string> {
  try {
    const { data } = await callGitHub(`reading branch ${branch} of ${repositoryName(target)}`, () =>
      client.rest.repos.getBranch({ owner: target.owner, repo: target.repo, branch }),
    );
    return data.commit.sha;
  } catch (error) {
    if (error instanceof GitHubApiError && error.status === 404) {
      throw new ConfigurationError(`branch: "${branch}" does not exist in ${repositoryName(target)}`);
    }
    throw error;
  }
}

/** The newest `count` commits of a branch, newest first, paged 100 at a time and no further than needed. */
export async function recentCommits(
  client: GitHubClient,
  target: RepositoryRef,
  branch: string,
  count: number,
): Promise<string[]> {
  const shas: string[] = [];
  await callGitHub(`listing commits of ${branch} in ${repositoryName(target)}`, async () => {
    const pages = client.paginate.iterator(client.rest.repos.listCommits, {
      owner: target.owner,
      repo: target.repo,
      sha: branch,
      per_page: Math.min(100, count),
    });
    for await (const page of pages) {
      for (const commit of page.data) {
        shas.push(commit.sha);
        if (shas.length >= count) return;
      }
    }
  });
  return shas;
}

export interface DispatchRequest {
  /** Where the workflow lives. */
  repository: RepositoryRef;
  /** File name (bench.yml) or numeric id. */
  workflow: string;
  ref: string;
  inputs: Record<string, string>;
}

export interface Dispatched {
  runId?: number;
  runUrl?: string;
}

/**
 * Dispatches `workflow_dispatch`, asking GitHub for the id of the run it creates, so each
 * dispatch is tied to its own run even when several overlap (the Python lance-bench took "the newest run").
 */
export async function dispatchWorkflow(client: GitHubClient, request: DispatchRequest): Promise<Dispatched> {
  const where = `${repositoryName(request.repository)}/${request.workflow}@${request.ref}`;
  const response = await callGitHub(
    `dispatching workflow ${where}`,
    () =>
      client.request("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", {
        owner: request.repository.owner,
        repo: request.repository.repo,
        workflow_id: request.workflow,
        ref: request.ref,
        inputs: request.inputs,
        return_run_details: true,
      }),
    (status) =>
      status === 403 || status === 404
        ? "the default GITHUB_TOKEN cannot trigger workflows: pass a token with the actions:write permission, " +
          "e.g. the SCHEDULER_GITHUB_TOKEN secret"
        : undefined,
  );
  const data = response.data as { workflow_run_id?: number; html_url?: string } | undefined;
  return { runId: data?.workflow_run_id, runUrl: data?.html_url };
}

/** A dispatched run found by the unique key it was given as an input (for servers that do not return run ids). */
export async function findRunByKey(
  client: GitHubClient,
  request: DispatchRequest,
  key: string,
  since: Date,
): Promise<Dispatched | undefined> {
  const { data } = await callGitHub(`listing runs of ${request.workflow}`, () =>
    client.rest.actions.listWorkflowRuns({
      owner: request.repository.owner,
      repo: request.repository.repo,
      workflow_id: request.workflow,
      event: "workflow_dispatch",
      per_page: 100,
    }),
  );
  const run = data.workflow_runs.find(
    (r) => (r.display_title.includes(key) || (r.name ?? "").includes(key)) && new Date(r.created_at) >= since,
  );
  return run ? { runId: run.id, runUrl: run.html_url } : undefined;
}

export interface RunState {
  status: string;
  conclusion: string | null;
}

export async function runState(client: GitHubClient, repository: RepositoryRef, runId: number): Promise<RunState> {
  const { data } = await callGitHub(`reading workflow run ${runId}`, () =>
    client.rest.actions.getWorkflowRun({ owner: repository.owner, repo: repository.repo, run_id: runId }),
  );
  return { status: data.status ?? "unknown", conclusion: data.conclusion };
}
