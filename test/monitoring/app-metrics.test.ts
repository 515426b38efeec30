/**
 * What the apps promise the monitoring: the same metrics module and contract in web and front,
 * the names, path and buckets the alerts query, and images whose locked packages are exactly what
 * their package-lock.json pins (the Dockerfiles' ADD lines, and the check that installs them).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import * as frontContract from "../../apps/front/contract";
import * as webContract from "../../apps/web/contract";
import { lockedPackages, REGISTRY, tarballProblems } from "../../apps/web/build/install-locked";
import * as metrics from "../../apps/web/metrics";
import { HTTP_METRICS, LATENCY_BUCKETS_SECONDS, METRICS_PATH } from "../../components";
import { parseExposition } from "./support/exposition";

const ROOT = join(__dirname, "..", "..");
const read = (file: string) => readFileSync(join(ROOT, file), "utf8");
const APPS = ["web", "front"] as const;

describe("the apps' metrics", () => {
  it("come from one module and one installer, the same file in each app", () => {
    expect(read("apps/front/metrics.ts")).toBe(read("apps/web/metrics.ts"));
    expect(read("apps/front/build/install-locked.ts")).toBe(read("apps/web/build/install-locked.ts"));
  });

  it("are what the alerts query: names, path, latency buckets, a port apart from the service's", () => {
    expect({
      requests: metrics.REQUESTS_METRIC,
      errors: metrics.ERRORS_METRIC,
      duration: metrics.DURATION_METRIC,
    }).toEqual(HTTP_METRICS);
    for (const contract of [webContract, frontContract]) {
      expect(contract.METRICS_PATH).toBe(METRICS_PATH);
      expect(contract.LATENCY_BUCKETS_SECONDS).toEqual(LATENCY_BUCKETS_SECONDS);
      expect(contract.DEFAULT_METRICS_PORT).toBe(9464);
      expect(contract.DEFAULT_METRICS_PORT).not.toBe(contract.DEFAULT_PORT);
    }
  });

  it.each(APPS)("%s's image sets and exposes the metrics port", (app) => {
    const dockerfile = read(`apps/${app}/Dockerfile`);
    expect(dockerfile).toMatch(/^ENV .*\bMETRICS_PORT=9464\b/m);
    expect(dockerfile).toMatch(/^EXPOSE 8080 9464$/m);
  });

  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  async function serve(handler: http.RequestListener): Promise<{ url: string; registry: metrics.HttpMetrics }> {
    const measured = metrics.createHttpMetrics(false);
    const server = http.createServer((req, res) => {
      measured.track(req, res, metrics.routeOf(req.url, ["/known"]));
      handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, registry: measured };
  }

  it("count an answer cut off after it started as an error, and only answers sent in full as requests", async () => {
    const { url, registry } = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("partial");
      setTimeout(() => res.destroy(), 10);
    });
    await expect(fetch(`${url}/known`).then((r) => r.text())).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const samples = parseExposition(await registry.registry.metrics());
    expect(samples.value("http_request_errors_total", { method: "GET", route: "/known" })).toBe(1);
    expect(samples.find("http_requests_total")).toEqual([]);
  });

  it("name a path that is no route 'other', and an unusual method 'OTHER'", async () => {
    const { url, registry } = await serve((_req, res) => res.end("ok"));
    await fetch(`${url}/known?x=1`);
    await fetch(`${url}/anything/else`);
    await fetch(`${url}/known`, { method: "PROPFIND" });
    const samples = parseExposition(await registry.registry.metrics());
    expect(samples.value("http_requests_total", { method: "GET", route: "/known", status: "200" })).toBe(1);
    expect(samples.value("http_requests_total", { method: "GET", route: "other", status: "200" })).toBe(1);
    expect(samples.value("http_requests_total", { method: "OTHER", route: "/known", status: "200" })).toBe(1);
  });
});

describe("the apps' locked packages", () => {
  it.each(APPS)("%s: the Dockerfile fetches exactly what package-lock.json installs", (app) => {
    const packages = lockedPackages(read(`apps/${app}/package-lock.json`), read(`apps/${app}/package.json`));
    const added = [...read(`apps/${app}/Dockerfile`).matchAll(/https:\/\/registry\.npmjs\.org\/\S+\.tgz/g)].map(
      (m) => m[0],
    );
    expect(added).toEqual(packages.map((p) => p.url));
    expect(packages.map((p) => p.name).sort()).toEqual(["@opentelemetry/api", "bintrees", "prom-client", "tdigest"]);
  });

  it.each(APPS)("%s runs the prom-client the repository's tests run", (app) => {
    const root = JSON.parse(read("package.json")) as { devDependencies: Record<string, string> };
    const manifest = JSON.parse(read(`apps/${app}/package.json`)) as { dependencies: Record<string, string> };
    const locked = lockedPackages(read(`apps/${app}/package-lock.json`), read(`apps/${app}/package.json`));
    expect(manifest.dependencies).toEqual({ "prom-client": root.devDependencies["prom-client"] });
    expect(locked.find((p) => p.name === "prom-client")?.version).toBe(root.devDependencies["prom-client"]);
  });

  const lock = (packages: Record<string, unknown>, dependencies = { a: "1.0.0" }) =>
    JSON.stringify({ lockfileVersion: 3, packages: { "": { dependencies }, ...packages } });
  const manifest = JSON.stringify({ dependencies: { a: "1.0.0" } });
  const sri = (content: string) => `sha512-${createHash("sha512").update(content).digest("base64")}`;

  it("lays packages out as npm does, scoped and nested ones included, dev ones left out", () => {
    const packages = lockedPackages(
      lock({
        "node_modules/a": { version: "1.0.0", integrity: sri("a") },
        "node_modules/@s/b": { version: "2.0.0", integrity: sri("b") },
        "node_modules/a/node_modules/c": { version: "3.0.0", integrity: sri("c") },
        "node_modules/vitest": { version: "9.0.0", integrity: sri("v"), dev: true },
      }),
      manifest,
    );
    expect(packages.map((p) => [p.location, p.tarball, p.url])).toEqual([
      ["a", "a-1.0.0.tgz", `${REGISTRY}/a/-/a-1.0.0.tgz`],
      ["@s/b", "b-2.0.0.tgz", `${REGISTRY}/@s/b/-/b-2.0.0.tgz`],
      ["a/node_modules/c", "c-3.0.0.tgz", `${REGISTRY}/c/-/c-3.0.0.tgz`],
    ]);
  });

  it("refuses a lock out of step with package.json, of another format, or without integrity", () => {
    expect(() => lockedPackages(lock({}, { a: "2.0.0" }), manifest)).toThrow(
      'package-lock.json records dependencies [["a","2.0.0"]], package.json [["a","1.0.0"]]: run npm install',
    );
    expect(() => lockedPackages(JSON.stringify({ lockfileVersion: 2, packages: {} }), manifest)).toThrow(
      "lockfileVersion 3",
    );
    expect(() => lockedPackages(lock({ "node_modules/a": { version: "1.0.0" } }), manifest)).toThrow(
      'entry "node_modules/a" has no version or no sha512 integrity',
    );
    expect(() => lockedPackages(lock({ "node_modules/a": { link: true, resolved: "../a" } }), manifest)).toThrow(
      'entry "node_modules/a" is not a registry package',
    );
  });

  it("names every tarball missing, altered or not in the lock", () => {
    const packages = lockedPackages(
      lock({
        "node_modules/a": { version: "1.0.0", integrity: sri("a") },
        "node_modules/b": { version: "1.0.0", integrity: sri("b") },
        "node_modules/c": { version: "1.0.0", integrity: sri("c") },
      }),
      manifest,
    );
    const files = new Map([
      ["a-1.0.0.tgz", Buffer.from("a")],
      ["b-1.0.0.tgz", Buffer.from("tampered")],
      ["d-1.0.0.tgz", Buffer.from("d")],
    ]);
    expect(tarballProblems(packages, files)).toEqual([
      `b@1.0.0: b-1.0.0.tgz has ${sri("tampered")}, package-lock.json pins ${sri("b")}`,
      `c@1.0.0: c-1.0.0.tgz is missing: ADD ${REGISTRY}/c/-/c-1.0.0.tgz`,
      "d-1.0.0.tgz is fetched but package-lock.json installs no such package",
    ]);
    expect(tarballProblems(packages.slice(0, 1), new Map([["a-1.0.0.tgz", Buffer.from("a")]]))).toEqual([]);
  });
});
