import http from "node:http";

/**
 * A local stand-in for api.github.com: each route answers from a script of responses (the
 * last one repeats), and every request is recorded. A response of `"hang"` never answers.
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
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export interface GitHubServer {
  url: string;
  requests: RecordedRequest[];
  /** Scripts `METHOD /path` (query string ignored). */
  route(method: string, path: string, answers: Answer[]): void;
  close(): Promise<void>;
}

export async function startGitHubServer(): Promise<GitHubServer> {
  const routes = new Map<string, { answers: Answer[]; served: number }>();
  const requests: RecordedRequest[] = [];
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk) => (raw += String(chunk)));
    req.on("end", () => {
      const path = (req.url ?? "/").split("?")[0]!;
      requests.push({
        method: req.method ?? "GET",
        path,
        headers: req.headers,
        body: raw ? JSON.parse(raw) : undefined,
      });
      const route = routes.get(`${req.method} ${path}`);
      if (!route) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: "Not Found", documentation_url: "https://docs.github.com/rest" }));
        return;
      }
      const answer = route.answers[Math.min(route.served++, route.answers.length - 1)]!;
      if (answer === "hang") {
        hanging.add(res);
        return;
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
