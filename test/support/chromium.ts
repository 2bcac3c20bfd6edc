/** Debian's Chromium, driven by playwright-core (no browser download). */
import { chromium, type Browser } from "playwright-core";
import type { OptionalTool } from "./helpers.js";

export const CHROMIUM_PATH = process.env.LANCE_BENCH_CHROMIUM ?? "/usr/bin/chromium";

export const CHROMIUM: OptionalTool = {
  name: "Chromium",
  probe: [CHROMIUM_PATH, "--version"],
  install: "apt-get install -y chromium",
  requiredBy: "LANCE_BENCH_REQUIRE_CHROMIUM",
};

export function launchChromium(): Promise<Browser> {
  // --no-sandbox: CI containers run as root, where Chromium's sandbox refuses to start
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ["--no-sandbox"] });
}
