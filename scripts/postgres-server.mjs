// A throw-away PostgreSQL server for tests and local benchmarking.
//
//   import { startPostgres } from "./scripts/postgres-server.mjs";
//   const pg = await startPostgres();   // { host, port, user, database, url, env, stop }
//   ...
//   await pg.stop();
//
// or from a shell: `node scripts/postgres-server.mjs` prints `export PG...=` lines and runs until Ctrl-C.
//
// The server listens on 127.0.0.1 only, trusts every local connection (no password), runs with
// fsync off, and lives in a fresh temporary directory that stop() removes.

import { execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { setInterval } from "node:timers";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import pg from "pg";

const INSTALL_HINT = "PostgreSQL is not installed: apt-get install postgresql";
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;

function hasServerBinaries(dir) {
  return Boolean(dir) && existsSync(path.join(dir, "initdb")) && existsSync(path.join(dir, "postgres"));
}

/** The directory holding initdb and postgres: pg_config, then /usr/lib/postgresql/<highest>/bin, then PATH. */
export function findPostgresBinDir() {
  try {
    const dir = execFileSync("pg_config", ["--bindir"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    if (hasServerBinaries(dir)) return dir;
  } catch {
    // no pg_config (or a client-only install): keep looking
  }
  const debianRoot = "/usr/lib/postgresql";
  if (existsSync(debianRoot)) {
    const versions = readdirSync(debianRoot)
      .filter((name) => /^\d+(\.\d+)?$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
    for (const version of versions) {
      const dir = path.join(debianRoot, version, "bin");
      if (hasServerBinaries(dir)) return dir;
    }
  }
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (hasServerBinaries(dir)) return dir;
  }
  throw new Error(INSTALL_HINT);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function postgresAccount() {
  try {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    return { uid, gid };
  } catch {
    throw new Error(
      "running as root, but there is no 'postgres' user to run PostgreSQL as (PostgreSQL refuses to run as root)",
    );
  }
}

function tail(text, lines = 20) {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

async function canQuery(port) {
  const client = new pg.Client({
    host: "127.0.0.1",
    port,
    user: "postgres",
    database: "postgres",
    connectionTimeoutMillis: 2000,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

// Children still running when this process exits are killed, so a test that forgets stop() does
// not leave a server behind. SIGKILL because an 'exit' handler cannot wait; the backends notice
// their postmaster died and exit on their own.
const running = new Set();
process.on("exit", () => {
  for (const server of running) {
    try {
      server.child.kill("SIGKILL");
    } catch {
      // already gone
    }
    if (server.removeBase) {
      try {
        rmSync(server.base, { recursive: true, force: true });
      } catch {
        // best effort
      }
    }
  }
});

/**
 * Start a throw-away PostgreSQL server on 127.0.0.1.
 *
 * @param {{ dir?: string }} [options] dir: directory to hold the cluster (created if missing, kept on
 *   stop); default: a fresh temporary directory removed by stop().
 * @returns {Promise<{ host: string, port: number, user: string, database: string, url: string,
 *   env: Record<string, string>, stop: () => Promise<void> }>}
 */
export async function startPostgres({ dir } = {}) {
  const binDir = findPostgresBinDir();
  const asRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const account = asRoot ? postgresAccount() : undefined;

  const removeBase = !dir;
  let base;
  if (dir) {
    mkdirSync(dir, { recursive: true });
    base = realpathSync(dir);
  } else {
    base = mkdtempSync(path.join(os.tmpdir(), "lance-bench-pg-"));
  }
  const dataDir = path.join(base, "data");
  const socketDir = path.join(base, "sock");

  const cleanUp = () => {
    if (removeBase) rmSync(base, { recursive: true, force: true });
  };

  try {
    mkdirSync(socketDir, { recursive: true });
    if (asRoot) {
      // The postgres user must be able to reach and own everything under base.
      chmodSync(base, 0o755);
      execFileSync("chown", ["-R", `${account.uid}:${account.gid}`, base]);
    }

    const initdbArgs = ["-D", dataDir, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"];
    const initdb = path.join(binDir, "initdb");
    const [initCmd, initArgs] = asRoot
      ? ["runuser", ["-u", "postgres", "--", initdb, ...initdbArgs]]
      : [initdb, initdbArgs];
    try {
      execFileSync(initCmd, initArgs, { cwd: base, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (err) {
      throw new Error(`initdb failed: ${tail(`${err.stdout ?? ""}${err.stderr ?? ""}`) || err.message}`);
    }
  } catch (err) {
    cleanUp();
    throw err;
  }

  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    let server;
    try {
      server = await launch({ binDir, dataDir, socketDir, port, account, base, removeBase });
    } catch (err) {
      lastError = err;
      // Someone took the port between our probe and postgres binding it: try another.
      if (/could not (bind|create listen socket)|Address already in use/i.test(err.message)) continue;
      break;
    }
    try {
      const admin = new pg.Client({ host: "127.0.0.1", port, user: "postgres", database: "postgres" });
      await admin.connect();
      try {
        await admin.query("CREATE DATABASE bench");
      } finally {
        await admin.end();
      }
    } catch (err) {
      await server.stop();
      throw err;
    }
    const env = { PGHOST: "127.0.0.1", PGPORT: String(port), PGUSER: "postgres", PGDATABASE: "bench" };
    return {
      host: "127.0.0.1",
      port,
      user: "postgres",
      database: "bench",
      url: `postgres://postgres@127.0.0.1:${port}/bench`,
      env,
      stop: server.stop,
    };
  }
  cleanUp();
  throw lastError;
}

async function launch({ binDir, dataDir, socketDir, port, account, base, removeBase }) {
  const args = [
    "-D",
    dataDir,
    "-p",
    String(port),
    "-k",
    socketDir,
    "-c",
    "listen_addresses=127.0.0.1",
    "-c",
    "fsync=off",
    "-c",
    "synchronous_commit=off",
    "-c",
    "full_page_writes=off",
    "-c",
    "max_connections=50",
  ];
  // As root we spawn postgres itself with setuid/setgid rather than through runuser: runuser does
  // not pass SIGINT on (and turns SIGTERM into SIGTERM + SIGKILL), so the fast shutdown would not
  // reach the server and an orphaned postmaster could outlive us.
  const child = spawn(path.join(binDir, "postgres"), args, {
    cwd: base,
    stdio: ["ignore", "ignore", "pipe"],
    ...(account ? { uid: account.uid, gid: account.gid } : {}),
  });
  // A forgotten server must not keep this process alive: unref it, so that the process can exit
  // and the 'exit' handler above kills it. stop() refs it again while it waits.
  child.unref();
  child.stderr.unref();
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => {
    stderr = (stderr + chunk).slice(-20_000);
  });
  const exited = new Promise((resolve) => {
    child.on("exit", (code, signal) => resolve({ code, signal }));
    child.on("error", (error) => resolve({ code: null, signal: null, error }));
  });
  let exitInfo;
  exited.then((info) => {
    exitInfo = info;
  });

  const server = { child, base, removeBase };
  running.add(server);

  let stopping;
  server.stop = () => {
    stopping ??= (async () => {
      if (!exitInfo) {
        child.ref();
        child.stderr.ref();
        child.kill("SIGINT"); // fast shutdown
        const done = await Promise.race([exited, sleep(STOP_TIMEOUT_MS, undefined, { ref: false })]);
        if (!done) {
          child.kill("SIGKILL");
          await exited;
        }
      }
      running.delete(server);
      if (removeBase) rmSync(base, { recursive: true, force: true });
    })();
    return stopping;
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (exitInfo) {
      running.delete(server);
      const how = exitInfo.error ? exitInfo.error.message : `exited with ${exitInfo.signal ?? `code ${exitInfo.code}`}`;
      throw new Error(`postgres ${how}:\n${tail(stderr)}`);
    }
    if (await canQuery(port)) return server;
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`postgres did not accept connections within ${START_TIMEOUT_MS / 1000}s:\n${tail(stderr)}`);
    }
    await sleep(100);
  }
}

async function main() {
  const server = await startPostgres();
  for (const [key, value] of Object.entries(server.env)) console.log(`export ${key}=${value}`);
  console.log(`# ${server.url}`);
  console.log("# stop with Ctrl-C");
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await server.stop();
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  // The server's child process is unref'd (see launch): keep the CLI alive until a signal.
  setInterval(() => {}, 1 << 30);
}

const invokedAs = process.argv[1] ? realpathSync(path.resolve(process.argv[1])) : "";
if (invokedAs === realpathSync(fileURLToPath(import.meta.url))) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
