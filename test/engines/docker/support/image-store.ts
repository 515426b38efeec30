/**
 * What the engine tests do around the engine's image store, because Podman 4.3 (Debian 12) has two
 * known defects there that a suite running two files at a time meets and Docker does not:
 * - its builder lists the store's images, then reads each one's top layer, and fails a cached
 *   build with "checking if cached image exists from a previous build: getting top layer info:
 *   layer not known" when another process removed an image in between (containers/buildah#5674,
 *   fixed in buildah 1.43). So no image is deleted while a build runs: builds share a lock,
 *   deletions take it alone (test/engines/support/file-lock.ts). Reproduced on this machine: 9 of
 *   247 cached builds failed beside a loop of build, prune and `image rm`; 0 of 235 with the lock.
 * - its builder (buildah < 1.31) gave the runtime's process a parent-death signal from a Go thread
 *   the service may retire, so a build through the API dies with "while running runtime: signal:
 *   killed" when the service is busy with other requests (containers/podman#17918, fixed in
 *   buildah 1.31 / Podman 4.6). Nothing outside the engine causes it or can prevent it, so such a
 *   build is run again, at most twice, and each retry is printed.
 * Docker's daemon orders its own store: there, commands run as they are.
 */
import { tmpdir } from "node:os";
import * as path from "node:path";
import { withExclusiveLock, withSharedLock } from "../../support/file-lock";
import { engineUnderTest } from "../../support/requirements";

/** What a docker or Compose command does to the engine's image store. */
export type ImageStoreUse = "builds" | "deletes" | "other";

/** How `docker <args>` uses the image store: builds read its cache, removals delete images. */
export function dockerImageStoreUse(args: readonly string[]): ImageStoreUse {
  const [first, second] = args;
  if (first === "build" || (first === "image" && second === "build")) return "builds";
  const prunes = second === "prune" && ["image", "system", "builder"].includes(first);
  if (first === "rmi" || (first === "image" && second === "rm") || prunes) return "deletes";
  return "other";
}

/** How a Compose command uses the image store: `build` and `up` (which builds what is missing) build, `--rmi` deletes. */
export function composeImageStoreUse(args: readonly string[]): ImageStoreUse {
  if (args.includes("--rmi")) return "deletes";
  return args[0] === "build" || args[0] === "up" ? "builds" : "other";
}

/**
 * Runs `command` (a CLI run that rejects with its `stderr` on failure) as its use of the image
 * store requires on the engine under test: on Podman under the store's lock, and a build killed
 * by the engine run again.
 */
export async function usingImageStore<T>(use: ImageStoreUse, command: () => Promise<T>): Promise<T> {
  if (use === "other" || engineUnderTest().name !== "podman") return command();
  if (use === "deletes") return withExclusiveLock(IMAGE_STORE_LOCK, command);
  return withSharedLock(IMAGE_STORE_LOCK, () => retryingKilledBuild(command));
}

// One per machine: every run of the suite on this machine shares Podman's one rootful store.
const IMAGE_STORE_LOCK = path.join(tmpdir(), "dockyard-test-podman-image-store.lock");

/** Podman's words for a build step whose runtime process the engine itself killed. */
const KILLED_BY_ENGINE = /while running runtime: signal: killed/;
const BUILD_TRIES = 3;

async function retryingKilledBuild<T>(build: () => Promise<T>): Promise<T> {
  for (let tried = 1; ; tried += 1) {
    try {
      return await build();
    } catch (error) {
      const stderr = (error as { stderr?: unknown }).stderr;
      const killed = typeof stderr === "string" && KILLED_BY_ENGINE.test(stderr);
      if (!killed || tried === BUILD_TRIES) throw error;
      console.warn(
        `Podman killed a build step's runtime (containers/podman#17918); building again, try ${tried + 1} of ${BUILD_TRIES}`,
      );
    }
  }
}
