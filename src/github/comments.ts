import { callGitHub, type GitHubClient } from "./client.js";
import { repositoryName, type RepositoryRef } from "./repos.js";

export interface StickyCommentOutcome {
  action: "created" | "updated";
  id: number;
  url: string;
}

/**
 * Keeps exactly one comment of ours on a pull request: the first comment written by `author`
 * (the token's own identity) whose body holds `marker` (a hidden HTML comment) is edited in
 * place; only when none exists is one created. Anyone can paste the marker into a comment of
 * their own: such a comment is never edited (our report would then appear under their name).
 * Every page of the PR's comments is searched, as busy PRs run past the first hundred.
 */
export async function upsertStickyComment(
  client: GitHubClient,
  target: RepositoryRef,
  issueNumber: number,
  marker: string,
  body: string,
  author: string,
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
      const found = page.data.find(
        (comment) => comment.user?.login === author && comment.body?.includes(marker) === true,
      );
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

/** The login a token acts as (`GET /user`); installation tokens cannot ask, and name their bot instead. */
export async function tokenLogin(client: GitHubClient): Promise<string> {
  const { data } = await callGitHub(
    "reading the token's own login",
    () => client.rest.users.getAuthenticated(),
    (status) =>
      status === 403 || status === 401
        ? "a GITHUB_TOKEN or GitHub App token cannot read it: give comment-author, e.g. github-actions[bot]"
        : undefined,
  );
  return data.login;
}
