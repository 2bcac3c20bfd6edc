import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ResultStore } from "../../src/store/results-table.js";
import { tempDir } from "../support/helpers.js";
import { startS3Proxy, type S3Proxy } from "../support/s3-proxy.js";
import { startS3Server, type S3Server } from "../support/s3-server.js";
import { RACE_RETRY as retry, rowsOf, signal, storedIds } from "./race-helpers.js";

/**
 * Publishers that all find no table all create it. Lance checks that the table does not exist
 * and then commits the new (empty) table as an Overwrite, so a create that loses the race by a
 * hair lands on top of the winner's table, after the rows the winner already wrote. Those rows
 * must come back exactly once: never lost, never duplicated, and every row keeps a unique id.
 */

describe("concurrent creates on S3, in a forced order", () => {
  let s3: S3Server;
  const proxies: S3Proxy[] = [];
  const BUCKET = "create-race";
  const ROWS = 50;

  beforeAll(async () => {
    s3 = await startS3Server();
    await s3.createBucket(BUCKET);
    // Credentials and region for every store; the conditional-write probe goes straight to the server.
    Object.assign(process.env, s3.env);
  });
  afterAll(async () => {
    for (const proxy of proxies) await proxy.close();
    await s3?.stop();
  });

  /** A, B and C publish their rows at once (A's done fires once A's rows are in); all are closed after. */
  async function writeAtOnce(stores: ResultStore[], aWrote: { fire: () => void }): Promise<void> {
    const [a, b, c] = stores;
    try {
      const outcomes = await Promise.all([
        a!.write(rowsOf(1, ROWS)).then((outcome) => (aWrote.fire(), outcome)),
        b!.write(rowsOf(2, ROWS)),
        c!.write(rowsOf(3, ROWS)),
      ]);
      expect(outcomes.map((o) => o.inserted)).toEqual([ROWS, ROWS, ROWS]);
    } finally {
      for (const store of stores) store.close();
    }
  }

  /** A store whose every request passes through its own proxy (one per publisher). */
  async function storeBehind(
    uri: string,
    onRequest: (method: string, url: string) => void | Promise<void>,
    log: (message: string) => void,
  ): Promise<ResultStore> {
    const proxy = await startS3Proxy(s3.endpoint, s3.env, {
      onRequest: (method, url) => onRequest(method, decodeURIComponent(url)),
    });
    proxies.push(proxy);
    // The connection takes its endpoint from the environment when it is opened.
    const saved = process.env.AWS_ENDPOINT_URL_S3;
    process.env.AWS_ENDPOINT_URL_S3 = proxy.endpoint;
    try {
      return await ResultStore.open({ uri, retry, log });
    } finally {
      process.env.AWS_ENDPOINT_URL_S3 = saved;
    }
  }

  /**
   * The requests of one publisher's create, as its proxy sees them: LanceDB lists the table's
   * `_versions/` once to check that the table does not exist yet, and lists it again when it
   * commits the create (`PUT …/_versions/N.manifest`), which is where a create that found no
   * table lands on top of a table created meanwhile.
   */
  function createSteps() {
    let versionLists = 0;
    let manifestPuts = 0;
    return (method: string, url: string) => {
      if (!url.includes("/results.lance/")) return {};
      if (method === "GET" && url.includes("list-type=2") && url.includes("results.lance/_versions/")) {
        versionLists++;
        return { existenceCheck: versionLists === 1, commitLoad: versionLists === 2 };
      }
      if (method === "PUT" && /results\.lance\/_versions\/\d+\.manifest$/.test(url)) {
        manifestPuts++;
        return { firstManifestPut: manifestPuts === 1 };
      }
      return {};
    };
  }

  type Signal = ReturnType<typeof signal>;

  /** A creates the table, but only once B and C have looked and found none. */
  const createsAfter = (...others: Signal[]) => {
    const steps = createSteps();
    return async (method: string, url: string) => {
      if (steps(method, url).existenceCheck) await Promise.all(others.map((other) => other.wait()));
    };
  };

  /**
   * A publisher that finds no table and whose create then waits, past its existence check, for
   * `after`: its create commits on whatever is there by then. `committed` fires with its next
   * request; its next writes (its restore) wait for `thenHoldUntil`.
   */
  const losesCreateRace = (reached: Signal, after: Signal, committed: Signal, thenHoldUntil?: Signal) => {
    const steps = createSteps();
    let created = false;
    return async (method: string, url: string) => {
      const step = steps(method, url);
      if (created) committed.fire();
      if (step.commitLoad) {
        reached.fire();
        await after.wait();
      }
      if (step.firstManifestPut) created = true;
      else if (created && method === "PUT" && thenHoldUntil) await thenHoldUntil.wait(10_000);
    };
  };

  /**
   * A, B and C find no table. A creates it and writes its rows; only then does B's create
   * commit — as an Overwrite on top of A's rows, which B must restore. Only then does C's
   * create check for the table: it is there now, so C opens it, at B's empty version (B's
   * restore waits until C writes). That is the CI run's duplication: C took the version it
   * opened for its own create and restored A's rows a second time.
   */
  it("a create that lands on the winner's rows restores them once, while a third publisher opens the table", async () => {
    const uri = `s3://${BUCKET}/overwrite-then-open`;
    const fired: string[] = [];
    const logs: Record<string, string[]> = { A: [], B: [], C: [] };
    const bAtCommit = signal("B checked: no table; B holds its commit", fired);
    const cAtCreate = signal("C listed no table; C holds its create", fired);
    const aWrote = signal("A created the table and wrote its rows", fired);
    const bOverwrote = signal("B's create committed on top of A's rows", fired);
    const cWrites = signal("C writes", fired);

    const a = await storeBehind(uri, createsAfter(bAtCommit, cAtCreate), (m) => logs.A!.push(m));
    const b = await storeBehind(uri, losesCreateRace(bAtCommit, aWrote, bOverwrote, cWrites), (m) => logs.B!.push(m));
    const stepsC = createSteps();
    const c = await storeBehind(
      uri,
      async (method, url) => {
        if (stepsC(method, url).existenceCheck) {
          cAtCreate.fire();
          await bOverwrote.wait();
        }
        if (method === "PUT" && url.includes("/results.lance/data/")) cWrites.fire();
      },
      (m) => logs.C!.push(m),
    );

    await writeAtOnce([a, b, c], aWrote);

    // The race happened as staged.
    expect(fired.slice(0, 2).sort()).toEqual([
      "B checked: no table; B holds its commit",
      "C listed no table; C holds its create",
    ]);
    expect(fired.slice(2)).toEqual([
      "A created the table and wrote its rows",
      "B's create committed on top of A's rows",
      "C writes",
    ]);
    await expectUniqueRows(uri, 3 * ROWS);
    // B restored A's rows; C, which did not create the table, restored nothing.
    expect(logs.B!.join("\n")).toContain(`restoring its ${ROWS} rows`);
    expect(logs.C!.join("\n")).not.toMatch(/restoring/);
  });

  /**
   * Two creates lose: B's lands on A's rows, then C's lands on B's empty version before B's
   * restore commits. B's restore conflicts with C's Overwrite and is rebuilt on the latest
   * version; C's restore has nothing to bring back.
   */
  it("a second losing create on top of the first: every row once", async () => {
    const uri = `s3://${BUCKET}/overwrite-twice`;
    const fired: string[] = [];
    const logs: Record<string, string[]> = { A: [], B: [], C: [] };
    const bAtCommit = signal("B checked: no table; B holds its commit", fired);
    const cAtCommit = signal("C checked: no table; C holds its commit", fired);
    const aWrote = signal("A created the table and wrote its rows", fired);
    const bOverwrote = signal("B's create committed on top of A's rows", fired);
    const cOverwrote = signal("C's create committed on top of B's", fired);

    const a = await storeBehind(uri, createsAfter(bAtCommit, cAtCommit), (m) => logs.A!.push(m));
    const b = await storeBehind(uri, losesCreateRace(bAtCommit, aWrote, bOverwrote, cOverwrote), (m) =>
      logs.B!.push(m),
    );
    const c = await storeBehind(uri, losesCreateRace(cAtCommit, bOverwrote, cOverwrote), (m) => logs.C!.push(m));

    await writeAtOnce([a, b, c], aWrote);

    expect(fired.slice(0, 2).sort()).toEqual([
      "B checked: no table; B holds its commit",
      "C checked: no table; C holds its commit",
    ]);
    expect(fired.slice(2)).toEqual([
      "A created the table and wrote its rows",
      "B's create committed on top of A's rows",
      "C's create committed on top of B's",
    ]);
    await expectUniqueRows(uri, 3 * ROWS);
    // B's restore lost to C's Overwrite and was rebuilt on the latest version.
    expect(logs.B!.join("\n")).toContain(`restoring its ${ROWS} rows`);
    expect(logs.B!.join("\n")).toMatch(new RegExp(`restoring ${ROWS} rows after a concurrent create failed \\(try 1 `));
  });
});

describe("concurrent creates on a local folder", () => {
  const root = tempDir("lance-bench-create-race-");

  /**
   * Many publishers start at once on a fresh folder, rounds over. Locally the window in which
   * a create can land on someone's rows is narrow, so this mostly checks that no interleaving
   * the machine happens to produce loses or duplicates a row.
   */
  it("16 publishers on a fresh folder, 6 rounds: every row exactly once", async () => {
    const PUBLISHERS = 16;
    const ROWS = 10;
    for (let round = 0; round < 6; round++) {
      const uri = path.join(root, `round-${round}`);
      const stores = await Promise.all(Array.from({ length: PUBLISHERS }, () => ResultStore.open({ uri, retry })));
      try {
        const outcomes = await Promise.all(
          stores.map(async (store, i) => {
            await new Promise((r) => setTimeout(r, Math.random() * 5));
            return store.write(rowsOf(i, ROWS));
          }),
        );
        expect(outcomes.reduce((sum, o) => sum + o.inserted, 0)).toBe(PUBLISHERS * ROWS);
      } finally {
        for (const store of stores) store.close();
      }
      await expectUniqueRows(uri, PUBLISHERS * ROWS);
    }
  });
});

/** Exactly `count` rows, every id once: nothing lost, nothing stored twice. */
async function expectUniqueRows(uri: string, count: number): Promise<void> {
  const ids = await storedIds(uri);
  expect(new Set(ids).size).toBe(count);
  expect(ids).toHaveLength(count);
}
