import { writeFileSync } from "node:fs";
import path from "node:path";
import { parsePublishOptions, publish } from "../../src/commands/publish.js";
import { kebabCase } from "../../src/model/index.js";
import { cleanEnv, runCliAsync, tempDir } from "./helpers.js";
import { criterionMessage } from "./criterion-file.js";

/*
 * A main history for `report`: 30 commits published through the suite's own publish path, one
 * benchmark 30% slower from commit 24 on, one flat, a few percent of run-to-run noise.
 */
export const COMMITS = 30;
export const STEP_AT = 23; // 0-based: commits 24..30 are slower
export const sha = (i: number) => (i + 1).toString(16).padStart(40, "a");
export const env = { ...cleanEnv() };

/** A cargo-criterion message of one benchmark: 20 samples around `ns`, ±1% of noise. */
export function criterionLine(id: string, ns: number, seed: number): string {
  let x = seed;
  const noise = () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return (x / 2 ** 31 - 0.5) * 0.02;
  };
  return criterionMessage(id, ns, { noise });
}

/** Publishes the history into `db`; `storeEnv` adds what the store needs (an S3 endpoint and keys). */
export async function mainHistory(db: string, storeEnv?: NodeJS.ProcessEnv): Promise<void> {
  const dir = tempDir();
  for (let i = 0; i < COMMITS; i++) {
    const file = path.join(dir, `run-${i}.jsonl`);
    // run-to-run noise of a few percent, as on this machine; the step on top
    const wobble = 1 + 0.03 * Math.sin(i * 1.7);
    writeFileSync(
      file,
      [
        criterionLine("scan/1m", 1000 * wobble * (i >= STEP_AT ? 1.3 : 1), i + 1),
        criterionLine("flat/1k", 50 * wobble, i + 7),
      ].join("\n"),
    );
    const options = {
      db,
      sha: sha(i),
      dutVersion: `1.0.0+${sha(i).slice(0, 7)}`,
      dutTimestamp: String(1_700_000_000 + i * 3600),
      dutName: "demo",
      testbedName: "bench-box",
      ref: "main",
    };
    if (storeEnv === undefined) {
      await publish(parsePublishOptions({ files: [file], ...options }), { env });
      continue;
    }
    // a remote store is reached with the environment's endpoint and keys: the CLI's process
    const flags = Object.entries(options).flatMap(([key, value]) => [`--${kebabCase(key)}`, value]);
    const published = await runCliAsync(["publish", file, ...flags], { ...env, ...storeEnv });
    if (published.code !== 0) throw new Error(`publish of commit ${i} failed: ${published.stderr}`);
  }
}
