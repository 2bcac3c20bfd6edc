import * as core from "@actions/core";
import { context, getOctokit } from "@actions/github";
import { defaults } from "@actions/github/lib/utils";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { DEFAULT_API_URL, gitHubClientSettings, type GitHubClient } from "../github/client.js";

/** The triggering event's payload (`{}` where there is none, as on a laptop). */
export function eventPayload(): Record<string, unknown> {
  return context.payload;
}

/**
 * The actions' GitHub client: the toolkit's `getOctokit` (proxy-aware fetch, the runner's
 * user agent) with the retry and throttling plugins and the request timeout the CLI's client
 * has. The API root is GITHUB_API_URL, read now (GitHub Enterprise, and the tests' local server).
 */
export function actionGitHubClient(token: string): GitHubClient {
  const baseUrl = process.env.GITHUB_API_URL || DEFAULT_API_URL;
  const { fetch: proxyFetch } = defaults.request as { fetch?: typeof fetch };
  const settings = gitHubClientSettings({ baseUrl, baseFetch: proxyFetch, log: (m) => core.info(m) });
  return getOctokit(token, settings, retry, throttling) as unknown as GitHubClient;
}
