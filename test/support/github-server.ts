import http from "node:http";
import { checkRequest, checkResponse, matchOperation } from "./github-openapi.js";

/**
 * A local stand-in for api.github.com: each route answers from a script of responses (the
 * last one repeats), and every request is recorded. A response of `"hang"` never answers.
 * Every request is checked against GitHub's OpenAPI description, and so is every canned
 * answer (faults of the infrastructure — 5xx, 429, rate limits — excepted, as GitHub sends
 * those for any operation); a violation is answered with an error and kept in `violations`.
 */
export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}
export type Answer = ScriptedResponse | "hang";

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export interface GitHubServer {
  url: string;
  requests: RecordedRequest[];
  /** Contract violations seen so far: a test fails when this is not empty. */
  violations: string[];
  /** Scripts `METHOD /path`: a list of answers (the last repeats), or a function of the request. */
  route(method: string, path: string, answers: Answer[] | ((request: RecordedRequest) => Answer)): void;
  close(): Promise<void>;
}

export async function startGitHubServer(): Promise<GitHubServer> {
  const routes = new Map<string, { answers: Answer[] | ((request: RecordedRequest) => Answer); served: number }>();
  const requests: RecordedRequest[] = [];
  const violations: string[] = [];
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk) => (raw += String(chunk)));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://github.test");
      const path = url.pathname;
      const method = req.method ?? "GET";
      const body = raw ? JSON.parse(raw) : undefined;
      const recorded: RecordedRequest = { method, path, query: url.searchParams, headers: req.headers, body };
      requests.push(recorded);
      const matched = matchOperation(method, path);
      const requestProblems =
        typeof matched === "string"
          ? [matched]
          : checkRequest(matched, url.searchParams, body, req.headers["content-type"]);
      if (requestProblems.length > 0) {
        violations.push(`${method} ${path}: ${requestProblems.join("; ")}`);
        res.writeHead(400, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: `contract violation: ${requestProblems.join("; ")}` }));
        return;
      }
      const route = routes.get(`${method} ${path}`);
      if (!route) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: "Not Found", documentation_url: "https://docs.github.com/rest" }));
        return;
      }
      const answer =
        typeof route.answers === "function"
          ? route.answers(recorded)
          : route.answers[Math.min(route.served++, route.answers.length - 1)]!;
      if (answer === "hang") {
        hanging.add(res);
        return;
      }
      const infrastructureFault =
        answer.status >= 500 || answer.status === 429 || /rate limit/i.test(JSON.stringify(answer.body ?? ""));
      if (!infrastructureFault && typeof matched !== "string") {
        const responseProblems = checkResponse(matched, answer.status, answer.body);
        if (responseProblems.length > 0) {
          violations.push(`answer to ${method} ${path}: ${responseProblems.join("; ")}`);
          res.writeHead(500, { "content-type": "application/json" });
          res.end(JSON.stringify({ message: `canned answer violates the contract: ${responseProblems.join("; ")}` }));
          return;
        }
      }
      res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
      res.end(answer.body === undefined ? "" : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    violations,
    route(method, path, answers) {
      routes.set(`${method} ${path}`, { answers, served: 0 });
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
