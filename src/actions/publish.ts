import * as core from "@actions/core";
import { publishDeclaration } from "../commands/declarations.js";
import { parsePublishOptions, publish } from "../commands/publish.js";
import { publishMarkdown } from "../report/publish-summary.js";
import { retryPolicyFromEnv } from "../store/retry.js";
import { readDeclaredInputs } from "./inputs.js";
import { runAction } from "./run-action.js";

export const Outputs = { Count: "count", AlreadyStored: "already-stored", Fingerprint: "fingerprint" } as const;

/** The `publish` action: result files → LanceDB, with a job summary table. */
export async function run(): Promise<void> {
  await runAction(async () => {
    const inputs = readDeclaredInputs(publishDeclaration);
    const options = parsePublishOptions({ ...inputs, repo: inputs.repo ?? process.env.GITHUB_WORKSPACE });
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
      .addRaw(`${publishMarkdown(summary.benchmarks)}\n\n`)
      .addRaw(
        `${summary.rowsWritten} rows written, ${summary.rowsAlreadyStored} already stored; test bed ` +
          `\`${summary.testBed.name}\` (fingerprint \`${summary.fingerprint}\`).\n`,
      )
      .write();
  });
}
