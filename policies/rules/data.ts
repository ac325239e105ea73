/**
 * The data and edge tier: DynamoDB tables replicated to every region with point-in-time recovery,
 * deletion protection and a customer key per region; cache Global Datastores with a Multi-AZ,
 * encrypted member in every region; CloudFront behind a WAF with TLS-only viewers and origins,
 * and load balancers that serve only the edge (advisory); and the stateful pieces protected. The cross-region checks are environment rules (they need
 * every stack); the rest look at one resource.
 */
import type { PolicyResource, ResourceValidationArgs } from "@pulumi/policy";
import type { Unwrap } from "@pulumi/pulumi";
import type { TableArgs } from "@pulumi/aws/dynamodb/table";
import type { TableReplicaArgs } from "@pulumi/aws/dynamodb/tableReplica";
import type { ReplicationGroupArgs } from "@pulumi/aws/elasticache/replicationGroup";
import type { GlobalReplicationGroupArgs } from "@pulumi/aws/elasticache/globalReplicationGroup";
import type { DistributionArgs } from "@pulumi/aws/cloudfront/distribution";
import type { MultitenantDistributionArgs } from "@pulumi/aws/cloudfront/multitenantDistribution";
import { globalTableRegions, replicasOfTable } from "../../components/lib/dynamo";
import { SECRET_MASK, stringList } from "../config";
import { LISTENER_RULE_TYPES, LISTENER_TYPES, LOAD_BALANCER_TYPES, TARGET_GROUP_TYPES } from "./aws-types";
import { environmentRule, type EnvironmentRule } from "./environment";
import { arnRegion, describe, isSet, knownItems, knownNumber, knownString, listLength, ofType, read, referencedBy, regionOf, resourceRule, UNKNOWN, workloadRegions } from "./kit";

export const DATA_TYPES = {
  table: "aws:dynamodb/table:Table",
  /** A replica declared apart from its table (provisioned global tables: see GlobalTable). */
  tableReplica: "aws:dynamodb/tableReplica:TableReplica",
  replicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
  globalReplicationGroup: "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
  distribution: "aws:cloudfront/distribution:Distribution",
  /** Its own type and shape (cacheBehaviors, origin `id`, customOriginConfigs as a list), the same checks. */
  multitenantDistribution: "aws:cloudfront/multitenantDistribution:MultitenantDistribution",
} as const;

type TableProps = Unwrap<TableArgs>;
type TableReplicaProps = Unwrap<TableReplicaArgs>;
type ReplicationGroupProps = Unwrap<ReplicationGroupArgs>;
type GlobalReplicationGroupProps = Unwrap<GlobalReplicationGroupArgs> & { globalReplicationGroupId?: string };
type DistributionProps = Unwrap<DistributionArgs>;
type MultitenantDistributionProps = Unwrap<MultitenantDistributionArgs>;

// ---------------------------------------------------------------------------------------------
// DynamoDB

/**
 * Regions holding a copy of a table: its own, its inline replicas' and those of the TableReplica
 * resources among `resources` that name it; undefined while one of them is unknown.
 */
function tableRegions(table: PolicyResource, resources: readonly PolicyResource[]): string[] | undefined {
  const props = table.props as TableProps;
  if (read(() => props.replicas) === UNKNOWN) return undefined;
  const inline = knownItems(() => props.replicas).map((r) => knownString(() => r.regionName));
  const separate = replicasOfTable(
    { urn: table.urn, arn: knownString(() => (table.props as { arn?: string }).arn) },
    ofType(resources, DATA_TYPES.tableReplica).map((r) => ({
      region: regionOf(r),
      globalTableArn: knownString(() => (r.props as TableReplicaProps).globalTableArn),
      globalTableArnDependencies: (r.propertyDependencies.globalTableArn ?? []).map((d) => d.urn),
    })),
  );
  const { regions, complete } = globalTableRegions(regionOf(table), inline, separate);
  return complete ? regions : undefined;
}

export const tableInEveryRegion = environmentRule<{ regions: string[] }>(
  {
    name: "dynamodb-global-table-every-region",
    description: "Every DynamoDB table is a global table with a replica in every region the environment runs in, so losing a region loses no data and each region reads and writes locally.",
    enforcementLevel: "mandatory",
    severity: "high",
    thresholds: { regions: stringList([], "Regions that must hold a replica besides those with workloads (the environment's region list).") },
    remediationSteps: "Add a replica for each missing region (a replica block with regionName, kmsKeyArn of a key in that region and pointInTimeRecovery, or for a provisioned table an aws.dynamodb.TableReplica in that region), e.g. with the GlobalTable component.",
  },
  (resources, report, config) => {
    const expected = [...new Set([...config.regions, ...workloadRegions(resources)])].sort();
    if (expected.length < 2) return;
    for (const table of ofType(resources, DATA_TYPES.table)) {
      const regions = tableRegions(table, resources);
      if (!regions) continue;
      const missing = expected.filter((r) => !regions.includes(r));
      if (missing.length > 0) report(`${describe(table)} has replicas in ${regions.join(", ")} but none in ${missing.join(", ")}: add a replica there (the environment runs in ${expected.join(", ")}).`, table.urn);
    }
  },
);

/**
 * The replicas a rule judges on one resource: a TableReplica is one (in its own region), a table
 * has its inline replica blocks. Both carry the same fields, so each rule says its message once.
 */
function replicasOn(args: ResourceValidationArgs, props: TableProps): { region: string | undefined; replica: ReplicaFields }[] {
  if (args.type === DATA_TYPES.tableReplica) return [{ region: regionOf(args), replica: props as unknown as TableReplicaProps }];
  return knownItems(() => props.replicas).map((replica) => ({ region: knownString(() => replica.regionName), replica }));
}

/** What a replica block and a TableReplica both say about a replica. */
type ReplicaFields = Pick<TableReplicaProps, "pointInTimeRecovery" | "deletionProtectionEnabled" | "kmsKeyArn">;

export const tablePointInTimeRecovery = resourceRule<TableProps>(
  {
    name: "dynamodb-point-in-time-recovery",
    description: "DynamoDB tables and every replica keep point-in-time recovery, so a bad write or delete can be undone in any region.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Set pointInTimeRecovery: { enabled: true } on the table and pointInTimeRecovery: true on each replica (a replica block or an aws.dynamodb.TableReplica).",
  },
  [DATA_TYPES.table, DATA_TYPES.tableReplica],
  (props, { args, report }) => {
    if (args.type === DATA_TYPES.table) {
      const enabled = read(() => props.pointInTimeRecovery?.enabled);
      if (enabled !== true && enabled !== UNKNOWN) report(`${describe(args)} has point-in-time recovery off: set pointInTimeRecovery.enabled to true.`);
    }
    for (const { region, replica } of replicasOn(args, props)) {
      const pitr = read(() => replica.pointInTimeRecovery);
      if (pitr !== true && pitr !== UNKNOWN) report(`${describe(args)}: the ${region ?? "?"} replica has point-in-time recovery off: set its pointInTimeRecovery to true.`);
    }
  },
);

export const tableDeletionProtection = resourceRule<TableProps>(
  {
    name: "dynamodb-deletion-protection",
    description: "DynamoDB tables and every replica have deletion protection, so the API refuses to delete them.",
    enforcementLevel: "mandatory",
    severity: "critical",
  },
  [DATA_TYPES.table, DATA_TYPES.tableReplica],
  (props, { args, report }) => {
    if (args.type === DATA_TYPES.table) {
      const enabled = read(() => props.deletionProtectionEnabled);
      if (enabled !== true && enabled !== UNKNOWN) report(`${describe(args)} has deletionProtectionEnabled ${enabled === false ? "false" : "unset (default false)"}: set it to true.`);
    }
    for (const { region, replica } of replicasOn(args, props)) {
      const protectedReplica = read(() => replica.deletionProtectionEnabled);
      if (protectedReplica !== true && protectedReplica !== UNKNOWN) report(`${describe(args)}: the ${region ?? "?"} replica has no deletion protection: set its deletionProtectionEnabled to true.`);
    }
  },
);

export const tableCustomerKeys = resourceRule<TableProps>(
  {
    name: "dynamodb-customer-key-per-region",
    description: "DynamoDB tables encrypt with a customer managed KMS key, and every replica with a key of its own region.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Set serverSideEncryption { enabled: true, kmsKeyArn } and a kmsKeyArn on each replica (a replica block or an aws.dynamodb.TableReplica), each key created in the replica's region.",
  },
  [DATA_TYPES.table, DATA_TYPES.tableReplica],
  (props, { args, report }) => {
    if (args.type === DATA_TYPES.table) {
      const enabled = read(() => props.serverSideEncryption?.enabled);
      if ((enabled !== true && enabled !== UNKNOWN) || !isSet(() => props.serverSideEncryption?.kmsKeyArn)) {
        report(`${describe(args)} is not encrypted with a customer managed key: set serverSideEncryption { enabled: true, kmsKeyArn }.`);
      }
    }
    for (const { region, replica } of replicasOn(args, props)) {
      if (!isSet(() => replica.kmsKeyArn)) {
        report(`${describe(args)}: the ${region ?? "?"} replica uses an AWS key: give it kmsKeyArn, a customer managed key in ${region ?? "its region"}.`);
        continue;
      }
      const keyRegion = arnRegion(knownString(() => replica.kmsKeyArn));
      if (region && keyRegion && keyRegion !== region) report(`${describe(args)}: the ${region} replica names a key in ${keyRegion}; a replica can only use a key of its own region.`);
    }
  },
);

// ---------------------------------------------------------------------------------------------
// ElastiCache Global Datastore

export const cacheGlobalDatastoreEveryRegion = environmentRule<{ regions: string[] }>(
  {
    name: "cache-global-datastore-every-region",
    description: "Every ElastiCache replication group belongs to a Global Datastore, and each datastore has a member in every region the environment runs in (at most three: a primary and two secondaries).",
    enforcementLevel: "mandatory",
    severity: "high",
    thresholds: { regions: stringList([], "Regions that must hold a member besides those with workloads (the environment's region list).") },
    remediationSteps: "Create a secondary replication group with globalReplicationGroupId in each missing region (the RegionalCache component), or keep the environment to three regions.",
  },
  (resources, report, config) => {
    const expected = [...new Set([...config.regions, ...workloadRegions(resources)])].sort();
    const groups = ofType(resources, DATA_TYPES.replicationGroup);
    const datastores = ofType(resources, DATA_TYPES.globalReplicationGroup);
    const members = new Map<string, Set<PolicyResource>>(datastores.map((d) => [d.urn, new Set()]));
    const joined = new Set<string>();
    let unresolved = false;
    for (const datastore of datastores) {
      for (const primary of referencedBy(datastore, "primaryReplicationGroupId", DATA_TYPES.replicationGroup)) {
        members.get(datastore.urn)!.add(primary);
        joined.add(primary.urn);
      }
    }
    for (const group of groups) {
      const props = group.props as ReplicationGroupProps;
      if (!isSet(() => props.globalReplicationGroupId)) continue;
      joined.add(group.urn);
      const id = knownString(() => props.globalReplicationGroupId);
      const datastore = referencedBy(group, "globalReplicationGroupId", DATA_TYPES.globalReplicationGroup)[0]
        ?? datastores.find((d) => id !== undefined && knownString(() => (d.props as GlobalReplicationGroupProps).globalReplicationGroupId) === id);
      if (datastore) members.get(datastore.urn)!.add(group);
      else unresolved = true;
    }
    // A datastore whose primary is not visible (another stack, unknown id) may be any unjoined group's.
    const primaryUnknown = datastores.some((d) => referencedBy(d, "primaryReplicationGroupId", DATA_TYPES.replicationGroup).length === 0);
    for (const group of groups) {
      if (!joined.has(group.urn) && !primaryUnknown) report(`${describe(group)} is in no Global Datastore: a regional outage loses the cache there and other regions have no copy.`, group.urn);
    }
    // A member read from another stack that cannot be attributed yet (preview): judge nothing.
    if (unresolved || expected.length < 2) return;
    for (const datastore of datastores) {
      const regions = [...members.get(datastore.urn)!].map(regionOf).filter((r): r is string => r !== undefined);
      const missing = expected.filter((r) => !regions.includes(r));
      if (missing.length > 0) report(`${describe(datastore)} has members in ${[...new Set(regions)].sort().join(", ") || "no region"} but none in ${missing.join(", ")}: add a secondary there.`, datastore.urn);
    }
  },
);

export const cacheMultiAz = resourceRule<ReplicationGroupProps>(
  {
    name: "cache-multi-az",
    description: "ElastiCache replication groups run a replica in another AZ with Multi-AZ automatic failover.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Set automaticFailoverEnabled: true, multiAzEnabled: true and numCacheClusters >= 2 (or replicasPerNodeGroup >= 1).",
  },
  [DATA_TYPES.replicationGroup],
  (props, { args, report }) => {
    for (const field of ["automaticFailoverEnabled", "multiAzEnabled"] as const) {
      const value = read(() => props[field]);
      if (value !== true && value !== UNKNOWN) report(`${describe(args)} has ${field} ${value === false ? "false" : "unset (default false)"}: set it to true.`);
    }
    const replicasPerGroup = knownNumber(() => props.replicasPerNodeGroup);
    const nodes = knownNumber(() => props.numCacheClusters);
    if (replicasPerGroup === undefined && read(() => props.numCacheClusters) !== UNKNOWN && (nodes ?? 1) < 2) {
      report(`${describe(args)} has ${nodes ?? "1 (the default)"} node(s): a replica in another AZ needs numCacheClusters >= 2.`);
    } else if (replicasPerGroup !== undefined && replicasPerGroup < 1) {
      report(`${describe(args)} has replicasPerNodeGroup ${replicasPerGroup}: each shard needs a replica in another AZ.`);
    }
  },
);

export const cacheEncryption = resourceRule<ReplicationGroupProps>(
  {
    name: "cache-encryption-and-auth",
    description: "ElastiCache replication groups encrypt at rest with a customer managed key; groups that are not Global Datastore secondaries also encrypt in transit and require AUTH (secondaries inherit both from the datastore).",
    enforcementLevel: "mandatory",
    severity: "high",
  },
  [DATA_TYPES.replicationGroup],
  (props, { args, report }) => {
    if (!isSet(() => props.kmsKeyId)) report(`${describe(args)} has no kmsKeyId: encrypt at rest with a customer managed key of its region.`);
    // A secondary may not set these: the datastore's primary decides them for every member.
    if (isSet(() => props.globalReplicationGroupId)) return;
    for (const field of ["atRestEncryptionEnabled", "transitEncryptionEnabled"] as const) {
      const value = read(() => props[field]);
      if (value !== true && value !== UNKNOWN) report(`${describe(args)} has ${field} ${value === false ? "false" : "unset"}: set it to true.`);
    }
    // "preferred" is the migration mode: it still accepts plaintext clients.
    const mode = read(() => props.transitEncryptionMode);
    if (mode === "preferred") report(`${describe(args)} has transitEncryptionMode preferred, which still accepts plaintext connections: set it to required.`);
    if (!isSet(() => props.authToken) && !isSet(() => props.userGroupIds)) report(`${describe(args)} accepts clients without authentication: set authToken (AUTH) or userGroupIds (RBAC).`);
  },
);

// ---------------------------------------------------------------------------------------------
// CloudFront

/** What the edge rules read of a distribution, from either shape. */
interface EdgeShape {
  behaviours: { path: string; policy: unknown }[];
  viewerCertificate: { cloudfrontDefaultCertificate?: unknown; minimumProtocolVersion?: unknown } | undefined | typeof UNKNOWN;
  customOrigins: { id: string; protocol: unknown; sslProtocols: unknown[] }[];
}

function edgeShape(type: string, anyProps: DistributionProps | MultitenantDistributionProps): EdgeShape {
  if (type === DATA_TYPES.multitenantDistribution) {
    const props = anyProps as MultitenantDistributionProps;
    return {
      behaviours: [{ path: "default", policy: read(() => props.defaultCacheBehavior?.viewerProtocolPolicy) }, ...knownItems(() => props.cacheBehaviors).map((b) => ({ path: knownString(() => b.pathPattern) ?? "?", policy: read(() => b.viewerProtocolPolicy) }))],
      viewerCertificate: read(() => props.viewerCertificate),
      customOrigins: knownItems(() => props.origins).flatMap((origin) => knownItems(() => origin.customOriginConfigs).map((custom) => ({
        id: knownString(() => origin.id) ?? "?",
        protocol: read(() => custom.originProtocolPolicy),
        sslProtocols: knownItems(() => custom.originSslProtocols),
      }))),
    };
  }
  const props = anyProps as DistributionProps;
  return {
    behaviours: [{ path: "default", policy: read(() => props.defaultCacheBehavior?.viewerProtocolPolicy) }, ...knownItems(() => props.orderedCacheBehaviors).map((b) => ({ path: knownString(() => b.pathPattern) ?? "?", policy: read(() => b.viewerProtocolPolicy) }))],
    viewerCertificate: read(() => props.viewerCertificate),
    customOrigins: knownItems(() => props.origins).flatMap((origin) => {
      const custom = read(() => origin.customOriginConfig);
      return !custom || custom === UNKNOWN ? [] : [{ id: knownString(() => origin.originId) ?? "?", protocol: read(() => custom.originProtocolPolicy), sslProtocols: knownItems(() => custom.originSslProtocols) }];
    }),
  };
}

const DISTRIBUTION_TYPES = [DATA_TYPES.distribution, DATA_TYPES.multitenantDistribution];

export const edgeWaf = resourceRule<DistributionProps | MultitenantDistributionProps>(
  {
    name: "cloudfront-waf",
    description: "CloudFront distributions (standard and multi-tenant) are protected by a WAF web ACL (scope CLOUDFRONT).",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Create an aws.wafv2.WebAcl with scope CLOUDFRONT in us-east-1 and set the distribution's webAclId to its ARN.",
  },
  DISTRIBUTION_TYPES,
  (props, { args, report }) => {
    if (!isSet(() => props.webAclId)) report(`${describe(args)} has no web ACL: set webAclId to a WAF web ACL (scope CLOUDFRONT).`);
  },
);

const TLS_ONLY_VIEWERS = ["redirect-to-https", "https-only"];

export const edgeTlsOnly = resourceRule<DistributionProps | MultitenantDistributionProps, { minimumProtocolVersions: string[] }>(
  {
    name: "cloudfront-tls-only",
    description: "CloudFront distributions (standard and multi-tenant) serve viewers over HTTPS only (redirect-to-https or https-only on every behaviour) with a modern minimum TLS version, and reach custom origins over TLS 1.2+ only.",
    enforcementLevel: "mandatory",
    severity: "high",
    thresholds: { minimumProtocolVersions: stringList(["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"], "Viewer security policies accepted.") },
  },
  DISTRIBUTION_TYPES,
  (props, { args, report, config }) => {
    const edge = edgeShape(args.type, props);
    for (const { path, policy } of edge.behaviours) {
      if (policy !== UNKNOWN && !TLS_ONLY_VIEWERS.includes(String(policy))) report(`${describe(args)}: the ${path} behaviour allows ${String(policy ?? "?")}; use redirect-to-https or https-only.`);
    }
    const certificate = edge.viewerCertificate;
    if (certificate !== UNKNOWN && read(() => certificate?.cloudfrontDefaultCertificate) === true) {
      report(`${describe(args)} uses the default *.cloudfront.net certificate, which accepts TLSv1; serve an ACM certificate with minimumProtocolVersion ${config.minimumProtocolVersions[0]}.`);
    } else if (certificate !== UNKNOWN) {
      const minimum = read(() => certificate?.minimumProtocolVersion);
      if (minimum !== UNKNOWN && !config.minimumProtocolVersions.includes(String(minimum))) report(`${describe(args)} has viewer minimumProtocolVersion ${String(minimum ?? "unset (TLSv1)")}; use ${config.minimumProtocolVersions.join(" or ")}.`);
    }
    for (const origin of edge.customOrigins) {
      if (origin.protocol !== UNKNOWN && origin.protocol !== "https-only") report(`${describe(args)}: origin ${origin.id} uses ${String(origin.protocol)}; set originProtocolPolicy https-only.`);
      const weak = origin.sslProtocols.filter((p) => ["SSLv3", "TLSv1", "TLSv1.1"].includes(String(p)));
      if (weak.length) report(`${describe(args)}: origin ${origin.id} allows ${weak.join(", ")}; allow TLSv1.2 only.`);
    }
  },
);

type Bag = Record<string, unknown>;

/** Whether `holder.property` refers to `target`: a recorded dependency, or a value equal to its ARN or id. */
export function refersTo(holder: PolicyResource, property: string, target: PolicyResource, value: unknown): boolean {
  if ((holder.propertyDependencies[property] ?? []).some((d) => d.urn === target.urn)) return true;
  const ids = [knownString(() => (target.props as Bag).arn), knownString(() => (target.props as Bag).id)].filter((v) => v !== undefined);
  return typeof value === "string" && ids.includes(value);
}

/** The target group ARNs an action list forwards to (plain and weighted forwards); empty when it forwards nowhere. */
function forwardsTo(actions: Bag[]): unknown[] {
  return actions.flatMap((a) => {
    const type = read(() => a.type);
    if (type !== "forward" && type !== UNKNOWN) return [];
    return [read(() => a.targetGroupArn), ...knownItems(() => (a.forward as Bag | undefined)?.targetGroups as Bag[]).map((g) => read(() => g.arn))].filter((v) => v !== undefined);
  });
}

/**
 * Whether a forwarding rule lets only the edge through: it has an http-header condition, or it
 * matches nothing but the health-check path of the target groups it forwards to. Policies get the
 * conditions decrypted, as under the engine (policies/arguments.ts); a record that holds nothing
 * but the mask (a `--diff` base read from a stack export) is given the benefit of the doubt.
 */
function ruleIsVerified(rule: PolicyResource, healthPaths: readonly string[]): boolean {
  const conditions = read(() => (rule.props as Bag).conditions);
  if (conditions === UNKNOWN || conditions === SECRET_MASK) return true;
  const items = knownItems(() => conditions as Bag[]);
  if (items.some((c) => isSet(() => c.httpHeader))) return true;
  const paths = items.flatMap((c) => knownItems(() => (c.pathPattern as Bag | undefined)?.values as string[]));
  const onlyPaths = items.length > 0 && items.every((c) => Object.keys(c).every((k) => k === "pathPattern" || (c as Bag)[k] === undefined));
  return onlyPaths && paths.length > 0 && paths.every((p) => healthPaths.includes(p));
}

/**
 * Whether a rule is a catch-all deny: it answers itself (fixed responses only) every request it
 * sees, its one condition a path pattern that matches every path (`/*` or `*`). Rules of the same
 * listener with a higher priority never see a request.
 */
function isCatchAllDeny(rule: PolicyResource): boolean {
  const props = rule.props as Bag;
  const actions = knownItems(() => props.actions as Bag[]);
  if (actions.length === 0 || !actions.every((a) => read(() => a.type) === "fixed-response")) return false;
  const conditions = knownItems(() => props.conditions as Bag[]);
  if (listLength(() => props.conditions) !== 1 || conditions.length !== 1) return false;
  const [condition] = conditions;
  if (!Object.keys(condition).every((k) => k === "pathPattern" || condition[k] === undefined)) return false;
  return knownItems(() => (condition.pathPattern as Bag | undefined)?.values as string[]).some((v) => v === "/*" || v === "*");
}

/** An application load balancer the internet reaches (not internal; application, or a type not given). */
export function internetFacingAlb(lb: PolicyResource): boolean {
  const props = lb.props as Bag;
  return read(() => props.internal) !== true && ["application", undefined].includes(read(() => props.loadBalancerType) as string | undefined);
}

/** A way past the edge: a listener or rule of an internet-facing ALB that forwards requests without the edge's origin-verify header. */
export interface EdgeBypass {
  readonly urn: string;
  readonly message: string;
}

/**
 * The ways anyone can call an internet-facing application load balancer directly, past the edge:
 * a listener that forwards by default with no catch-all rule denying what its rules do not take,
 * or a forwarding rule before that catch-all with neither the edge's header condition nor only
 * the health-check path. None for an internal or network load balancer, or one that serves only
 * the edge (and the health check). `edge-origin-verified` reports them; `load-balancer-waf`
 * accepts an ALB without a web ACL only when it has none.
 */
export function edgeBypasses(resources: readonly PolicyResource[], lb: PolicyResource): EdgeBypass[] {
  if (!internetFacingAlb(lb)) return [];
  const out: EdgeBypass[] = [];
  const rules = ofType(resources, LISTENER_RULE_TYPES);
  const targetGroups = ofType(resources, TARGET_GROUP_TYPES);
  const healthPathsOf = (arns: unknown[], holder: PolicyResource, property: string) => targetGroups
    .filter((tg) => arns.some((arn) => refersTo(holder, property, tg, arn)))
    .map((tg) => {
      const path = read(() => ((tg.props as Bag).healthCheck as Bag | undefined)?.path);
      return typeof path === "string" ? path : "/";
    });
  for (const listener of ofType(resources, LISTENER_TYPES).filter((l) => refersTo(l, "loadBalancerArn", lb, read(() => (l.props as Bag).loadBalancerArn)))) {
    const onListener = rules.filter((r) => refersTo(r, "listenerArn", listener, read(() => (r.props as Bag).listenerArn)));
    const defaults = knownItems(() => (listener.props as Bag).defaultActions as Bag[]);
    // A listener that forwards by default is locked by a catch-all deny rule: what it sees never
    // reaches the default action, and rules after it never see a request.
    const denyAt = onListener.filter(isCatchAllDeny).map((r) => knownNumber(() => (r.props as Bag).priority)).filter((p) => p !== undefined);
    const lockedAt = denyAt.length > 0 ? Math.min(...denyAt) : undefined;
    if (forwardsTo(defaults).length > 0 && lockedAt === undefined) {
      out.push({ urn: listener.urn, message: `${describe(listener)} of internet-facing ${describe(lb)} forwards every request by default and no catch-all rule denies what its other rules do not take: anyone can call it directly and skip the edge's WAF. Add a last rule (path /*) answering 403 and forward only requests carrying the edge's origin-verify header (edgeDirectOriginAccess: locked), or keep it open on purpose (edgeDirectOriginAccess: open).` });
      continue;
    }
    for (const rule of onListener) {
      const priority = knownNumber(() => (rule.props as Bag).priority);
      if (lockedAt !== undefined && priority !== undefined && priority > lockedAt) continue;
      const actions = knownItems(() => (rule.props as Bag).actions as Bag[]);
      const targets = forwardsTo(actions);
      if (targets.length === 0) continue;
      if (!ruleIsVerified(rule, healthPathsOf(targets, rule, "actions"))) {
        out.push({ urn: rule.urn, message: `${describe(rule)} on ${describe(listener)} of internet-facing ${describe(lb)} forwards without the edge's origin-verify header: what it matches can be called directly, skipping the edge's WAF. Add the http-header condition (X-Origin-Verify) to it, or limit it to the target group's health-check path.` });
      }
    }
  }
  return out;
}

export const edgeOriginVerified = environmentRule(
  {
    name: "edge-origin-verified",
    description:
      "In an environment with a CloudFront distribution, internet-facing application load balancers forward only requests that carry the edge's origin-verify header (a listener rule with an http-header condition), besides their target groups' health-check path, and answer the rest themselves: with a catch-all rule (path /*, a fixed response) after those rules, or a fixed-response default action. Otherwise anyone can call them directly and skip the edge's WAF.",
    enforcementLevel: "advisory",
    severity: "high",
    remediationSteps:
      "Keep platform:edgeDirectOriginAccess at locked (RegionalIngress originVerify: a rule for the health-check path, one for the X-Origin-Verify header, and a last catch-all rule, path /* at priority 50000, answering 403). Where the direct path must stay public, edgeDirectOriginAccess: open names that choice, and this advisory stays as its reminder.",
  },
  (resources, report) => {
    if (ofType(resources, DISTRIBUTION_TYPES).length === 0) return;
    for (const lb of ofType(resources, LOAD_BALANCER_TYPES)) {
      for (const bypass of edgeBypasses(resources, lb)) report(bypass.message, bypass.urn);
    }
  },
);

// ---------------------------------------------------------------------------------------------
// Protection

const DATA_STATEFUL_TYPES = [DATA_TYPES.table, DATA_TYPES.tableReplica, DATA_TYPES.replicationGroup, DATA_TYPES.globalReplicationGroup];

export const dataTierProtected = resourceRule(
  {
    name: "data-tier-protected",
    description: "DynamoDB tables and table replicas, cache replication groups and Global Datastores carry the `protect` resource option, so Pulumi refuses to delete or replace them.",
    enforcementLevel: "mandatory",
    severity: "critical",
  },
  DATA_STATEFUL_TYPES,
  (_props, { args, report }) => {
    // `protect` only: retainOnDelete lets a replacement through (see stateful-resource-protected).
    if (!args.opts.protect) report(`${describe(args)} holds data but is not protected: set the \`protect\` resource option.`);
  },
);

export const DATA_POLICIES = [tablePointInTimeRecovery, tableDeletionProtection, tableCustomerKeys, cacheMultiAz, cacheEncryption, edgeWaf, edgeTlsOnly, dataTierProtected];
export const DATA_ENVIRONMENT_RULES: readonly EnvironmentRule[] = [tableInEveryRegion as EnvironmentRule, cacheGlobalDatastoreEveryRegion as EnvironmentRule, edgeOriginVerified as EnvironmentRule];
