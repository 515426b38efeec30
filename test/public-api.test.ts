// What components/index.ts offers programs: the components and their types, no tooling hooks;
// and the one shape every user error takes, whichever layer found it.
import { describe, expect, it } from "vitest";
import * as api from "../components";
import * as internal from "../components/internal";
import { ConfigError } from "../infra/config";

describe("the components' public API", () => {
  it("leaves the value rules and the offline hooks to the internal entry point", () => {
    expect(Object.keys(api)).not.toContain("rules");
    expect(Object.keys(api)).not.toContain("offline");
    expect(Object.keys(internal).sort()).toEqual(["offline", "rules"]);
  });

  it("stack config and component arguments report problems on one base, in one line format", () => {
    const component = new api.ComponentArgError(
      'VirtualMachine "legacy"',
      "vcpus",
      "must be an integer from 1 to 256, got 0",
    );
    const config = new ConfigError([
      {
        file: "stacks/Pulumi.prod.yaml",
        key: "dockyard:vms.legacy.vcpus",
        message: "must be an integer from 1 to 256, got 0",
      },
      { file: "stacks/Pulumi.prod.yaml", key: "", message: "cannot be read" },
    ]);
    expect(component).toBeInstanceOf(api.LocatedProblemsError);
    expect(config).toBeInstanceOf(api.LocatedProblemsError);
    expect(component.message).toBe('VirtualMachine "legacy": vcpus must be an integer from 1 to 256, got 0');
    expect(config.message).toBe(
      "stacks/Pulumi.prod.yaml: dockyard:vms.legacy.vcpus must be an integer from 1 to 256, got 0\nstacks/Pulumi.prod.yaml: cannot be read",
    );
  });
});
