/** The restic rules (components/rules/restic.ts), which the config schema and the Backup component share. */
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import * as rules from "../../components/rules";
import { describeValue } from "../../components/errors";
import { KNOWN_HOST } from "./support";

describe("restic repository URLs", () => {
  it.each([
    [
      "rest:https://backup.example.com/dockyard",
      { backend: "rest", transport: "https", host: "backup.example.com", path: "/dockyard" },
    ],
    [
      "rest:http://rest-server:8000/",
      { backend: "rest", transport: "http", host: "rest-server", port: 8000, path: "/" },
    ],
    [
      "s3:https://s3.example.com:9000/bucket/prefix",
      { backend: "s3", transport: "https", host: "s3.example.com", port: 9000, path: "/bucket/prefix" },
    ],
    [
      "s3:s3.amazonaws.com/my-bucket",
      { backend: "s3", transport: "https", host: "s3.amazonaws.com", path: "/my-bucket" },
    ],
    [
      "sftp:backup@host.example.com:/srv/restic",
      { backend: "sftp", transport: "ssh", user: "backup", host: "host.example.com", path: "/srv/restic" },
    ],
    [
      "sftp://backup@10.0.0.5:2222//srv/restic",
      { backend: "sftp", transport: "ssh", user: "backup", host: "10.0.0.5", port: 2222, path: "//srv/restic" },
    ],
  ])("%s", (url, parsed) => {
    expect(rules.parseResticRepository(url)).toEqual(parsed);
    expect(rules.resticRepository.check(url)).toEqual({ ok: true, value: url });
  });

  it.each([
    [
      "rest:https://ci:pw@backup.example.com/x",
      "must not carry credentials (user:password@host): REST credentials belong in repository.restUsername",
    ],
    [
      "s3:https://AKIA:secret@s3.example.com/b",
      "S3 credentials belong in repository.s3AccessKeyId and repository.s3SecretAccessKey",
    ],
    ["sftp:backup:pw@host.example.com:/srv", "must not carry a password (user:password@host): SFTP logs in with a key"],
    ["sftp:host.example.com:/srv", 'names no user: "sftp:user@host:/path"'],
    ["sftp:backup@-oProxyCommand=x:/srv", 'has host "-oProxyCommand=x", which starts with "-"'],
    ["rest:https://-x.example.com/", 'has host "-x.example.com", which starts with "-"'],
    ["sftp:backup@[::1]:/srv", "has an IPv6 address"],
    ["sftp:backup@host.example.com:", "names no path"],
    ["sftp:backup@host.example.com:-o", 'has path "-o"'],
    ["rest:https://backup.example.com/a/../b", 'has path "/a/../b" with ".."'],
    ["rest:https://backup.example.com/a b", "without spaces or control characters"],
    ["rest:https://backup.example.com/?x=1", "must not have a query or fragment"],
    ["s3:https://s3.example.com/", 'names bucket ""'],
    ["b2:bucket:/x", `uses restic's "b2" backend`],
    ["rclone:remote:x", `uses restic's "rclone" backend`],
    ["/srv/restic", "is a local path"],
    ["local:/srv/restic", "is a local path"],
    ["https://backup.example.com/", `names no backend: a REST server is written "rest:https://backup.example.com/"`],
    ["backup.example.com", "must be a restic repository URL like"],
    ["rest:ftp://x/", `must be "rest:https://host[:port]/path"`],
  ])("refuses %s", (url, problem) => {
    const verdict = rules.resticRepository.check(url);
    expect(verdict.ok).toBe(false);
    expect(verdict.ok ? "" : verdict.problem).toContain(problem);
    expect(verdict.ok ? "" : verdict.problem).not.toMatch(/:pw@|secret@/);
  });

  it("messages never show a URL's password, scp-like sftp included", () => {
    expect(describeValue("sftp:backup:hunter2@host:/srv")).toBe('"sftp:backup:***@host:/srv"');
    expect(describeValue("rest:https://ci:hunter2@h/")).toBe('"rest:https://ci:***@h/"');
  });

  it("the shape is the backend and transport: what parity compares", () => {
    expect(rules.resticRepositoryShape("rest:https://a.example.com/x")).toBe("rest:https");
    expect(rules.resticRepositoryShape("rest:http://b.example.com:8000/")).toBe("rest:http");
    expect(rules.resticRepositoryShape("s3:s3.amazonaws.com/bucket")).toBe("s3:https");
    expect(rules.resticRepositoryShape("sftp:u@h.example.com:/srv")).toBe("sftp");
    expect(rules.resticRepositoryShape("sftp://backup@nas.internal:2222/srv")).toBe("sftp");
    expect(rules.resticRepositoryShape("s3:s3.example.com/bucket")).toBe("s3:https");
    expect(rules.resticRepositoryShape("not a url")).toBe("not a url"); // compared whole
  });

  it("each volume gets a repository of its own below the URL", () => {
    expect(rules.resticRepositoryFor("rest:https://b.example.com/dockyard/", "web-data")).toBe(
      "rest:https://b.example.com/dockyard/web-data",
    );
    expect(rules.resticRepositoryFor("sftp:u@h:/srv/restic", "web-data")).toBe("sftp:u@h:/srv/restic/web-data");
    // however many slashes end the base
    expect(rules.resticRepositoryFor("rest:https://b.example.com/dockyard//", "web-data")).toBe(
      "rest:https://b.example.com/dockyard/web-data",
    );
  });
});

describe("retention", () => {
  it("a policy must keep something", () => {
    expect(rules.retentionPolicyProblem({ daily: 7 })).toBeUndefined();
    expect(rules.retentionPolicyProblem({ last: 0, daily: 0 })).toContain("keeps no snapshot");
  });
  it.each([-1, 0.5, 10001, "3", null])("refuses the count %s", (count) => {
    expect(rules.retentionCount.check(count).ok).toBe(false);
  });
});

describe("known_hosts lines", () => {
  it.each([
    KNOWN_HOST,
    KNOWN_HOST.replace("backup.example.com", "[backup.example.com]:2222,10.0.0.5"),
    KNOWN_HOST.replace("backup.example.com", "|1|c2FsdA==|aGFzaA=="),
  ])("accepts %s", (line) => expect(rules.sshKnownHost.check(line).ok).toBe(true));
  it.each([
    ["@cert-authority *.example.com ssh-ed25519 AAAA", 'has the marker "@cert-authority"'],
    [KNOWN_HOST.replace("backup.example.com", "*.example.com"), 'has the pattern "*.example.com"'],
    [`${KNOWN_HOST}\nevil.example.com ssh-ed25519 AAAA`, "one line"],
    ["backup.example.com ssh-dss AAAA", 'has key type "ssh-dss"'],
  ])("refuses %s", (line, problem) => {
    const verdict = rules.sshKnownHost.check(line);
    expect(verdict.ok ? "" : verdict.problem).toContain(problem);
  });
});

describe("known_hosts lines against the SFTP server they must vouch for", () => {
  const sftp = (url: string) => rules.parseResticRepository(url) as rules.ResticRepository;
  const KEY = KNOWN_HOST.slice(KNOWN_HOST.indexOf(" ") + 1);
  /** A line with its host hashed as `ssh-keygen -H` writes it. */
  const hashed = (name: string) => {
    const salt = Buffer.from("0123456789abcdefghij");
    const mac = createHmac("sha1", salt).update(name).digest("base64");
    return `|1|${salt.toString("base64")}|${mac} ${KEY}`;
  };

  it("a line for the host on port 22, or for [host]:port on another, plain or hashed, lets ssh in", () => {
    expect(rules.knownHostsProblem(sftp("sftp:backup@backup.example.com:/srv"), [KNOWN_HOST])).toBeUndefined();
    expect(rules.knownHostsProblem(sftp("sftp://backup@backup.example.com:22//srv"), [KNOWN_HOST])).toBeUndefined();
    const port2222 = sftp("sftp://backup@backup.example.com:2222//srv");
    expect(rules.knownHostsProblem(port2222, [`[backup.example.com]:2222 ${KEY}`])).toBeUndefined();
    expect(rules.knownHostsProblem(port2222, [hashed("[backup.example.com]:2222")])).toBeUndefined();
    expect(
      rules.knownHostsProblem(sftp("sftp:backup@backup.example.com:/srv"), [
        `other.example.com,BACKUP.example.com ${KEY}`,
      ]),
    ).toBeUndefined();
  });

  it("a line for another host, or for the bare host on another port, is named for what ssh looks up", () => {
    expect(rules.knownHostsProblem(sftp("sftp:backup@files.example.com:/srv"), [KNOWN_HOST])).toBe(
      'has no line for "files.example.com", the name ssh looks the server up by: ssh would refuse the server, and every backup, check and drill would fail',
    );
    expect(
      rules.knownHostsProblem(sftp("sftp://backup@backup.example.com:2222//srv"), [
        KNOWN_HOST,
        hashed("backup.example.com"),
      ]),
    ).toBe(
      'has no line for "[backup.example.com]:2222", the name ssh looks the server up by (on a port other than 22 it is "[host]:port", as ssh-keyscan -p 2222 prints it): ssh would refuse the server, and every backup, check and drill would fail',
    );
  });

  it("other backends, and lines that are placeholders (.invalid), are not judged", () => {
    expect(
      rules.knownHostsProblem(sftp("rest:https://backup.example.com/x"), [KNOWN_HOST.replace("backup", "other")]),
    ).toBeUndefined();
    expect(
      rules.knownHostsProblem(sftp("sftp:backup@files.example.com:/srv"), [`offline-secret-value.invalid ${KEY}`]),
    ).toBeUndefined();
  });
});

describe("credentials that go with a repository", () => {
  // Parsed inside each test: mutation testing credits a test only with the code it runs itself.
  const rest = () => rules.parseResticRepository("rest:https://b.example.com/") as rules.ResticRepository;
  const sftp = () => rules.parseResticRepository("sftp:u@h.example.com:/srv") as rules.ResticRepository;
  it("a complete REST login, an SFTP key with host keys, ambient S3 credentials: no problem", () => {
    expect(
      rules.repositoryCredentialProblems(rest(), { password: true, restUsername: true, restPassword: true }),
    ).toEqual([]);
    expect(rules.repositoryCredentialProblems(rest(), { password: true })).toEqual([]);
    expect(
      rules.repositoryCredentialProblems(sftp(), { password: true, sshPrivateKey: true, sshKnownHosts: true }),
    ).toEqual([]);
    expect(rules.repositoryCredentialProblems(undefined, {})).toEqual([]);
  });
  it("names each key that is wrong", () => {
    expect(rules.repositoryCredentialProblems(sftp(), { restPassword: true }).map((p) => p.key)).toEqual([
      "password",
      "restPassword",
      "sshPrivateKey",
      "sshKnownHosts",
    ]);
  });
});
