// (c) A real guest boots: a Debian cloud kernel with a busybox initrd (cached by
// .ci/engines/libvirt.sh) proves the serial console is logged to its file and that the
// domain's NIC gets a DHCP lease on the network, reported as the domain's ipAddress.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { contains, parseCidr, parseIpv4 } from "../../../components/libvirt/ipv4";
import { resolveDomain } from "../../../components/libvirt/domain";
import { domainProvider } from "../../../components/libvirt/domain-provider";
import { networkProvider } from "../../../components/libvirt/network-provider";
import { networkXml } from "../../../components/libvirt/network-xml";
import { needs } from "../support/needs";
import { freeCidr, GUEST_CACHE, Janitor, names, SYSTEM_URI as uri, uniqueName } from "./host";

const kernel = join(GUEST_CACHE, "vmlinuz");
const initrd = join(GUEST_CACHE, "initrd.img");
const janitor = new Janitor();

needs("libvirtd", "tiny-guest");

afterAll(() => janitor.sweep());

/** Polls `file` until it contains `marker` or `timeoutMs` passes; returns its last content. */
async function waitForText(file: string, marker: RegExp, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = "";
  while (Date.now() < deadline) {
    text = existsSync(file) ? readFileSync(file, "utf8") : "";
    if (marker.test(text)) return text;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return text;
}

describe("a tiny guest under QEMU (TCG)", () => {
  it(
    "boots, logs its serial console to the file, and its DHCP address becomes ipAddress",
    { timeout: 240_000 },
    async () => {
      const net = janitor.network(uniqueName("guestnet"));
      const cidr = await freeCidr();
      const spec = { name: net, mode: "isolated" as const, cidr, dhcp: true };
      const network = await networkProvider.create({ ...spec, uri, autostart: false, xml: networkXml(spec) });

      const name = janitor.domain(uniqueName("guest"));
      const inputs = resolveDomain(name, {
        memoryMiB: 256,
        kernel: { kernel, initrd, cmdline: "console=ttyS0 panic=-1" },
        interfaces: [{ network: net }],
        autostart: false,
        waitForAddressSeconds: 150,
      });
      const created = await domainProvider.create(inputs);
      const outs = created.outs!;

      const log = await waitForText(inputs.serialLogPath, /DOCKYARD-GUEST-LEASE ip=/, 30_000);
      expect(log).toMatch(/Linux version 6\.\d+/);
      expect(log).toMatch(/DOCKYARD-GUEST-UP kernel=\S+-cloud-amd64/);
      const leased = /DOCKYARD-GUEST-LEASE ip=(\d+\.\d+\.\d+\.\d+)/.exec(log)?.[1];
      expect(leased, `no lease in the serial log:\n${log.slice(-2000)}`).toBeDefined();

      expect(outs.ipAddress).toBe(leased);
      expect(contains(parseCidr(cidr)!, parseIpv4(outs.ipAddress!)!)).toBe(true);
      expect((await domainProvider.read!(created.id, outs)).props).toMatchObject({
        state: "running",
        ipAddress: leased,
      });

      await domainProvider.delete!(created.id, outs);
      await networkProvider.delete!(network.id, network.outs!);
      expect(await names("domain")).not.toContain(name);
      expect(await names("network")).not.toContain(net);
    },
  );
});
