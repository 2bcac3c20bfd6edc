import { readFile, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { DefaultArtifactClient } from "@actions/artifact";
import * as core from "@actions/core";
import { ConfigurationError } from "../model/index.js";
import type { ProfileReport } from "../report/run-summary.js";

export interface ArtifactFile {
  name: string;
  file: string;
}

/**
 * Uploads files as artifacts, one artifact per file. Where there is no artifact service (a
 * laptop, a test, a runner without the results service) the files stay where they are and
 * a warning says so. Names must be unique within a workflow run: one artifact per crate.
 */
export async function uploadArtifacts(files: readonly ArtifactFile[]): Promise<void> {
  if (files.length === 0) return;
  if (!process.env.ACTIONS_RUNTIME_TOKEN || !process.env.ACTIONS_RESULTS_URL) {
    core.warning(
      `no artifact service here (not on GitHub Actions): files left in ${files.map((f) => f.file).join(", ")}`,
    );
    return;
  }
  const artifacts = new DefaultArtifactClient();
  for (const { name, file } of files) {
    await artifacts.uploadArtifact(name, [file], path.dirname(file));
    core.info(`uploaded ${file} as artifact ${name}`);
  }
}

/** Results files for the job that compares or publishes them later: `lance-bench-results-<slug>`. */
export const resultsArtifact = (slug: string, file: string): ArtifactFile => ({
  name: `lance-bench-results-${slug}`,
  file,
});

/** The flamegraph is uploaded whatever the mode; one that could not be recorded is a warning. */
export function flamegraphArtifacts(profile: ProfileReport | undefined): ArtifactFile[] {
  if (!profile) return [];
  if (profile.status === "skipped") {
    core.warning(`no flamegraph of ${profile.benchmark}: ${profile.reason}`);
    return [];
  }
  return [{ name: `lance-bench-${path.basename(profile.svg, ".svg")}`, file: profile.svg }];
}

/** What a pull request's results artifact says about itself (`pull-request.json`). */
export interface PullRequestRecord {
  number: number;
  head_sha: string;
  base_sha?: string;
}
export const PULL_REQUEST_RECORD = "pull-request.json";

/**
 * Uploads a whole folder as one artifact (the `artifact` input of the run actions), so one later
 * job downloads everything a run wrote. A pull request's run also records which pull request and
 * commits the folder belongs to; the commenting job checks them against GitHub before writing.
 */
export async function uploadFolderArtifact(
  name: string,
  dir: string,
  pullRequest: PullRequestRecord | undefined,
): Promise<void> {
  if (pullRequest) await writeFile(path.join(dir, PULL_REQUEST_RECORD), `${JSON.stringify(pullRequest)}\n`);
  const files = (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
  if (files.length === 0) throw new ConfigurationError(`artifact ${name}: ${dir} holds no files`);
  if (!process.env.ACTIONS_RUNTIME_TOKEN || !process.env.ACTIONS_RESULTS_URL) {
    core.warning(`no artifact service here (not on GitHub Actions): ${dir} was not uploaded as ${name}`);
    return;
  }
  await new DefaultArtifactClient().uploadArtifact(name, files, dir);
  core.info(`uploaded ${files.length} file(s) of ${dir} as artifact ${name}`);
}

/** Where `downloadResultsArtifact` put a results artifact, and what it says it holds. */
export interface DownloadedResults {
  dir: string;
  pullRequest?: PullRequestRecord;
}

/**
 * Downloads a run action's folder artifact: from this workflow run, or (a `workflow_run` job) from
 * the run that uploaded it, through the REST API with a token that may read its actions. The
 * pull-request.json it holds came from untrusted code: it is parsed strictly, never executed.
 */
export async function downloadResultsArtifact(
  name: string,
  into: string,
  from: { runId: number; repository: string; token: string } | undefined,
): Promise<DownloadedResults> {
  const client = new DefaultArtifactClient();
  const [owner = "", repo = ""] = from?.repository.split("/") ?? [];
  const findBy = from
    ? { token: from.token, workflowRunId: from.runId, repositoryOwner: owner, repositoryName: repo }
    : undefined;
  const { artifact } = await client.getArtifact(name, findBy ? { findBy } : undefined);
  await client.downloadArtifact(artifact.id, { path: into, ...(findBy ? { findBy } : {}) });
  core.info(`downloaded artifact ${name} (id ${artifact.id}) into ${into}`);
  const recordFile = path.join(into, PULL_REQUEST_RECORD);
  const text = await readFile(recordFile, "utf8").catch(() => undefined);
  return {
    dir: into,
    ...(text === undefined ? {} : { pullRequest: parsePullRequestRecord(text, `${name}/${PULL_REQUEST_RECORD}`) }),
  };
}

const sha40 = /^[0-9a-f]{40}$/;

/** The artifact's pull-request.json: a number and full shas, or one error naming the field. */
export function parsePullRequestRecord(text: string, where: string): PullRequestRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConfigurationError(`${where}: not JSON`);
  }
  const record = (value ?? {}) as Record<string, unknown>;
  const { number, head_sha: headSha, base_sha: baseSha } = record;
  if (typeof number !== "number" || !Number.isInteger(number) || number < 1 || number > 2_147_483_647)
    throw new ConfigurationError(`${where}: number must be a pull request number`);
  if (typeof headSha !== "string" || !sha40.test(headSha))
    throw new ConfigurationError(`${where}: head_sha must be a full commit sha`);
  if (baseSha !== undefined && (typeof baseSha !== "string" || !sha40.test(baseSha)))
    throw new ConfigurationError(`${where}: base_sha must be a full commit sha`);
  return { number, head_sha: headSha, ...(baseSha === undefined ? {} : { base_sha: baseSha }) };
}

/**
 * The run actions' `artifact` input: when given, `<output-dir>` goes up as one artifact (a pull
 * request's with its pull-request.json). Returns whether it did, so the caller skips its per-file
 * artifacts.
 */
export async function uploadOutputFolder(
  artifact: string | undefined,
  options: { outputDir: string; mode: string; prNumber?: number },
  measured: { sha: string; baseSha?: string },
): Promise<boolean> {
  if (!artifact) return false;
  const pullRequest =
    options.mode === "pr" && options.prNumber !== undefined
      ? {
          number: options.prNumber,
          head_sha: measured.sha,
          ...(measured.baseSha === undefined ? {} : { base_sha: measured.baseSha }),
        }
      : undefined;
  await uploadFolderArtifact(artifact, path.resolve(options.outputDir), pullRequest);
  return true;
}
