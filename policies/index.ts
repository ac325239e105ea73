/**
 * The policy pack entry: `pulumi preview --policy-pack policies`. Constructing a PolicyPack
 * starts the analyzer's gRPC server, so nothing but the CLI's pack runner may import this file;
 * tests and the offline plan use policies/evaluate.ts.
 */
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, POLICIES } from "./rules";

new PolicyPack(PACK_NAME, {
  policies: [...POLICIES],
  // Each policy sets its own level; this applies only to a policy that would not.
  enforcementLevel: "mandatory",
  description: "Redundancy, protection and security baseline for active-active multi-region AWS platforms.",
  displayName: "Platform resilience",
  provider: "aws",
  tags: ["aws", "resilience", "multi-region", "security"],
});
