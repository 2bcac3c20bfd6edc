import { callGitHub, type GitHubClient } from "./client.js";
import { repositoryName, type RepositoryRef } from "./repos.js";

export interface StickyCommentOutcome {
  action: "created" | "updated";
  id: number;
  url: string;
}

/**
 * Keeps exactly one comment of ours on a pull request: the first comment whose body holds
 * `marker` (a hidden HTML comment) is edited in place; only when none exists is one created.
 * Every page of the PR's comments is searched, as busy PRs run past the first hundred.
 */
export async function upsertStickyComment(
  client: GitHubClient,
  target: RepositoryRef,
  issueNumber: number,
  marker: string,
  body: string,
): Promise<StickyCommentOutcome> {
  if (!body.includes(marker)) throw new Error("upsertStickyComment: the body must carry its marker");
  const where = `pull request #${issueNumber} of ${repositoryName(target)}`;
  const existing = await callGitHub(`listing the comments of ${where}`, async () => {
    const pages = client.paginate.iterator(client.rest.issues.listComments, {
      owner: target.owner,
      repo: target.repo,
      issue_number: issueNumber,
      per_page: 100,
    });
    for await (const page of pages) {
      const found = page.data.find((comment) => comment.body?.includes(marker));
      if (found) return found;
    }
    return undefined;
  });
  if (existing) {
    const { data } = await callGitHub(`updating comment ${existing.id} on ${where}`, () =>
      client.rest.issues.updateComment({ owner: target.owner, repo: target.repo, comment_id: existing.id, body }),
    );
    return { action: "updated", id: data.id, url: data.html_url };
  }
  const { data } = await callGitHub(`commenting on ${where}`, () =>
    client.rest.issues.createComment({ owner: target.owner, repo: target.repo, issue_number: issueNumber, body }),
  );
  return { action: "created", id: data.id, url: data.html_url };
}
