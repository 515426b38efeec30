import type { Reporter, TestModule } from "vitest/node";

/**
 * Prints one closing line CI can read: `tests: N passed, N failed, N skipped`.
 * Vitest's own summary stays; this only adds the plain line. An engine test (test/engines/)
 * must fail, never skip, when its engine is missing: a skipped one fails the run.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: readonly TestModule[]): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    const skippedEngineTests: string[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") counts.passed += 1;
        else if (state === "failed") counts.failed += 1;
        else {
          counts.skipped += 1;
          if (/[\\/]test[\\/]engines[\\/]/.test(module.moduleId)) skippedEngineTests.push(test.fullName);
        }
      }
      if (module.state() === "failed" && module.children.size === 0) counts.failed += 1;
    }
    process.stdout.write(`\ntests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
    if (skippedEngineTests.length > 0) {
      process.stdout.write(
        `engine tests must fail, not skip, when their engine is missing; skipped: ${skippedEngineTests.join("; ")}\n`,
      );
      process.exitCode = 1;
    }
  }
}
