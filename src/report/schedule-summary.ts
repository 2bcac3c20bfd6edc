import type { ScheduleSummary } from "../model/index.js";

/* What `schedule` looked at and what it dispatched: plain text for the CLI, Markdown for the
   job summary. */

const short = (sha: string) => sha.slice(0, 12);

function verdict(summary: ScheduleSummary, sha: string, hasResults: boolean): string {
  if (hasResults) return "has results";
  const dispatch = summary.dispatched.find((d) => d.sha === sha);
  if (!dispatch) return "no results";
  if (summary.dryRun) return "would dispatch";
  const conclusion = dispatch.conclusion ? ` → ${dispatch.conclusion}` : "";
  return `dispatched${dispatch.runId ? ` (run ${dispatch.runId})` : ""}${conclusion}`;
}

export function scheduleText(summary: ScheduleSummary): string {
  const lines = [
    `${summary.repository}@${summary.branch} (${summary.mode}): ${summary.checked.length} checked, ` +
      `${summary.dispatched.length} ${summary.dryRun ? "would be dispatched" : "dispatched"} to ${summary.workflow}`,
  ];
  for (const c of summary.checked) lines.push(`  ${short(c.sha)}  ${verdict(summary, c.sha, c.hasResults)}`);
  return lines.join("\n");
}

export function scheduleMarkdown(summary: ScheduleSummary): string {
  const rows = summary.checked.map((c) => {
    const dispatch = summary.dispatched.find((d) => d.sha === c.sha);
    const run = dispatch?.runUrl ? `[run](${dispatch.runUrl})` : "";
    return `| \`${short(c.sha)}\` | ${verdict(summary, c.sha, c.hasResults)} | ${run} |`;
  });
  return [
    `${summary.checked.length} commits of \`${summary.repository}@${summary.branch}\` checked (${summary.mode}); ` +
      `${summary.dispatched.length} ${summary.dryRun ? "would be dispatched" : "dispatched"} to \`${summary.workflow}\`.`,
    "",
    "| commit | status | run |",
    "|---|---|---|",
    ...rows,
  ].join("\n");
}
