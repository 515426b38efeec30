// Preloaded into a benchmarked process: reports its peak resident memory and CPU time on exit.
process.on("exit", () => {
  const usage = process.resourceUsage();
  process.stderr.write(
    `\nBENCH_MAX_RSS_KIB=${usage.maxRSS}\nBENCH_CPU_US=${usage.userCPUTime + usage.systemCPUTime}\n`,
  );
});
