// Preloaded into a benchmarked process: reports its peak resident memory on exit.
process.on("exit", () => {
  process.stderr.write(`\nBENCH_MAX_RSS_KIB=${process.resourceUsage().maxRSS}\n`);
});
