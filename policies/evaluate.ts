/**
 * CONTRACT (placeholder until the policy pack lands): how the offline plan and tests evaluate
 * the pack's rules without constructing a PolicyPack (which starts a gRPC server).
 * The policy-pack work replaces the bodies; the signatures are what tools/plan relies on.
 */
import type { RecordedResource } from "../tools/fake-cloud";

export type EnforcementLevel = "mandatory" | "advisory" | "disabled";

export interface Violation {
  policy: string;
  enforcementLevel: "mandatory" | "advisory";
  urn: string | null;
  message: string;
}

/** Per-policy overrides: enforcement level and thresholds, as in the pack's config schema. */
export type PolicyConfig = Record<string, { enforcementLevel?: EnforcementLevel; [threshold: string]: unknown }>;

export interface StackView {
  stack: string;
  role: "global" | "region";
  region: string | null;
  resources: RecordedResource[];
}

export interface EnvironmentView {
  name: string;
  stacks: StackView[];
  /** The validated environment settings (stacks/config.ts EnvironmentSettings), when known. */
  settings?: Record<string, unknown>;
}

/** Resource rules and stack rules of the pack over one stack's resources. */
export function evaluateStack(_stack: StackView, _config: PolicyConfig = {}): Violation[] {
  return [];
}

/** Environment rules that need every stack at once. */
export function evaluateEnvironment(_environment: EnvironmentView, _config: PolicyConfig = {}): Violation[] {
  return [];
}
