// eslint-disable-next-line @typescript-eslint/no-require-imports
const report = require("../scripts/mutation-report.cjs") as {
  summarize(): { modules: Map<string, unknown>; equivalents: number; date: string } | undefined;
  print(summary: unknown): { text: string }[];
  TARGET: number;
};

/** Prints the last `npm run mutate` report: score per critical module and the equivalent mutants (it does not run it: hours). */
export function benchMutation(): void {
  const summary = report.summarize();
  if (!summary) {
    console.log("mutation: no report yet (npm run mutate writes out/mutation/mutation.json)");
    return;
  }
  console.log(
    `mutation score (last npm run mutate${summary.date ? `, ${summary.date}` : ""}; target ≥ ${report.TARGET} %; ${summary.equivalents} reviewed equivalent mutants):`,
  );
  for (const line of report.print(summary)) console.log(`  ${line.text}`);
}
