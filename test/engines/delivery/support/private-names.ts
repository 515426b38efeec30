/**
 * The stacks' own registry names, served here: each name resolves to a loopback address of its
 * own (127.0.0.0/8 is all loopback on Linux), in a private /etc/hosts that only the commands run
 * through {@link PrivateNames.argv} see (a mount namespace each, so the host's file is untouched).
 * Tools then talk TLS to `registry.test.example.internal` as they would inside the network.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface PrivateNames {
  /** The loopback address each name resolves to. */
  readonly addresses: Readonly<Record<string, string>>;
  /** `[command, args]` that run `command args` with the private names resolvable. */
  argv(command: string, args: readonly string[]): [string, string[]];
  remove(): void;
}

/** Gives each name a loopback address of its own, 127.0.0.2 upwards. */
export function privateNames(names: readonly string[]): PrivateNames {
  const dir = mkdtempSync(join(tmpdir(), "dockyard-names-"));
  const hosts = join(dir, "hosts");
  const addresses = Object.fromEntries(names.map((name, index) => [name, `127.0.0.${index + 2}`]));
  const lines = ["127.0.0.1 localhost", ...Object.entries(addresses).map(([name, address]) => `${address} ${name}`)];
  writeFileSync(hosts, `${lines.join("\n")}\n`);
  return {
    addresses,
    // unshare's new mount namespace is private by default: the bind mount never reaches the host.
    argv: (command, args) => [
      "unshare",
      ["--mount", "--", "sh", "-c", 'mount --bind "$0" /etc/hosts && exec "$@"', hosts, command, ...args],
    ],
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
