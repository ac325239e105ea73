import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { clusterTagKey } from "../lib/eks";
import { IAM_ROLE_NAME_MAX_LENGTH, physicalName } from "../lib/names";
import { globalDatabaseAutomation } from "./automation";
import { automationDocumentParameters, automationModes, EXPERIMENT_TAG, SCOPE_TAG, ZONE_TAG, type AutomationMode, type ExperimentSpec, regionExperiments, type ZonalShiftKind } from "./experiments";
import { automationRolePolicy, fisRolePolicy, rdsClusterArn, serviceTrust } from "./permissions";

/** Kubernetes group the FIS role's access entry carries; only the RBAC below binds it. */
export const FIS_KUBERNETES_GROUP = "platform-fault-injection";
/** Service account FIS's own pod runs as (the `kubernetesServiceAccount` of the pod actions). */
export const FIS_SERVICE_ACCOUNT = "fis-experiments";
export { EXPERIMENT_TAG, SCOPE_TAG, ZONE_TAG } from "./experiments";

export interface ResilienceExperimentsArgs {
  /** `<environment>-<region>`: names, tags, and the prefix of the observability alarms used as stop conditions. */
  namePrefix: string;
  region: string;
  /** How long faults last (network cut, capacity errors; terminated nodes are replaced, not restarted). @default 30 */
  durationMinutes?: number;
  /** The region's VPC and, per AZ in subnet order, the AZ's name, zone ID and every tier's subnet. */
  network: { vpcId: pulumi.Input<string>; zones: { name: pulumi.Input<string>; id: pulumi.Input<string>; subnetIds: pulumi.Input<string>[] }[] };
  cluster: { name: pulumi.Input<string>; arn: pulumi.Input<string> };
  /** The self-managed node pool's group; omit for managed node groups (no capacity-error actions then). */
  autoScalingGroupArn?: pulumi.Input<string>;
  /**
   * The region's resources registered for zonal shift with zonal autoshift enabled (at most 5:
   * one FIS target): each AZ power interruption shifts their traffic away from its AZ
   * (`aws:arc:start-zonal-autoshift`). @default []: no autoshift in the AZ experiments
   */
  zonalShiftResources?: { kind: ZonalShiftKind; arn: pulumi.Input<string> }[];
  /** This region's Aurora member of the global database. @default none: no database experiments */
  database?: {
    clusterArn: pulumi.Input<string>;
    globalClusterIdentifier: pulumi.Input<string>;
    writer: boolean;
    /**
     * The other regions' members of the global database. Switchover and failover authorize on the
     * member that is demoted too, which may be any of them. @default [] (a one-region database)
     */
    otherMembers?: { region: string; clusterIdentifier: string }[];
    /**
     * Adds the `aurora-failover` template (FailoverGlobalCluster with AllowDataLoss: writes not yet
     * replicated are lost) and lets the automation and its role fail over. Off, the document and
     * its role can only switch over: a template is one console click away for anyone allowed
     * fis:StartExperiment, and no stop condition undoes a failover. @default false
     */
    dataLossFailover?: boolean;
  };
  /**
   * The reference service the pod experiments act on. `networkFaults` adds the latency experiment,
   * whose ephemeral container runs as root with NET_ADMIN: only in a namespace that admits it
   * (RegionalService `allowNetworkFaultInjection`). `ready` is what must exist first (its namespace).
   * `minReplicas` is the autoscaler's floor: each pod experiment selects at least one pod of it.
   * @default none: no pod experiments
   */
  service?: { namespace: string; name: string; labelSelector: string; networkFaults: boolean; minReplicas: number; ready: pulumi.Input<pulumi.Resource>[] };
  /** Alarm ARNs by name (RegionalObservability.alarmArns): the stop conditions. */
  alarmArns: Record<string, pulumi.Input<string>>;
  /** The other regions of the environment (cross-region disruption). @default [] */
  otherRegions?: string[];
  /** Retention of the experiment log group, a CloudWatch Logs value. @default 90 */
  logRetentionDays?: number;
  tags?: Record<string, string>;
}

export interface ResilienceExperimentsOptions extends pulumi.ComponentResourceOptions {
  /** The cluster's Kubernetes provider; needed when `service` is given (service account and RBAC). */
  kubernetesProvider?: k8s.Provider;
}

/**
 * A region's fault-injection experiments as AWS FIS templates (one AZ power interruption per AZ,
 * its traffic autoshifted away from the AZ, pod delete/CPU stress/latency on the reference
 * service, node capacity exhaustion, Aurora global switchover through an SSM automation (and, only
 * when `database.dataLossFailover` says so, the failover that allows data loss), cross-region
 * connectivity loss), each stopped by the region's observability alarms, run by a role that may touch only this region's
 * resources, and logged to CloudWatch Logs. Templates change nothing until someone starts one
 * (`npm run gameday`).
 */
export class ResilienceExperiments extends pulumi.ComponentResource {
  readonly specs: readonly ExperimentSpec[];
  /** Template ids by spec id (`az-power-1`, `pod-delete`, ...). */
  readonly templateIds: Record<string, pulumi.Output<string>>;
  readonly roleArn: pulumi.Output<string>;
  readonly logGroupName: pulumi.Output<string>;

  constructor(name: string, args: ResilienceExperimentsArgs, opts: ResilienceExperimentsOptions = {}) {
    const { kubernetesProvider, ...componentOpts } = opts;
    if (args.service && !(kubernetesProvider instanceof k8s.Provider)) throw new TypeError(`${name}: pod experiments need the cluster's Kubernetes provider (opts.kubernetesProvider)`);
    const duration = args.durationMinutes ?? 30;
    // Every stop condition must exist before anything is declared.
    const documentName = `${args.namePrefix}-aurora-writer`;
    const placeholders = { switchover: "", failover: "" } satisfies Record<AutomationMode, string>;
    const specs = regionExperiments({
      prefix: args.namePrefix,
      region: args.region,
      durationMinutes: duration,
      allZoneIds: "",
      zones: args.network.zones.map((z) => ({ name: z.name, id: z.id, subnetArns: z.subnetIds })),
      vpcId: args.network.vpcId,
      clusterName: args.cluster.name,
      clusterTagKey: "",
      ...(args.autoScalingGroupArn !== undefined ? { autoScalingGroupArn: args.autoScalingGroupArn } : {}),
      ...(args.zonalShiftResources?.length ? { zonalShiftResources: args.zonalShiftResources } : {}),
      ...(args.database ? { database: args.database, automation: { documentArn: "", documentParameters: placeholders } } : {}),
      ...(args.service ? { service: { namespace: args.service.namespace, labelSelector: args.service.labelSelector, serviceAccount: FIS_SERVICE_ACCOUNT, networkFaults: args.service.networkFaults, minReplicas: args.service.minReplicas } } : {}),
      otherRegions: args.otherRegions ?? [],
    });
    const missing = [...new Set(specs.flatMap((s) => s.stopAlarms))].filter((key) => args.alarmArns[`${args.namePrefix}-${key}`] === undefined);
    if (missing.length) throw new RangeError(`${name}: no alarm ${missing.map((k) => `${args.namePrefix}-${k}`).join(", ")} to stop experiments with; compose RegionalObservability (Region's observability) first`);
    super("platform:chaos:ResilienceExperiments", name, {}, componentOpts);
    const parent = { parent: this };
    const tags = args.tags ?? {};
    const partition = aws.getPartitionOutput({}, parent).partition;
    const accountId = aws.getCallerIdentityOutput({}, parent).accountId;
    const arnOf = (service: string, resource: pulumi.Input<string>) => pulumi.interpolate`arn:${partition}:${service}:${args.region}:${accountId}:${resource}`;

    const logGroup = new aws.cloudwatch.LogGroup(`${name}-fis`, { name: `/aws/fis/${args.namePrefix}`, retentionInDays: args.logRetentionDays ?? 90, tags }, parent);

    const roleName = physicalName(`${name}-fis`, IAM_ROLE_NAME_MAX_LENGTH);
    const role = new aws.iam.Role(`${name}-fis`, {
      ...(roleName ? { name: roleName } : {}),
      description: `AWS FIS experiments of ${args.namePrefix}: acts on this region's resources only`,
      assumeRolePolicy: accountId.apply((account) => JSON.stringify(serviceTrust("fis.amazonaws.com", account))),
      tags,
    }, parent);

    // --- the global database's writer moves through an SSM automation ---
    let automation: { documentArn: pulumi.Output<string>; roleArn: pulumi.Output<string> } | undefined;
    if (args.database) {
      const db = args.database;
      const modes = automationModes(db);
      const automationRoleName = physicalName(`${name}-automation`, IAM_ROLE_NAME_MAX_LENGTH);
      const automationRole = new aws.iam.Role(`${name}-automation`, {
        ...(automationRoleName ? { name: automationRoleName } : {}),
        description: `SSM automation moving the global database's writer to ${args.namePrefix}`,
        assumeRolePolicy: accountId.apply((account) => JSON.stringify(serviceTrust("ssm.amazonaws.com", account))),
        tags,
      }, parent);
      // Switchover and failover authorize on the current writer too, wherever it is: every member.
      const others = db.otherMembers ?? [];
      new aws.iam.RolePolicy(`${name}-automation`, {
        role: automationRole.id,
        policy: pulumi.all([partition, accountId, db.globalClusterIdentifier, db.clusterArn]).apply(([p, account, global, member]) =>
          JSON.stringify(automationRolePolicy({ partition: p, accountId: account, globalClusterIdentifier: global, memberClusterArns: [member, ...others.map((m) => rdsClusterArn({ partition: p, accountId: account }, m))], modes }))),
      }, parent);
      const document = new aws.ssm.Document(`${name}-aurora-writer`, {
        name: documentName,
        documentType: "Automation",
        documentFormat: "JSON",
        content: JSON.stringify(globalDatabaseAutomation(modes)),
        tags,
      }, parent);
      automation = { documentArn: document.arn, roleArn: automationRole.arn };
    }

    // The specs again, now with the values only the deployment knows.
    const zoneIds = pulumi.all(args.network.zones.map((z) => z.id)).apply((ids) => ids.join(","));
    const subnetArns = args.network.zones.map((z) => ({ name: z.name, id: z.id, subnetArns: z.subnetIds.map((id) => arnOf("ec2", pulumi.interpolate`subnet/${id}`)) }));
    const parameters = (mode: AutomationMode) => pulumi.all([args.database!.globalClusterIdentifier, args.database!.clusterArn, automation!.roleArn])
      .apply(([globalClusterIdentifier, targetClusterArn, roleArn]) => automationDocumentParameters({ mode, globalClusterIdentifier, targetClusterArn, roleArn }));
    this.specs = regionExperiments({
      prefix: args.namePrefix,
      region: args.region,
      durationMinutes: duration,
      allZoneIds: zoneIds,
      zones: subnetArns,
      vpcId: args.network.vpcId,
      clusterName: args.cluster.name,
      clusterTagKey: pulumi.output(args.cluster.name).apply(clusterTagKey),
      ...(args.autoScalingGroupArn !== undefined ? { autoScalingGroupArn: args.autoScalingGroupArn } : {}),
      ...(args.zonalShiftResources?.length ? { zonalShiftResources: args.zonalShiftResources } : {}),
      ...(args.database && automation ? { database: args.database, automation: { documentArn: automation.documentArn, documentParameters: { switchover: parameters("switchover"), failover: parameters("failover") } } } : {}),
      ...(args.service ? { service: { namespace: args.service.namespace, labelSelector: args.service.labelSelector, serviceAccount: FIS_SERVICE_ACCOUNT, networkFaults: args.service.networkFaults, minReplicas: args.service.minReplicas } } : {}),
      otherRegions: args.otherRegions ?? [],
    });

    // Apart: pulumi.all types at most 8 inputs as a tuple.
    const zonalShiftArns = pulumi.all((args.zonalShiftResources ?? []).map((r) => r.arn));
    const policy = new aws.iam.RolePolicy(`${name}-fis`, {
      role: role.id,
      policy: pulumi.all([partition, accountId, args.network.vpcId, args.cluster.name, args.cluster.arn, args.autoScalingGroupArn, args.database?.clusterArn, automation?.roleArn])
        .apply(([p, account, vpcId, cluster, clusterArn, asgArn, dbArn, automationRoleArn]) => zonalShiftArns.apply((shiftArns) => JSON.stringify(fisRolePolicy(this.specs, {
          partition: p,
          region: args.region,
          accountId: account,
          vpcId,
          clusterTagKey: clusterTagKey(cluster),
          clusterArn,
          ...(asgArn ? { autoScalingGroupArn: asgArn } : {}),
          ...(dbArn ? { databaseClusterArn: dbArn } : {}),
          ...(automationRoleArn ? { automation: { documentName, roleArn: automationRoleArn } } : {}),
          ...(shiftArns.length ? { zonalShiftResourceArns: shiftArns } : {}),
        })))),
    }, parent);

    // --- the pod actions' Kubernetes side: FIS's pod runs as a service account in the target
    // namespace, and the FIS role reaches the API through an access entry bound by RBAC ---
    const kubernetesReady: pulumi.Resource[] = [];
    if (args.service && kubernetesProvider) {
      const s = args.service;
      const entry = new aws.eks.AccessEntry(`${name}-fis`, { clusterName: args.cluster.name, principalArn: role.arn, type: "STANDARD", kubernetesGroups: [FIS_KUBERNETES_GROUP], tags }, parent);
      const k8sOpts = { parent: this, provider: kubernetesProvider, dependsOn: s.ready };
      const metadata = (resourceName: string) => ({ name: resourceName, namespace: s.namespace, labels: { "app.kubernetes.io/part-of": "platform", "app.kubernetes.io/component": "fault-injection" } });
      const account = new k8s.core.v1.ServiceAccount(`${name}-fis-sa`, { metadata: metadata(FIS_SERVICE_ACCOUNT) }, k8sOpts);
      // What AWS documents for the aws:eks:pod actions, in this namespace only: FIS's pod keeps
      // its state in a ConfigMap, deletes pods or adds ephemeral containers to them.
      const rbacRole = new k8s.rbac.v1.Role(`${name}-fis-role`, {
        metadata: metadata(FIS_SERVICE_ACCOUNT),
        rules: [
          { apiGroups: [""], resources: ["configmaps"], verbs: ["get", "create", "patch", "delete"] },
          { apiGroups: [""], resources: ["pods"], verbs: ["create", "list", "get", "delete", "deletecollection"] },
          { apiGroups: [""], resources: ["pods/ephemeralcontainers"], verbs: ["update"] },
          { apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] },
          { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get"] },
        ],
      }, k8sOpts);
      const binding = new k8s.rbac.v1.RoleBinding(`${name}-fis-binding`, {
        metadata: metadata(FIS_SERVICE_ACCOUNT),
        subjects: [
          { kind: "ServiceAccount", name: FIS_SERVICE_ACCOUNT, namespace: s.namespace },
          { kind: "Group", name: FIS_KUBERNETES_GROUP, apiGroup: "rbac.authorization.k8s.io" },
        ],
        roleRef: { kind: "Role", name: rbacRole.metadata.name, apiGroup: "rbac.authorization.k8s.io" },
      }, k8sOpts);
      kubernetesReady.push(entry, account, binding);
    }

    this.templateIds = {};
    for (const spec of this.specs) {
      const zone = spec.key === "az-power" ? args.network.zones[Number(spec.id.split("-").pop()) - 1] : undefined;
      const template = new aws.fis.ExperimentTemplate(`${name}-${spec.id}`, {
        description: spec.description.slice(0, 512),
        roleArn: role.arn,
        stopConditions: spec.stopAlarms.map((key) => ({ source: "aws:cloudwatch:alarm", value: args.alarmArns[`${args.namePrefix}-${key}`] })),
        actions: spec.actions.map((a) => ({
          name: a.name,
          actionId: a.actionId,
          description: a.description.slice(0, 512),
          ...(Object.keys(a.parameters).length ? { parameters: Object.entries(a.parameters).map(([key, value]) => ({ key, value })) } : {}),
          ...(a.target ? { target: a.target } : {}),
          ...(a.startAfter?.length ? { startAfters: a.startAfter } : {}),
        })),
        targets: spec.targets.map((t) => ({
          name: t.name,
          resourceType: t.resourceType,
          selectionMode: t.selectionMode,
          ...(t.resourceArns ? { resourceArns: t.resourceArns } : {}),
          ...(t.resourceTags ? { resourceTags: t.resourceTags } : {}),
          ...(t.filters ? { filters: t.filters } : {}),
          ...(t.parameters ? { parameters: t.parameters } : {}),
        })),
        // FIS wants the ARN of the log group's streams (`:*`).
        logConfiguration: { logSchemaVersion: 2, cloudwatchLogsConfiguration: { logGroupArn: pulumi.interpolate`${logGroup.arn}:*` } },
        // An AZ experiment whose AZ holds no writer (or no node) still runs the rest.
        experimentOptions: { accountTargeting: "single-account", emptyTargetResolutionMode: spec.key === "az-power" ? "skip" : "fail" },
        tags: { ...tags, Name: `${args.namePrefix}-${spec.id}`, [EXPERIMENT_TAG]: spec.key, [SCOPE_TAG]: args.namePrefix, ...(zone ? { [ZONE_TAG]: zone.id } : {}) },
        // The role must be able to act (and FIS's pod to run) before anyone can start an experiment.
      }, { parent: this, dependsOn: [policy, ...kubernetesReady] });
      this.templateIds[spec.id] = template.id;
    }

    this.roleArn = role.arn;
    this.logGroupName = logGroup.name;
    this.registerOutputs({ templateIds: this.templateIds, roleArn: this.roleArn, logGroupName: this.logGroupName });
  }
}
