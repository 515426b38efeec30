import { describe, expect, it } from "vitest";
import { ComponentArgError } from "../../components/errors";
import { defaultSerialLogPath, DOMAIN_LIMITS, domainXml, type DomainSpec } from "../../components/libvirt/domain-xml";
import { minimalDomain as minimal, XML_SAMPLES } from "./support/xml-samples";

describe("domainXml", () => {
  // libvirt's schema check of these samples: test/engines/libvirt/xml-schema.test.ts
  it("defaults: a headless QEMU guest with a logged serial console", () => {
    const xml = XML_SAMPLES["domain: defaults"]();
    expect(xml).toContain("<domain type='qemu'>");
    expect(xml).toContain("<name>vm1</name>");
    expect(xml).toContain("<memory unit='MiB'>1024</memory>");
    expect(xml).toContain("<vcpu placement='static'>1</vcpu>");
    expect(xml).toContain("<boot dev='hd'/>");
    expect(xml).toContain("<log file='/var/log/libvirt/qemu/vm1-serial.log' append='off'/>");
    expect(xml).toContain("<target type='serial' port='0'/>");
    expect(xml).not.toMatch(/<graphics|<disk|<interface|<cpu/);
  });

  it("defaults: the whole definition libvirt is given", () => {
    // Headless; the guest agent channel and a virtio RNG; power-off and crash end the guest.
    expect(domainXml(minimal)).toBe(`<domain type='qemu'>
  <name>vm1</name>
  <memory unit='MiB'>1024</memory>
  <vcpu placement='static'>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <boot dev='hd'/>
  </os>
  <features>
    <acpi/>
    <apic/>
  </features>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <serial type='pty'>
      <log file='/var/log/libvirt/qemu/vm1-serial.log' append='off'/>
      <target port='0'/>
    </serial>
    <console type='pty'>
      <target type='serial' port='0'/>
    </console>
    <channel type='unix'>
      <target type='virtio' name='org.qemu.guest_agent.0'/>
    </channel>
    <rng model='virtio'>
      <backend model='random'>/dev/urandom</backend>
    </rng>
    <memballoon model='virtio'/>
  </devices>
</domain>
`);
  });

  it("direct kernel boot: only the files given", () => {
    const xml = domainXml({ ...minimal, kernel: { kernel: "/boot/vmlinuz" } });
    expect(xml).toContain(
      "  <os>\n    <type arch='x86_64' machine='q35'>hvm</type>\n    <kernel>/boot/vmlinuz</kernel>\n  </os>\n",
    );
    expect(domainXml({ ...minimal, kernel: { kernel: "/k", cmdline: "" } })).not.toContain("<cmdline");
  });

  it("a seed alone is the first SATA device; disks up to the limit keep distinct device names", () => {
    expect(domainXml({ ...minimal, seed: { pool: "vms", volume: "seed.iso" } })).toContain(
      "<target dev='sda' bus='sata'/>",
    );
    const disks = Array.from({ length: DOMAIN_LIMITS.disks }, (_, i) => ({
      pool: "p",
      volume: `v${i}`,
      bus: "sata" as const,
    }));
    const xml = domainXml({ ...minimal, disks, seed: { pool: "p", volume: "seed" } });
    const devices = [...xml.matchAll(/<target dev='(\w+)'/g)].map((match) => match[1]);
    expect(devices).toHaveLength(DOMAIN_LIMITS.disks + 1);
    expect(new Set(devices).size).toBe(DOMAIN_LIMITS.disks + 1);
    expect(devices.every((dev) => /^sd[a-z]$/.test(dev ?? ""))).toBe(true);
  });

  it("custom: every option reaches the XML", () => {
    const xml = XML_SAMPLES["domain: every option"]();
    expect(xml).toContain("<domain type='kvm'>");
    expect(xml).toContain("<memory unit='MiB'>8192</memory>");
    expect(xml).toContain("<vcpu placement='static'>4</vcpu>");
    expect(xml).toContain("<cpu mode='host-passthrough'/>");
    expect(xml).toMatch(
      /<driver name='qemu' type='qcow2' discard='unmap'\/>\s*<source pool='vms' volume='vm1-root.qcow2'\/>\s*<target dev='vda' bus='virtio'\/>/,
    );
    expect(xml).toMatch(
      /<driver name='qemu' type='raw' discard='unmap'\/>\s*<source pool='vms' volume='vm1-data.raw'\/>\s*<target dev='sda' bus='scsi'\/>/,
    );
    expect(xml).toMatch(/<source pool='data' volume='scratch'\/>\s*<target dev='vdb' bus='virtio'\/>/);
    // The seed follows the data disks on the sd* names and is read-only.
    expect(xml).toMatch(
      /<disk type='volume' device='cdrom'>\s*<driver name='qemu' type='raw'\/>\s*<source pool='vms' volume='vm1-seed.iso'\/>\s*<target dev='sdb' bus='sata'\/>\s*<readonly\/>/,
    );
    expect(xml).toMatch(/<source network='lab'\/>\s*<mac address='52:54:00:aa:bb:01'\/>\s*<model type='virtio'\/>/);
    expect(xml).toMatch(/<source network='backend'\/>\s*<model type='e1000e'\/>/);
    expect(xml).toContain("<log file='/srv/logs/vm1 console.log' append='off'/>");
    expect(xml).toContain("<kernel>/boot/vmlinuz</kernel>");
    expect(xml).toContain("<initrd>/boot/initrd.img</initrd>");
    expect(xml).toContain("<cmdline>console=ttyS0 root=/dev/vda1 x=&quot;&lt;&amp;&gt;&quot;</cmdline>");
    expect(xml).not.toContain("<boot dev=");
  });

  it.each([
    [{ vcpus: 0 }, /vcpus must be an integer from 1 to 256, got 0/],
    [{ vcpus: 1.5 }, /vcpus must be an integer/],
    [{ memoryMiB: 32 }, /memoryMiB must be an integer from 64 to 4194304, got 32/],
    [{ memoryMiB: "1024" }, /memoryMiB must be an integer/],
    [{ domainType: "xen" }, /domainType must be one of "qemu", "kvm", got "xen"/],
    [{ name: "vm 1" }, /name must start with a letter or digit/],
    [{ serialLogPath: "console.log" }, /serialLogPath must be an absolute path/],
    [{ cpuMode: "max" }, /cpuMode must be one of "host-passthrough", "host-model"/],
    [{ disks: "vda" }, /disks must be a list/],
    [{ disks: [{ pool: "p", volume: "v", bus: "ide" }] }, /disks\[0\].bus must be one of "virtio", "sata", "scsi"/],
    [{ disks: [{ pool: "p", volume: "v", format: "vmdk" }] }, /disks\[0\].format must be one of "qcow2", "raw"/],
    [{ disks: [{ pool: "p'", volume: "v" }] }, /disks\[0\].pool must start/],
    [{ disks: [{ pool: "p", volume: "../etc/passwd" }] }, /disks\[0\].volume must start/],
    [
      { disks: Array.from({ length: 21 }, (_, i) => ({ pool: "p", volume: `v${i}` })) },
      /disks must list at most 20 disks, got 21/,
    ],
    [{ seed: { pool: "p", volume: "" } }, /seed.volume must start/],
    [{ interfaces: [{ network: "" }] }, /interfaces\[0\].network must start/],
    [
      { interfaces: [{ network: "n", macAddress: "01:00:5e:00:00:01" }] },
      /interfaces\[0\].macAddress must be a unicast MAC address/,
    ],
    [
      { interfaces: [{ network: "n", macAddress: "52-54-00-00-00-01" }] },
      /interfaces\[0\].macAddress must be a unicast MAC/,
    ],
    [{ interfaces: [{ network: "n", model: "rtl8139" }] }, /interfaces\[0\].model must be one of "virtio", "e1000e"/],
    [{ kernel: { kernel: "vmlinuz" } }, /kernel.kernel must be an absolute path/],
    [{ kernel: { kernel: "/k", initrd: "initrd" } }, /kernel.initrd must be an absolute path/],
    [{ kernel: { kernel: "/k", cmdline: "a\nb" } }, /kernel.cmdline must be a single line/],
    [{ kernel: { kernel: "/k", cmdline: 5 } }, /kernel.cmdline must be a single line of text, got 5/],
    [{ disks: [null] }, /disks\[0\].pool must start/],
    [{ interfaces: [null] }, /interfaces\[0\].network must start/],
    [{ seed: { pool: "", volume: "s" } }, /: seed.pool must start/],
  ])("rejects %j", (change, message) => {
    const spec = { ...minimal, ...change } as DomainSpec;
    expect(() => domainXml(spec, 'VirtualMachine "web"')).toThrow(ComponentArgError);
    expect(() => domainXml(spec, 'VirtualMachine "web"')).toThrow(message);
  });

  it("names the owner in its errors", () => {
    expect(() => domainXml({ ...minimal, vcpus: 0 })).toThrow(/^Domain "vm1": vcpus /);
    expect(() => domainXml({ ...minimal, vcpus: 0 }, 'VirtualMachine "web"')).toThrow(/^VirtualMachine "web": vcpus /);
  });

  it("puts the serial log beside libvirt's QEMU logs by default", () => {
    expect(defaultSerialLogPath("web")).toBe("/var/log/libvirt/qemu/web-serial.log");
  });
});
