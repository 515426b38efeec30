import * as net from "node:net";
import * as pulumi from "@pulumi/pulumi";
import { describeValue } from "../errors";
import type { Target } from "../types";
import { type ArgPath, argsOf, knownKeys } from "../args";
import * as rules from "../rules";
import type { RegistryArgs } from "../registry";
import { type GatewayListenerRef, PUBLISH_ADDRESS, resolveRoute } from "../workload";
import { formatImageRef, isImageRef, parseImageRef, throughMirror } from "./image-ref";
import VERSIONS from "../../versions.json";

/** The upstream registry image, pinned by digest: the inventory's (versions.json `images.registry`). */
export const UPSTREAM_REGISTRY_IMAGE: string = VERSIONS.images.registry.ref;
/** Default user of a self-hosted registry. */
export const DEFAULT_REGISTRY_USER = "dockyard";
/** Default Docker host port of a self-hosted registry. */
export const DEFAULT_HOST_PORT = 5000;

/** TLS certificate and key of a self-hosted registry (PEM contents, secrets). */
export interface RegistryTlsArgs {
  /** Certificate chain, PEM. */
  readonly certificate: pulumi.Input<string>;
  /** Private key, PEM. */
  readonly key: pulumi.Input<string>;
}

/** A self-hosted registry's Args, validated, defaults applied. */
export interface SelfHostedSpec {
  readonly mode: "self-hosted";
  readonly name: string;
  readonly target: Target;
  readonly address: string;
  readonly username: string;
  /** The upstream image as pulled: through the mirror when one is set. */
  readonly upstreamImage: string;
  readonly hostPort: number;
  readonly publishAddress: string;
  readonly deleteEnabled: boolean;
  readonly tls: RegistryTlsArgs | undefined;
  /** Kubernetes: the Gateway listener it is reached through (required there). */
  readonly listener: GatewayListenerRef | undefined;
  readonly storageGiB: number;
  readonly storageClass: pulumi.Input<string> | undefined;
  readonly namespace: pulumi.Input<string> | undefined;
  readonly buildContext: string;
}

/** An external registry's Args, validated. */
export interface ExternalSpec {
  readonly mode: "external";
  readonly name: string;
  readonly target: Target;
  readonly address: string;
  readonly username: string;
  readonly password: pulumi.Input<string>;
}

const NAME = /^[a-z]([-a-z0-9]{0,56}[a-z0-9])?$/;
const SELF_HOSTED_ONLY = [
  "image",
  "mirror",
  "deleteEnabled",
  "tls",
  "listener",
  "hostPort",
  "publishAddress",
  "storageGiB",
  "storageClass",
  "namespace",
  "buildContext",
] as const;

/** Validates a Registry's Args and applies defaults; one ComponentArgError listing every mistake. */
export function resolveRegistrySpec(name: string, args: RegistryArgs): SelfHostedSpec | ExternalSpec {
  const root = argsOf("Registry", name);
  knownKeys(root, args, ["target", "mode", "address", "username", "password", ...SELF_HOSTED_ONLY]);
  if (!NAME.test(name))
    root
      .field("name")
      .report(`must be a DNS label of at most 58 characters (its volume is "<name>-data"), got ${describeValue(name)}`);
  if (args.target === undefined) root.field("target").report(`is required: "docker" or "kubernetes"`);
  const target = root.field("target").optional(rules.oneOf(["docker", "kubernetes"] as const), args.target, "docker");
  const mode = root.field("mode").optional(rules.oneOf(["self-hosted", "external"] as const), args.mode, "self-hosted");
  const address = root.field("address").optional(rules.registryAddress, args.address, undefined);
  if (mode === "external") {
    for (const key of SELF_HOSTED_ONLY) {
      if (args[key] !== undefined)
        root.field(key).report("applies only to a self-hosted registry: remove it or set mode to self-hosted");
    }
    if (args.address === undefined)
      root.field("address").report(`is required for an external registry, e.g. "registry.example.com:5000"`);
    const username =
      args.username === undefined
        ? root.field("username").report("is required for an external registry")
        : root.field("username").check(rules.registryUser, args.username);
    const password =
      args.password === undefined
        ? root.field("password").report("is required for an external registry (a secret)")
        : checkedPassword(root.field("password"), args.password);
    return { mode, name, ...root.problems.done({ target, address, username, password }) };
  }
  if (args.password !== undefined) root.field("password").report("is generated for a self-hosted registry: remove it");
  const hostPort = root.field("hostPort").optional(rules.port, args.hostPort, DEFAULT_HOST_PORT);
  const publishAddress = args.publishAddress ?? PUBLISH_ADDRESS;
  const publishable = typeof publishAddress === "string" && net.isIP(publishAddress) !== 0;
  if (!publishable)
    root.field("publishAddress").report(`must be an IPv4 or IPv6 address, got ${describeValue(publishAddress)}`);
  if (target === "kubernetes" && args.address === undefined) {
    root
      .field("address")
      .report(
        "is required on Kubernetes: the host nodes and the deploying machine reach the registry at (its Gateway listener's host)",
      );
  }
  if (target === "kubernetes") {
    const host = address === undefined ? undefined : root.field("address").check(rules.gatewayHost, address);
    checkListener(root, args.listener, host);
  }
  // An unusable publish address is reported once, above, not again as a reason to require TLS.
  if (target === "docker" && args.tls === undefined && publishable) checkLoopback(root, publishAddress, address);
  const spec = {
    username: root.field("username").check(rules.registryUser, args.username ?? DEFAULT_REGISTRY_USER),
    upstreamImage: upstreamImage(root, args.image, args.mirror),
    deleteEnabled: root.field("deleteEnabled").optional(rules.boolean, args.deleteEnabled, false),
  };
  const tls = tlsPair(root.field("tls"), args.tls);
  const storageGiB = root.field("storageGiB").optional(rules.integerIn(1, 65536), args.storageGiB, 10);
  const storageClass = root.field("storageClass").plain(rules.dnsSubdomain, args.storageClass);
  const namespace = root.field("namespace").plain(rules.dnsLabel, args.namespace);
  const buildContext = args.buildContext ?? "apps/registry";
  if (typeof buildContext !== "string" || buildContext === "")
    root.field("buildContext").report(`must be a directory, got ${describeValue(buildContext)}`);
  const checked = root.problems.done({ ...spec, target, hostPort, storageGiB });
  return {
    mode: "self-hosted",
    name,
    ...checked,
    address: address ?? dockerAddress(publishAddress, checked.hostPort),
    publishAddress,
    tls,
    listener: checked.target === "kubernetes" ? args.listener : undefined,
    storageClass,
    namespace,
    buildContext,
  };
}

/**
 * On Kubernetes the registry is reached through a Gateway listener serving TLS at `address`: nodes'
 * container runtimes and the deploying machine refuse plain HTTP off loopback.
 */
function checkListener(root: ArgPath, listener: GatewayListenerRef | undefined, address: string | undefined): void {
  const at = root.field("listener");
  if (listener === undefined) {
    at.report(
      "is required on Kubernetes: the registry is reached over TLS through a Gateway listener (Gateway.listener(name)); plain HTTP is allowed only on 127.0.0.1",
    );
    return;
  }
  const port = {
    name: "registry",
    containerPort: 5000,
    protocol: "tcp" as const,
    hostPort: undefined,
    servicePort: 5000,
  };
  const route = resolveRoute(root, { listener }, "kubernetes", [port]);
  if (route !== undefined && address !== undefined && route.host !== address)
    at.field("host").report(`must be the registry's address "${address}" (what nodes pull from), got "${route.host}"`);
}

/** Plain HTTP only on loopback, where Docker allows it: published or addressed beyond it, TLS is required. */
function checkLoopback(root: ArgPath, publishAddress: string, address: string | undefined): void {
  const host = address === undefined ? undefined : rules.splitHostPort(rules.registryHostOf(address));
  const addressed = host !== undefined && "host" in host ? host.host : undefined;
  const beyond = [
    ...(rules.isLoopbackHost(publishAddress) ? [] : [`published on ${publishAddress}`]),
    ...(addressed === undefined || rules.isLoopbackHost(addressed) ? [] : [`addressed as ${addressed}`]),
  ];
  if (beyond.length > 0)
    root
      .field("tls")
      .report(
        `is required when the registry is reached beyond 127.0.0.1 (${beyond.join(", ")}): plain HTTP is allowed only on loopback`,
      );
}

const PASSWORD = "must be a non-empty string (a secret)";

/** A password: a non-empty string, checked now when plain and when it resolves when an output. */
export function checkedPassword(at: ArgPath, value: pulumi.Input<string>): pulumi.Output<string> | undefined {
  const isPassword = (password: unknown): password is string => typeof password === "string" && password !== "";
  if (typeof value === "string" && !isPassword(value)) return at.report(PASSWORD);
  return pulumi.secret(value).apply((password) => {
    if (!isPassword(password)) throw at.error(PASSWORD);
    return password;
  });
}

/**
 * The address clients use: the deploying machine is the Docker host, so a wildcard publish is
 * reached on loopback, and loopback is named `localhost`. Docker allows plain HTTP to any registry
 * resolving into 127.0.0.0/8, `localhost` included; Podman 4.3's Docker API logs in over plain HTTP
 * only to `localhost:` (its /auth endpoint ignores registries.conf), so a numeric loopback
 * address would fail `docker login` there (docs/decisions/0010-podman.md).
 */
function dockerAddress(publishAddress: string, hostPort: number): string {
  const host = publishAddress === "0.0.0.0" ? "127.0.0.1" : publishAddress === "::" ? "::1" : publishAddress;
  const loopback = host === "::1" || (net.isIPv4(host) && host.startsWith("127."));
  return loopback ? `localhost:${hostPort}` : `${net.isIPv6(host) ? `[${host}]` : host}:${hostPort}`;
}

function upstreamImage(root: ArgPath, image: unknown, mirror: unknown): string | undefined {
  const imageAt = root.field("image");
  const reference = image ?? UPSTREAM_REGISTRY_IMAGE;
  const parsed = typeof reference === "string" ? parseImageRef(reference) : { error: "must be an image reference" };
  if (!isImageRef(parsed)) return imageAt.report(`${parsed.error}, got ${describeValue(reference)}`);
  if (parsed.digest === undefined)
    return imageAt.report(`must be pinned by digest (repo:tag@sha256:…), got ${describeValue(reference)}`);
  const host = root.field("mirror").optional(rules.registryHost, mirror, undefined);
  return mirror !== undefined && host === undefined ? undefined : formatImageRef(throughMirror(parsed, host));
}

function tlsPair(at: ArgPath, value: RegistryTlsArgs | undefined): RegistryTlsArgs | undefined {
  if (value === undefined) return undefined;
  const notPem = (["certificate", "key"] as const).find((key) => {
    const pem: unknown = value[key];
    return pem === undefined || pem === "" || (typeof pem !== "string" && typeof pem !== "object");
  });
  if (notPem !== undefined) return at.field(notPem).report("must be PEM content (a secret)");
  return { certificate: pulumi.secret(value.certificate), key: pulumi.secret(value.key) };
}
