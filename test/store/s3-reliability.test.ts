import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { AwsClient } from "aws4fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { explicitDut, runCliAsync, storedIds, tempDir } from "../support/helpers.js";
import { startS3Server, type S3Server } from "../support/s3-server.js";
import { startS3Proxy } from "../support/s3-proxy.js";

/**
 * Nothing lost on S3: a real S3-compatible server (moto's) that honours conditional writes,
 * 16 concurrent publisher processes, re-run attempts, the storage going away mid-publish, and
 * an endpoint that ignores conditional writes (refused).
 */
let s3: S3Server;
const BUCKET = "reliability";
const work = tempDir("lance-bench-s3-reliability-");

beforeAll(async () => {
  s3 = await startS3Server();
  await s3.createBucket(BUCKET);
});
afterAll(() => s3?.stop());

/** A libtest bencher file with `count` benchmarks. */
function bencherFile(name: string, count: number, offset = 0): string {
  const file = path.join(work, name);
  const lines = Array.from(
    { length: count },
    (_, i) => `test bench_${offset + i} ... bench:       ${1000 + i} ns/iter (+/- 5)\n`,
  );
  writeFileSync(file, lines.join(""));
  return file;
}

const githubRun = (attempt: number) => ({
  GITHUB_ACTIONS: "true",
  GITHUB_REPOSITORY: "lance-format/lance",
  GITHUB_RUN_ID: "424242",
  GITHUB_RUN_ATTEMPT: String(attempt),
  GITHUB_WORKFLOW: "bench",
});

describe("the S3 server", () => {
  it("honours conditional writes: a second create of the same key is refused", async () => {
    const client = new AwsClient({
      accessKeyId: s3.env.AWS_ACCESS_KEY_ID!,
      secretAccessKey: s3.env.AWS_SECRET_ACCESS_KEY!,
      region: "us-east-1",
      service: "s3",
    });
    const url = `${s3.endpoint}/${BUCKET}/conditional/probe`;
    const create = (body: string) => client.fetch(url, { method: "PUT", body, headers: { "If-None-Match": "*" } });
    expect((await create("first")).status).toBe(200);
    expect((await create("second")).status).toBe(412);
    expect(await (await client.fetch(url)).text()).toBe("first");
  });
});

describe("concurrent publishers on S3", () => {
  it("16 processes × 100 rows keep all 1,600 rows; 4 re-run attempts add none", async () => {
    const db = `s3://${BUCKET}/matrix`;
    const file = bencherFile("matrix.txt", 100);
    const publishFrom = (job: number, attempt: number) =>
      runCliAsync(["publish", file, "--db", db, ...explicitDut, "--testbed-name", `runner-${job}`, "--json"], {
        ...s3.env,
        ...githubRun(attempt),
      });
    const first = await Promise.all(Array.from({ length: 16 }, (_, job) => publishFrom(job, 1)));
    for (const run of first) expect(run.code, run.stderr).toBe(0);
    expect(first.reduce((sum, run) => sum + JSON.parse(run.stdout).rowsWritten, 0)).toBe(1600);
    let ids = await storedIds(db, s3.env);
    expect(ids).toHaveLength(1600);
    expect(new Set(ids).size).toBe(1600);

    const rerun = await Promise.all([3, 7, 11, 15].map((job) => publishFrom(job, 2)));
    for (const run of rerun) {
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ rowsWritten: 0, rowsAlreadyStored: 100 });
    }
    ids = await storedIds(db, s3.env);
    expect(ids).toHaveLength(1600);
    expect(new Set(ids).size).toBe(1600);
  });
});

describe("an endpoint that ignores conditional writes", () => {
  it("is refused before anything is written, unless explicitly allowed", async () => {
    const proxy = await startS3Proxy(s3.endpoint, s3.env, { ignoreConditionalWrites: true });
    try {
      const db = `s3://${BUCKET}/unsafe`;
      const file = bencherFile("unsafe.txt", 10);
      const refused = await runCliAsync(["publish", file, "--db", db, ...explicitDut], proxy.env);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/ignores conditional writes \(If-None-Match\).*lose rows/);
      expect(refused.stderr).toMatch(/s3\+ddb:\/\/.*LANCE_BENCH_ALLOW_UNSAFE_COMMITS=1/);
      expect(proxy.requests.some((r) => r.includes("/unsafe/results.lance"))).toBe(false);

      const allowed = await runCliAsync(["publish", file, "--db", db, ...explicitDut, "--json"], {
        ...proxy.env,
        LANCE_BENCH_ALLOW_UNSAFE_COMMITS: "1",
      });
      expect(allowed.code, allowed.stderr).toBe(0);
      expect(allowed.stderr).toMatch(/warning: .* ignores conditional writes; writing anyway/);
      expect(JSON.parse(allowed.stdout).rowsWritten).toBe(10);
    } finally {
      await proxy.close();
    }
  });
});

describe("s3+ddb://: a DynamoDB commit lock instead of conditional writes", () => {
  it("keeps every row of 8 concurrent publishers even where the endpoint ignores conditional writes", async () => {
    await s3.createCommitTable("lance_commits");
    const proxy = await startS3Proxy(s3.endpoint, s3.env, { ignoreConditionalWrites: true });
    try {
      const db = `s3+ddb://${BUCKET}/locked?ddbTableName=lance_commits`;
      const file = bencherFile("locked.txt", 100);
      const runs = await Promise.all(
        Array.from({ length: 8 }, (_, job) =>
          runCliAsync(["publish", file, "--db", db, ...explicitDut, "--testbed-name", `runner-${job}`], proxy.env),
        ),
      );
      for (const run of runs) expect(run.code, run.stderr).toBe(0);
      const ids = await storedIds(db, s3.env);
      expect(ids).toHaveLength(800);
      expect(new Set(ids).size).toBe(800);
    } finally {
      await proxy.close();
    }
  });
});

describe("the storage going away during a publish", () => {
  const isDataWrite = (method: string, url: string) => method === "PUT" && /\/results\.lance\/data\//.test(url);

  it("completes with every row when it comes back within the retry budget", async () => {
    const proxy = await startS3Proxy(s3.endpoint, s3.env, {
      onRequest: async (method, url, self) => {
        if (self.outages === 0 && isDataWrite(method, url)) {
          await self.down();
          setTimeout(() => void self.up(), 1500);
        }
      },
    });
    try {
      const db = `s3://${BUCKET}/brief-outage`;
      const run = await runCliAsync(["publish", bencherFile("brief.txt", 100), "--db", db, ...explicitDut, "--json"], {
        ...proxy.env,
        LANCE_BENCH_RETRY_BASE_MS: "1000",
      });
      expect(proxy.outages).toBe(1);
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout).rowsWritten).toBe(100);
      expect(await storedIds(db, s3.env)).toHaveLength(100);
    } finally {
      await proxy.close();
    }
  });

  it("fails loudly with zero partial rows when it stays away, and the same publish can simply be re-run", async () => {
    const proxy = await startS3Proxy(s3.endpoint, s3.env, {
      onRequest: async (method, url, self) => {
        if (self.outages === 0 && isDataWrite(method, url)) await self.down();
      },
    });
    try {
      const db = `s3://${BUCKET}/long-outage`;
      const file = bencherFile("long.txt", 100);
      const failed = await runCliAsync(["publish", file, "--db", db, ...explicitDut], {
        ...proxy.env,
        LANCE_BENCH_RETRY_ATTEMPTS: "2",
        LANCE_BENCH_RETRY_BASE_MS: "200",
        OBJECT_STORE_CLIENT_MAX_RETRIES: "1",
      });
      expect(proxy.outages).toBe(1);
      expect(failed.code).toBe(2);
      const errors = failed.stderr.split("\n").filter((line) => line.startsWith("lance-bench: error:"));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/writing 100 rows to s3:\/\/reliability\/long-outage failed after 2 tries/);
      expect(failed.stderr).not.toMatch(/\n\s+at /); // no stack trace

      await proxy.up();
      expect(await storedIds(db, s3.env)).toHaveLength(0);
      expect(existsSync(file)).toBe(true);
      const again = await runCliAsync(["publish", file, "--db", db, ...explicitDut, "--json"], s3.env);
      expect(again.code, again.stderr).toBe(0);
      expect(JSON.parse(again.stdout).rowsWritten).toBe(100);
      expect(await storedIds(db, s3.env)).toHaveLength(100);
    } finally {
      await proxy.close();
    }
  });
});
