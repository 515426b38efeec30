// One range per count and size (components/defaults.ts LIMITS): stack config and the component
// that receives the value accept and refuse the same values at each edge, so a stack file that
// validates never fails later inside a component, and a component never refuses less.
import { describe, expect, it } from "vitest";
import { resolveBackupSpec } from "../components/backup/resolve";
import { resolveServiceSpec } from "../components/workload/resolve";
import { LIMITS } from "../components/defaults";
import { resolveVolumeSpec } from "../components/persistent-volume/resolve";
import { resolveVirtualMachine } from "../components/virtual-machine/resolve";
import { validateConfig } from "../infra/config";
import { catalog } from "../infra/platform";
import { minimalArgs } from "./backup/support";
import { MINIMAL } from "./container/support/fixtures";
import { configErrorLines, configSource } from "./support/config-source";

type Values = Record<string, unknown>;

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx3QyR1OSD0FSu8Ic6VFl3HzcOvo0VFFtyUSYJBLz8W alice@laptop";

/** A valid docker stack of the real catalog, the legacy VM on (its one required key given). */
const DOCKER: Values = {
  target: "docker",
  backup: { schedule: "* * * * *" },
  endpoints: { libvirtUri: "qemu+ssh://ops@vm-host.example.com/system" },
  vms: { legacy: { enabled: true, sshAuthorizedKeys: [KEY] } },
};

/** Stack config's problems with `value` at `path` (a key of the docker stack above); [] if none. */
function configProblems(path: string[], value: number): string[] {
  const values = structuredClone(DOCKER);
  let node = values;
  for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Values;
  node[path.at(-1)!] = value;
  return configErrorLines(() => validateConfig(catalog, configSource(values)));
}

function configAccepts(path: string[], value: number): boolean {
  return configProblems(path, value).length === 0;
}

function componentAccepts(resolve: () => unknown): boolean {
  try {
    resolve();
    return true;
  } catch {
    return false;
  }
}

/** Each shared range: where stack config takes it, and the component that receives it. */
const SHARED: {
  name: string;
  range: { min: number; max: number };
  config: string[];
  component: (v: number) => unknown;
}[] = [
  {
    name: "volume size",
    range: LIMITS.volumeSizeGiB,
    config: ["volumes", "web-data", "sizeGiB"],
    component: (sizeGiB) => resolveVolumeSpec("data", { target: "docker", sizeGiB }),
  },
  {
    name: "VM vCPUs",
    range: LIMITS.vm.vcpus,
    config: ["vms", "legacy", "vcpus"],
    component: (vcpus) => resolveVirtualMachine("vm", { baseVolume: "base", sshAuthorizedKeys: [KEY], vcpus }),
  },
  {
    name: "VM memory",
    range: LIMITS.vm.memoryMiB,
    config: ["vms", "legacy", "memoryMiB"],
    component: (memoryMiB) => resolveVirtualMachine("vm", { baseVolume: "base", sshAuthorizedKeys: [KEY], memoryMiB }),
  },
  {
    name: "VM disk",
    range: LIMITS.vm.diskSizeGiB,
    config: ["vms", "legacy", "diskSizeGiB"],
    component: (diskSizeGiB) =>
      resolveVirtualMachine("vm", { baseVolume: "base", sshAuthorizedKeys: [KEY], diskSizeGiB }),
  },
  {
    name: "backup check's share of data read",
    range: LIMITS.backup.readDataPercent,
    config: ["backup", "check", "readDataPercent"],
    component: (readDataPercent) => resolveBackupSpec("b", minimalArgs("docker", { check: { readDataPercent } })),
  },
  {
    name: "restore drill's snapshot age",
    range: LIMITS.backup.maxSnapshotAgeHours,
    // Backups every minute (the stack above too): the drill's own rule allows the range's floor.
    config: ["backup", "drill", "maxSnapshotAgeHours"],
    component: (maxSnapshotAgeHours) =>
      resolveBackupSpec("b", minimalArgs("docker", { schedule: "* * * * *", drill: { maxSnapshotAgeHours } })),
  },
];

describe("ranges shared by stack config and components", () => {
  it("the docker stack they are varied from is valid", () => {
    expect(configProblems(["vms", "legacy", "vcpus"], 1)).toEqual([]);
  });

  it.each(SHARED)("$name: both accept the range's edges and refuse one past each", ({ range, config, component }) => {
    const edges = [range.min - 1, range.min, range.max, range.max + 1];
    const verdicts = edges.map((value) => [configAccepts(config, value), componentAccepts(() => component(value))]);
    expect(verdicts).toEqual([
      [false, false],
      [true, true],
      [true, true],
      [false, false],
    ]);
  });

  it("replicas: stack config takes 1 up to the component's most, the component also 0 (a stopped service)", () => {
    const replicas = (value: number) =>
      componentAccepts(() => resolveServiceSpec("svc", { ...MINIMAL, replicas: value }));
    expect(
      [LIMITS.replicas.min - 1, LIMITS.replicas.min, LIMITS.replicas.max, LIMITS.replicas.max + 1].map(replicas),
    ).toEqual([false, true, true, false]);
  });
});
