// The lifecycle of libvirt's defined objects (components/libvirt/defined.ts) as the providers
// run it, against a stand-in virsh that records what it was asked: what is defined and under
// which UUID, what is started, rolled back, read back, redefined, stopped and undefined. The
// engine suite runs the same lifecycle against the real libvirtd.
import { describe, expect, it } from "vitest";
import { DOMAIN, NETWORK, POOL, lookUp, observeDefined, ownedInputs, undefine } from "../../components/libvirt/defined";
import { domainXml } from "../../components/libvirt/domain-xml";
import { networkProvider, type NetworkInputs, type NetworkOutputs } from "../../components/libvirt/network-provider";
import { networkXml } from "../../components/libvirt/network-xml";
import { networkFacts } from "../../components/libvirt/parse";
import { poolProvider, type PoolInputs } from "../../components/libvirt/pool-provider";
import { poolXml } from "../../components/libvirt/pool-xml";
import { notFound, withFakeVirsh, type VirshCall } from "./support/fake-virsh";
import { baseNetwork, minimalDomain } from "./support/xml-samples";

const URI = "qemu:///system";
const UUID = "3c1d7a52-9a0e-4b8f-8f55-0c2e4a8b6d11";
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const network: NetworkInputs = {
  uri: URI,
  name: "lab",
  mode: "nat",
  cidr: "10.42.0.0/24",
  dhcp: true,
  autostart: true,
  xml: networkXml(baseNetwork),
};

/** net-info as virsh -q prints it. */
const netInfo = (active: "yes" | "no", autostart: "yes" | "no" = "yes"): string =>
  `Name:           lab\nUUID:           ${UUID}\nActive:         ${active}\nPersistent:     yes\nAutostart:      ${autostart}\nBridge:         virbr7\n`;

/** dominfo as virsh -q prints it. */
const domInfo = (state: string): string =>
  `Id:             -\nName:           vm1\nUUID:           ${UUID}\nOS Type:        hvm\nState:          ${state}\nAutostart:      disable\n`;

/** The command words of each call (the XML file reads `<xml>`). */
const commands = (calls: VirshCall[]): string[] => calls.map((call) => call.args.join(" "));

/** The calls after a create, with the UUID it picked written `<uuid>`. */
const created = (calls: VirshCall[]): string[] =>
  commands(calls).map((call) =>
    call.replace(/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/g, "<uuid>"),
  );

describe("creating a defined object", () => {
  it("defines it under a fresh UUID written into its XML, starts it, turns autostart on, and reports libvirt's bridge", async () => {
    await withFakeVirsh(
      { "net-define": "", "net-autostart": "", "net-start": "", "net-info": netInfo("yes") },
      async (fake) => {
        const { id, outs } = await networkProvider.create(network);
        expect(id).toMatch(UUID_PATTERN);
        const calls = fake.calls();
        expect(commands(calls)).toEqual([
          "net-define <xml>",
          `net-autostart ${id}`,
          `net-start ${id}`,
          `net-info ${id}`,
        ]);
        expect(calls.every((call) => call.uri === URI)).toBe(true);
        // The definition is the rendered one with the UUID added, nothing else.
        expect(networkFacts(calls[0].xml!)).toEqual({ ...networkFacts(network.xml), uuid: id });
        expect(outs).toMatchObject({ uuid: id, bridgeName: "virbr7", active: true, autostart: true });
      },
    );
  });

  it("leaves autostart alone when it is off (a new definition starts without it)", async () => {
    await withFakeVirsh({ "net-define": "", "net-start": "", "net-info": netInfo("yes", "no") }, async (fake) => {
      const { id } = await networkProvider.create({ ...network, autostart: false });
      expect(commands(fake.calls())).toEqual(["net-define <xml>", `net-start ${id}`, `net-info ${id}`]);
    });
  });

  it("picks a new UUID for every object", async () => {
    await withFakeVirsh(
      { "net-define": "", "net-autostart": "", "net-start": "", "net-info": netInfo("yes") },
      async () => {
        const first = await networkProvider.create(network);
        const second = await networkProvider.create(network);
        expect(second.id).not.toBe(first.id);
      },
    );
  });

  it("refuses a name libvirt already has, changing nothing", async () => {
    const taken = {
      stderr: `error: Failed to define network from <xml>\nerror: operation failed: network 'lab' already exists with uuid ${UUID}\n`,
      exit: 1,
    };
    await withFakeVirsh({ "net-define": taken }, async (fake) => {
      await expect(networkProvider.create(network)).rejects.toThrow(
        `a network named "lab" already exists on ${URI}; dockyard neither adopts nor overwrites existing objects`,
      );
      expect(commands(fake.calls())).toEqual(["net-define <xml>"]);
    });
  });

  it("passes other define failures through unchanged", async () => {
    const invalid = { stderr: "error: XML error: Invalid IP address\n", exit: 1 };
    await withFakeVirsh({ "net-define": invalid }, async () => {
      await expect(networkProvider.create(network)).rejects.toThrow(
        /^virsh net-define \S+\/object\.xml failed on qemu:\/\/\/system: XML error: Invalid IP address$/,
      );
    });
  });

  it("rolls a failed start back: stops nothing that is not running, undefines what it defined, and says so", async () => {
    const failed = { stderr: "error: Failed to start network lab\nerror: internal error: bridge in use\n", exit: 1 };
    await withFakeVirsh(
      { "net-define": "", "net-autostart": "", "net-start": failed, "net-info": netInfo("no"), "net-undefine": "" },
      async (fake) => {
        await expect(networkProvider.create(network)).rejects.toThrow(
          /^could not create network "lab" on qemu:\/\/\/system \(nothing was left behind\): virsh net-start .* bridge in use$/,
        );
        expect(created(fake.calls())).toEqual([
          "net-define <xml>",
          "net-autostart <uuid>",
          "net-start <uuid>",
          "net-info <uuid>",
          "net-undefine <uuid>",
        ]);
      },
    );
  });

  it("says what is left when the rollback fails too", async () => {
    const failed = { stderr: "error: internal error: bridge in use\n", exit: 1 };
    const stuck = { stderr: "error: internal error: network is busy\n", exit: 1 };
    await withFakeVirsh(
      { "net-define": "", "net-start": failed, "net-info": netInfo("no"), "net-undefine": stuck },
      async () => {
        await expect(networkProvider.create({ ...network, autostart: false })).rejects.toThrow(
          /removing the partial object failed too \(.*network is busy\): remove it by hand\): .*bridge in use/,
        );
      },
    );
  });

  it("rolls back with the resource's own tear-down: a pool removes the directory it built", async () => {
    const pool: PoolInputs = {
      uri: URI,
      name: "vms",
      path: "/srv/vms",
      autostart: false,
      xml: poolXml({ name: "vms", path: "/srv/vms" }),
    };
    await withFakeVirsh(
      {
        "pool-define": "",
        // The directory is missing: create builds it, then the second start fails.
        "pool-start": { stderr: "error: cannot open directory '/srv/vms': No such file or directory\n", exit: 1 },
        "pool-build": "",
        "pool-info": "Name:           vms\nState:          inactive\n",
        "pool-delete": "",
        "pool-undefine": "",
      },
      async (fake) => {
        await expect(poolProvider.create(pool)).rejects.toThrow(/could not create storage pool "vms"/);
        expect(created(fake.calls())).toEqual([
          "pool-define <xml>",
          "pool-start <uuid>",
          "pool-build <uuid>",
          "pool-start <uuid>",
          "pool-info <uuid>",
          "pool-delete <uuid>",
          "pool-undefine <uuid>",
        ]);
      },
    );
  });
});

describe("updating a defined object", () => {
  const recorded: NetworkOutputs = { ...network, uuid: UUID, bridgeName: "virbr7", active: true };

  it("redefines under the same UUID when the definition changed", async () => {
    const xml = networkXml({ ...baseNetwork, cidr: "10.43.0.0/24" });
    await withFakeVirsh({ "net-define": "" }, async (fake) => {
      const outs = await networkProvider.update!(UUID, recorded, { ...network, cidr: "10.43.0.0/24", xml });
      const calls = fake.calls();
      expect(commands(calls)).toEqual(["net-define <xml>"]);
      expect(networkFacts(calls[0].xml!)).toEqual({ ...networkFacts(xml), uuid: UUID });
      expect(outs.outs).toMatchObject({ uuid: UUID, cidr: "10.43.0.0/24", bridgeName: "virbr7" });
    });
  });

  it("changes nothing when nothing changed", async () => {
    await withFakeVirsh({}, async (fake) => {
      await networkProvider.update!(UUID, recorded, network);
      expect(fake.calls()).toEqual([]);
    });
  });

  it("redefines the recorded definition when read found it drifted (the XML itself unchanged)", async () => {
    await withFakeVirsh({ "net-define": "" }, async (fake) => {
      await networkProvider.update!(UUID, { ...recorded, dhcp: false, drift: { dhcp: true } }, network);
      const calls = fake.calls();
      expect(commands(calls)).toEqual(["net-define <xml>"]);
      expect(networkFacts(calls[0].xml!)).toMatchObject({ uuid: UUID, dhcp: true });
    });
  });

  it("redefines when only drift was recorded, whatever the inputs say", async () => {
    await withFakeVirsh({ "net-define": "" }, async (fake) => {
      await networkProvider.update!(UUID, { ...recorded, drift: { mode: "nat" } }, network);
      expect(commands(fake.calls())).toEqual(["net-define <xml>"]);
    });
  });

  it("only toggles autostart when that is all that changed, either way", async () => {
    await withFakeVirsh({ "net-autostart": "" }, async (fake) => {
      await networkProvider.update!(UUID, recorded, { ...network, autostart: false });
      await networkProvider.update!(UUID, { ...recorded, autostart: false }, network);
      expect(commands(fake.calls())).toEqual([`net-autostart ${UUID} --disable`, `net-autostart ${UUID}`]);
    });
  });

  it("does not redefine for inputs outside the definition, nor for outputs the program does not send", async () => {
    await withFakeVirsh({}, async (fake) => {
      // bridgeName and active are outputs, absent from the program's inputs.
      await networkProvider.update!(UUID, { ...recorded, bridgeName: "virbr9", active: false }, network);
      expect(fake.calls()).toEqual([]);
    });
  });
});

describe("reading a defined object", () => {
  const recorded: NetworkOutputs = { ...network, uuid: UUID, bridgeName: "virbr7", active: true };
  const live = (xml: string, info: string) => ({ "net-dumpxml": xml, "net-info": info });

  it("reads the persistent definition and info by UUID at the recorded URI", async () => {
    await withFakeVirsh(live(networkXml(baseNetwork), netInfo("yes")), async (fake) => {
      const read = await networkProvider.read!(UUID, recorded);
      expect(commands(fake.calls())).toEqual([`net-dumpxml --inactive ${UUID}`, `net-info ${UUID}`]);
      expect(read).toEqual({ id: UUID, props: recorded, inputs: network });
    });
  });

  it("reports the live value and the recorded one when a field changed out of band", async () => {
    const edited = networkXml({ ...baseNetwork, dhcp: false });
    await withFakeVirsh(live(edited, netInfo("no", "no")), async () => {
      const read = await networkProvider.read!(UUID, recorded);
      expect(read.props).toEqual({
        ...recorded,
        dhcp: false,
        autostart: false,
        active: false,
        // The range went with DHCP; none was declared explicitly (null: not set).
        drift: { dhcp: true, dhcpRange: null, autostart: true },
      });
    });
  });

  it("reports an object deleted out of band as gone", async () => {
    await withFakeVirsh({ "net-dumpxml": notFound("network", UUID) }, async (fake) => {
      expect(await networkProvider.read!(UUID, recorded)).toEqual({ id: "" });
      expect(commands(fake.calls())).toEqual([`net-dumpxml --inactive ${UUID}`]);
    });
  });

  it("reports it gone when it vanishes between the definition and the info", async () => {
    await withFakeVirsh({ "net-dumpxml": networkXml(baseNetwork), "net-info": notFound("network", UUID) }, async () => {
      expect(await networkProvider.read!(UUID, recorded)).toEqual({ id: "" });
    });
  });

  it("fails, rather than reporting it gone, when libvirt cannot be reached", async () => {
    const down = {
      stderr: "error: failed to connect to the hypervisor\nerror: Cannot recv data: Connection reset by peer\n",
      exit: 1,
    };
    await withFakeVirsh({ "net-dumpxml": down }, async () => {
      await expect(networkProvider.read!(UUID, recorded)).rejects.toThrow(`cannot reach libvirt at ${URI}`);
    });
    await withFakeVirsh({ "net-dumpxml": networkXml(baseNetwork), "net-info": down }, async () => {
      await expect(networkProvider.read!(UUID, recorded)).rejects.toThrow(`cannot reach libvirt at ${URI}`);
    });
  });

  it("imports by name: every owned field live, the live definition as the XML, the UUID from libvirt", async () => {
    const liveXml = `<network>\n  <name>lab</name>\n  <uuid>${UUID}</uuid>\n  <forward mode='nat'/>\n  <bridge name='virbr7'/>\n  <ip address='10.42.0.1' prefix='24'>\n    <dhcp>\n      <range start='10.42.0.2' end='10.42.0.254'/>\n    </dhcp>\n  </ip>\n</network>\n`;
    await withFakeVirsh(live(liveXml, netInfo("yes")), async (fake) => {
      const read = await networkProvider.read!(`${URI}|lab`, undefined);
      expect(commands(fake.calls())).toEqual(["net-dumpxml --inactive lab", "net-info lab"]);
      // Every owned field is read live; the inputs are those fields, the props add the outputs.
      const inputs = {
        uri: URI,
        name: "lab",
        mode: "nat",
        cidr: "10.42.0.0/24",
        dhcp: true,
        dhcpRange: { start: "10.42.0.2", end: "10.42.0.254" },
        bridge: "virbr7",
        autostart: true,
        xml: liveXml,
      };
      expect(read).toEqual({ id: UUID, props: { ...inputs, uuid: UUID, bridgeName: "virbr7", active: true }, inputs });
    });
  });

  it("keeps the lookup as the id when libvirt's info names no UUID", async () => {
    const info = "Name:           vms\nState:          running\nAutostart:      yes\n";
    await withFakeVirsh({ "pool-dumpxml": poolXml({ name: "vms", path: "/srv/vms" }), "pool-info": info }, async () => {
      const read = await poolProvider.read!(`${URI}|vms`, undefined);
      expect(read).toMatchObject({ id: "vms", props: { uuid: "vms", active: true, builtDirectory: false } });
    });
    const odd = "Name:           vms\nUUID:           not-a-uuid\nState:          running\n";
    await withFakeVirsh({ "pool-dumpxml": poolXml({ name: "vms", path: "/srv/vms" }), "pool-info": odd }, async () => {
      expect((await poolProvider.read!(`${URI}|vms`, undefined)).id).toBe("vms");
    });
  });

  it("looks objects up with each kind's own commands", async () => {
    const answers = {
      dumpxml: domainXml(minimalDomain),
      dominfo: domInfo("running"),
      "pool-dumpxml": poolXml({ name: "vms", path: "/srv/vms" }),
      "pool-info": "State:          running\n",
    };
    await withFakeVirsh(answers, async (fake) => {
      const domain = await lookUp(DOMAIN, URI, "vm1");
      expect(domain?.xml).toBe(domainXml(minimalDomain));
      expect(domain?.info).toMatchObject({ Name: "vm1", State: "running", UUID });
      expect((await lookUp(POOL, URI, "vms"))?.info).toEqual({ State: "running" });
      expect(commands(fake.calls())).toEqual([
        "dumpxml --inactive vm1",
        "dominfo vm1",
        "pool-dumpxml --inactive vms",
        "pool-info vms",
      ]);
    });
  });

  it("compares every owned field but the URI, the XML and the ones named", () => {
    expect(ownedInputs(["uri", "name", "xml", "autostart", "waitForAddressSeconds"], "waitForAddressSeconds")).toEqual([
      "name",
      "autostart",
    ]);
  });

  it("merges outputs an observer computes asynchronously", async () => {
    await withFakeVirsh(live(networkXml(baseNetwork), netInfo("yes")), async () => {
      const found = await observeDefined<NetworkInputs, NetworkOutputs>(NETWORK, { uri: URI, lookup: UUID }, recorded, {
        owned: ["name", "cidr", "autostart"],
        facts: (xml) => ({ ...networkFacts(xml), mode: "nat" }),
        outputs: ({ uuid, info }) => Promise.resolve({ uuid, bridgeName: `${info.Bridge}!` }),
      });
      expect(found).toEqual({ id: UUID, outs: { ...recorded, bridgeName: "virbr7!" } });
    });
  });
});

describe("deleting a defined object", () => {
  it("stops a running domain, then undefines it with its managed save and snapshot metadata", async () => {
    await withFakeVirsh({ dominfo: domInfo("running"), destroy: "", undefine: "" }, async (fake) => {
      await undefine(DOMAIN, URI, UUID);
      expect(commands(fake.calls())).toEqual([
        `dominfo ${UUID}`,
        `destroy ${UUID}`,
        `undefine --managed-save --snapshots-metadata ${UUID}`,
      ]);
    });
  });

  it("only undefines a domain that is shut off (or a pool that is inactive)", async () => {
    await withFakeVirsh({ dominfo: domInfo("shut off"), undefine: "" }, async (fake) => {
      await undefine(DOMAIN, URI, UUID);
      expect(commands(fake.calls())).toEqual([
        `dominfo ${UUID}`,
        `undefine --managed-save --snapshots-metadata ${UUID}`,
      ]);
    });
    await withFakeVirsh({ "pool-info": "State:          inactive\n", "pool-undefine": "" }, async (fake) => {
      await undefine(POOL, URI, UUID);
      expect(commands(fake.calls())).toEqual([`pool-info ${UUID}`, `pool-undefine ${UUID}`]);
    });
  });

  it("stops a paused domain and a running pool", async () => {
    await withFakeVirsh({ dominfo: domInfo("paused"), destroy: "", undefine: "" }, async (fake) => {
      await undefine(DOMAIN, URI, UUID);
      expect(commands(fake.calls())[1]).toBe(`destroy ${UUID}`);
    });
    await withFakeVirsh(
      { "pool-info": "State:          running\n", "pool-destroy": "", "pool-undefine": "" },
      async (fake) => {
        await undefine(POOL, URI, UUID);
        expect(commands(fake.calls())).toEqual([`pool-info ${UUID}`, `pool-destroy ${UUID}`, `pool-undefine ${UUID}`]);
      },
    );
  });

  it("tells a network's activity by Active, not State", async () => {
    await withFakeVirsh({ "net-info": netInfo("yes"), "net-destroy": "", "net-undefine": "" }, async (fake) => {
      await undefine(NETWORK, URI, UUID);
      expect(commands(fake.calls())).toEqual([`net-info ${UUID}`, `net-destroy ${UUID}`, `net-undefine ${UUID}`]);
    });
    await withFakeVirsh({ "net-info": netInfo("no"), "net-undefine": "" }, async (fake) => {
      await undefine(NETWORK, URI, UUID);
      expect(commands(fake.calls())).toEqual([`net-info ${UUID}`, `net-undefine ${UUID}`]);
    });
  });

  it("treats an object already gone as deleted, touching nothing", async () => {
    await withFakeVirsh({ dominfo: notFound("domain", UUID) }, async (fake) => {
      await undefine(DOMAIN, URI, UUID);
      expect(commands(fake.calls())).toEqual([`dominfo ${UUID}`]);
    });
  });

  it("tolerates an object that stopped on its own meanwhile, and fails on any other stop error", async () => {
    const stopped = {
      stderr: "error: Failed to destroy domain\nerror: Requested operation is not valid: domain is not running\n",
      exit: 1,
    };
    await withFakeVirsh({ dominfo: domInfo("running"), destroy: stopped, undefine: "" }, async (fake) => {
      await undefine(DOMAIN, URI, UUID);
      expect(commands(fake.calls()).at(-1)).toBe(`undefine --managed-save --snapshots-metadata ${UUID}`);
    });
    const inactive = { stderr: "error: Requested operation is not valid: network is not active\n", exit: 1 };
    await withFakeVirsh({ "net-info": netInfo("yes"), "net-destroy": inactive, "net-undefine": "" }, async (fake) => {
      await undefine(NETWORK, URI, UUID);
      expect(commands(fake.calls()).at(-1)).toBe(`net-undefine ${UUID}`);
    });
    const denied = { stderr: "error: access denied\n", exit: 1 };
    await withFakeVirsh({ dominfo: domInfo("running"), destroy: denied, undefine: "" }, async (fake) => {
      await expect(undefine(DOMAIN, URI, UUID)).rejects.toThrow(/virsh destroy .* access denied/);
      expect(commands(fake.calls()).at(-1)).toBe(`destroy ${UUID}`);
    });
  });

  it("runs the step before undefining between stop and undefine", async () => {
    await withFakeVirsh(
      { "pool-info": "State:          running\n", "pool-destroy": "", "pool-undefine": "", "pool-delete": "" },
      async (fake) => {
        let seenBefore: string[] = [];
        await undefine(POOL, URI, UUID, async () => {
          seenBefore = commands(fake.calls());
          return Promise.resolve();
        });
        expect(seenBefore).toEqual([`pool-info ${UUID}`, `pool-destroy ${UUID}`]);
        expect(commands(fake.calls())).toEqual([`pool-info ${UUID}`, `pool-destroy ${UUID}`, `pool-undefine ${UUID}`]);
      },
    );
  });
});
