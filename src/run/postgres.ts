import pg from "pg";
import pRetry, { AbortError } from "p-retry";
import { ConfigurationError, LanceBenchError, describeError } from "../model/index.js";

/**
 * The PostgreSQL a pipeline benchmark reads from and writes to: in a workflow a
 * `services: postgres` container, on a laptop or in the tests Debian's PostgreSQL on
 * 127.0.0.1. The suite seeds the source table and resets the destination; the pipeline under
 * test gets the same server through libpq's PG* variables, never on its command line (where
 * a password would show in `ps` and in logs).
 */
export interface PostgresTarget {
  host: string;
  port: number;
  user: string;
  password: string | undefined;
  database: string;
}

/** Where the target is, for messages: never the password. */
export const describeTarget = (t: PostgresTarget) => `${t.user}@${t.host}:${t.port}/${t.database}`;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** A schema or table name the suite puts into SQL: a plain identifier, nothing to escape. */
export function checkIdentifier(name: string, input: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new ConfigurationError(`${input}: "${name}" is not a plain SQL identifier (letters, digits, _)`);
  }
  return name;
}

/**
 * The target from a `postgres://user:password@host:port/database` URL, or else from libpq's
 * variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE) with libpq's defaults.
 */
export function postgresTarget(url: string | undefined, env: NodeJS.ProcessEnv): PostgresTarget {
  if (url !== undefined) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ConfigurationError("database-url: not a URL (expected postgres://user:password@host:port/database)");
    }
    if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
      throw new ConfigurationError(`database-url: the scheme is "${parsed.protocol}", expected postgres:`);
    }
    if (parsed.hostname === "") throw new ConfigurationError("database-url: names no host");
    const user = decodeURIComponent(parsed.username) || "postgres";
    return {
      host: parsed.hostname.replace(/^\[|\]$/g, ""),
      port: checkPort(parsed.port || "5432", "database-url"),
      user,
      password: parsed.password === "" ? undefined : decodeURIComponent(parsed.password),
      database: decodeURIComponent(parsed.pathname.replace(/^\//, "")) || user,
    };
  }
  const user = env.PGUSER || "postgres";
  return {
    host: env.PGHOST || "localhost",
    port: checkPort(env.PGPORT || "5432", "PGPORT"),
    user,
    password: env.PGPASSWORD || undefined,
    database: env.PGDATABASE || user,
  };
}

function checkPort(text: string, input: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConfigurationError(`${input}: bad port "${text}"`);
  return port;
}

/** libpq's variables for the pipeline under test: it connects to the same server. */
export function libpqEnvironment(target: PostgresTarget): Record<string, string> {
  return {
    PGHOST: target.host,
    PGPORT: String(target.port),
    PGUSER: target.user,
    PGDATABASE: target.database,
    ...(target.password === undefined ? {} : { PGPASSWORD: target.password }),
  };
}

export interface ConnectRetry {
  /** Tries in all (default 6). */
  attempts: number;
  /** First wait; doubles each time (default 500 ms: 0.5 + 1 + 2 + 4 + 8 s ≈ 15 s in all). */
  minTimeoutMs: number;
}

export const DEFAULT_CONNECT_RETRY: ConnectRetry = { attempts: 6, minTimeoutMs: 500 };

/** SQLSTATEs that no retry can fix: wrong password, no such role or database. */
const PERMANENT = new Set(["28P01", "28000", "3D000", "42501"]);

/** An open connection; `end` must be called. */
export type PostgresSession = pg.Client;

/**
 * Connects, retrying while the server is unreachable or starting up (a service container may
 * still be booting when the job starts), then fails with one line that names the server.
 */
export async function connectPostgres(
  target: PostgresTarget,
  retry: ConnectRetry = DEFAULT_CONNECT_RETRY,
): Promise<PostgresSession> {
  let tries = 0;
  try {
    return await pRetry(
      async () => {
        tries++;
        const client = new pg.Client({ ...target, connectionTimeoutMillis: 10_000, application_name: "lance-bench" });
        // A server that goes away later emits 'error' on an idle client; the next query reports it.
        client.on("error", () => undefined);
        try {
          await client.connect();
          return client;
        } catch (error) {
          await client.end().catch(() => undefined);
          const code = (error as { code?: string }).code;
          if (code !== undefined && PERMANENT.has(code)) throw new AbortError(error as Error);
          throw error;
        }
      },
      { retries: retry.attempts - 1, minTimeout: retry.minTimeoutMs, factor: 2, randomize: false },
    );
  } catch (error) {
    throw new LanceBenchError(
      `cannot connect to PostgreSQL at ${describeTarget(target)} after ${tries} ${tries === 1 ? "try" : "tries"}: ${describeError(error) || (error as { code?: string }).code}`,
    );
  }
}

/** The server's version, part of the environment fingerprint (it shapes every number). */
export async function serverVersion(session: PostgresSession): Promise<string> {
  const { rows } = await session.query<{ server_version: string }>("SHOW server_version");
  return `postgresql ${rows[0]?.server_version ?? "unknown"}`;
}

/** The source table's name: rapidbyte's (its `bench_seed.sql`). */
export const SOURCE_TABLE = "bench_events";

/**
 * Creates `public.bench_events` with `rows` rows, as rapidbyte's `bench_seed.sql` describes:
 * id serial; event_type cycling click, purchase, view, signup, logout; user_id modulo 1000;
 * an amount computed from the row number; is_active true for two rows in three; a payload of
 * about 60 bytes (`payload-N-xxx…`); created_at spread evenly over 24 hours. Deterministic, so
 * every run and every ref reads the same bytes. One statement, generated by the server.
 */
export async function seedBenchEvents(session: PostgresSession, rows: number): Promise<void> {
  await session.query(`DROP TABLE IF EXISTS public.${SOURCE_TABLE} CASCADE`);
  await session.query(`CREATE TABLE public.${SOURCE_TABLE} (
    id SERIAL PRIMARY KEY,
    event_type TEXT NOT NULL,
    user_id INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    is_active BOOLEAN NOT NULL,
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
  )`);
  await session.query(
    `INSERT INTO public.${SOURCE_TABLE} (event_type, user_id, amount, is_active, payload, created_at)
     SELECT (ARRAY['click', 'purchase', 'view', 'signup', 'logout'])[1 + (i - 1) % 5],
            i % 1000,
            (i * 7919) % 100000,
            i % 3 <> 0,
            rpad('payload-' || i || '-', 60, 'x'),
            TIMESTAMP '2024-01-01 00:00:00' + ((i - 1) * 86400.0 / $1::int) * INTERVAL '1 second'
     FROM generate_series(1, $1::int) AS i`,
    [rows],
  );
  await session.query(`ANALYZE public.${SOURCE_TABLE}`);
}

/** Drops the destination schema (the pipeline's output) so every iteration starts empty. */
export async function dropSchema(session: PostgresSession, schema: string): Promise<void> {
  await session.query(`DROP SCHEMA IF EXISTS ${checkIdentifier(schema, "dest-schema")} CASCADE`);
}

/** Rows now in a table, to check a pipeline did its work. */
export async function countRows(session: PostgresSession, schema: string, table: string): Promise<number> {
  const { rows } = await session.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${checkIdentifier(schema, "schema")}.${checkIdentifier(table, "table")}`,
  );
  return Number(rows[0]?.n ?? 0);
}
