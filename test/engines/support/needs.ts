import { beforeEach } from "vitest";
import { ensure, type Need } from "./requirements";

/**
 * Declares what every test of the calling file needs. When something is missing, each test
 * fails with one line naming it and the set-up command: a check in beforeEach fails the test,
 * whereas a failing beforeAll would only mark the file's tests skipped. Checked once per file.
 */
export function needs(...what: Need[]): void {
  let check: Promise<void> | undefined;
  beforeEach(() => (check ??= ensure(...what)));
}
