/**
 * The Gateway's translators: the Gateway with its plain-HTTP and HTTPS listeners, the redirect to
 * HTTPS, and the cert-manager Certificates its listeners serve. Every object passes the published
 * Gateway API and cert-manager schemas; every argument mistake is refused in one message.
 */
import { describe, expect, it } from "vitest";
import { Certificate, type ICertificate } from "@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate";
import {
  Gateway as GatewayModel,
  type IGateway,
} from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Gateway";
import { HTTPRoute, type IHTTPRoute } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute";
import type { GatewayArgs } from "../../components/gateway";
import { certificateManifest, gatewayManifest, redirectRouteManifest } from "../../components/gateway/manifests";
import { envoyGatewayPodLabels, resolveGatewaySpec } from "../../components/gateway/resolve";
import { GATEWAY_DEFAULTS } from "../../components/defaults";
import { ComponentArgError } from "../../components/errors";
import { plain } from "./support/fixtures";

const LISTENERS = [
  { name: "registry", host: "registry.example.com" },
  { name: "front", host: "app.example.com" },
];
const ARGS: GatewayArgs = { namespace: "apps", listeners: LISTENERS, certificateIssuer: { name: "internal-ca" } };

describe("Gateway", () => {
  it("a plain-HTTP listener and one HTTPS listener per host, each with its certificate; awaited until Programmed", () => {
    const spec = resolveGatewaySpec("edge", ARGS);
    const gateway = plain<IGateway>(gatewayManifest(spec));
    expect(() => new GatewayModel(gateway).validate()).not.toThrow();
    expect(gateway.metadata).toMatchObject({
      name: "edge",
      namespace: "apps",
      annotations: { "pulumi.com/waitFor": "condition=Programmed" },
    });
    expect(gateway.spec?.gatewayClassName).toBe(GATEWAY_DEFAULTS.className);
    const sameNamespace = { namespaces: { from: "Same" } };
    expect(gateway.spec?.listeners).toEqual([
      { name: "http", protocol: "HTTP", port: 80, allowedRoutes: sameNamespace },
      ...LISTENERS.map(({ name, host }) => ({
        name,
        hostname: host,
        protocol: "HTTPS",
        port: 443,
        tls: { mode: "Terminate", certificateRefs: [{ group: "", kind: "Secret", name: `${name}-tls` }] },
        allowedRoutes: { ...sameNamespace, kinds: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute" }] },
      })),
    ]);
  });

  it("every plain-HTTP request, whatever its host, is redirected to HTTPS", () => {
    const route = plain<IHTTPRoute>(redirectRouteManifest(resolveGatewaySpec("edge", ARGS)));
    expect(() => new HTTPRoute(route).validate()).not.toThrow();
    expect(route.metadata?.name).toBe("edge-https-redirect");
    expect(route.spec?.hostnames).toBeUndefined();
    expect(route.spec?.parentRefs).toEqual([
      { group: "gateway.networking.k8s.io", kind: "Gateway", name: "edge", sectionName: "http" },
    ]);
    expect(route.spec?.rules).toEqual([
      { filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] },
    ]);
  });

  it("cert-manager: one Certificate per listener, ECDSA P-256 with a new key at each renewal, awaited until Ready", () => {
    const spec = resolveGatewaySpec("edge", { ...ARGS, certificateIssuer: { name: "team-ca", kind: "Issuer" } });
    const certificate = plain<ICertificate>(certificateManifest(spec, spec.listeners[1]));
    expect(() => new Certificate(certificate).validate()).not.toThrow();
    expect(certificate.metadata).toMatchObject({
      name: "front",
      namespace: "apps",
      annotations: { "pulumi.com/waitFor": "condition=Ready" },
    });
    expect(certificate.spec).toMatchObject({
      secretName: "front-tls",
      dnsNames: ["app.example.com"],
      issuerRef: { name: "team-ca", kind: "Issuer", group: "cert-manager.io" },
      privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
    });
  });

  it("a given TLS Secret serves every listener, and no Certificate is asked for", () => {
    const spec = resolveGatewaySpec("edge", { namespace: "apps", listeners: LISTENERS, tlsSecretName: "wildcard-tls" });
    expect(spec.listeners.map((listener) => certificateManifest(spec, listener))).toEqual([undefined, undefined]);
    const refs = plain<IGateway>(gatewayManifest(spec)).spec?.listeners.flatMap((l) => l.tls?.certificateRefs ?? []);
    expect(refs?.map((ref) => ref.name)).toEqual(["wildcard-tls", "wildcard-tls"]);
  });

  it("the data plane defaults to Envoy Gateway's pods of this Gateway; a given one is taken as is", () => {
    expect(resolveGatewaySpec("edge", ARGS).dataPlane).toEqual({
      namespace: "envoy-gateway-system",
      podLabels: envoyGatewayPodLabels("edge", "apps"),
    });
    const istio = { namespace: "apps", podLabels: { "gateway.networking.k8s.io/gateway-name": "edge" } };
    expect(resolveGatewaySpec("edge", { ...ARGS, dataPlane: istio }).dataPlane).toEqual(istio);
  });
});

const BAD: { name: string; args: Record<string, unknown>; line: string }[] = [
  {
    name: "no certificate source",
    args: { namespace: "apps", listeners: LISTENERS },
    line: "needs tlsSecretName (a kubernetes.io/tls Secret) or certificateIssuer (cert-manager): every listener serves TLS",
  },
  {
    name: "two certificate sources",
    args: { ...ARGS, tlsSecretName: "wildcard-tls" },
    line: "takes tlsSecretName or certificateIssuer, not both: one source of the certificates",
  },
  {
    name: "a listener named like the plain-HTTP one",
    args: { ...ARGS, listeners: [{ name: "http", host: "a.example.com" }] },
    line: `listeners[0].name must not be "http": the plain-HTTP listener redirecting to HTTPS has it`,
  },
  {
    name: "two listeners of one name",
    args: { ...ARGS, listeners: [LISTENERS[0], { ...LISTENERS[1], name: "registry" }] },
    line: `listeners[1].name must be unique: "registry" names another listener`,
  },
  {
    name: "two listeners of one host",
    args: { ...ARGS, listeners: [LISTENERS[0], { ...LISTENERS[1], host: "registry.example.com" }] },
    line: `listeners[1].host must be unique: "registry.example.com" is another listener's host`,
  },
  {
    name: "a listener at an IP address",
    args: { ...ARGS, listeners: [{ name: "front", host: "203.0.113.7" }] },
    line: `listeners[0].host must be a DNS name like "app.example.com", not an IP address (a Gateway listener routes names only), got "203.0.113.7"`,
  },
  {
    name: "an issuer of an unknown kind",
    args: { ...ARGS, certificateIssuer: { name: "ca", kind: "Vault" } },
    line: `certificateIssuer.kind must be "ClusterIssuer" or "Issuer", got "Vault"`,
  },
  {
    name: "a class with spaces",
    args: { ...ARGS, className: "envoy gateway" },
    line: `className must be a lower-case DNS subdomain like "fast-ssd" or "gp3.csi.example.com" (labels of letters, digits and "-", at most 253 characters), got "envoy gateway"`,
  },
  {
    name: "the default data plane, without a plain namespace to name in its labels",
    args: { listeners: LISTENERS, certificateIssuer: { name: "ca" } },
    line: "dataPlane is required unless namespace is a plain name: Envoy Gateway's data plane labels name the Gateway's namespace",
  },
  {
    name: "an ingress-nginx setting",
    args: { ...ARGS, controllerNamespace: "ingress-nginx" },
    line: "controllerNamespace is not a known key (allowed here: className, namespace, listeners, tlsSecretName, certificateIssuer, dataPlane)",
  },
  {
    name: "a namespace that is not a DNS label",
    args: { ...ARGS, namespace: "Bad_NS" },
    line: `namespace must be a DNS label (lower-case letters, digits and "-", at most 63 characters), got "Bad_NS"`,
  },
  {
    name: "a listener name that is not a DNS label",
    args: { ...ARGS, listeners: [{ name: "Bad_L", host: "a.example.com" }] },
    line: `listeners[0].name must be a DNS label (lower-case letters, digits and "-", at most 63 characters), got "Bad_L"`,
  },
  {
    name: "a TLS Secret name that is not a DNS subdomain",
    args: { namespace: "apps", listeners: LISTENERS, tlsSecretName: "Bad_TLS" },
    line: `tlsSecretName must be a lower-case DNS subdomain like "fast-ssd" or "gp3.csi.example.com" (labels of letters, digits and "-", at most 253 characters), got "Bad_TLS"`,
  },
  {
    name: "an issuer name that is not a DNS subdomain",
    args: { ...ARGS, certificateIssuer: { name: "Bad Issuer" } },
    line: `certificateIssuer.name must be a lower-case DNS subdomain like "fast-ssd" or "gp3.csi.example.com" (labels of letters, digits and "-", at most 253 characters), got "Bad Issuer"`,
  },
];

describe("argument errors", () => {
  it.each(BAD)("$name", ({ args, line }) => {
    const attempt = () => resolveGatewaySpec("edge", args as unknown as GatewayArgs);
    expect(attempt).toThrow(ComponentArgError);
    expect(attempt).toThrow(`Gateway "edge": ${line}`);
  });

  it("an instance name that is not a DNS subdomain", () => {
    expect(() => resolveGatewaySpec("Edge_GW", ARGS)).toThrow(
      `Gateway "Edge_GW": name must be a lower-case DNS subdomain like "fast-ssd" or "gp3.csi.example.com" (labels of letters, digits and "-", at most 253 characters), got "Edge_GW"`,
    );
  });
});
