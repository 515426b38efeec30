import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ComponentArgError } from "../../components/errors";
import { Network } from "../../components/libvirt/network";
import { VirtualMachine, type VirtualMachineArgs } from "../../components/virtual-machine";
import { resolveVirtualMachine } from "../../components/virtual-machine/resolve";
import { find, ofType, record, resolve, type RecordedResource } from "../support/pulumi-harness";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx3QyR1OSD0FSu8Ic6VFl3HzcOvo0VFFtyUSYJBLz8W alice@laptop";
const VM = "dockyard:compute:VirtualMachine";
const T = (type: string): string => `pulumi-nodejs:dynamic/libvirt:${type}`;

function cloudConfig(resources: RecordedResource[], name: string): Record<string, unknown> {
  const seed = find(resources, T("CloudInitSeed"), name).inputs;
  return parse(seed.userData as string, { version: "1.1" }) as Record<string, unknown>;
}

describe("VirtualMachine", () => {
  it("defaults: secure cloud-init, 1 vCPU, 1 GiB, 20 GiB overlay on an uploaded base, children parented", async () => {
    let vm!: VirtualMachine;
    const resources = await record(() => {
      vm = new VirtualMachine("web", {
        baseImagePath: "/images/debian-12-genericcloud-amd64.qcow2",
        sshAuthorizedKeys: [KEY],
      });
    });
    const component = find(resources, VM, "web");
    const base = find(resources, T("Volume"), "web-base");
    const root = find(resources, T("Volume"), "web-root");
    const seed = find(resources, T("CloudInitSeed"), "web-seed");
    const domain = find(resources, T("Domain"), "web");
    for (const child of [base, root, seed, domain]) expect(child.parent, child.name).toBe(component.urn);

    expect(base.inputs).toMatchObject({
      uri: "qemu:///system",
      pool: "default",
      name: "web-base",
      sourcePath: "/images/debian-12-genericcloud-amd64.qcow2",
    });
    expect(root.inputs).toMatchObject({ pool: "default", name: "web-root.qcow2", baseVolume: "web-base", sizeGiB: 20 });
    expect(root.dependencies).toContain(base.urn);

    expect(domain.inputs).toMatchObject({
      name: "web",
      domainType: "qemu",
      vcpus: 1,
      memoryMiB: 1024,
      autostart: true,
      waitForAddressSeconds: 0,
    });
    const xml = domain.inputs.xml as string;
    expect(xml).toContain("<memory unit='MiB'>1024</memory>");
    expect(xml).toContain("<vcpu placement='static'>1</vcpu>");
    expect(xml).toContain("<source pool='default' volume='web-root.qcow2'/>");
    expect(xml).toMatch(
      /<source pool='default' volume='web-seed.iso'\/>\s*<target dev='sda' bus='sata'\/>\s*<readonly\/>/,
    );
    expect(xml).toContain("<source network='default'/>");
    expect(xml).toContain("<log file='/var/log/libvirt/qemu/web-serial.log' append='off'/>");
    expect(xml).not.toContain("<graphics");

    const config = cloudConfig(resources, "web-seed");
    expect(config).toMatchObject({ hostname: "web", disable_root: true, ssh_pwauth: false, package_upgrade: true });
    expect(config.users).toEqual([
      expect.objectContaining({
        name: "admin",
        lock_passwd: true,
        sudo: "ALL=(ALL) NOPASSWD:ALL",
        ssh_authorized_keys: [KEY],
      }),
    ]);
    expect(seed.inputs.userData).toContain("PasswordAuthentication no");
    expect(seed.inputs.userData).not.toMatch(
      /^\s*-?\s*(password|passwd|plain_text_passwd|hashed_passwd|chpasswd)\s*:/m,
    );

    const mac = await resolve(vm.macAddress);
    expect(mac).toMatch(/^52:54:00(:[0-9a-f]{2}){3}$/);
    expect(xml).toContain(`<mac address='${mac}'/>`);
    expect(parse(seed.inputs.networkConfig as string, { version: "1.1" })).toMatchObject({
      ethernets: { primary: { match: { macaddress: mac } } },
    });
    expect(parse(seed.inputs.metaData as string)).toEqual({
      "instance-id": expect.stringMatching(/^web-[0-9a-f]{12}$/) as unknown,
      "local-hostname": "web",
    });
    expect(await resolve(vm.domainName)).toBe("web");
    expect(await resolve(vm.serialLogPath)).toBe("/var/log/libvirt/qemu/web-serial.log");
    // Mocks echo inputs; no DHCP lease exists offline, so the address is not known.
    expect(await resolve(vm.ipAddress)).toBeUndefined();
  });

  it("custom: every option reaches the resources", async () => {
    const resources = await record(() => {
      const net = new Network("lab", { cidr: "10.55.0.0/24", mode: "isolated" });
      new VirtualMachine("db", {
        libvirtUri: "qemu+ssh://ops@kvm1/system",
        domainName: "db_primary",
        hostname: "db1",
        baseVolume: "debian-12-base",
        pool: "fast",
        diskSizeGiB: 50,
        vcpus: 4,
        memoryMiB: 8192,
        sshAuthorizedKeys: [KEY, "ssh-rsa AAAAB3NzaC1yc2E bob"],
        adminUser: "ops",
        packages: ["postgresql"],
        runCommands: ["systemctl enable --now postgresql"],
        upgradePackages: false,
        network: net,
        macAddress: "52:54:00:AB:CD:EF",
        autostart: false,
        domainType: "kvm",
        waitForAddressSeconds: 120,
      });
    });
    expect(ofType(resources, T("Volume")).map((v) => v.name)).toEqual(["db-root"]);
    expect(find(resources, T("Volume"), "db-root").inputs).toMatchObject({
      uri: "qemu+ssh://ops@kvm1/system",
      pool: "fast",
      name: "db_primary-root.qcow2",
      baseVolume: "debian-12-base",
      sizeGiB: 50,
    });
    const domain = find(resources, T("Domain"), "db");
    expect(domain.inputs).toMatchObject({
      uri: "qemu+ssh://ops@kvm1/system",
      name: "db_primary",
      domainType: "kvm",
      vcpus: 4,
      memoryMiB: 8192,
      autostart: false,
      waitForAddressSeconds: 120,
    });
    expect(domain.inputs.xml).toContain("<memory unit='MiB'>8192</memory>");
    expect(domain.inputs.xml).toContain("<vcpu placement='static'>4</vcpu>");
    expect(domain.inputs.xml).toMatch(/<source network='lab'\/>\s*<mac address='52:54:00:ab:cd:ef'\/>/);
    expect(domain.dependencies).toContain(find(resources, T("Network"), "lab").urn);
    const config = cloudConfig(resources, "db-seed");
    expect(config).toMatchObject({
      hostname: "db1",
      packages: ["postgresql"],
      runcmd: ["systemctl enable --now postgresql"],
      package_upgrade: false,
    });
    expect((config.users as { name: string; ssh_authorized_keys: string[] }[])[0]).toMatchObject({
      name: "ops",
      ssh_authorized_keys: [KEY, "ssh-rsa AAAAB3NzaC1yc2E bob"],
    });
  });

  it("keeps the MAC stable for the same stack and name, and distinct across names", () => {
    const args: VirtualMachineArgs = { baseVolume: "b", sshAuthorizedKeys: [KEY] };
    expect(resolveVirtualMachine("a", args).macAddress).toBe(resolveVirtualMachine("a", args).macAddress);
    expect(resolveVirtualMachine("a", args).macAddress).not.toBe(resolveVirtualMachine("b", args).macAddress);
  });

  it("derives a valid host name from a domain name with dots or underscores", () => {
    expect(
      parse(
        resolveVirtualMachine("x", { baseVolume: "b", sshAuthorizedKeys: [KEY], domainName: "Web_1.prod" }).metaData,
      ),
    ).toMatchObject({ "local-hostname": "web-1-prod" });
  });

  it("changes the instance-id when user-data changes, so cloud-init applies it at next boot", () => {
    const a = resolveVirtualMachine("x", { baseVolume: "b", sshAuthorizedKeys: [KEY] });
    const b = resolveVirtualMachine("x", { baseVolume: "b", sshAuthorizedKeys: [KEY], packages: ["curl"] });
    expect(a.metaData).not.toBe(b.metaData);
  });

  it.each<[Partial<VirtualMachineArgs>, RegExp]>([
    [{ baseVolume: undefined }, /^VirtualMachine "web": baseImagePath or baseVolume must be given \(exactly one\)/],
    [{ baseImagePath: "/a.qcow2" }, /baseImagePath or baseVolume must be given \(exactly one\)/],
    [{ sshAuthorizedKeys: [] }, /sshAuthorizedKeys must list at least one OpenSSH public key/],
    [{ memoryMiB: 16 }, /memoryMiB must be an integer from 64/],
    [{ vcpus: 0 }, /vcpus must be an integer from 1 to 256/],
    [{ diskSizeGiB: 0 }, /diskSizeGiB must be an integer from 1 to 65536/],
    [{ adminUser: "root" }, /adminUser must be a lower-case POSIX user name other than "root"/],
    [{ domainName: "web vm" }, /domainName must start with a letter or digit/],
    [{ macAddress: "zz:54:00:00:00:01" }, /macAddress must be a unicast MAC address/],
    [{ domainType: "hvf" as "kvm" }, /domainType must be one of "qemu", "kvm"/],
    [{ waitForAddressSeconds: 1e6 }, /waitForAddressSeconds must be an integer from 0 to 3600/],
  ])("rejects %j with an error naming the argument", async (change, message) => {
    const args: VirtualMachineArgs = { baseVolume: "debian", sshAuthorizedKeys: [KEY], ...change };
    expect(() => resolveVirtualMachine("web", args)).toThrow(ComponentArgError);
    await expect(record(() => new VirtualMachine("web", args))).rejects.toThrow(message);
  });
});
