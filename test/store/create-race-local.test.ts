import path from "node:path";
import type { Connection, Table } from "@lancedb/lancedb";
import { describe, expect, it, vi } from "vitest";
import { ResultStore } from "../../src/store/results-table.js";
import { tempDir } from "../support/helpers.js";
import { RACE_RETRY as retry, rowsOf, signal, storedIds } from "./race-helpers.js";

/**
 * The create race of create-race.test.ts on a local folder. There Lance's window between
 * "no table here" and committing the create is too short to hit on purpose, so the connection
 * each publisher gets is wrapped to stage the race: B's create is committed the way Lance
 * commits a create that lost by a hair — as an Overwrite on top of the table A created and
 * wrote to — and C reaches its create only after that.
 */

type Method = "createEmptyTable" | "openTable";
type Hooks = Partial<Record<Method, (real: (...args: never[]) => Promise<Table>, ...args: never[]) => Promise<Table>>>;

const { nextConnections } = vi.hoisted(() => ({ nextConnections: [] as Hooks[] }));

vi.mock("../../src/store/connect.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/store/connect.js")>();
  return {
    ...real,
    connectDb: async (...args: Parameters<typeof real.connectDb>) => {
      const connection = await real.connectDb(...args);
      const hooks = nextConnections.shift() ?? {};
      return new Proxy(connection, {
        get(target, property, receiver) {
          const value = Reflect.get(target, property, receiver) as unknown;
          if (typeof value !== "function") return value;
          const bound = (value as (...a: never[]) => Promise<Table>).bind(target);
          const hook = hooks[property as Method];
          return hook ? (...a: never[]) => hook(bound, ...a) : bound;
        },
      }) as Connection;
    },
  };
});

describe("concurrent creates on a local folder, in a forced order", () => {
  const ROWS = 50;

  it("a create committed on the winner's rows restores them once, while a third publisher opens the table", async () => {
    const uri = path.join(tempDir("lance-bench-create-race-local-"), "db");
    const fired: string[] = [];
    const logs: Record<string, string[]> = { A: [], B: [], C: [] };
    const bAtCreate = signal("B found no table", fired);
    const cAtCreate = signal("C found no table", fired);
    const aWrote = signal("A created the table and wrote its rows", fired);
    const bOverwrote = signal("B's create committed on top of A's rows", fired);
    const cCreated = signal("C's create answered", fired);

    nextConnections.push(
      {
        // A creates the table only once B and C have both looked and found none.
        async createEmptyTable(real, ...args) {
          await Promise.all([bAtCreate.wait(), cAtCreate.wait()]);
          return real(...args);
        },
      },
      {
        // B's create lands after A's rows, as Lance commits a create that lost the race.
        async createEmptyTable(real, name, schema) {
          bAtCreate.fire();
          await aWrote.wait();
          const table = await real(name, schema, { mode: "overwrite" } as never);
          bOverwrote.fire();
          return table;
        },
        // B's restore waits until C has its table, so C works from B's empty version.
        async openTable(real, ...args) {
          if (fired.includes("B's create committed on top of A's rows")) await cCreated.wait();
          return real(...args);
        },
      },
      {
        async createEmptyTable(real, ...args) {
          cAtCreate.fire();
          await bOverwrote.wait();
          try {
            return await real(...args);
          } finally {
            cCreated.fire();
          }
        },
      },
    );
    const [a, b, c] = [
      await ResultStore.open({ uri, retry, log: (m) => logs.A!.push(m) }),
      await ResultStore.open({ uri, retry, log: (m) => logs.B!.push(m) }),
      await ResultStore.open({ uri, retry, log: (m) => logs.C!.push(m) }),
    ];
    try {
      const outcomes = await Promise.all([
        a!.write(rowsOf(1, ROWS)).then((outcome) => (aWrote.fire(), outcome)),
        b!.write(rowsOf(2, ROWS)),
        c!.write(rowsOf(3, ROWS)),
      ]);
      expect(outcomes.map((o) => o.inserted)).toEqual([ROWS, ROWS, ROWS]);
    } finally {
      for (const store of [a, b, c]) store!.close();
    }

    expect(fired.slice(0, 2).sort()).toEqual(["B found no table", "C found no table"]);
    expect(fired.slice(2)).toEqual([
      "A created the table and wrote its rows",
      "B's create committed on top of A's rows",
      "C's create answered",
    ]);
    const ids = await storedIds(uri);
    expect(new Set(ids).size).toBe(3 * ROWS);
    expect(ids).toHaveLength(3 * ROWS);
    expect(logs.B!.join("\n")).toContain(`restoring its ${ROWS} rows`);
    expect(logs.C!.join("\n")).not.toMatch(/restoring/);
  });
});
