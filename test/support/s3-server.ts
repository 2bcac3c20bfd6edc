import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { AwsClient } from "aws4fetch";
import { ROOT } from "./helpers.js";

/** A real S3-compatible server (moto's, from the project's venv) on 127.0.0.1. */
export interface S3Server {
  endpoint: string;
  /** AWS_* variables that point the suite at this server. */
  env: NodeJS.ProcessEnv;
  createBucket(name: string): Promise<void>;
  /** A DynamoDB table shaped as Lance's s3+ddb:// commit lock wants it (moto serves DynamoDB too). */
  createCommitTable(name: string): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startS3Server(): Promise<S3Server> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(path.join(ROOT, ".venv/bin/moto_server"), ["-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk) => (stderr += String(chunk)));
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${endpoint}/moto-api/`)).ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      throw new Error(`moto_server did not start on ${endpoint}: ${stderr.slice(-500)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    endpoint,
    env: {
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing-secret-key",
      AWS_REGION: "us-east-1",
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    },
    async createBucket(name) {
      const response = await fetch(`${endpoint}/${name}`, { method: "PUT" });
      if (!response.ok) throw new Error(`creating bucket ${name}: HTTP ${response.status}`);
    },
    async createCommitTable(name) {
      const client = new AwsClient({
        accessKeyId: "testing",
        secretAccessKey: "testing-secret-key",
        region: "us-east-1",
        service: "dynamodb",
      });
      const response = await client.fetch(endpoint, {
        method: "POST",
        headers: { "X-Amz-Target": "DynamoDB_20120810.CreateTable", "Content-Type": "application/x-amz-json-1.0" },
        body: JSON.stringify({
          TableName: name,
          KeySchema: [
            { AttributeName: "base_uri", KeyType: "HASH" },
            { AttributeName: "version", KeyType: "RANGE" },
          ],
          AttributeDefinitions: [
            { AttributeName: "base_uri", AttributeType: "S" },
            { AttributeName: "version", AttributeType: "N" },
          ],
          BillingMode: "PAY_PER_REQUEST",
        }),
      });
      if (!response.ok)
        throw new Error(`creating DynamoDB table ${name}: HTTP ${response.status} ${await response.text()}`);
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
