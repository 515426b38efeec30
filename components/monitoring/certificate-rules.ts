/**
 * Alerts on cert-manager Certificates from cert-manager's own metrics: not Ready (issuance or
 * renewal failing), and close to expiry. cert-manager renews a certificate a third of its life
 * before it expires (30 days for a 90-day one): one still expiring within 14 days is not being
 * renewed, within 3 days it is about to break every client.
 * @see https://cert-manager.io/docs/devops-tips/prometheus-metrics/
 */
import { matchers, spoken } from "./promql";
import type { ResolvedMonitoring } from "./resolve";
import { alertingRule, holdFor, type RuleGroup } from "./rule-model";

/** Days before expiry CertificateExpiringSoon fires. */
export const EXPIRY_WARNING_DAYS = 14;
/** Days before expiry CertificateExpiryImminent fires (and CertificateExpiringSoon stops). */
export const EXPIRY_CRITICAL_DAYS = 3;

const FOR = { CertificateNotReady: 900, CertificateExpiringSoon: 3600, CertificateExpiryImminent: 600 } as const;

/** The Certificates' alerts, or undefined when none is watched. */
export function certificateRuleGroup(spec: ResolvedMonitoring): RuleGroup | undefined {
  if (spec.certificates.length === 0) return undefined;
  return {
    name: `${spec.namespace}.certificates`,
    rules: spec.certificates.flatMap((c) => certificateAlerts(spec, c)),
  };
}

function certificateAlerts(spec: ResolvedMonitoring, certificate: string) {
  const ns = spec.certManagerNamespaceLabel;
  const by = `max by (name, ${ns})`;
  const selected = matchers({ name: certificate, [ns]: spec.namespace });
  const expiry = `${by} (certmanager_certificate_expiration_timestamp_seconds${selected}) - time()`;
  const where = `Certificate ${certificate} in ${spec.namespace}`;
  // The alerts carry the Certificate's namespace as `namespace`, whichever label cert-manager's series use.
  const labels = { namespace: spec.namespace, certificate };
  const notReady = holdFor(spec, "CertificateNotReady", FOR.CertificateNotReady);
  const soon = holdFor(spec, "CertificateExpiringSoon", FOR.CertificateExpiringSoon);
  const imminent = holdFor(spec, "CertificateExpiryImminent", FOR.CertificateExpiryImminent);
  const warnAt = EXPIRY_WARNING_DAYS * 86_400;
  const criticalAt = EXPIRY_CRITICAL_DAYS * 86_400;
  return [
    alertingRule(spec, "CertificateNotReady", {
      expr: `${by} (certmanager_certificate_ready_status${matchers({ name: certificate, [ns]: spec.namespace, condition: { op: "=~", value: "False|Unknown" } })}) == 1`,
      severity: "warning",
      forSeconds: notReady,
      labels,
      summary: `${where} is not Ready`,
      description:
        `cert-manager has reported ${certificate} not Ready for ${spoken(notReady)}: issuing or renewing it fails ` +
        `(the issuer, its DNS or HTTP challenge, or the Secret). The Gateway keeps serving the previous certificate until it expires.`,
    }),
    alertingRule(spec, "CertificateExpiringSoon", {
      expr: `${expiry} < ${warnAt}\nand\n${expiry} >= ${criticalAt}`,
      severity: "warning",
      forSeconds: soon,
      labels,
      summary: `${where} expires in {{ $value | humanizeDuration }}`,
      description:
        `${certificate} expires in {{ $value | humanizeDuration }}, within ${EXPIRY_WARNING_DAYS} days, and has not been ` +
        `renewed although cert-manager renews well before that: renewal is failing.`,
    }),
    alertingRule(spec, "CertificateExpiryImminent", {
      expr: `${expiry} < ${criticalAt}`,
      severity: "critical",
      forSeconds: imminent,
      labels,
      summary: `${where} expires in {{ $value | humanizeDuration }}`,
      description:
        `${certificate} expires in {{ $value | humanizeDuration }} (less than ${EXPIRY_CRITICAL_DAYS} days; ` +
        `negative: it has expired): clients will refuse the service once it does.`,
    }),
  ];
}
