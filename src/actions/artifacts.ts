import path from "node:path";
import { DefaultArtifactClient } from "@actions/artifact";
import * as core from "@actions/core";

/**
 * Uploads results files as artifacts (`lance-bench-results-<slug>`), for the job that
 * compares or publishes them later. Off GitHub (a laptop, a test) there is no artifact
 * service: the files stay where they are and a warning says so.
 */
export async function uploadResultsArtifacts(files: readonly { slug: string; file: string }[]): Promise<void> {
  if (!process.env.ACTIONS_RUNTIME_TOKEN) {
    core.warning(
      `no artifact service here (not on GitHub Actions): results left in ${files.map((f) => f.file).join(", ")}`,
    );
    return;
  }
  const artifacts = new DefaultArtifactClient();
  for (const { slug, file } of files) {
    const name = `lance-bench-results-${slug}`;
    await artifacts.uploadArtifact(name, [file], path.dirname(file));
    core.info(`uploaded ${file} as artifact ${name}`);
  }
}
