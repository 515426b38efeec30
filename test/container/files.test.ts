import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { dockerContainerSettings } from "../../components/workload/docker-settings";
import { dockerCreateCarrierArgs } from "../../components/workload/docker-run";
import {
  CARRIER_ROLE,
  FILES_LABEL,
  FILES_REVISION_LABEL,
  FILES_VOLUME,
  dockerFileUploads,
  dockerFilesCarrierSettings,
  dockerFilesVolumeSettings,
} from "../../components/workload/files";
import { filesSecretManifest } from "../../components/workload/secrets";
import { podSpec } from "../../components/workload/pod-spec";
import { type IPodSpec, PodSpec } from "kubernetes-models/v1/PodSpec";
import { plain, serviceSpec } from "./support/fixtures";
import { restrictedViolations } from "./support/pod-security";

const FILES = { "config.yml": "version: 0.1\n", htpasswd: "dockyard:$2y$05$hash\n" };

describe("config files on Docker", () => {
  const spec = serviceSpec({ target: "docker", files: FILES });

  it("are uploaded into the files directory with mode 0444, each content a secret", async () => {
    const uploads = dockerFileUploads(spec);
    expect(uploads.map(({ file, permissions }) => ({ file, permissions }))).toEqual([
      { file: "/etc/dockyard/config.yml", permissions: "0444" },
      { file: "/etc/dockyard/htpasswd", permissions: "0444" },
    ]);
    for (const upload of uploads) expect(await pulumi.isSecret(pulumi.output(upload.content))).toBe(true);
  });

  it('are uploaded into a never-started carrier: the provider uploads through "/", so its root is writable', () => {
    const carrier = dockerFilesCarrierSettings(spec, "web-files-1234567");
    expect(carrier).toMatchObject({
      start: false,
      mustRun: false,
      readOnly: false,
      networkMode: "none",
      user: "65532:65532",
      capabilities: { drops: ["ALL"], adds: [] },
      securityOpts: ["no-new-privileges:true"],
      restart: "no",
      volumes: [{ volumeName: "web-files-1234567", containerPath: "/etc/dockyard", readOnly: false }],
    });
    expect(carrier.uploads).toHaveLength(2);
    expect(carrier.labels).toContainEqual(CARRIER_ROLE);
    expect(dockerCreateCarrierArgs(carrier, "c")).toEqual(
      expect.arrayContaining([
        "--network",
        "none",
        "--mount",
        "type=volume,source=web-files-1234567,target=/etc/dockyard",
      ]),
    );
    expect(dockerCreateCarrierArgs(carrier, "c")).not.toContain("--read-only");
  });

  it("reach the hardened service through a read-only mount; the carrier's ID labels its containers", () => {
    const settings = dockerContainerSettings(spec, "net", { volume: "web-files-1234567", revision: "carrier-id-1" });
    expect(settings.volumes).toEqual([
      { volumeName: "web-files-1234567", containerPath: "/etc/dockyard", readOnly: true },
    ]);
    expect(settings.labels).toContainEqual({ label: FILES_REVISION_LABEL, value: "carrier-id-1" });
    expect(settings.readOnly).toBe(true);
  });

  it("need the files volume", () => {
    expect(() => dockerContainerSettings(spec, "net")).toThrow("has files but no files volume");
  });

  it("the volume's label lists the file names (never contents), so removing a file replaces it", () => {
    const volume = dockerFilesVolumeSettings(spec);
    expect(volume.driver).toBe("local");
    expect(volume.labels).toContainEqual({ label: FILES_LABEL, value: "config.yml,htpasswd" });
    expect(JSON.stringify(volume)).not.toContain("version: 0.1");
  });

  it("a service without files has no extra volume and no revision label", () => {
    const settings = dockerContainerSettings(serviceSpec({ target: "docker" }), "net");
    expect(settings.volumes).toEqual([]);
    expect(settings.labels.map((l) => l.label)).not.toContain(FILES_REVISION_LABEL);
  });
});

describe("config files on Kubernetes", () => {
  const spec = serviceSpec({ files: FILES, filesDir: "/etc/registry" });

  it("are one Opaque Secret keyed by file name", () => {
    expect(filesSecretManifest(spec)).toMatchObject({ kind: "Secret", type: "Opaque", stringData: FILES });
    expect(filesSecretManifest(serviceSpec())).toBeUndefined();
  });

  it("are mounted read-only from the Secret with mode 0440, and the pod stays restricted", () => {
    const pod = plain<IPodSpec>(podSpec(spec, undefined, "web-files-abc"));
    expect(() => new PodSpec(pod).validate()).not.toThrow();
    expect(restrictedViolations(pod)).toEqual([]);
    expect(pod.volumes).toContainEqual({
      name: FILES_VOLUME,
      secret: { secretName: "web-files-abc", defaultMode: 0o440 },
    });
    expect(pod.containers[0].volumeMounts).toContainEqual({
      name: FILES_VOLUME,
      mountPath: "/etc/registry",
      readOnly: true,
    });
    // fsGroup makes the service's group the files' group, so 0440 is readable by the process
    expect(pod.securityContext?.fsGroup).toBe(spec.runAsGroup);
  });

  it("need the files Secret's name", () => {
    expect(() => podSpec(spec)).toThrow("has files but no files Secret name");
  });
});
