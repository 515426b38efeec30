// Helpers for tests against a real libvirtd (qemu:///system): unique names, a free private
// subnet, and a janitor that removes whatever a test left behind. Whether libvirtd answers is
// checked in ../support/requirements.ts (declared per file with needs("libvirtd")).
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { formatIpv4, overlaps, parseCidr, type Ipv4Prefix } from "../../../components/libvirt/ipv4";
import { execTool, type ExecError } from "../../../components/libvirt/virsh";
import { libvirtdLogTail } from "../support/needs";
import { SYSTEM_URI } from "../support/requirements";

/** The URI every real-engine test talks to, and where the tiny guest is cached. */
export { GUEST_CACHE, SYSTEM_URI } from "../support/requirements";

/**
 * Runs a command without a shell (the providers' own wrapper); rejects with stderr in the
 * message, or, for a command killed at its limit, the limit and libvirtd's last log lines.
 */
export async function run(command: string, args: readonly string[]): Promise<string> {
  try {
    return await execTool(command, args);
  } catch (error) {
    const { stderr, message, killed, timeoutMs } = error as ExecError;
    const line = `${command} ${args.join(" ")}`;
    if (killed) throw new Error(`${line}: no answer within ${(timeoutMs ?? 0) / 1000} s\n${libvirtdLogTail()}`);
    throw new Error(`${line}: ${stderr?.trim() || message}`);
  }
}

/** `virsh -q -c qemu:///system …`. */
export function virshText(args: readonly string[]): Promise<string> {
  return run("virsh", ["-q", "-c", SYSTEM_URI, ...args]);
}

/**
 * Runs `setup` once, on first use. Tests call the returned function instead of relying on
 * beforeAll, so a missing libvirtd fails every test (vitest reports tests of a file whose
 * beforeAll threw as skipped, and these tests must never be skipped).
 */
export function once<T>(setup: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => (result ??= setup());
}

/** A name no other test run uses: `dytest-<what>-<random>`. */
export function uniqueName(what: string): string {
  return `dytest-${what}-${randomBytes(4).toString("hex")}`;
}

/** Names of the objects of one kind on the host (volumes: in `pool`). */
export async function names(kind: "domain" | "network" | "pool" | "vol", pool?: string): Promise<string[]> {
  const args = {
    domain: ["list", "--all", "--name"],
    network: ["net-list", "--all", "--name"],
    pool: ["pool-list", "--all", "--name"],
    vol: ["vol-list", "--pool", pool ?? ""],
  }[kind];
  const out = await virshText(args);
  return out
    .split("\n")
    .map((line) => (kind === "vol" ? line.trim().split(/\s+/)[0] : line.trim()) ?? "")
    .filter((name) => name.length > 0);
}

/** A /24 in 10.213.0.0/16 that overlaps no libvirt network, host address or route. */
export async function freeCidr(): Promise<string> {
  const used: Ipv4Prefix[] = [];
  for (const network of await names("network")) {
    // Another test file may remove a network between the listing and this read.
    const xml = await virshText(["net-dumpxml", network]).catch(() => "");
    for (const match of xml.matchAll(/<ip[^>]*address='([\d.]+)'[^>]*(?:prefix='(\d+)'|netmask='([\d.]+)')/g)) {
      const prefix = match[2] ?? String(maskLength(match[3] ?? "255.255.255.0"));
      const parsed = parseCidr(`${match[1]}/${prefix}`);
      if (parsed) used.push(parsed);
    }
  }
  const routes = await run("ip", ["-4", "route", "show", "table", "all"]);
  for (const match of routes.matchAll(/^(?:\S+\s+)?(\d+\.\d+\.\d+\.\d+(?:\/\d+)?)/gm)) {
    const parsed = parseCidr(match[1].includes("/") ? match[1] : `${match[1]}/32`);
    if (parsed && parsed.length > 0) used.push(parsed);
  }
  const thirds = [...randomBytes(64)];
  for (const third of thirds) {
    const candidate = parseCidr(`10.213.${third}.0/24`)!;
    if (!used.some((prefix) => overlaps(prefix, candidate))) return `${formatIpv4(candidate.network)}/24`;
  }
  throw new Error("no free /24 found in 10.213.0.0/16 for a test network");
}

function maskLength(mask: string): number {
  return mask.split(".").reduce((bits, octet) => bits + Number(octet).toString(2).replace(/0/g, "").length, 0);
}

/**
 * Remembers what a test creates and removes anything still there at the end, whether the
 * test passed or not. Removal order: domains, volumes, pools, networks.
 */
export class Janitor {
  private readonly domains = new Set<string>();
  private readonly volumes = new Map<string, string>();
  private readonly pools = new Set<string>();
  private readonly networks = new Set<string>();
  private readonly files = new Set<string>();

  /** Also removes the domain's serial log and libvirt's QEMU log, which outlive it by design. */
  domain(name: string): string {
    this.domains.add(name);
    this.files.add(`/var/log/libvirt/qemu/${name}-serial.log`);
    this.files.add(`/var/log/libvirt/qemu/${name}.log`);
    return name;
  }
  volume(pool: string, name: string): string {
    this.volumes.set(`${pool}/${name}`, pool);
    return name;
  }
  pool(name: string): string {
    this.pools.add(name);
    return name;
  }
  network(name: string): string {
    this.networks.add(name);
    return name;
  }
  file(path: string): string {
    this.files.add(path);
    return path;
  }

  /** Removes every remembered object that still exists; reports what could not be removed. */
  async sweep(): Promise<void> {
    // Nothing can have been created if libvirtd never answered: keep that failure the only one.
    if (
      !(await virshText(["version"]).then(
        () => true,
        () => false,
      ))
    ) {
      for (const path of this.files) rmSync(path, { recursive: true, force: true });
      return;
    }
    const problems: string[] = [];
    const attempt = async (step: () => Promise<unknown>): Promise<void> => {
      try {
        await step();
      } catch (error) {
        problems.push((error as Error).message);
      }
    };
    const domains = await names("domain");
    for (const name of this.domains) {
      if (!domains.includes(name)) continue;
      await attempt(() => virshText(["destroy", name]).catch(() => ""));
      await attempt(() => virshText(["undefine", "--managed-save", "--snapshots-metadata", name]));
    }
    for (const [key, pool] of this.volumes) {
      const name = key.slice(pool.length + 1);
      if ((await names("pool")).includes(pool) && (await names("vol", pool).catch((): string[] => [])).includes(name)) {
        await attempt(() => virshText(["vol-delete", "--pool", pool, name]));
      }
    }
    const pools = await names("pool");
    for (const name of this.pools) {
      if (!pools.includes(name)) continue;
      await attempt(() => virshText(["pool-destroy", name]).catch(() => ""));
      await attempt(() => virshText(["pool-delete", name]).catch(() => ""));
      await attempt(() => virshText(["pool-undefine", name]));
    }
    const networks = await names("network");
    for (const name of this.networks) {
      if (!networks.includes(name)) continue;
      await attempt(() => virshText(["net-destroy", name]).catch(() => ""));
      await attempt(() => virshText(["net-undefine", name]));
    }
    for (const path of this.files) rmSync(path, { recursive: true, force: true });
    if (problems.length > 0) throw new Error(`could not clean up after the test:\n${problems.join("\n")}`);
  }
}
