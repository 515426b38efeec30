// readStackSettings on what a pull request can put in a stack file, called directly: the
// problems it reports (file and key, all at once), what it refuses to open, and what Go's
// yaml.v3 (the Pulumi CLI) and this reader would read differently.
import { mkdtempSync, readdirSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../infra/config";
import { MAX_STACK_FILE_BYTES, readStackSettings } from "../infra/stack-file";
import { writeStackFile } from "./support/stack-files";

/** The lines readStackSettings throws for a file with this text (the file name cut). */
function problems(text: string): string[] {
  const file = writeStackFile(text);
  try {
    readStackSettings(file);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message.split("\n").map((line) => line.replace(`${file}: `, ""));
  }
  throw new Error("the file was accepted");
}

/** A file's text ending exactly at `bytes` bytes, its last value unterminated: `dockyard:target: docker`. */
function fileOf(bytes: number): string {
  const tail = "config:\n  dockyard:target: docker";
  return `#${"x".repeat(bytes - tail.length - 2)}\n${tail}`;
}

describe("opening a stack file", () => {
  it("names why a path cannot be read", () => {
    const dir = mkdtempSync(join(tmpdir(), "dockyard-stack-"));
    symlinkSync(join(dir, "loop"), join(dir, "loop"));
    const refusal = (file: string) => () => readStackSettings(file);
    expect(refusal(join(dir, "missing.yaml"))).toThrow(`${join(dir, "missing.yaml")}: cannot be read: no such file`);
    expect(refusal(dir)).toThrow(`${dir}: cannot be read: not a regular file (a directory)`);
    expect(refusal("/dev/null")).toThrow(/^\/dev\/null: cannot be read: not a regular file$/);
    expect(refusal(join(dir, "loop"))).toThrow(`${join(dir, "loop")}: cannot be read: ELOOP`);
  });

  it("reads a file of exactly the limit to its last byte, and refuses one byte more", () => {
    const text = fileOf(MAX_STACK_FILE_BYTES);
    expect(Buffer.byteLength(text)).toBe(MAX_STACK_FILE_BYTES);
    expect(readStackSettings(writeStackFile(text)).config).toEqual({ "dockyard:target": "docker" });
    expect(problems(fileOf(MAX_STACK_FILE_BYTES + 1))).toEqual([
      `is ${MAX_STACK_FILE_BYTES + 1} bytes, more than a stack file may be (${MAX_STACK_FILE_BYTES})`,
    ]);
  });

  it("reads until the end, not up to the size the file system reports", () => {
    // procfs reports a size of 0 for files that have content.
    expect(() => readStackSettings("/proc/sys/kernel/ostype")).toThrow("must be a YAML mapping with a `config:` key");
  });

  it("closes every file it opens", () => {
    const file = writeStackFile("config:\n  dockyard:target: docker\n");
    const open = readdirSync("/proc/self/fd").length;
    for (let i = 0; i < 20; i++) {
      readStackSettings(file);
      expect(() => readStackSettings(`${file}.missing`)).toThrow(ConfigError);
      expect(() => readStackSettings("/dev/null")).toThrow(ConfigError);
    }
    expect(readdirSync("/proc/self/fd").length).toBe(open);
  });
});

describe("reading a stack file's structure", () => {
  it("reads a file without config, and an empty value as empty text", () => {
    const file = writeStackFile("encryptionsalt: v1:abc\n");
    expect(readStackSettings(file)).toEqual({ file, config: {}, secretKeys: [], securePaths: [] });
    expect(readStackSettings(writeStackFile("config:\n  dockyard:target:\n")).config).toEqual({
      "dockyard:target": "",
    });
  });

  it("names only the keys that hold a secure value as secret", () => {
    const file = writeStackFile(
      "config:\n  dockyard:target: docker\n  dockyard:registry:\n    password:\n      secure: v1:AAAAAAAAAAAAAAAA:eHl6\n",
    );
    const settings = readStackSettings(file);
    expect(settings.secretKeys).toEqual(["dockyard:registry"]);
    expect(settings.securePaths).toEqual([["dockyard:registry", "password"]]);
  });

  it("refuses a secure value that is not Pulumi ciphertext, without showing it", () => {
    const line =
      "is marked secure but does not hold Pulumi ciphertext (the value is not shown): it sits in the file as written; set it with `pulumi config set --secret`";
    expect(
      problems(
        "config:\n  dockyard:registry:\n    password:\n      secure: hunter two\n  dockyard:token:\n    secure: 31337000\n",
      ),
    ).toEqual([`dockyard:registry.password ${line}`, `dockyard:token ${line}`]);
    // Pulumi Cloud's form: one base64 blob.
    const cloud = writeStackFile(`config:\n  dockyard:token:\n    secure: ${"AAABA".repeat(10)}\n`);
    expect(readStackSettings(cloud).securePaths).toEqual([["dockyard:token"]]);
  });

  it("refuses a config that is not a mapping, together with unknown top-level keys", () => {
    expect(problems("config: [1, 2]\nproject: x\n")).toEqual([
      "project is not a stack settings key (allowed: config, secretsprovider, encryptedkey, encryptionsalt, environment)",
      "config must be a mapping of config keys to values",
    ]);
    expect(problems("config: 5\n")).toEqual(["config must be a mapping of config keys to values"]);
  });

  it("reports what readers would read differently before anything else about the file", () => {
    expect(problems("config:\n  dockyard:target: 0755\nproject: x\n")).toEqual([
      "dockyard:target is 0755: a leading zero reads as octal in some YAML readers and decimal in others; write it without the zero, or quote it",
    ]);
  });

  it("refuses reserved names at any depth and in any spelling of the key, and keys that are not text", () => {
    expect(
      problems("config:\n  __proto__: 1\n  dockyard:services:\n    web:\n      constructor: 1\n    1: x\n"),
    ).toEqual([
      "__proto__ is a reserved name and cannot be a config key",
      'dockyard:services.web.constructor is a reserved name ("constructor") and cannot be a config key',
      "dockyard:services has a key that is not plain text",
    ]);
  });

  it("names a key without namespace by its full name, and a key with too many colons as no config key", () => {
    expect(problems("config:\n  target: 0755\n  a:b:config:c: 1\n  x:config:y: 2\n")).toEqual([
      "dockyard:target is 0755: a leading zero reads as octal in some YAML readers and decimal in others; write it without the zero, or quote it",
      "a:b:config:c is not a config key: write <namespace>:<key>, e.g. dockyard:target",
      'x:config:y uses the old "<namespace>:config:<key>" spelling, which Pulumi folds into x:y: write x:y',
    ]);
  });

  it("refuses nesting deeper than 32 levels", () => {
    let value = "1";
    for (let i = 0; i < 40; i++) value = `{a: ${value}}`;
    const [problem] = problems(`config:\n  dockyard:services: ${value}\n`);
    expect(problem).toBe(`dockyard:services${".a".repeat(32)} nests deeper than 32 levels`);
  });

  it("accepts text tags and quoted or text values that only look numeric", () => {
    const file = writeStackFile(
      `config:\n  dockyard:a: !!str 0755\n  dockyard:b: "0755"\n  dockyard:c: 07ab\n  dockyard:d: 1_000abc\n  dockyard:e: '1_000'\n`,
    );
    expect(readStackSettings(file).config).toEqual({
      "dockyard:a": "0755",
      "dockyard:b": "0755",
      "dockyard:c": "07ab",
      "dockyard:d": "1_000abc",
      "dockyard:e": "1_000",
    });
  });

  it.each(["-0x1F", "0o17", "-1_000", "1_000.25", "1_0e55", "1_0e-5", "+0755"])(
    "refuses the plain scalar %s, which readers disagree on",
    (source) => {
      const [problem] = problems(`config:\n  dockyard:x: ${source}\n`);
      expect(problem).toMatch(new RegExp(`^dockyard:x is ${source.replace(/[+]/g, "\\+")}: `));
    },
  );

  it("refuses other tags", () => {
    expect(problems("config:\n  dockyard:x: !!int 5\n")).toEqual([
      "dockyard:x has the YAML tag tag:yaml.org,2002:int, which readers resolve differently: remove it (quote the value to keep it text)",
    ]);
  });
});
