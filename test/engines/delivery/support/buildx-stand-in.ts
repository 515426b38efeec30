/**
 * What `docker buildx build … --push` does for `npm run images -- build`, done with the tools
 * Debian 12 has (its docker.io 20.10 ships no buildx): the classic builder builds the same
 * context, Dockerfile, tag and build arguments, on local stand-ins of the public bases (no public
 * registry is reachable here), skopeo pushes the result, and the digest the registry now serves
 * is written to the metadata file as buildx writes it (`containerimage.digest`). Anything else
 * in the command line is refused, so a change to buildArgv shows up here.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { ensureResticStandIn } from "../../backup/support/backup-image";
import { docker } from "../../docker/support/docker";
import { ensureStandIns } from "../../docker/support/standins";

/** Runs skopeo with the given arguments (trust, credentials and names set up by the caller). */
export type Skopeo = (args: string[]) => Promise<string>;

/** The stand-ins of each app's base build arguments. */
async function standIns(app: string): Promise<Record<string, string>> {
  if (app === "backup") return { BASE_IMAGE: await ensureResticStandIn() };
  const { base, build } = await ensureStandIns();
  return { BUILD_IMAGE: build, BASE_IMAGE: base };
}

/** The parts of a `buildx build` command line that buildArgv writes. */
interface BuildxCommand {
  file: string;
  tag: string;
  buildArgs: [string, string][];
  metadataFile: string;
  context: string;
}

function parseBuildx(args: readonly string[]): BuildxCommand {
  if (args[0] !== "buildx" || args[1] !== "build") throw new Error(`not a buildx build: docker ${args.join(" ")}`);
  const parsed: Partial<BuildxCommand> & { buildArgs: [string, string][] } = { buildArgs: [] };
  let push = false;
  const valued: Record<string, (value: string) => void> = {
    "--file": (value) => (parsed.file = value),
    "--tag": (value) => (parsed.tag = value),
    "--metadata-file": (value) => (parsed.metadataFile = value),
    "--platform": (value) => {
      if (value !== "linux/amd64") throw new Error(`the buildx stand-in builds linux/amd64 only, not ${value}`);
    },
    "--build-arg": (value) => {
      const at = value.indexOf("=");
      parsed.buildArgs.push([value.slice(0, at), value.slice(at + 1)]);
    },
  };
  for (let i = 2; i < args.length; i += 1) {
    const flag = args[i];
    if (flag === "--push") push = true;
    else if (Object.hasOwn(valued, flag)) valued[flag](args[(i += 1)]);
    else if (i === args.length - 1 && !flag.startsWith("-")) parsed.context = flag;
    else throw new Error(`the buildx stand-in does not know ${flag} (docker ${args.join(" ")})`);
  }
  const { file, tag, metadataFile, context } = parsed;
  if (!push || !file || !tag || !metadataFile || !context)
    throw new Error(`an incomplete buildx build --push: docker ${args.join(" ")}`);
  return { file, tag, buildArgs: parsed.buildArgs, metadataFile, context };
}

/**
 * A runner step for `docker buildx build … --push`; returns the local tags it made, for clean-up.
 */
export async function buildAndPush(args: readonly string[], skopeo: Skopeo, localTags: string[]): Promise<string> {
  const build = parseBuildx(args);
  const bases = await standIns(basename(build.context));
  const buildArgs = build.buildArgs.map(([key, value]) => `${key}=${bases[key] ?? value}`);
  await docker(
    [
      "build",
      "--quiet",
      "--file",
      build.file,
      "--tag",
      build.tag,
      ...buildArgs.flatMap((a) => ["--build-arg", a]),
      build.context,
    ],
    300_000,
  );
  localTags.push(build.tag);
  const dir = mkdtempSync(join(tmpdir(), "dockyard-push-"));
  try {
    const digestFile = join(dir, "digest");
    await skopeo(["copy", "--digestfile", digestFile, `docker-daemon:${build.tag}`, `docker://${build.tag}`]);
    const digest = readFileSync(digestFile, "utf8").trim();
    writeFileSync(build.metadataFile, JSON.stringify({ "containerimage.digest": digest, "image.name": build.tag }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return "";
}
