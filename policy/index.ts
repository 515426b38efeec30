/**
 * The policy pack Pulumi runs: `pulumi preview --policy-pack policy` (add
 * `--policy-pack-config policy/config/<stack>.json` for a protected stack). Constructing a
 * PolicyPack starts its gRPC server and never returns, so this file does nothing else: the
 * policies live in ./policies.ts, which tests and `npm run policy` import. Under the engine the
 * pack knows the protected stacks by their enforcement configs beside it (./config/<stack>.json).
 */
import { join } from "node:path";
import { PolicyPack } from "@pulumi/policy";
import { dockyardPolicies, enforcedStacks, PACK_NAME } from "./policies";

new PolicyPack(PACK_NAME, {
  enforcementLevel: "advisory",
  policies: dockyardPolicies({ protectedStacks: enforcedStacks(join(__dirname, "config")) }),
});
