/**
 * The policy pack Pulumi runs: `pulumi preview --policy-pack policy` (add
 * `--policy-pack-config policy/config/prod.json` for prod). Constructing a PolicyPack starts
 * its gRPC server and never returns, so this file does nothing else: the policies live in
 * ./policies.ts, which tests and `npm run policy` import.
 */
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, policies } from "./policies";

new PolicyPack(PACK_NAME, { enforcementLevel: "advisory", policies });
