import * as path from "node:path";
import * as rules from "../rules";
import { SCRATCH_PATH } from "./security";

/**
 * Where a volume (or the service's files) is mounted in the container: an absolute path, given
 * back normalised without a trailing "/". Never "/" or the scratch directory, which dockyard
 * mounts itself; never a ":" (the Kubernetes API refuses it in `mountPath`, and Docker's volume
 * binds split on it) or a "," (Docker's `--mount` splits its fields on it, so "/data,readonly"
 * would mount /data read-only).
 */
export const mountPath: rules.Rule<string> = rules.rule(`an absolute path like "/data"`, (value) => {
  if (typeof value !== "string" || !path.posix.isAbsolute(value)) return rules.refuse("must be an absolute path");
  if (/[:,]/.test(value))
    return rules.refuse(`must not contain ":" or "," (Kubernetes refuses ":"; Docker's mount syntax splits on both)`);
  const normalised = path.posix.normalize(value).replace(/(.)\/$/, "$1");
  return normalised === "/" || normalised === SCRATCH_PATH
    ? rules.refuse(`must not be "/" or the scratch directory "${SCRATCH_PATH}"`)
    : rules.accept(normalised);
});
