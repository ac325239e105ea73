/**
 * Every policy of the pack, in report order. Importing this starts nothing: index.ts (the pack
 * entry) is the only place that constructs the PolicyPack.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { DATA_ENVIRONMENT_RULES, DATA_POLICIES } from "./data";
import { DNS_POLICIES } from "./dns";
import { COST_ENVIRONMENT_RULES, COST_POLICIES } from "./cost";
import { EKS_SUPPORT_POLICIES } from "./eks-support";
import { ENVIRONMENT_RULES as BASE_ENVIRONMENT_RULES, ENVIRONMENT_STACK_POLICIES, type EnvironmentRule } from "./environment";
import { PROTECTION_POLICIES } from "./protection";
import { REDUNDANCY_POLICIES } from "./redundancy";
import { SECURITY_POLICIES } from "./security";
import { SERVING_PATH_POLICIES } from "./serving-path";
import { OBSERVABILITY_POLICIES } from "./observability";
import { CHAOS_POLICIES } from "./chaos";
import { PRODUCTION_ENVIRONMENT_RULES } from "./production-config";

export type PackPolicy = ResourceValidationPolicy | StackValidationPolicy;
export type PolicyKind = "resource" | "stack" | "environment";

export const PACK_NAME = "platform-resilience";

export type { EnvironmentRule } from "./environment";
/** Rules that need every region at once (the plan runs them across stacks). */
export const ENVIRONMENT_RULES: readonly EnvironmentRule[] = [...BASE_ENVIRONMENT_RULES, ...COST_ENVIRONMENT_RULES, ...DATA_ENVIRONMENT_RULES, ...PRODUCTION_ENVIRONMENT_RULES];

/** The policies the pack serves: resource and stack rules, then the environment rules as stack rules. */
export const POLICIES: readonly PackPolicy[] = [...REDUNDANCY_POLICIES, ...DNS_POLICIES, ...PROTECTION_POLICIES, ...SECURITY_POLICIES, ...SERVING_PATH_POLICIES, ...COST_POLICIES, ...EKS_SUPPORT_POLICIES, ...DATA_POLICIES, ...OBSERVABILITY_POLICIES, ...CHAOS_POLICIES, ...ENVIRONMENT_STACK_POLICIES, ...ENVIRONMENT_RULES.map((rule) => rule.policy)];

export function kindOf(policy: PackPolicy): PolicyKind {
  if (ENVIRONMENT_RULES.some((rule) => rule.policy === policy)) return "environment";
  return "validateStack" in policy ? "stack" : "resource";
}
