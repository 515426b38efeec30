/**
 * A rehearsal of the deploy workflow on real engines: its npm scripts, in its order, against the
 * stacks' own files and registry names. Test's and prod's registries are two real registries
 * serving TLS under a private CA generated here, at the names the stack files give them; images
 * are built once and pushed to test's, test is pinned and deployed, promotion pins prod from
 * test's outputs, the copy moves each digest into prod's registry, and prod declares no build.
 * Then the scenarios the delivery guide promises: an untouched stack stays clean, and a rollback
 * promotes an earlier run's images.
 *
 * Where this machine stops (and what stands in): no Pulumi CLI, so `pulumi up` is the program's
 * offline evaluation (`npm run synth`), whose outputs are what `npm run outputs` would print;
 * no buildx, so the classic builder and skopeo do `docker buildx build --push`
 * (./support/buildx-stand-in.ts), on stand-ins of the public bases; no cosign (keyless signing
 * also needs Fulcio and Rekor), so its command lines are recorded and their order checked.
 */
import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliMain } from "../../../infra/cli/run";
import { USAGE as IMAGES_USAGE, main as imagesMain } from "../../../infra/delivery/images-main";
import { registryAddressOf } from "../../../infra/promote/images";
import { USAGE as PROMOTE_USAGE, main as promoteMain } from "../../../infra/promote/main";
import type { Runner } from "../../../infra/promote/outputs";
import { USAGE as PIN_USAGE, main as pinMain } from "../../../infra/promote/pin-main";
import { USAGE as SYNTH_USAGE, main as synthMain } from "../../../infra/synth/main";
import { runMain } from "../../support/run-main";
import { docker } from "../docker/support/docker";
import { type RunningRegistry, startRegistry } from "../registry/support/registry-server";
import { makeCertificates } from "../registry/support/test-ca";
import { needs } from "../support/needs";
import { buildAndPush } from "./support/buildx-stand-in";
import { type PrivateNames, privateNames } from "./support/private-names";

const execFileAsync = promisify(execFile);

needs("engine", "busybox", "restic", "ssh", "docker-registry", "htpasswd", "openssl", "skopeo", "mount-namespace");

const STACKS = ["test", "prod"] as const;
type Stack = (typeof STACKS)[number];
/** The repository whose deploy workflow signs (cosign's identity check names it). */
const REPOSITORY = "acme/dockyard";

const dir = mkdtempSync(join(tmpdir(), "dockyard-rehearsal-"));
const file = (stack: Stack) => join(dir, `Pulumi.${stack}.yaml`);
const registries = new Map<Stack, RunningRegistry>();
const localTags: string[] = [];
const cosign: string[][] = [];
let names: PrivateNames;
let caFile: string;
let authFile: string;

/**
 * skopeo as the workflow's runner has it: the stack's CA trusted, logged in to both registries.
 * Asynchronous: the registries are children of this process, and their logs drain only while
 * its event loop runs.
 */
async function skopeo(args: string[]): Promise<string> {
  const [command, argv] = names.argv("skopeo", args);
  // Go's crypto/x509 reads SSL_CERT_FILE as the system roots: the CA step of the workflow.
  const env = { ...process.env, SSL_CERT_FILE: caFile, REGISTRY_AUTH_FILE: authFile };
  return (await execFileAsync(command, argv, { env, timeout: 180_000 })).stdout;
}

/** The workflow's tools: Docker's build (stood in), skopeo for real, cosign recorded. */
const runner: Runner = async (command, args) => {
  if (command === "docker") return buildAndPush(args, skopeo, localTags);
  if (command === "skopeo") return skopeo(args);
  if (command === "cosign") return (cosign.push(args), "");
  throw new Error(`the rehearsal runs no ${command}`);
};

/** Runs one of the workflow's npm scripts in-process; fails the test with what it printed unless it exits 0. */
async function npmRun(name: string, usage: string, main: CliMain, argv: string[]): Promise<string> {
  const result = await runMain(name, usage, main, argv);
  if (result.code !== 0)
    throw new Error(`npm run ${name} -- ${argv.join(" ")} exited ${result.code}:\n${result.stderr}`);
  return result.stdout;
}
const images = (...argv: string[]) => npmRun("images", IMAGES_USAGE, (a, io) => imagesMain(a, io, runner), argv);
const stackFiles = STACKS.flatMap((stack) => ["--config-file", `${stack}=${file(stack)}`]);

/**
 * `pulumi up` of a stack as far as this machine goes: the program evaluated offline; returns the
 * outputs file `npm run outputs` would write, and the declared resources.
 */
async function deploy(stack: Stack, run: string): Promise<{ outputs: string; resources: string }> {
  const out = join(dir, run);
  await npmRun("synth", SYNTH_USAGE, synthMain, [stack, "--config-file", file(stack), "--out", out]);
  return {
    outputs: join(out, stack, "outputs.json"),
    resources: readFileSync(join(out, stack, "resources.json"), "utf8"),
  };
}

/** What one stack's deploy left: its outputs file and the resources it declared. */
interface Deployed {
  outputs: string;
  resources: string;
}

/** A workflow's checkout: the stack files as committed (nothing pinned). */
function checkout(): void {
  for (const stack of STACKS) copyFileSync(`stacks/Pulumi.${stack}.yaml`, file(stack));
}

/** One run of the deploy workflow, from build to prod; a rollback promotes an earlier run's test outputs instead. */
async function deployWorkflow(run: string, rollbackTo?: string): Promise<Record<Stack, Deployed>> {
  checkout();
  let deployedTest: Deployed | undefined;
  if (rollbackTo === undefined) {
    const built = join(dir, `${run}-images.json`);
    await images("build", "test", "--config-file", file("test"), "--out", built);
    for (const ref of Object.values(imagesOf(built))) await images("sign", ref);
    await npmRun("pin", PIN_USAGE, pinMain, ["test", "--from-outputs", built, "--config-file", file("test")]);
    deployedTest = await deploy("test", `${run}-test`);
  }
  const testOutputs = deployedTest?.outputs ?? rollbackTo!;
  await npmRun("promote", PROMOTE_USAGE, promoteMain, ["test", "prod", "--from-outputs", testOutputs, ...stackFiles]);
  await images("copy", "test", "prod", ...stackFiles, "--repository", REPOSITORY);
  await images("verify", "prod", "--config-file", file("prod"), "--repository", REPOSITORY);
  return { test: deployedTest ?? { outputs: testOutputs, resources: "" }, prod: await deploy("prod", `${run}-prod`) };
}

/** Every image in an outputs-shaped file: services' and the backup tool's, by slot. */
function imagesOf(outputsFile: string): Record<string, string> {
  const outputs = JSON.parse(readFileSync(outputsFile, "utf8")) as {
    images: Record<string, string>;
    backupImage?: string;
  };
  return { ...outputs.images, ...(outputs.backupImage === undefined ? {} : { backup: outputs.backupImage }) };
}

/** The digest a registry serves `ref` under, asked over TLS through the stack's name. */
async function servedDigest(ref: string): Promise<string> {
  return (await skopeo(["inspect", "--format", "{{.Digest}}", `docker://${ref}`])).trim();
}

const digestOf = (ref: string) => ref.slice(ref.indexOf("@") + 1);

beforeAll(async () => {
  checkout();
  const hosts = STACKS.map((stack) => registryAddressOf(stack, file(stack)));
  names = privateNames(hosts);
  const certificates = await makeCertificates("127.0.0.1", hosts);
  caFile = join(dir, "ca.crt");
  writeFileSync(caFile, certificates.caCertificate);
  const auths: Record<string, { auth: string }> = {};
  for (const [index, stack] of STACKS.entries()) {
    const tls = { certificate: certificates.certificate, key: certificates.key };
    const registry = await startRegistry({ tls, publishAddress: names.addresses[hosts[index]] }, undefined, 443);
    registries.set(stack, registry);
    auths[hosts[index]] = { auth: Buffer.from(`${registry.username}:${registry.password}`).toString("base64") };
  }
  authFile = join(dir, "auth.json");
  writeFileSync(authFile, JSON.stringify({ auths }), { mode: 0o600 });
}, 120_000);

afterAll(async () => {
  await Promise.all([...registries.values()].map((registry) => registry.stop()));
  if (localTags.length > 0) await docker(["rmi", "--force", ...new Set(localTags)]).catch(() => "");
  names?.remove();
  rmSync(dir, { recursive: true, force: true });
}, 120_000);

describe("the deploy workflow, rehearsed on two TLS registries under a private CA", () => {
  let first: Record<Stack, Deployed>;

  it("builds once into test's registry, and prod runs exactly those bytes from its own, building nothing", async () => {
    first = await deployWorkflow("run-1");

    const built = imagesOf(join(dir, "run-1-images.json"));
    const prodPins = imagesOf(first.test.outputs);
    expect(Object.keys(built).sort()).toEqual(["backup", "front", "web"]);
    // Test deployed what was built; prod's pins are the same digests under prod's registry, served there.
    expect(prodPins).toEqual(built);
    const prodFile = readFileSync(file("prod"), "utf8");
    for (const [slot, ref] of Object.entries(built)) {
      const prodRef = `${registryAddressOf("prod", file("prod"))}/${ref.slice(ref.indexOf("/") + 1)}`;
      expect(prodFile, slot).toContain(prodRef);
      expect(await servedDigest(prodRef), slot).toBe(digestOf(ref));
    }
    const types = (JSON.parse(first.prod.resources) as { type: string }[]).map((resource) => resource.type);
    expect(types.filter((type) => type.startsWith("docker"))).toEqual([]);
    for (const ref of Object.values(built))
      expect(first.prod.resources).not.toContain(ref.slice(0, ref.indexOf("@")) + ":");
  }, 900_000);

  it("signed each build, and around each copy verified at the source and signed at the destination", () => {
    const prodRegistry = registryAddressOf("prod", file("prod"));
    const testRegistry = registryAddressOf("test", file("test"));
    const verbs = cosign.map(([verb, ...rest]) => `${verb} ${rest.at(-1)!.split("/")[0]}`);
    const times = (count: number, ...steps: string[]) => Array.from({ length: count }, () => steps).flat();
    expect(verbs).toEqual([
      ...times(3, `sign ${testRegistry}`),
      ...times(3, `verify ${testRegistry}`, `sign ${prodRegistry}`),
      ...times(3, `verify ${prodRegistry}`),
    ]);
  });

  it("an untouched stack stays clean: drift's checkout, pinned to what runs, declares what the deploy did", async () => {
    for (const stack of STACKS) {
      checkout();
      // The nightly drift job: pin what the stack runs (its outputs, as `pulumi stack output` prints them), then preview.
      const deployedOutputs: Runner = (command, args) =>
        command.endsWith("pulumi") && args.includes(stack)
          ? Promise.resolve(readFileSync(first[stack].outputs, "utf8"))
          : Promise.reject(new Error(`drift's pin runs no ${command}`));
      await npmRun("pin", PIN_USAGE, (argv, io) => pinMain(argv, io, deployedOutputs), [
        stack,
        "--deployed",
        "--config-file",
        file(stack),
      ]);
      expect((await deploy(stack, `drift-${stack}`)).resources, stack).toBe(first[stack].resources);
    }
  }, 120_000);

  it("a later run promotes new digests, and a rollback promotes the first run's again", async () => {
    const revision = process.env.DOCKYARD_SOURCE_REVISION;
    process.env.DOCKYARD_SOURCE_REVISION = "rehearsal-second-run";
    try {
      await deployWorkflow("run-2");
    } finally {
      if (revision === undefined) delete process.env.DOCKYARD_SOURCE_REVISION;
      else process.env.DOCKYARD_SOURCE_REVISION = revision;
    }
    const [firstImages, secondImages] = [imagesOf(first.test.outputs), imagesOf(join(dir, "run-2-images.json"))];
    for (const slot of Object.keys(firstImages))
      expect(digestOf(secondImages[slot]), slot).not.toBe(digestOf(firstImages[slot]));
    expect(readFileSync(file("prod"), "utf8")).toContain(digestOf(secondImages.web));

    const rollback = await deployWorkflow("run-3", first.test.outputs);

    expect(rollback.prod.resources).toBe(first.prod.resources);
    const prodFile = readFileSync(file("prod"), "utf8");
    for (const ref of Object.values(firstImages)) expect(prodFile).toContain(digestOf(ref));
  }, 900_000);
});
