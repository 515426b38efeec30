/**
 * How the engine tests treat Podman's image store (test/engines/docker/support/image-store.ts):
 * which commands build or delete, and which failed builds are run again.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { composeImageStoreUse, dockerImageStoreUse, usingImageStore } from "../engines/docker/support/image-store";

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

/** A CLI run that fails as execFile's promise does: an Error carrying the command's stderr. */
function failing(stderr: string): Error & { stderr: string } {
  return Object.assign(new Error("Command failed"), { stderr });
}

const KILLED = 'building at STEP "RUN node -e …": while running runtime: signal: killed';

describe("what a command does to the image store", () => {
  it.each([
    [["build", "--quiet", "--tag", "t", "."], "builds"],
    [["image", "build", "."], "builds"],
    [["rmi", "t"], "deletes"],
    [["image", "rm", "--force", "t"], "deletes"],
    [["image", "prune", "-f"], "deletes"],
    [["system", "prune", "-f"], "deletes"],
    [["builder", "prune"], "deletes"],
    [["system", "df"], "other"],
    [["rm", "--force", "c"], "other"],
    [["run", "--rm", "t"], "other"],
    [["image", "inspect", "t"], "other"],
  ])("docker %j %s", (args, use) => {
    expect(dockerImageStoreUse(args)).toBe(use);
  });

  it.each([
    [["build"], "builds"],
    [["up", "--detach"], "builds"],
    [["down", "--rmi", "all"], "deletes"],
    [["down", "--volumes"], "other"],
    [["config"], "other"],
  ])("compose %j %s", (args, use) => {
    expect(composeImageStoreUse(args)).toBe(use);
  });
});

describe("a build the engine killed", () => {
  it("is run again on Podman, at most three tries in all, each retry printed", async () => {
    vi.stubEnv("DOCKYARD_ENGINE", "podman");
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const build = vi.fn().mockRejectedValueOnce(failing(KILLED)).mockResolvedValueOnce("built");
    expect(await usingImageStore("builds", build)).toBe("built");
    expect(build).toHaveBeenCalledTimes(2);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toContain("containers/podman#17918");

    const always = vi.fn().mockRejectedValue(failing(KILLED));
    await expect(usingImageStore("builds", always)).rejects.toThrow("Command failed");
    expect(always).toHaveBeenCalledTimes(3);
  });

  it("is not run again for any other failure, for a deletion, or on Docker", async () => {
    vi.stubEnv("DOCKYARD_ENGINE", "podman");
    const broken = vi.fn().mockRejectedValue(failing("COPY failed: no such file"));
    await expect(usingImageStore("builds", broken)).rejects.toThrow();
    expect(broken).toHaveBeenCalledTimes(1);

    const deletion = vi.fn().mockRejectedValue(failing(KILLED));
    await expect(usingImageStore("deletes", deletion)).rejects.toThrow();
    expect(deletion).toHaveBeenCalledTimes(1);

    vi.stubEnv("DOCKYARD_ENGINE", "docker");
    const onDocker = vi.fn().mockRejectedValue(failing(KILLED));
    await expect(usingImageStore("builds", onDocker)).rejects.toThrow();
    expect(onDocker).toHaveBeenCalledTimes(1);
  });
});
