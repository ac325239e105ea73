/**
 * The plan's rehearsal figure (`resilience.experiments`): per region, the fault-injection
 * experiment templates with their actions, targets and stop conditions, and the zonal autoshift
 * configurations with their practice-run alarms; for the environment, the ARC Region switch
 * plans and their workflows. Read from resource types and inputs only, so it works for any
 * program. Regional stacks' resources count for the stack's region.
 */
import { stopConditionProblem } from "../../policies/rules/chaos";
import type { PlanResource, PlanStack } from "./model";

export interface ExperimentActionFigure {
  name: string;
  actionId: string;
  /** `Key → target name`, null for actions without a target (SSM automation). */
  target: string | null;
  parameters: Record<string, string>;
}
export interface ExperimentTargetFigure {
  name: string;
  resourceType: string;
  selectionMode: string;
  /** How resources are found: by ARN (and how many), by tags, or by parameters (EKS pods). */
  selectedBy: string;
  filters: string[];
}
export interface ExperimentFigure {
  name: string;
  /** The catalogue key (`az-power`, `pod-delete`, ...) from the template's `experiment` tag; null for other templates. */
  experiment: string | null;
  description: string | null;
  actions: ExperimentActionFigure[];
  targets: ExperimentTargetFigure[];
  /** Names of the alarms that stop it (`none` when a condition stops nothing). */
  stopConditions: string[];
  /** At least one CloudWatch alarm, and no `none`. */
  stoppable: boolean;
  logged: boolean;
}
export interface AutoshiftFigure {
  /** `alb`, `eks`: the registered resource, as the configuration's logical name ends. */
  name: string;
  /** The load balancer or cluster it shifts (its ARN's resource part). */
  resource: string;
  status: string | null;
  outcomeAlarms: string[];
  blockingAlarms: string[];
  blockedWindows: string[];
  blockedDates: string[];
}
export interface RegionExperimentsFigure {
  region: string;
  experiments: ExperimentFigure[];
  autoshift: AutoshiftFigure[];
}
export interface RegionSwitchFigure {
  name: string;
  approach: string | null;
  regions: string[];
  primaryRegion: string | null;
  rtoMinutes: number | null;
  workflows: { action: string; steps: { name: string; type: string }[] }[];
}
export interface ExperimentsFigure {
  source: "resources" | "none";
  regions: RegionExperimentsFigure[];
  regionSwitch: RegionSwitchFigure[];
}

const T = {
  template: "aws:fis/experimentTemplate:ExperimentTemplate",
  autoshift: "aws:arczonalshift/zonalAutoshiftConfiguration:ZonalAutoshiftConfiguration",
  plan: "aws:arcregionswitch/plan:Plan",
} as const;

function str(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 ? value : null;
}
function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => !!v && typeof v === "object") : [];
}
function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** `arn:aws:cloudwatch:r:a:alarm:prod-eu-west-1-error-rate` → `prod-eu-west-1-error-rate`. */
export function alarmNameOf(arn: string): string {
  const at = arn.indexOf(":alarm:");
  return at >= 0 ? arn.slice(at + ":alarm:".length) : arn;
}

function experimentFigure(r: PlanResource): ExperimentFigure {
  const conditions = list(r.inputs.stopConditions);
  const stopConditions = conditions.map((c) => (str(c.source) === "aws:cloudwatch:alarm" ? alarmNameOf(str(c.value) ?? "?") : str(c.source) ?? "?"));
  // The policy's own judgement (experiment-stop-conditions), so the figure and the exit code agree.
  const stoppable = stopConditionProblem(r.inputs as Parameters<typeof stopConditionProblem>[0]) === undefined;
  const tags = (r.inputs.tags as Record<string, unknown> | undefined) ?? {};
  return {
    name: str(tags.Name) ?? r.name,
    experiment: str(tags.experiment),
    description: str(r.inputs.description),
    actions: list(r.inputs.actions).map((a) => {
      const target = a.target as Record<string, unknown> | undefined;
      return {
        name: str(a.name) ?? "?",
        actionId: str(a.actionId) ?? "?",
        target: target ? `${str(target.key) ?? "?"} → ${str(target.value) ?? "?"}` : null,
        parameters: Object.fromEntries(list(a.parameters).map((p) => [str(p.key) ?? "?", typeof p.value === "string" ? p.value : JSON.stringify(p.value ?? null)])),
      };
    }),
    targets: list(r.inputs.targets).map((t) => {
      const arns = strings(t.resourceArns);
      const tagList = list(t.resourceTags).map((tag) => `${str(tag.key) ?? "?"}=${str(tag.value) ?? "?"}`);
      const parameters = Object.entries((t.parameters as Record<string, unknown> | undefined) ?? {}).map(([k, v]) => `${k}=${String(v)}`);
      const selectedBy = arns.length ? `${arns.length} ARN(s)` : tagList.length ? `tags ${tagList.join(", ")}` : parameters.length ? `parameters ${parameters.join(", ")}` : "nothing";
      return {
        name: str(t.name) ?? "?",
        resourceType: str(t.resourceType) ?? "?",
        selectionMode: str(t.selectionMode) ?? "?",
        selectedBy: arns.length && parameters.length ? `${selectedBy}; ${parameters.join(", ")}` : selectedBy,
        filters: list(t.filters).map((f) => `${str(f.path) ?? "?"} in ${strings(f.values).join("|") || "?"}`),
      };
    }),
    stopConditions,
    stoppable,
    logged: !!(r.inputs.logConfiguration as Record<string, unknown> | undefined)?.cloudwatchLogsConfiguration || !!(r.inputs.logConfiguration as Record<string, unknown> | undefined)?.s3Configuration,
  };
}

function autoshiftFigure(r: PlanResource): AutoshiftFigure {
  const arn = str(r.inputs.resourceArn) ?? "?";
  const alarms = (key: string) => list(r.inputs[key]).map((a) => alarmNameOf(str(a.alarmIdentifier) ?? "?"));
  return {
    name: r.name.split("-").pop() ?? r.name,
    resource: arn.split(":").slice(5).join(":") || arn,
    status: str(r.inputs.zonalAutoshiftStatus),
    outcomeAlarms: alarms("outcomeAlarms"),
    blockingAlarms: alarms("blockingAlarms"),
    blockedWindows: strings(r.inputs.blockedWindows),
    blockedDates: strings(r.inputs.blockedDates),
  };
}

function regionSwitchFigure(r: PlanResource): RegionSwitchFigure {
  return {
    name: str(r.inputs.name) ?? r.name,
    approach: str(r.inputs.recoveryApproach),
    regions: strings(r.inputs.regions),
    primaryRegion: str(r.inputs.primaryRegion),
    rtoMinutes: typeof r.inputs.recoveryTimeObjectiveMinutes === "number" ? r.inputs.recoveryTimeObjectiveMinutes : null,
    workflows: list(r.inputs.workflows).map((w) => ({
      action: str(w.workflowTargetAction) ?? "?",
      steps: list(w.steps).map((s) => ({ name: str(s.name) ?? "?", type: str(s.executionBlockType) ?? "?" })),
    })),
  };
}

/** Experiments and autoshift per region, Region switch plans of the environment. */
export function experimentsFigure(stacks: readonly Pick<PlanStack, "role" | "region" | "resources">[], regionOrder: readonly string[] = []): ExperimentsFigure {
  const regional = stacks.filter((s) => s.role === "region").length;
  const byRegion = new Map<string, PlanResource[]>();
  const plans: PlanResource[] = [];
  for (const stack of stacks) {
    for (const r of stack.resources) {
      if (r.type === T.plan) plans.push(r);
      if (r.type !== T.template && r.type !== T.autoshift) continue;
      const region = stack.role === "region" && stack.region && regional > 1 ? stack.region : r.region ?? stack.region;
      if (region) byRegion.set(region, [...(byRegion.get(region) ?? []), r]);
    }
  }
  const order = [...regionOrder.filter((r) => byRegion.has(r)), ...[...byRegion.keys()].filter((r) => !regionOrder.includes(r)).sort()];
  const regions = order.map((region) => {
    const mine = byRegion.get(region)!;
    return {
      region,
      experiments: mine.filter((r) => r.type === T.template).map(experimentFigure).sort((a, b) => a.name.localeCompare(b.name)),
      autoshift: mine.filter((r) => r.type === T.autoshift).map(autoshiftFigure).sort((a, b) => a.name.localeCompare(b.name)),
    };
  });
  const regionSwitch = plans.map(regionSwitchFigure);
  return { source: regions.length + regionSwitch.length > 0 ? "resources" : "none", regions, regionSwitch };
}

// --- sentences -------------------------------------------------------------------------------

/** Actions of one kind once, with their names when several run: `aws:…-cross-region-connectivity ×2 (cut-us-west-2, cut-eu-west-1; Subnets)`. */
export function actionsLine(actions: readonly ExperimentActionFigure[]): string {
  const byId = new Map<string, ExperimentActionFigure[]>();
  for (const a of actions) byId.set(a.actionId, [...(byId.get(a.actionId) ?? []), a]);
  return [...byId].map(([id, same]) => {
    const keys = [...new Set(same.map((a) => a.target?.split(" → ")[0]).filter((k): k is string => !!k))];
    const detail = [...(same.length > 1 ? [same.map((a) => a.name).join(", ")] : []), ...(keys.length ? [keys.join(", ")] : [])].join("; ");
    return `${id}${same.length > 1 ? ` ×${same.length}` : ""}${detail ? ` (${detail})` : ""}`;
  }).join(", ");
}

/** `az-power-1: aws:network:disrupt-connectivity (Subnets), ...; stopped by a, b` */
export function experimentLine(e: ExperimentFigure): string {
  const actions = actionsLine(e.actions);
  return `${e.name}: ${actions}; stopped by ${e.stoppable ? e.stopConditions.join(", ") : `NOTHING (${e.stopConditions.join(", ") || "no condition"})`}`;
}

export function targetLine(t: ExperimentTargetFigure): string {
  return `${t.name} ${t.resourceType} ${t.selectionMode} by ${t.selectedBy}${t.filters.length ? ` where ${t.filters.join(" and ")}` : ""}`;
}

export function autoshiftLine(a: AutoshiftFigure): string {
  const blocked = [...a.blockedWindows, ...a.blockedDates];
  return `${a.name} autoshift ${a.status ?? "?"}: practice runs judged by ${a.outcomeAlarms.join(", ") || "NO outcome alarm"}, blocked by ${a.blockingAlarms.join(", ") || "no alarm"}${blocked.length ? ` and in ${blocked.join(", ")}` : ""}`;
}

export function regionSwitchLine(p: RegionSwitchFigure): string {
  const workflows = p.workflows.map((w) => `${w.action}: ${w.steps.map((s) => `${s.name} (${s.type})`).join(" → ")}`).join("; ");
  return `${p.name} (${p.approach ?? "?"}, ${p.regions.join(", ")}; RTO ${p.rtoMinutes ?? "?"} min): ${workflows}`;
}

/** One summary line per region and one for the Region switch plans. */
export function experimentsSummary(f: ExperimentsFigure): string[] {
  const lines = f.regions.map((r) => {
    const unstopped = r.experiments.filter((e) => !e.stoppable).length;
    const shifted = r.autoshift.filter((a) => a.status === "ENABLED").map((a) => a.name);
    return `${r.region}: ${r.experiments.length} experiment template(s)${unstopped ? `, ${unstopped} WITHOUT an alarm to stop it` : ", each stopped by alarms"}; zonal autoshift ${shifted.length ? `on ${shifted.join(" + ")}` : "off"}`;
  });
  if (f.regionSwitch.length) lines.push(`Region switch: ${f.regionSwitch.map((p) => `${p.name} over ${p.regions.length} regions`).join(", ")}`);
  return lines;
}
