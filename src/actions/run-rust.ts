import path from "node:path";
import * as core from "@actions/core";
import { runRustDeclaration } from "../commands/declarations.js";
import { crateSlug, failedCratesError, parseRunRustOptions, runRust } from "../commands/run-rust.js";
import { runRustMarkdown } from "../report/run-summary.js";
import { flamegraphArtifacts, resultsArtifact, uploadArtifacts, uploadOutputFolder } from "./artifacts.js";
import { readDeclaredInputs } from "./inputs.js";
import { runAction } from "./run-action.js";
import { runDependencies } from "./run-inputs.js";

export const Outputs = { ResultsDir: "results-dir", Count: "count", FailedCrates: "failed-crates" } as const;

/** The `run-rust` action: build at a commit, benchmark every crate, publish or hand over artifacts. */
export async function run(): Promise<void> {
  await runAction(async () => {
    const inputs = readDeclaredInputs(runRustDeclaration);
    const options = parseRunRustOptions({ ...inputs, repo: inputs.repo ?? process.env.GITHUB_WORKSPACE });
    const summary = await runRust(options, runDependencies());
    for (const crate of summary.crates.filter((c) => c.status === "failed")) {
      core.error(crate.error ?? "failed", { title: `lance-bench run-rust: ${crate.path} failed` });
    }
    const uploadedFolder = await uploadOutputFolder(inputs.artifact, options, summary);
    await uploadArtifacts([
      ...(uploadedFolder
        ? []
        : [
            ...(options.mode === "pr"
              ? summary.crates.flatMap((c) => [
                  ...(c.resultsFile ? [resultsArtifact(crateSlug(c.path), c.resultsFile)] : []),
                  ...(c.baseResultsFile ? [resultsArtifact(`base-${crateSlug(c.path)}`, c.baseResultsFile)] : []),
                ])
              : []),
          ]),
      ...flamegraphArtifacts(summary.profile),
    ]);

    core.setOutput(Outputs.ResultsDir, path.resolve(options.outputDir));
    core.setOutput(Outputs.Count, summary.published?.rowsWritten ?? 0);
    core.setOutput(
      Outputs.FailedCrates,
      summary.crates
        .filter((c) => c.status === "failed")
        .map((c) => c.path)
        .join(","),
    );
    await core.summary
      .addHeading("lance-bench run-rust", 3)
      .addRaw(`${runRustMarkdown(summary)}\n`)
      .write();
    const failure = failedCratesError(summary);
    if (failure) throw failure;
  });
}
