import { z } from "zod";
import { validateSha } from "../context/git.js";
import { parseOptions } from "../model/index.js";
import { resolveDbUri } from "../store/uri.js";
import { openExistingStore } from "./open-store.js";
import type { CommandDeps } from "./deps.js";

export const ExportOptions = z.object({
  db: z.string().trim().min(1).optional(),
  benchmark: z.string().min(1).optional(),
  sha: z.string().trim().min(1).optional(),
});
export type ExportOptions = z.infer<typeof ExportOptions>;

export function parseExportOptions(raw: Record<string, unknown>): ExportOptions {
  return parseOptions(ExportOptions, raw);
}

/** Stored rows, every column, as plain JSON-ready objects. */
export async function exportResults(
  options: ExportOptions,
  deps: CommandDeps = {},
): Promise<Record<string, unknown>[]> {
  const sha = options.sha === undefined ? undefined : validateSha(options.sha, "--sha");
  const store = await openExistingStore({ uri: resolveDbUri(options.db, deps.env), retry: deps.retry, log: deps.log });
  try {
    return await store.query({ sha, benchmark: options.benchmark });
  } finally {
    store.close();
  }
}
