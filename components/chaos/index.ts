/**
 * Designed for failure, rehearsed: a region's fault-injection experiments (AWS FIS templates with
 * stop conditions, a least-privilege role, logs), zonal autoshift with practice runs, and the
 * environment's ARC Region switch plan. The decisions (experiment catalogue, IAM documents, the
 * SSM automation, practice-run alarms, the plan's workflows) are plain functions beside them.
 */
export { ResilienceExperiments, FIS_KUBERNETES_GROUP, FIS_SERVICE_ACCOUNT, EXPERIMENT_TAG, SCOPE_TAG, ZONE_TAG, type ResilienceExperimentsArgs } from "./resilience-experiments";
export { ZonalAutoshift, type ZonalAutoshiftArgs } from "./zonal-autoshift";
export { RegionSwitch, RegionSwitchAccess, regionSwitchPlans, regionSwitchWorkflows, REGION_SWITCH_STEPS, type RegionSwitchArgs } from "./region-switch";
export { regionExperiments, EXPERIMENT_KEYS, FIS_ACTIONS, MAX_STOP_CONDITIONS, type ExperimentKey, type ExperimentSpec } from "./experiments";
export { AUTOSHIFT_OUTCOME_ALARM, AUTOSHIFT_BLOCKING_ALARM, blockedDateProblem, blockedWindowProblem } from "./autoshift-plan";
