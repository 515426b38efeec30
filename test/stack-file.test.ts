import { describe, expect, it } from "vitest";
import { OFFLINE_SECRET_VALUE, readStackSettings } from "../infra/stack-file";
import { writeStackFile } from "./support/stack-files";

describe("readStackSettings", () => {
  it("passes values the way the Pulumi CLI does: strings, JSON for objects, namespace added", () => {
    const file = writeStackFile(
      "config:\n  target: docker\n  dockyard:protect: false\n  dockyard:services:\n    web:\n      replicas: 2\n  aws:region: eu-west-1\n",
    );
    expect(readStackSettings(file).config).toEqual({
      "dockyard:target": "docker",
      "dockyard:protect": "false",
      "dockyard:services": JSON.stringify({ web: { replicas: 2 } }),
      "aws:region": "eu-west-1",
    });
  });

  it("replaces secure values by a stand-in and marks their top-level key secret", () => {
    const file = writeStackFile(
      "config:\n  dockyard:registry:\n    url: r.example.com\n    password:\n      secure: v1:AAAAAAAAAAAAAAAA:eHl6\n  dockyard:token:\n    secure: v1:AAAAAAAAAAAAAAAA:YWJj\n",
    );
    const settings = readStackSettings(file);
    expect(settings.secretKeys.sort()).toEqual(["dockyard:registry", "dockyard:token"]);
    expect(JSON.parse(settings.config["dockyard:registry"])).toEqual({
      url: "r.example.com",
      password: OFFLINE_SECRET_VALUE,
    });
    expect(settings.config["dockyard:token"]).toBe(OFFLINE_SECRET_VALUE);
  });

  it("accepts Pulumi's other stack file keys", () => {
    const file = writeStackFile(
      "secretsprovider: passphrase\nencryptionsalt: v1:abc\nconfig:\n  dockyard:target: docker\n",
    );
    expect(readStackSettings(file).config).toEqual({ "dockyard:target": "docker" });
  });

  it("an empty file is an empty config", () => {
    expect(readStackSettings(writeStackFile("")).config).toEqual({});
  });

  it.each([
    ["config: [\n", "is not valid YAML"],
    ["- a\n- b\n", "must be a YAML mapping"],
    ["config: 3\n", "config must be a mapping"],
    ["conifg: {}\n", "conifg is not a stack settings key"],
  ])("rejects %j", (text, message) => {
    expect(() => readStackSettings(writeStackFile(text))).toThrow(message);
  });
});
