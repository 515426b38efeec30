/**
 * N stateless services added to a stack's platform for `npm run bench`: each a copy of the
 * topology's autoscaled service (front), reached by nobody from outside (no host), so evaluation
 * cost can be measured against the number of resources.
 */
import type { Platform } from "../../infra/platform";

/** The platform with `count` generated services (`gen-0000`…) after the topology's own. */
export function withGeneratedServices(count: number): (platform: Platform) => Platform {
  return (platform) => {
    const template = platform.services.find((service) => service.autoscaling !== undefined) ?? platform.services[0];
    const generated = Array.from({ length: count }, (_, index) => {
      const { host: _host, ...copy } = structuredClone(template);
      return { ...copy, name: `gen-${String(index).padStart(4, "0")}`, hostPort: 20_000 + index };
    });
    return { ...platform, services: [...platform.services, ...generated] };
  };
}
