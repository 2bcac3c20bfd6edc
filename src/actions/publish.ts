import * as core from "@actions/core";
import { parsePublishOptions, publish } from "../commands/publish.js";
import { publishMarkdownTable } from "../report/publish-summary.js";
import { retryPolicyFromEnv } from "../store/retry.js";
import { listInput, optionalInput } from "./inputs.js";
import { runAction } from "./run-action.js";

export const Inputs = {
  Files: "files",
  Format: "format",
  Db: "db",
  TestbedName: "testbed-name",
  DutName: "dut-name",
  DutVersion: "dut-version",
  DutTimestamp: "dut-timestamp",
  Sha: "sha",
  Repo: "repo",
  RunId: "run-id",
  Ref: "ref",
  PrNumber: "pr-number",
  Config: "config",
} as const;

export const Outputs = { Count: "count", AlreadyStored: "already-stored", Fingerprint: "fingerprint" } as const;

/** The `publish` action: result files → LanceDB, with a job summary table. */
export async function run(): Promise<void> {
  await runAction(async () => {
    const options = parsePublishOptions({
      files: listInput(Inputs.Files),
      format: optionalInput(Inputs.Format),
      db: optionalInput(Inputs.Db),
      testbedName: optionalInput(Inputs.TestbedName),
      dutName: optionalInput(Inputs.DutName),
      dutVersion: optionalInput(Inputs.DutVersion),
      dutTimestamp: optionalInput(Inputs.DutTimestamp),
      sha: optionalInput(Inputs.Sha),
      repo: optionalInput(Inputs.Repo) ?? process.env.GITHUB_WORKSPACE,
      runId: optionalInput(Inputs.RunId),
      ref: optionalInput(Inputs.Ref),
      prNumber: optionalInput(Inputs.PrNumber),
      config: optionalInput(Inputs.Config),
    });
    const summary = await publish(options, { retry: retryPolicyFromEnv(), log: (m) => core.info(m) });
    for (const warning of summary.warnings) core.warning(warning);
    core.setOutput(Outputs.Count, summary.rowsWritten);
    core.setOutput(Outputs.AlreadyStored, summary.rowsAlreadyStored);
    core.setOutput(Outputs.Fingerprint, summary.fingerprint);
    core.info(
      `published ${summary.rowsWritten} rows (${summary.rowsAlreadyStored} already stored) for ` +
        `${summary.dut.name} ${summary.dut.version} on ${summary.testBed.name}`,
    );
    await core.summary
      .addHeading(`Benchmarks published: ${summary.dut.name} ${summary.dut.version}`, 3)
      .addRaw(`${publishMarkdownTable(summary.benchmarks)}\n\n`)
      .addRaw(
        `${summary.rowsWritten} rows written, ${summary.rowsAlreadyStored} already stored; test bed ` +
          `\`${summary.testBed.name}\` (fingerprint \`${summary.fingerprint}\`).\n`,
      )
      .write();
  });
}
