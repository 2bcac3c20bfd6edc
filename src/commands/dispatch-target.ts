import { z } from "zod";

/**
 * The workflow a scheduler dispatches and the token it does it with: shared by `schedule`
 * and the @bench-bot comment trigger (the same names as CLI flags and action inputs).
 */
export const DispatchTargetShape = {
  /** The benchmark workflow: a file name in .github/workflows, or its id. */
  workflow: z
    .string()
    .trim()
    .regex(/^(?:[\w.-]+\.ya?ml|\d+)$/, "must be a workflow file name (bench.yml) or id"),
  /** Where that workflow lives (default: see each command). */
  workflowRepository: z.string().trim().min(1).optional(),
  workflowRef: z.string().trim().min(1).default("main"),
  token: z.string().trim().min(1, "is required: a token that may dispatch workflows (SCHEDULER_GITHUB_TOKEN)"),
  apiUrl: z.string().trim().url().optional(),
};
