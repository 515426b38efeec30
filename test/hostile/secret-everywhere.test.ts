/**
 * A `secure:` value on any key of the stack config: synth either masks it everywhere (every
 * written file, file names included) or refuses it with a line that does not show it.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { OFFLINE_SECRET_VALUE } from "../../infra/stack-file";
import { STACK_TRACE, synth } from "../support/cli";
import { committedConfig } from "../support/stack-files";
import { configLeaves, setAt } from "./leaves";

const CIPHERTEXT = "v1:QUJDREVGR0hJSktMTU5PUA==:c2VjcmV0LWNpcGhlcnRleHQ=";
const KNOWN_HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOAdH/nCJycv1gRz74NR5S6H5+kEVAzVAUT9z7cQo1DR";

describe("a secure value on any key", () => {
  const leaves = configLeaves();

  it("covers every key of the schema", () => {
    expect(leaves.length).toBeGreaterThanOrEqual(25);
  });

  const cases = (["prod", "dev"] as const).flatMap((stack) =>
    leaves.map((path) => [`${stack}: ${path.join(".")}`, stack, path] as const),
  );
  it.each(cases)("%s", async (_name, stack, path) => {
    const dir = mkdtempSync(join(tmpdir(), "dockyard-secret-"));
    const config = structuredClone(committedConfig(stack));
    if (path[0] === "registry" && ["username", "password"].includes(path[1])) {
      config["dockyard:registry"] = {
        mode: "external",
        address: "registry.example.com",
        username: "ci",
        password: { secure: CIPHERTEXT },
      };
    }
    // Dev backs up to a volume: its repository keys are tried on prod's off-site repository.
    if (path[0] === "backup" && path[1] === "repository" && stack === "dev")
      (config["dockyard:backup"] as Record<string, unknown>).repository = structuredClone(
        (committedConfig("prod")["dockyard:backup"] as Record<string, unknown>).repository,
      );
    // Repository credentials apply to their own backend: put each on a repository of that kind.
    if (path[0] === "backup" && path[1] === "repository" && /^(s3|ssh)/.test(path[2])) {
      const backup = config["dockyard:backup"] as Record<string, unknown>;
      backup.repository = path[2].startsWith("s3")
        ? {
            url: "s3:https://s3.example.com/bucket",
            password: { secure: CIPHERTEXT },
            s3AccessKeyId: { secure: CIPHERTEXT },
            s3SecretAccessKey: { secure: CIPHERTEXT },
          }
        : {
            url: "sftp:backup@backup.example.com:/srv/restic",
            password: { secure: CIPHERTEXT },
            sshPrivateKey: { secure: CIPHERTEXT },
            sshKnownHosts: [`backup.example.com ${KNOWN_HOST_KEY}`],
          };
    }
    if (path[0] === "gateway" && path[1] === "tls" && ["certificate", "key"].includes(path[2])) {
      // A given pair replaces cert-manager: both halves are secrets.
      config["dockyard:gateway"] = {
        tls: { source: "secret", certificate: { secure: CIPHERTEXT }, key: { secure: CIPHERTEXT } },
      };
    }
    setAt(config, path, { secure: CIPHERTEXT });
    const file = join(dir, `Pulumi.${stack}.yaml`);
    writeFileSync(file, stringify({ config }));
    const run = await synth(stack, "--config-file", file, "--out", join(dir, "out"));
    expect([0, 1]).toContain(run.code);
    expect(run.stderr).not.toMatch(STACK_TRACE);
    for (const secret of [OFFLINE_SECRET_VALUE, CIPHERTEXT]) expect(run.stdout + run.stderr).not.toContain(secret);
    const key = `dockyard:${path
      .map((part) => (/^\d+$/.test(part) ? `[${part}]` : part))
      .join(".")
      .replace(/\.\[/g, "[")}`;
    if (run.code === 1) {
      const line = run.stderr.split("\n").find((l) => l.startsWith(`${file}: ${key} `));
      expect(line, run.stderr).toBeDefined();
      expect(line).toMatch(
        /is given as a secret, but it shapes resources|must not be a secret on the docker target|\(a secret: the value is not shown\)/,
      );
      expect(existsSync(join(dir, "out", stack))).toBe(false);
      return;
    }
    const out = join(dir, "out", stack);
    const files = readdirSync(out, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
    expect(files.length).toBeGreaterThan(5);
    for (const entry of files) {
      const full = join(entry.parentPath, entry.name);
      expect(full).not.toContain(OFFLINE_SECRET_VALUE);
      const text = readFileSync(full, "utf8");
      expect(text.includes(OFFLINE_SECRET_VALUE) || text.includes(CIPHERTEXT), full).toBe(false);
    }
  });
});
