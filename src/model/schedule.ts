/** What `schedule` looked at and did: plain data for the CLI, the action and reports. */

export interface DispatchOutcome {
  sha: string;
  key: string;
  runId?: number;
  runUrl?: string;
  /** After waiting: success, failure, cancelled, … */
  conclusion?: string | null;
}

export interface ScheduleSummary {
  repository: string;
  branch: string;
  mode: "latest" | "backfill";
  dryRun: boolean;
  /** Every commit looked at, newest first, and whether the store already had results. */
  checked: { sha: string; hasResults: boolean }[];
  /** Commits dispatched (or that would be, in a dry run). */
  dispatched: DispatchOutcome[];
  workflow: string;
}
