// oxlint-disable-next-line typescript/no-require-imports
const report = require("../scripts/mutation-report.cjs") as {
  summarize(): { equivalents: number };
  print(summary: unknown): { text: string }[];
  TARGET: number;
};

/** Prints the last `npm run mutate` scores: per critical module, and the equivalent mutants (it does not run it: hours). */
export function benchMutation(): void {
  const summary = report.summarize();
  console.log(
    `mutation score (last npm run mutate per module; target ≥ ${report.TARGET} %; ${summary.equivalents} reviewed equivalent mutants):`,
  );
  for (const line of report.print(summary)) console.log(`  ${line.text}`);
}
