import { conformingExample } from "./github-openapi.js";
import type { GitHubServer, RecordedRequest } from "./github-server.js";

/*
 * A repository's issues, their comments and GitHub's compare view, on the OpenAPI-checked local
 * server: what regression issues are filed against. Answers are built from GitHub's own
 * examples, so they validate too.
 */

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state: "open" | "closed";
  labels: string[];
  comments: string[];
  pullRequest?: boolean;
}

export function installIssues(
  server: GitHubServer,
  REPO: string,
  ranges: readonly (readonly [base: string, head: string])[],
  options: { failPostFor?: RegExp; failCompare?: boolean; failList?: boolean } = {},
) {
  const issues: FakeIssue[] = [];
  const template = conformingExample("POST", "/repos/{owner}/{repo}/issues", 201);
  delete template.pull_request;
  const labelTemplate = conformingExample("GET", "/repos/{owner}/{repo}/labels/{name}");
  const commentTemplate = conformingExample("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments", 201);
  const view = (issue: FakeIssue) => ({
    ...template,
    id: 1000 + issue.number,
    number: issue.number,
    title: issue.title,
    body: issue.body,
    state: issue.state,
    state_reason: issue.state === "closed" ? "completed" : null,
    closed_at: issue.state === "closed" ? "2026-01-02T00:00:00Z" : null,
    comments: issue.comments.length,
    html_url: `https://github.com/${REPO}/issues/${issue.number}`,
    labels: issue.labels.map((name, i) => ({ ...labelTemplate, id: i + 1, name })),
    ...(issue.pullRequest ? { pull_request: { url: null, html_url: null, diff_url: null, patch_url: null } } : {}),
  });
  const routesFor = (issue: FakeIssue) => {
    server.route("PATCH", `/repos/${REPO}/issues/${issue.number}`, (request: RecordedRequest) => {
      const body = request.body as Partial<{ title: string; body: string; state: "open" | "closed" }>;
      Object.assign(issue, body);
      return { status: 200, body: view(issue) };
    });
    server.route("POST", `/repos/${REPO}/issues/${issue.number}/comments`, (request: RecordedRequest) => {
      const body = (request.body as { body: string }).body;
      issue.comments.push(body);
      return { status: 201, body: { ...commentTemplate, id: 5000 + issue.comments.length, body } };
    });
    server.route("GET", `/repos/${REPO}/issues/${issue.number}/comments`, () => ({
      status: 200,
      body: issue.comments.map((body, i) => ({ ...commentTemplate, id: 5000 + i, body })),
    }));
  };
  const add = (issue: Omit<FakeIssue, "number" | "comments"> & { comments?: string[] }) => {
    const created: FakeIssue = { comments: [], ...issue, number: issues.length + 1 };
    issues.push(created);
    routesFor(created);
    return created;
  };
  server.route("GET", `/repos/${REPO}/issues`, (request: RecordedRequest) => {
    if (options.failList) return { status: 502, body: { message: "Bad Gateway" } };
    const wanted = (request.query.get("labels") ?? "").split(",").filter(Boolean);
    const state = request.query.get("state") ?? "open";
    const perPage = Number(request.query.get("per_page") ?? 30);
    const page = Number(request.query.get("page") ?? 1);
    const matching = issues.filter(
      (i) => wanted.every((l) => i.labels.includes(l)) && (state === "all" || i.state === state),
    );
    const last = Math.max(1, Math.ceil(matching.length / perPage));
    const headers: Record<string, string> = {};
    if (page < last) {
      const next = new URLSearchParams(request.query);
      next.set("page", String(page + 1));
      headers.link = `<${server.url}/repos/${REPO}/issues?${next}>; rel="next"`;
    }
    return { status: 200, headers, body: matching.slice((page - 1) * perPage, page * perPage).map(view) };
  });
  server.route("POST", `/repos/${REPO}/issues`, (request: RecordedRequest) => {
    const body = request.body as { title: string; body: string; labels: string[] };
    if (options.failPostFor?.test(body.title)) return { status: 500, body: { message: "Server Error" } };
    return { status: 201, body: view(add({ title: body.title, body: body.body, state: "open", labels: body.labels })) };
  });
  const compare = conformingExample("GET", "/repos/{owner}/{repo}/compare/{basehead}");
  const commitTemplate = (compare.commits as Record<string, unknown>[])[0]!;
  for (const [base, head] of ranges) {
    server.route("GET", `/repos/${REPO}/compare/${base}...${head}`, () => {
      if (options.failCompare) return { status: 404, body: { message: "Not Found" } };
      const commits = [1, 2, 3].map((n) => ({
        ...commitTemplate,
        sha: `${head.slice(0, 39)}${n}`,
        commit: {
          ...(commitTemplate.commit as object),
          author: { name: `Dev ${n}`, email: "dev@example.com", date: "2026-01-01T00:00:00Z" },
          message: `Change ${n} by @someone | <b>bold</b>\n\nlong description`,
        },
      }));
      return { status: 200, body: { ...compare, total_commits: 25, commits } };
    });
  }
  return { issues, add };
}
