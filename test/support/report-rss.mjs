// Preloaded with `node --import` by tests that bound a command's memory: prints the process's
// peak resident set size when it exits.
process.on("exit", () => {
  process.stderr.write(`peak-rss-mb: ${Math.round(process.resourceUsage().maxRSS / 1024)}\n`);
});
