import http from "node:http";
import type { Socket } from "node:net";

/**
 * An HTTP proxy in front of the real S3 server, for faults the server itself cannot be asked
 * for: going away (clients see connection refused, exactly as for a stopped server, but the
 * data behind it survives) and ignoring conditional writes (it drops `If-None-Match` and
 * `If-Match`, as S3-compatible servers without that feature do).
 */
export interface S3Proxy {
  endpoint: string;
  /** AWS_* variables that point the suite at the proxy. */
  env: NodeJS.ProcessEnv;
  /** Stop listening and cut every open connection. */
  down(): Promise<void>;
  /** Listen again on the same port. */
  up(): Promise<void>;
  /** Requests forwarded so far, as "METHOD path". */
  readonly requests: string[];
  /** Times the proxy went down. */
  readonly outages: number;
  close(): Promise<void>;
}

/** An S3 error the proxy answers itself instead of forwarding the request. */
export interface S3Fault {
  status: number;
  code: string;
  message: string;
}

export interface S3ProxyOptions {
  ignoreConditionalWrites?: boolean;
  /**
   * Called before a request is forwarded; may take the proxy down (the request then fails),
   * or return an S3 error to answer instead (e.g. 403 AccessDenied, 503 SlowDown).
   */
  onRequest?: (method: string, path: string, proxy: S3Proxy) => void | S3Fault | Promise<void | S3Fault>;
}

export async function startS3Proxy(
  target: string,
  baseEnv: NodeJS.ProcessEnv,
  options: S3ProxyOptions = {},
): Promise<S3Proxy> {
  const targetUrl = new URL(target);
  const sockets = new Set<Socket>();
  let listening = false;
  let outages = 0;
  const requests: string[] = [];

  const server = http.createServer(async (req, res) => {
    const line = `${req.method} ${req.url}`;
    const fault = await options.onRequest?.(req.method ?? "GET", req.url ?? "/", proxy);
    if (!listening) {
      req.socket.destroy();
      return;
    }
    requests.push(line);
    if (fault) {
      req.resume();
      const body =
        `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${fault.code}</Code>` +
        `<Message>${fault.message}</Message><RequestId>proxy-${requests.length}</RequestId></Error>`;
      res.writeHead(fault.status, { "Content-Type": "application/xml", "Content-Length": Buffer.byteLength(body) });
      res.end(req.method === "HEAD" ? undefined : body);
      return;
    }
    const headers = { ...req.headers };
    if (options.ignoreConditionalWrites) {
      delete headers["if-none-match"];
      delete headers["if-match"];
    }
    const upstream = http.request(
      { hostname: targetUrl.hostname, port: targetUrl.port, method: req.method, path: req.url, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => req.socket.destroy());
    req.pipe(upstream);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        listening = true;
        resolve((server.address() as { port: number }).port);
      });
    });
  const port = await listen(0);
  const endpoint = `http://127.0.0.1:${port}`;

  const proxy: S3Proxy = {
    endpoint,
    env: { ...baseEnv, AWS_ENDPOINT_URL_S3: endpoint },
    requests,
    get outages() {
      return outages;
    },
    async down() {
      if (!listening) return;
      listening = false;
      outages++;
      const closed = new Promise((resolve) => server.close(resolve));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    async up() {
      if (!listening) await listen(port);
    },
    async close() {
      await proxy.down();
    },
  };
  return proxy;
}
