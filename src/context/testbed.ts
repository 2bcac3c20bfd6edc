import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import os from "node:os";
import type { TestBed } from "../model/index.js";

async function readOptional(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch {
    return "";
  }
}

/** The CPU model ("AMD EPYC 7763 64-Core Processor"), not just the architecture. */
async function cpuModel(): Promise<string> {
  const cpuinfo = await readOptional("/proc/cpuinfo");
  const fromProc = /^(?:model name|Hardware|Processor|cpu model)\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim();
  const model = fromProc || os.cpus()[0]?.model?.trim() || "unknown";
  return `${model} (${os.cpus().length} cores, ${os.arch()})`;
}

async function osDescription(): Promise<string> {
  const release = await readOptional("/etc/os-release");
  const pretty = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(release)?.[1];
  return `${pretty ?? os.type()} (${os.type()} ${os.release()})`;
}

/** Describes this machine. The name: the given one, else the CI runner's, else the hostname. */
export async function detectTestBed(name: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<TestBed> {
  return {
    name: name || env.RUNNER_NAME || os.hostname(),
    cpu: await cpuModel(),
    memory_gb: Math.round(os.totalmem() / 2 ** 30),
    os: await osDescription(),
    created_at: Math.floor(Date.now() / 1000),
  };
}

/**
 * A short hash of what decides whether two results can be compared: the machine's hardware
 * and OS and the toolchain. The test bed *name* is left out on purpose: hosted runners get a
 * new name per job while the environment stays the same.
 */
export function environmentFingerprint(testBed: TestBed, toolchain: readonly string[]): string {
  const material = JSON.stringify({
    cpu: testBed.cpu,
    memory_gb: testBed.memory_gb,
    os: testBed.os,
    toolchain: [...toolchain].sort(),
  });
  return createHash("sha256").update(material).digest("hex").slice(0, 16);
}
