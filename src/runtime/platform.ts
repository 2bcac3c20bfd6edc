import { RuntimeSetupError } from "../model/errors.js";

/** What npm matches a native package's `os`, `cpu` and `libc` fields against. */
export interface RuntimePlatform {
  os: string;
  cpu: string;
  /** glibc or musl on Linux; empty elsewhere. */
  libc: string;
}

/**
 * The platforms the runtime lockfile can install: the registry gave integrity hashes for
 * LanceDB's linux-x64 binaries only (glibc and musl), and an entry without one is left out of
 * the lockfile (scripts/runtime-lockfile.mjs), so anything else would install no binary.
 */
export const SUPPORTED_PLATFORMS = ["linux-x64-glibc", "linux-x64-musl"] as const;

export function platformId(platform: RuntimePlatform): string {
  return [platform.os, platform.cpu, platform.libc].filter(Boolean).join("-");
}

/** This process's platform; the libc is read from Node's diagnostic report, as npm does. */
export function currentPlatform(): RuntimePlatform {
  let libc = "";
  if (process.platform === "linux") {
    const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
    libc = report?.header?.glibcVersionRuntime ? "glibc" : "musl";
  }
  return { os: process.platform, cpu: process.arch, libc };
}

/** Throws, naming the platform, where the runtime lockfile has no LanceDB binary. */
export function assertSupportedPlatform(platform: RuntimePlatform): void {
  const id = platformId(platform);
  if (!(SUPPORTED_PLATFORMS as readonly string[]).includes(id)) {
    throw new RuntimeSetupError(
      `the lance-bench actions run on ${SUPPORTED_PLATFORMS.join(" and ")} only; this runner is ${id} ` +
        "(the runtime lockfile pins LanceDB's native binary, with its integrity, for those platforms alone)",
    );
  }
}
