import path from "node:path";
import { DefaultArtifactClient } from "@actions/artifact";
import * as core from "@actions/core";
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
