import { describe, expect, it } from "vitest";
import { secretInEnvironment } from "../../policy/secret-shapes";

describe("secretInEnvironment", () => {
  it.each([
    ["DB_PASSWORD", "hunter2", /name says/],
    ["api-key", "abc", /name says/],
    ["GITHUB_TOKEN", "x", /name says/],
    ["AWS_SECRET_ACCESS_KEY", "x", /name says/],
    ["UPSTREAM", "https://ops:hunter2@db.internal/app", /URL with a password/],
    ["CERT", "-----BEGIN RSA PRIVATE KEY-----\nMII…", /PEM private key/],
    ["ID", "AKIAABCDEFGHIJKLMNOP", /AWS access key/],
    ["X", `ghp_${"a".repeat(36)}`, /GitHub token/],
    ["ANY", "[secret]", /Pulumi secret/],
  ])("%s=%s is a secret", (name, value, why) => {
    expect(secretInEnvironment(name, value)).toMatch(why);
  });

  it.each([
    ["PORT", "8080"],
    ["DATA_DIR", "/data"],
    ["DB_PASSWORD_FILE", "/run/secrets/db"],
    ["TOKEN_PATH", "/var/run/token"],
    ["KEYBOARD", "us"],
    ["MONKEY", "banana"],
    ["DB_PASSWORD", ""],
    ["UPSTREAM", "https://db.internal/app"],
  ])("%s=%s is not", (name, value) => {
    expect(secretInEnvironment(name, value)).toBeUndefined();
  });
});
