import { spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";

/**
 * A git server on 127.0.0.1 speaking git's smart HTTP protocol, as github.com does for
 * `actions/checkout`: `<url>/<owner>/<name>` serves the repository registered under that name.
 * It is `git http-backend` (git's own CGI program) behind a small bridge, so every fetch goes
 * through the same upload-pack a real server runs. Requests are recorded; pushes are refused.
 */
export interface GitHttpServer {
  url: string;
  /** `GET /owner/name/info/refs?service=git-upload-pack` and so on, in order. */
  requests: string[];
  /** Serves `dir` (a git checkout or bare repository) as `owner/name`. */
  serve(repository: string, dir: string): void;
  close(): Promise<void>;
}

export async function startGitHttpServer(): Promise<GitHttpServer> {
  const repositories = new Map<string, string>();
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://git.test");
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    const match = /^\/([\w.-]+\/[\w.-]+?)(?:\.git)?(\/(?:info\/refs|git-upload-pack|HEAD|objects\/.*))$/.exec(
      url.pathname,
    );
    const dir = match ? repositories.get(match[1]!) : undefined;
    if (!match || !dir || url.searchParams.get("service") === "git-receive-pack" || match[2] === "/git-receive-pack") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    // Fetching a commit by sha (actions/checkout does) needs upload-pack to allow any reachable want.
    const child = spawn("git", ["-c", "uploadpack.allowAnySHA1InWant=true", "http-backend"], {
      env: {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: dir,
        GIT_HTTP_EXPORT_ALL: "1",
        PATH_INFO: match[2],
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method ?? "GET",
        CONTENT_TYPE: req.headers["content-type"] ?? "",
        GIT_PROTOCOL: String(req.headers["git-protocol"] ?? ""),
        REMOTE_ADDR: "127.0.0.1",
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    // git sends large request bodies gzip-compressed; http-backend wants them plain here
    const body = req.headers["content-encoding"] === "gzip" ? req.pipe(zlib.createGunzip()) : req;
    body.pipe(child.stdin);
    let head = Buffer.alloc(0);
    let headersDone = false;
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += String(chunk)));
    child.stdout.on("data", (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      headersDone = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString("latin1").split("\r\n")) {
        const colon = line.indexOf(":");
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (/^status$/i.test(name)) status = Number.parseInt(value, 10);
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      res.write(head.subarray(end + 4));
    });
    child.on("close", (code) => {
      if (!headersDone)
        res.writeHead(500, { "content-type": "text/plain" }).end(`git http-backend failed (${code}): ${stderr}`);
      else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    serve: (repository, dir) => void repositories.set(repository, dir),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
