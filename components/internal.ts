/**
 * dockyard's internal entry point: what the program's own tooling shares with the components
 * but a program composing components does not need. The value rules stack config applies
 * (infra/config-schema.ts, so both accept and refuse the same values with the same words), and
 * the hooks offline evaluation uses (synth, parity, tests under Pulumi mocks). Lint lets only
 * those parts of infra/ import it (.oxlintrc.json); the public API is components/index.ts.
 */
/** The rules every value is checked by. */
export * as rules from "./rules";
/** What offline evaluation (synth, tests) needs. */
export * as offline from "./offline";
