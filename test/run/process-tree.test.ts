import { describe, expect, it } from "vitest";
import { childEnv } from "../../src/context/child-env.js";
import { processTree } from "../../src/run/process-tree.js";
import { spawnCaptured } from "../../src/run/spawn.js";

const env = childEnv(process.env, []);
const MIB = 1024 * 1024;

describe("the process-tree sampler", () => {
  it("sums the RSS of every live descendant, not only the root's", async () => {
    // three grandchildren of 48 MiB each, alive together: no single process ever holds 100 MiB
    const program = [
      "import subprocess, sys",
      "code = 'b = bytearray(48 * 1024 * 1024)\\nimport time\\ntime.sleep(0.6)'",
      "procs = [subprocess.Popen([sys.executable, '-c', code]) for _ in range(3)]",
      "[p.wait() for p in procs]",
    ].join("\n");
    const ran = await spawnCaptured("python3", ["-c", program], { env, measureTree: { intervalMs: 20 } });
    expect(ran.code).toBe(0);
    expect(ran.usage!.samples).toBeGreaterThan(5);
    expect(ran.usage!.peakRssBytes!).toBeGreaterThan(3 * 48 * MIB);
  });

  it("counts the CPU time of the whole tree, children included", async () => {
    const burn = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass";
    const program = `import subprocess, sys\nsubprocess.run([sys.executable, '-c', ${JSON.stringify(burn)}])`;
    const ran = await spawnCaptured("python3", ["-c", program], { env, measureTree: { intervalMs: 50 } });
    expect(ran.usage!.cpuSeconds!).toBeGreaterThanOrEqual(0.3);
    expect(ran.usage!.cpuSeconds!).toBeLessThan(5);
  });

  it("sees a short process through its own high-water mark", async () => {
    const ran = await spawnCaptured("python3", ["-c", "b = bytearray(64 * 1024 * 1024)"], {
      env,
      measureTree: { intervalMs: 10_000 },
    });
    // one sample at the start at most: the peak may be unseen, but never invented
    if (ran.usage!.peakRssBytes !== undefined) expect(ran.usage!.peakRssBytes).toBeGreaterThan(0);
  });

  it("lists a process and its descendants", () => {
    expect(processTree(process.pid)).toContain(process.pid);
  });
});
