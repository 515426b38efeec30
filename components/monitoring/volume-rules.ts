/**
 * Alerts on the space left on PersistentVolumeClaims, from the kubelet's volume stats: nearly
 * full now, or filling at a rate that fills it within days.
 * @see https://kubernetes.io/docs/reference/instrumentation/metrics/
 */
import { matchers, spoken } from "./promql";
import type { ResolvedMonitoring } from "./resolve";
import { alertingRule, holdFor, type RuleGroup } from "./rule-model";

/** Free share under which a volume is nearly full. */
export const NEARLY_FULL_FREE_SHARE = 0.1;
/** Free share under which a volume's trend is watched: above it, a trend is noise. */
export const TREND_FREE_SHARE = 0.4;
/** The trend's window, and how far ahead it predicts. */
export const TREND = { window: "6h", aheadDays: 4 } as const;

const FOR = { VolumeNearlyFull: 300, VolumeFillingUp: 3600 } as const;

/** The volumes' alerts, or undefined when none is watched. */
export function volumeRuleGroup(spec: ResolvedMonitoring): RuleGroup | undefined {
  if (spec.volumes.length === 0) return undefined;
  return { name: `${spec.namespace}.volumes`, rules: spec.volumes.flatMap((v) => volumeAlerts(spec, v)) };
}

function volumeAlerts(spec: ResolvedMonitoring, claim: string) {
  const selected = matchers({ namespace: spec.namespace, persistentvolumeclaim: claim });
  const available = `kubelet_volume_stats_available_bytes${selected}`;
  const free = `${available}\n/\nkubelet_volume_stats_capacity_bytes${selected}`;
  const nearlyFull = holdFor(spec, "VolumeNearlyFull", FOR.VolumeNearlyFull);
  const filling = holdFor(spec, "VolumeFillingUp", FOR.VolumeFillingUp);
  const where = `Volume ${claim} in ${spec.namespace}`;
  return [
    alertingRule(spec, "VolumeNearlyFull", {
      expr: `${free}\n< ${NEARLY_FULL_FREE_SHARE}`,
      severity: "critical",
      forSeconds: nearlyFull,
      labels: { persistentvolumeclaim: claim },
      summary: `${where} is nearly full: {{ $value | humanizePercentage }} free`,
      description:
        `${claim} has had less than ${NEARLY_FULL_FREE_SHARE * 100} % of its space free for ${spoken(nearlyFull)} ` +
        `({{ $value | humanizePercentage }} now): writes will soon fail.`,
    }),
    alertingRule(spec, "VolumeFillingUp", {
      expr:
        `(${free}\n) < ${TREND_FREE_SHARE}\nand\n(${free}\n) >= ${NEARLY_FULL_FREE_SHARE}\nand\n` +
        `predict_linear(${available}[${TREND.window}], ${TREND.aheadDays * 86_400}) < 0`,
      severity: "warning",
      forSeconds: filling,
      labels: { persistentvolumeclaim: claim },
      summary: `${where} will be full within ${TREND.aheadDays} days at its current rate`,
      description:
        `${claim} has {{ $value | humanizePercentage }} of its space free and, at the rate it filled over the last ` +
        `${TREND.window}, runs out within ${TREND.aheadDays} days (predicted for ${spoken(filling)}).`,
    }),
  ];
}
