// restic repository URLs taken apart exactly, each form of SFTP included, with the words of each
// refusal (shapes and per-volume repositories: test/backup/restic-rules.test.ts).
import { describe, expect, it } from "vitest";
import { rules } from "../../components/internal";

const parse = (url: string) => rules.parseResticRepository(url);

describe("SFTP repositories", () => {
  it.each([
    [
      "sftp:backup@nas.internal:/srv/restic",
      { backend: "sftp", transport: "ssh", user: "backup", host: "nas.internal", path: "/srv/restic" },
    ],
    [
      "sftp://backup@nas.internal:2222/srv/restic",
      { backend: "sftp", transport: "ssh", user: "backup", host: "nas.internal", port: 2222, path: "/srv/restic" },
    ],
    [
      "sftp://backup@nas.internal/srv/restic",
      { backend: "sftp", transport: "ssh", user: "backup", host: "nas.internal", path: "/srv/restic" },
    ],
    [
      "sftp://backup@nas.internal:65535/r",
      { backend: "sftp", transport: "ssh", user: "backup", host: "nas.internal", port: 65535, path: "/r" },
    ],
  ])("%s", (url, parsed) => {
    expect(parse(url)).toEqual(parsed);
  });

  it.each([
    ["sftp:backup@nas.internal", `must be "sftp:user@host:/path" or "sftp://user@host[:port]/path"`],
    ["sftp://backup@nas.internal", "names no path: give the repository's directory, e.g. sftp:user@host:/srv/restic"],
    ["sftp://nas.internal/srv", `names no user: "sftp:user@host:/path" (restic logs in as that user)`],
    ["sftp://b%x@nas.internal/srv", `has user "b%x", expected letters, digits, ".", "_" or "-"`],
    ["sftp://backup@nas.internal:0/srv", "has port 0, expected 1 to 65535"],
    ["sftp://backup@nas.internal:65536/srv", "has port 65536, expected 1 to 65535"],
    ["sftp://backup@nas:internal:22/srv", `has "nas:internal:22" where host[:port] belongs`],
    ["sftp://backup@nas.internal:22x/srv", `has "nas.internal:22x" where host[:port] belongs`],
  ])("refuses %s", (url, problem) => {
    expect(parse(url)).toEqual({ problem });
  });
});

describe("REST and S3 repositories", () => {
  it("s3 without a scheme means https, and http stays http", () => {
    expect(parse("s3:s3.example.com/bucket/prefix")).toEqual({
      backend: "s3",
      transport: "https",
      host: "s3.example.com",
      path: "/bucket/prefix",
    });
    expect(parse("s3:http://minio.internal:9000/bucket")).toEqual({
      backend: "s3",
      transport: "http",
      host: "minio.internal",
      port: 9000,
      path: "/bucket",
    });
    expect(parse("s3:xhttps://s3.example.com/bucket")).toEqual({
      problem: `has "xhttps:" where host[:port] belongs`,
    });
  });

  it("names the form each backend takes when the URL is not one", () => {
    expect(parse("rest:ftp://x/y")).toEqual({ problem: `must be "rest:https://host[:port]/path" (or http://)` });
    expect(parse("s3:https://x y")).toEqual({
      problem: `must be a restic repository URL like "rest:https://backup.example.com/dockyard", "sftp:backup@host.example.com:/srv/restic" or "s3:https://s3.example.com/bucket/dockyard", without spaces or control characters`,
    });
    expect(parse("s3:s3.example.com")).toEqual({
      problem: `names bucket "": give s3:host/bucket[/prefix] with a bucket name of 3 to 63 lower-case letters, digits, "." or "-"`,
    });
  });

  it("says how to write a bare http URL", () => {
    expect(parse("https://backup.example.com/dockyard/")).toEqual({
      problem: `names no backend: a REST server is written "rest:https://backup.example.com/dockyard/", an S3 bucket "s3:https://backup.example.com/dockyard/bucket"`,
    });
  });
});

describe("repository URLs as config sees them", () => {
  it("the rule refuses what is not text", () => {
    expect(rules.resticRepository.check(5)).toEqual({
      ok: false,
      problem: `must be a restic repository URL like "rest:https://backup.example.com/dockyard", "sftp:backup@host.example.com:/srv/restic" or "s3:https://s3.example.com/bucket/dockyard"`,
    });
  });
});
