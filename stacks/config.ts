/**
 * The environment definition: one schema, defaults from the key table, and validation that
 * reports every problem at once, each naming the key, the bad value and the fix.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { CONFIG_NAMESPACE, ENVIRONMENT_KEYS, ConfigKeySpec, EnvironmentKey, SECRET_PLACEHOLDER } from "./config-keys";
import { cidrsOverlap, describeCidrProblem, formatCidr, MAX_AZS, MAX_VPC_PREFIX, MIN_VPC_PREFIX, opensToInternet, parseCidr } from "../components/lib/cidr";
import { AWS_REGIONS, isKnownRegion, suggestRegions } from "../components/lib/regions";
import { closest } from "../components/lib/suggest";
import { globalWriteForwardingProblem } from "../components/lib/aurora";
import { regionalAppLabel, ROUTE53_CHECKER_REGIONS } from "../components/lib/dns";
import { DEFAULT_SERVICE_IPV4_CIDR, supportTypeProblem } from "../components/lib/eks";
import { standardSupportLapsedProblem, supportJudgementDay } from "../components/lib/eks-versions";
import { EKS_UNSUPPORTED_ZONE_IDS, isZoneId, regionOfZoneId } from "../components/lib/zones";
import { endpointCidrs, isPrivateCidr, STANDARD_HOSTED_RUNNER_LABEL } from "../components/lib/deployer";
import { checkDataTier, OBJECT_SCHEMAS, type ObjectKey } from "./data-config";
import { objectiveProblems, type MonitoringObjectives } from "../components/observability/thresholds";
// Plain values, not the components: validating config must not load the AWS SDK.
import { CANARY_RUNTIME_PATTERN, GRAFANA_VERSIONS, IDENTITY_CENTER_ID, MAX_PROMETHEUS_RETENTION_DAYS } from "../components/observability/limits";
import { checkDay2 } from "./day2-config";
import { checkAlerting, endpointIds } from "./alerting-config";
import { blockedDateProblem, blockedWindowProblem } from "../components/chaos/autoshift-plan";

export { SECRET_PLACEHOLDER };

/** Aurora global databases: one primary plus 1 to 10 secondary regions. */
export const MIN_REGIONS = 2;
export const MAX_REGIONS = 11;
/** Values CloudWatch Logs accepts for a log group's retention. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

type KeyValue<K extends EnvironmentKey> = K extends ObjectKey
  ? z.output<(typeof OBJECT_SCHEMAS)[K]>
  : (typeof ENVIRONMENT_KEYS)[K]["type"] extends "integer"
  ? number
  : (typeof ENVIRONMENT_KEYS)[K]["type"] extends "boolean"
    ? boolean
    : (typeof ENVIRONMENT_KEYS)[K]["type"] extends "array"
      ? string[]
      : string;

export type EnvironmentSettings = { [K in EnvironmentKey]: KeyValue<K> };

/** Keys whose values carry a credential (`credential: true` in stacks/config-keys.ts): the pager's and ticketing URLs. */
export type CredentialKey = { [K in EnvironmentKey]: (typeof ENVIRONMENT_KEYS)[K] extends { credential: true } ? K : never }[EnvironmentKey];

export const CREDENTIAL_KEYS = (Object.keys(ENVIRONMENT_KEYS) as EnvironmentKey[]).filter(
  (key) => (ENVIRONMENT_KEYS[key] as ConfigKeySpec).credential === true,
) as CredentialKey[];

/** The global stack's output that holds the credential keys' values, a secret (environmentSecrets()). */
export const ENVIRONMENT_SECRETS_OUTPUT = "environmentSecrets";

/**
 * A validated environment: the settings plus what follows from them. The credential keys' values
 * are secret Outputs, so whatever takes them (the subscriptions' `endpoint`) is secret in the
 * state, a preview and the plan; their number is plain.
 */
export interface Environment extends Omit<EnvironmentSettings, CredentialKey>, Readonly<Record<CredentialKey, pulumi.Output<string>[]>> {
  /** Environment (and global stack) name, e.g. "prod". */
  readonly name: string;
  /**
   * Each credential key's endpoints' ids, plain (alerting-config.ts endpointIds): the names of
   * their subscriptions. Undefined for a value this run cannot read.
   */
  readonly endpointIds: Readonly<Record<CredentialKey, readonly (string | undefined)[]>>;
  readonly primaryRegion: string;
  readonly secondaryRegions: string[];
}

export interface ConfigProblem {
  /** Full config key with index, e.g. "platform:vpcCidrs[1]". */
  readonly key: string;
  readonly value: unknown;
  /** What is wrong and how to fix it. */
  readonly message: string;
}

/** Invalid configuration; `message` lists every problem, one per line, with no stack trace. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(formatProblems(source, problems));
    this.name = "ConfigError";
  }
}

export function formatProblems(source: string, problems: readonly ConfigProblem[]): string {
  const lines = problems.map((p) => `  - ${p.key} = ${showValue(p.value)}: ${p.message}`);
  return `${source}: ${problems.length} configuration problem(s):\n${lines.join("\n")}`;
}

function showValue(value: unknown): string {
  if (value === undefined) return "(missing)";
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

// ---------------------------------------------------------------------------------------------
// Coercion: `pulumi.runtime.allConfig()` gives strings (arrays as JSON); YAML gives native values.

function coerce(spec: ConfigKeySpec, raw: unknown): unknown {
  if (typeof raw !== "string") return raw;
  switch (spec.type) {
    case "integer":
      return /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
    case "boolean":
      return raw === "true" ? true : raw === "false" ? false : raw;
    case "array":
    case "objects":
      try {
        return JSON.parse(raw);
      } catch {
        return raw;
      }
    default:
      return raw;
  }
}

function baseSchema(key: string, spec: ConfigKeySpec): z.ZodType {
  if (spec.type === "objects") {
    const schema = OBJECT_SCHEMAS[key as ObjectKey];
    if (!schema) throw new Error(`config key ${key} has type "objects" but no schema in stacks/data-config.ts OBJECT_SCHEMAS`);
    return schema;
  }
  const typeName = spec.type === "array" ? "a list of strings" : `a${spec.type === "integer" ? "n" : ""} ${spec.type}`;
  const error = `must be ${typeName}`;
  switch (spec.type) {
    case "integer":
      return z.number({ error }).int({ error });
    case "boolean":
      return z.boolean({ error });
    case "array":
      return z.array(z.string({ error: "must be a string" }), { error });
    default:
      return z.string({ error });
  }
}

const settingsSchema = z.object(
  Object.fromEntries(
    Object.entries(ENVIRONMENT_KEYS).map(([key, spec]: [string, ConfigKeySpec]) => {
      const withDefault = baseSchema(key, spec).optional().transform((v) => v ?? structuredClone(spec.default));
      return [key, z.preprocess((raw) => coerce(spec, raw), withDefault)];
    }),
  ),
);

// ---------------------------------------------------------------------------------------------
// Domain rules. Each adds problems; all run, so one pass reports everything.

type Report = (key: string, value: unknown, message: string) => void;

const DNS_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
const IAM_PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/;
const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;
const VERSION = /^(\d+)\.(\d+)$/;

function versionNumber(text: string): number | undefined {
  const m = VERSION.exec(text);
  return m ? Number(m[1]) * 1000 + Number(m[2]) : undefined;
}

function checkRegions(s: EnvironmentSettings, report: Report): void {
  const { regions } = s;
  if (regions.length < MIN_REGIONS || regions.length > MAX_REGIONS) {
    report("regions", regions, `needs ${MIN_REGIONS} to ${MAX_REGIONS} regions (active-active needs two; Aurora allows a primary plus 10 secondaries)`);
  }
  const seen = new Map<string, number>();
  regions.forEach((region, i) => {
    if (!isKnownRegion(region)) {
      report(`regions[${i}]`, region, `is not an AWS region code; did you mean ${suggestRegions(region).join(", ")}?`);
    } else if (seen.has(region)) {
      report(`regions[${i}]`, region, `repeats regions[${seen.get(region)}]; each region may appear once`);
    } else if (s.azCount <= MAX_AZS && s.azCount > AWS_REGIONS[region].length) {
      report("azCount", s.azCount, `${region} offers only ${AWS_REGIONS[region].length} AZs; lower azCount or drop ${region}`);
    }
    seen.set(region, seen.get(region) ?? i);
  });
}

function checkCidrs(s: EnvironmentSettings, report: Report): void {
  if (s.vpcCidrs.length !== s.regions.length) {
    report("vpcCidrs", s.vpcCidrs, `has ${s.vpcCidrs.length} entries but regions has ${s.regions.length}; give one CIDR per region, in the same order`);
  }
  const parsed = s.vpcCidrs.map((text, i) => {
    const problem = describeCidrProblem(text);
    if (problem) {
      report(`vpcCidrs[${i}]`, text, `${problem}; use a block such as 10.${i}.0.0/16`);
      return undefined;
    }
    const cidr = parseCidr(text)!;
    if (cidr.prefix < MIN_VPC_PREFIX || cidr.prefix > MAX_VPC_PREFIX) {
      report(`vpcCidrs[${i}]`, text, `prefix /${cidr.prefix} is outside /${MIN_VPC_PREFIX}-/${MAX_VPC_PREFIX}; use e.g. ${formatCidr({ network: cidr.network, prefix: Math.min(Math.max(cidr.prefix, MIN_VPC_PREFIX), MAX_VPC_PREFIX) })}`);
      return undefined;
    }
    return cidr;
  });
  // EKS CreateCluster refuses a service CIDR that overlaps the cluster's VPC, and the regional
  // clusters use the fixed DEFAULT_SERVICE_IPV4_CIDR (it cannot change after creation).
  const serviceCidr = parseCidr(DEFAULT_SERVICE_IPV4_CIDR)!;
  parsed.forEach((cidr, i) => {
    if (cidr && cidrsOverlap(cidr, serviceCidr)) {
      report(`vpcCidrs[${i}]`, s.vpcCidrs[i], `overlaps ${DEFAULT_SERVICE_IPV4_CIDR}, the Kubernetes service CIDR of the EKS clusters, which EKS refuses; use a block outside it, e.g. 10.${i}.0.0/16`);
    }
  });
  parsed.forEach((a, i) => {
    parsed.slice(0, i).forEach((b, j) => {
      if (a && b && cidrsOverlap(a, b)) {
        report(`vpcCidrs[${i}]`, s.vpcCidrs[i], `overlaps vpcCidrs[${j}] (${s.vpcCidrs[j]}); give each region a disjoint block so the VPCs can be peered or joined by a transit gateway`);
      }
    });
  });
}

function checkNetwork(s: EnvironmentSettings, report: Report): void {
  if (s.azCount < 2 || s.azCount > MAX_AZS) report("azCount", s.azCount, `must be 2 to ${MAX_AZS}; an AZ loss must leave the region serving`);
  if (!["perAz", "single"].includes(s.natGateways)) report("natGateways", s.natGateways, 'must be "perAz" (default) or "single" (dev only)');
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(s.logRetentionDays)) {
    report("logRetentionDays", s.logRetentionDays, `must be a CloudWatch Logs retention value: ${LOG_RETENTION_DAYS.join(", ")}`);
  }
  for (const key of ["owner", "costCenter"] as const) {
    if (s[key].length > 256) report(key, s[key], "tag values hold at most 256 characters");
  }
}

function checkKubernetes(s: EnvironmentSettings, report: Report): void {
  const [version, min, max] = [s.kubernetesVersion, s.kubernetesMinVersion, s.kubernetesMaxVersion].map(versionNumber);
  for (const key of ["kubernetesVersion", "kubernetesMinVersion", "kubernetesMaxVersion"] as const) {
    if (versionNumber(s[key]) === undefined) report(key, s[key], 'must be a major.minor version such as "1.34"');
  }
  if (version !== undefined && min !== undefined && max !== undefined && (version < min || version > max)) {
    report("kubernetesVersion", s.kubernetesVersion, `is outside the supported range ${s.kubernetesMinVersion}-${s.kubernetesMaxVersion}; pick a version in it`);
  }
  const supportType = supportTypeProblem(s.eksSupportType);
  if (supportType) report("eksSupportType", s.eksSupportType, supportType);
  s.eksPublicAccessCidrs.forEach((text, i) => {
    const problem = describeCidrProblem(text);
    if (problem) report(`eksPublicAccessCidrs[${i}]`, text, `${problem}; list the office or VPN ranges allowed to reach the API`);
    else if (parseCidr(text)!.prefix === 0 && !s.eksAllowPublicAccessFromAnywhere) {
      report(`eksPublicAccessCidrs[${i}]`, text, "opens the Kubernetes API to the whole internet; list specific ranges, or set eksAllowPublicAccessFromAnywhere: true to accept the risk");
    }
  });
  // The same door opened in pieces (0.0.0.0/1 and 128.0.0.0/1): more than a /8's worth in all.
  if (!s.eksAllowPublicAccessFromAnywhere && !s.eksPublicAccessCidrs.some((t) => parseCidr(t)?.prefix === 0) && opensToInternet(s.eksPublicAccessCidrs)) {
    report("eksPublicAccessCidrs", s.eksPublicAccessCidrs, "admit more than a /8's worth of addresses together, which opens the Kubernetes API to most of the internet; list specific ranges, or set eksAllowPublicAccessFromAnywhere: true to accept the risk");
  }
  s.eksPrivateAccessCidrs.forEach((text, i) => {
    const problem = describeCidrProblem(text);
    if (problem) report(`eksPrivateAccessCidrs[${i}]`, text, `${problem}; list the VPN or CI networks that reach the VPC`);
    else if (parseCidr(text)!.prefix === 0) report(`eksPrivateAccessCidrs[${i}]`, text, "admits every address to the API port; list the connected networks instead");
  });
  s.eksAdminPrincipalArns.forEach((arn, i) => {
    if (!IAM_PRINCIPAL_ARN.test(arn)) report(`eksAdminPrincipalArns[${i}]`, arn, "must be an IAM role or user ARN, arn:aws:iam::<12-digit account>:role/<name>");
  });
}

/**
 * What EKS's calendar says of an environment on `today` (components/lib/eks-versions.ts):
 * eksSupportType STANDARD with a kubernetesVersion already past its end of standard support is
 * refused. The only rule that takes a day: parseEnvironment runs it on supportJudgementDay()
 * (PLAN_TODAY's day when set, which the test suite fixes, else the clock's), so every program
 * that deploys or plans meets it; tests of the rule pass their own days.
 *
 * The verdict on one commit changes when a date passes: its plan passes on the eve of the end of
 * standard support and is refused from that day on. That is the point: a pull request's plan says
 * what a deploy would meet today, not on the day the commit was written.
 */
export function supportWindowProblems(s: Pick<EnvironmentSettings, "kubernetesVersion" | "eksSupportType">, today: Date): ConfigProblem[] {
  if (supportTypeProblem(s.eksSupportType) || versionNumber(s.kubernetesVersion) === undefined) return [];
  const problem = standardSupportLapsedProblem(s.kubernetesVersion, s.eksSupportType, today);
  return problem ? [{ key: `${CONFIG_NAMESPACE}:eksSupportType`, value: s.eksSupportType, message: problem }] : [];
}

function checkNodes(s: EnvironmentSettings, report: Report): void {
  if (!["autoscaling", "managed"].includes(s.nodePoolKind)) report("nodePoolKind", s.nodePoolKind, 'must be "autoscaling" or "managed"');
  if (s.nodeInstanceTypes.length === 0) report("nodeInstanceTypes", s.nodeInstanceTypes, "needs at least one instance type; list several of one size for Spot depth");
  s.nodeInstanceTypes.forEach((type, i) => {
    if (!INSTANCE_TYPE.test(type)) report(`nodeInstanceTypes[${i}]`, type, 'must be an EC2 instance type such as "m7i.xlarge"');
  });
  const sizes = new Set(s.nodeInstanceTypes.map((t) => t.split(".")[1]));
  if (sizes.size > 1) report("nodeInstanceTypes", s.nodeInstanceTypes, `mixes sizes (${[...sizes].join(", ")}); use one size so every node adds the same capacity`);
  if (s.nodeMinSize < s.azCount) report("nodeMinSize", s.nodeMinSize, `is below azCount (${s.azCount}); keep at least one node per AZ`);
  if (s.nodeDesiredSize < s.nodeMinSize) report("nodeDesiredSize", s.nodeDesiredSize, `must be at least nodeMinSize (${s.nodeMinSize})`);
  if (s.nodeMaxSize < s.nodeDesiredSize) report("nodeMaxSize", s.nodeMaxSize, `must be at least nodeDesiredSize (${s.nodeDesiredSize})`);
  if (s.nodeOnDemandBaseCapacity < 0 || s.nodeOnDemandBaseCapacity > s.nodeMaxSize) {
    report("nodeOnDemandBaseCapacity", s.nodeOnDemandBaseCapacity, `must be 0 to nodeMaxSize (${s.nodeMaxSize})`);
  }
  if (s.nodeOnDemandPercentageAboveBase < 0 || s.nodeOnDemandPercentageAboveBase > 100) {
    report("nodeOnDemandPercentageAboveBase", s.nodeOnDemandPercentageAboveBase, "must be 0 to 100");
  }
  if (s.globalPeakNodes < 0) report("globalPeakNodes", s.globalPeakNodes, "must be 0 (not checked) or the number of nodes needed at peak");
}

function checkDatabase(s: EnvironmentSettings, report: Report): void {
  if (!["aurora-postgresql", "aurora-mysql"].includes(s.dbEngine)) report("dbEngine", s.dbEngine, 'must be "aurora-postgresql" or "aurora-mysql" (the engines Aurora Global Database supports)');
  if (!/^\d+(\.\d+)*([._a-z0-9]*)$/.test(s.dbEngineVersion)) report("dbEngineVersion", s.dbEngineVersion, 'must be an Aurora engine version such as "16.6" or "8.0.mysql_aurora.3.08.0"');
  if (/^db\.t/.test(s.dbInstanceClass)) {
    report("dbInstanceClass", s.dbInstanceClass, "is burstable; Aurora global databases reject db.t* classes; use a memory-optimized class such as db.r7g.large");
  } else if (!/^db\.(r|x)[a-z0-9]*\.[a-z0-9]+$/.test(s.dbInstanceClass)) {
    report("dbInstanceClass", s.dbInstanceClass, "must be a memory-optimized class (db.r6g, db.r7g, db.r8g, db.x2g ...), e.g. db.r7g.large");
  }
  if (s.dbInstancesPerRegion < 2 || s.dbInstancesPerRegion > 16) report("dbInstancesPerRegion", s.dbInstancesPerRegion, "must be 2 to 16; two instances in different AZs survive an AZ loss");
  if (s.dbBackupRetentionDays < 7 || s.dbBackupRetentionDays > 35) report("dbBackupRetentionDays", s.dbBackupRetentionDays, "must be 7 to 35 days");
  if (s.dbGlobalRpoSeconds !== 0) {
    if (s.dbEngine !== "aurora-postgresql") report("dbGlobalRpoSeconds", s.dbGlobalRpoSeconds, "rds.global_db_rpo exists only for aurora-postgresql; remove it");
    else if (s.dbGlobalRpoSeconds < 20) report("dbGlobalRpoSeconds", s.dbGlobalRpoSeconds, "must be at least 20 seconds (the parameter's minimum)");
    // Aurora blocks commits on the writer once every secondary lags past the RPO: with one
    // secondary, losing that region (or, after a failover, the old primary) stops all writes.
    else if (s.regions.length < 3) report("dbGlobalRpoSeconds", s.dbGlobalRpoSeconds, `with ${s.regions.length} region(s) the writer has one secondary, and rds.global_db_rpo blocks every commit while all secondaries lag past it: losing that one region would stop writes in the healthy one. Use three or more regions, or 0`);
  }
  if (!IDENTIFIER.test(s.dbName)) report("dbName", s.dbName, "must start with a letter and hold only letters, digits and _ (at most 63)");
  if (!IDENTIFIER.test(s.dbMasterUsername) || ["rdsadmin", "postgres", "admin", "root"].includes(s.dbMasterUsername.toLowerCase())) {
    report("dbMasterUsername", s.dbMasterUsername, "must be a letter-first identifier that is not reserved (rdsadmin, postgres, admin, root)");
  }
  if (!/^[a-z][a-z0-9_]{0,31}$/.test(s.dbAppUser) || ["rdsadmin", "postgres", "admin", "root"].includes(s.dbAppUser)) {
    report("dbAppUser", s.dbAppUser, "must be a lower-case, letter-first identifier of at most 32 characters (MySQL's limit; PostgreSQL folds unquoted names to lower case, and the IAM token names the user exactly) that is not reserved (rdsadmin, postgres, admin, root)");
  } else if (s.dbAppUser.toLowerCase() === s.dbMasterUsername.toLowerCase()) {
    report("dbAppUser", s.dbAppUser, `must not be the master user (dbMasterUsername ${s.dbMasterUsername}): the pods would sign in as the superuser; name the application's own user, e.g. app`);
  }
  if (!["iam-user", "master-secret"].includes(s.serviceDatabaseCredentials)) {
    report("serviceDatabaseCredentials", s.serviceDatabaseCredentials, "must be iam-user (the pods sign in as dbAppUser with IAM authentication) or master-secret (they may read the master user's secret)");
  }
  if (s.dbWriteForwarding && s.dbEngine === "aurora-postgresql") {
    // Before any stack runs: the component would refuse it only in the secondaries' stacks, after
    // the global stack and the primary were deployed.
    const problem = globalWriteForwardingProblem("aurora-postgresql", s.dbEngineVersion);
    if (problem) report("dbWriteForwarding", s.dbWriteForwarding, `with dbEngineVersion ${s.dbEngineVersion}: ${problem}`);
  }
  if (s.dbReaderAutoscalingMax !== 0 && (s.dbReaderAutoscalingMax < s.dbInstancesPerRegion || s.dbReaderAutoscalingMax > 15)) {
    report("dbReaderAutoscalingMax", s.dbReaderAutoscalingMax, `must be 0 (off) or from dbInstancesPerRegion (${s.dbInstancesPerRegion}) to 15`);
  }
}

function checkDns(s: EnvironmentSettings, report: Report): void {
  const zone = s.dnsZoneName.replace(/\.$/, "");
  const labels = zone.split(".");
  if (zone.length > 253 || labels.length < 2 || !labels.every((l) => DNS_LABEL.test(l))) {
    report("dnsZoneName", s.dnsZoneName, "must be a lower-case DNS name of two or more labels (a-z, 0-9, -), e.g. prod.example.com");
  }
  for (const key of ["appRecordName", "writerRecordName"] as const) {
    if (!DNS_LABEL.test(s[key])) report(key, s[key], "must be one lower-case DNS label (a-z, 0-9, -), e.g. app");
  }
  if (s.appRecordName === s.writerRecordName) report("writerRecordName", s.writerRecordName, "must differ from appRecordName: one name is latency-routed, the other failover-routed");
  // Each region publishes <appRecordName>-<region> for other regions' probes (regionalAppLabel):
  // one DNS label (63 characters at most) that no other name of the zone may take.
  const ownLabels = s.regions.map((region) => regionalAppLabel(s.appRecordName, region));
  const longest = ownLabels.reduce((a, b) => (b.length > a.length ? b : a), "");
  if (longest.length > 63) report("appRecordName", s.appRecordName, `is too long: each region also publishes <appRecordName>-<region> (${longest}: ${longest.length} characters), and a DNS label holds 63`);
  for (const key of ["writerRecordName", "edgeRecordName"] as const) {
    if (ownLabels.includes(s[key])) report(key, s[key], `is the name a region publishes for other regions' probes (<appRecordName>-<region>); pick another`);
  }
  if (![10, 30].includes(s.healthCheckIntervalSeconds)) report("healthCheckIntervalSeconds", s.healthCheckIntervalSeconds, "Route 53 accepts only 10 or 30");
  if (s.healthCheckFailureThreshold < 1 || s.healthCheckFailureThreshold > 10) report("healthCheckFailureThreshold", s.healthCheckFailureThreshold, "must be 1 to 10");
  if (!s.healthCheckPath.startsWith("/")) report("healthCheckPath", s.healthCheckPath, 'must start with "/", e.g. /healthz');
  if (new Set(s.healthCheckRegions).size < 3) report("healthCheckRegions", s.healthCheckRegions, "needs at least 3 distinct checker regions (a Route 53 rule)");
  s.healthCheckRegions.forEach((region, i) => {
    if (!(ROUTE53_CHECKER_REGIONS as readonly string[]).includes(region)) {
      report(`healthCheckRegions[${i}]`, region, `is not a Route 53 checker region; use ${ROUTE53_CHECKER_REGIONS.join(", ")}`);
    }
  });
  if (s.dnsRecordTtlSeconds < 0 || s.dnsRecordTtlSeconds > 172800) report("dnsRecordTtlSeconds", s.dnsRecordTtlSeconds, "must be 0 to 172800 seconds");
  if (s.failoverBudgetSeconds < 1) report("failoverBudgetSeconds", s.failoverBudgetSeconds, "must be a positive number of seconds");
  if (s.alarmEmail !== "" && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(s.alarmEmail)) report("alarmEmail", s.alarmEmail, "must be an e-mail address, or empty");
}

function checkZones(s: EnvironmentSettings, report: Report): void {
  const perRegion = new Map<string, string[]>();
  s.availabilityZoneIds.forEach((id, i) => {
    const region = regionOfZoneId(id);
    if (!isZoneId(id) || !region) report(`availabilityZoneIds[${i}]`, id, "must be a zone ID such as use1-az1 (not an AZ name such as us-east-1a: names differ per account)");
    else if (!s.regions.includes(region)) report(`availabilityZoneIds[${i}]`, id, `is a zone of ${region}, which is not in regions; remove it`);
    else if (EKS_UNSUPPORTED_ZONE_IDS.includes(id)) report(`availabilityZoneIds[${i}]`, id, "is a zone where EKS refuses control-plane subnets; pin another zone of that region");
    else if (s.excludedAvailabilityZoneIds.includes(id)) report(`availabilityZoneIds[${i}]`, id, "is also listed in excludedAvailabilityZoneIds; remove it from one of them");
    else perRegion.set(region, [...(perRegion.get(region) ?? []), id]);
  });
  for (const [region, ids] of perRegion) {
    if (new Set(ids).size !== s.azCount) {
      report("availabilityZoneIds", s.availabilityZoneIds, `pins ${new Set(ids).size} distinct zone(s) of ${region} (${ids.join(", ")}) but azCount is ${s.azCount}; pin exactly azCount zones per region, or none`);
    }
  }
  s.excludedAvailabilityZoneIds.forEach((id, i) => {
    if (!isZoneId(id) || !regionOfZoneId(id)) report(`excludedAvailabilityZoneIds[${i}]`, id, "must be a zone ID such as use1-az1");
  });
}

function checkDeployer(s: EnvironmentSettings, report: Report): void {
  const session = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\//.exec(s.deployIdentityArn);
  if (session) report("deployIdentityArn", s.deployIdentityArn, `is an STS session; EKS access entries need the role itself: arn:${session[1]}:iam::${session[2]}:role/${session[3]}`);
  else if (!IAM_PRINCIPAL_ARN.test(s.deployIdentityArn)) report("deployIdentityArn", s.deployIdentityArn, "must be the IAM role (or user) ARN the deploy runs as, arn:aws:iam::<12-digit account>:role/<name>");
  if (!["public", "private"].includes(s.deployerNetwork)) {
    report("deployerNetwork", s.deployerNetwork, 'must be "public" (the runners\' egress CIDRs are allow-listed on the public API endpoint) or "private" (runners in a network connected to every region\'s VPC)');
    return;
  }
  if (s.deployerNetwork === "private" && s.eksPublicAccessCidrs.length > 0) {
    // With the public endpoint on as well, the endpoint's name resolves to the public addresses
    // everywhere outside the VPC (EKS "Cluster API server endpoint"): runners in a peered, VPN or
    // transit-gateway network would connect from an address nobody listed, and time out.
    report("eksPublicAccessCidrs", s.eksPublicAccessCidrs, "with deployerNetwork private turns the public endpoint on, and outside the VPC the API's name then resolves to public addresses, so the runners in the connected network never reach the private endpoint; leave it empty (operators connect like the runners), or use deployerNetwork public");
  }
  if (s.deployerCidrs.length === 0) {
    const how = s.deployerNetwork === "public"
      ? "list the runners' public egress CIDRs (allow-listed on the clusters' public endpoints)"
      : "list the connected network's private CIDRs (admitted to the clusters' private endpoints on 443)";
    report("deployerCidrs", s.deployerCidrs, `is empty, so no deployer can reach the clusters' Kubernetes API and every Helm release of the first deploy would time out; ${how}`);
  }
  const vpcs = s.vpcCidrs.map((text) => parseCidr(text));
  if (s.deployerNetwork === "public" && !s.eksAllowPublicAccessFromAnywhere && !s.deployerCidrs.some((t) => parseCidr(t)?.prefix === 0) && opensToInternet(s.deployerCidrs)) {
    report("deployerCidrs", s.deployerCidrs, "admit more than a /8's worth of addresses together, which opens the Kubernetes API to most of the internet; list the runners' own egress CIDRs");
  } else if (s.deployerNetwork === "public" && !s.eksAllowPublicAccessFromAnywhere && !opensToInternet(s.eksPublicAccessCidrs)) {
    // Each list within bounds, both together not: the public endpoint admits their union
    // (endpointCidrs), which the cluster refuses as planEndpointAccess does.
    const both = endpointCidrs("public", s.deployerCidrs, { public: s.eksPublicAccessCidrs, private: [] }).publicAccessCidrs;
    if (both.every((t) => parseCidr(t) !== undefined && parseCidr(t)!.prefix > 0) && opensToInternet(both)) {
      report("deployerCidrs", s.deployerCidrs, `with eksPublicAccessCidrs (${s.eksPublicAccessCidrs.join(", ")}), admit more than a /8's worth of addresses to the public endpoint, which opens the Kubernetes API to most of the internet; narrow either list, or set eksAllowPublicAccessFromAnywhere: true to accept the risk`);
    }
  }
  s.deployerCidrs.forEach((text, i) => {
    const key = `deployerCidrs[${i}]`;
    const problem = describeCidrProblem(text);
    if (problem) return report(key, text, `${problem}; list the CIDRs the deploy runners connect from`);
    const cidr = parseCidr(text)!;
    if (cidr.prefix === 0 && (s.deployerNetwork === "private" || !s.eksAllowPublicAccessFromAnywhere)) {
      return report(key, text, "admits every address to the Kubernetes API; list the runners' own CIDRs");
    }
    if (s.deployerNetwork === "public" && isPrivateCidr(text)) {
      report(key, text, "is a private range, but the public endpoint sees the runners' public egress addresses; list those, or set deployerNetwork: private for runners in a connected network");
    } else if (s.deployerNetwork === "private" && !isPrivateCidr(text)) {
      report(key, text, "is a public range, but the private endpoint is reached from inside the VPCs' connected network; list that network's private ranges, or set deployerNetwork: public");
    } else if (s.deployerNetwork === "private") {
      vpcs.forEach((vpc, j) => {
        if (vpc && cidrsOverlap(cidr, vpc)) report(key, text, `overlaps vpcCidrs[${j}] (${s.vpcCidrs[j]}); a connected network needs its own address space to be routed to the VPC`);
      });
    }
  });
  s.deployRunnerLabels.forEach((label, i) => {
    if (STANDARD_HOSTED_RUNNER_LABEL.test(label)) {
      report(`deployRunnerLabels[${i}]`, label, "is a GitHub-hosted standard runner: it has no fixed egress address to allow-list and no route into a private network; use a larger runner with static IPs or a self-hosted runner");
    }
  });
}

function checkDelegation(s: EnvironmentSettings, report: Report): void {
  const zone = s.dnsZoneName.replace(/\.$/, "");
  const parent = s.dnsParentZoneName.replace(/\.$/, "");
  if (parent) {
    if (!s.dnsCreateZone) report("dnsParentZoneName", s.dnsParentZoneName, "is only used with dnsCreateZone: true (an existing zone is already delegated); remove it");
    else if (!zone.endsWith(`.${parent}`)) report("dnsParentZoneName", s.dnsParentZoneName, `must be a parent of dnsZoneName ${zone}, e.g. ${zone.split(".").slice(1).join(".")}`);
    if (s.dnsManualDelegation) report("dnsManualDelegation", s.dnsManualDelegation, "conflicts with dnsParentZoneName (the global stack delegates the zone); keep one of them");
  } else if (s.dnsCreateZone && !s.dnsManualDelegation) {
    report(
      "dnsParentZoneName",
      s.dnsParentZoneName,
      `is empty, so nothing delegates the new zone ${zone} and certificate validation would wait for it until it times out; ` +
        "name the parent zone in this account (the global stack writes the NS records), or set dnsManualDelegation: true and add them yourself (the deploy waits for the zone to answer before the primary wave)",
    );
  }
  if (s.dnsDnssec && !s.dnsCreateZone) {
    report("dnsDnssec", s.dnsDnssec, `signs only a zone the global stack creates (dnsCreateZone is false: ${zone} belongs to another stack, whose owner signs it and keeps its DS record at the parent); remove it`);
  }
  if (!s.dnsDnssecParentDs && !s.dnsDnssec) {
    report("dnsDnssecParentDs", s.dnsDnssecParentDs, "only applies while dnsDnssec is true (a step of turning signing on or off: docs/runbooks/dnssec.md); remove it, or a later dnsDnssec: true would leave the parent without the DS record");
  } else if (!s.dnsDnssecParentDs && !parent) {
    // Turning DNSSEC off with a hand-delegated zone: this key would change nothing, while the DS
    // record that matters stays at the registrar.
    report("dnsDnssecParentDs", s.dnsDnssecParentDs, "only removes the DS record the global stack writes (with dnsParentZoneName); this zone's DS record is wherever it was published by hand: remove it there and wait out its TTL before dnsDnssec: false (docs/runbooks/dnssec.md)");
  }
  if (s.dnsDelegated && !(s.dnsCreateZone && s.dnsManualDelegation)) {
    report("dnsDelegated", s.dnsDelegated, "only applies to a zone delegated by hand (dnsCreateZone and dnsManualDelegation: true); remove it");
  }
}

function checkService(s: EnvironmentSettings, report: Report): void {
  if (!/^[a-z0-9][a-z0-9./_:@-]*$/i.test(s.serviceImage)) report("serviceImage", s.serviceImage, "must be an image reference such as public.ecr.aws/nginx/nginx-unprivileged:1.30.4-alpine (no spaces)");
  if (!Number.isInteger(s.serviceContainerPort) || s.serviceContainerPort < 1024 || s.serviceContainerPort > 65535) {
    report("serviceContainerPort", s.serviceContainerPort, "must be 1024 to 65535: the containers run as non-root, which cannot bind lower ports");
  }
  if (s.serviceReplicas < 2) report("serviceReplicas", s.serviceReplicas, "must be at least 2 so a pod or node loss leaves the region serving");
  else if (s.production && s.serviceReplicas < s.azCount) {
    report("serviceReplicas", s.serviceReplicas, `is below azCount (${s.azCount}) in a production environment (production: true): some AZ runs no pod of the service, so losing another takes more than 1/${s.azCount} of the pods until they are rescheduled, about 5 minutes later (and the autoscaler counts them as idle meanwhile); set serviceReplicas to at least ${s.azCount} (or production: false for an environment nobody depends on)`);
  }
  if (s.serviceMaxReplicas < s.serviceReplicas) report("serviceMaxReplicas", s.serviceMaxReplicas, `must be at least serviceReplicas (${s.serviceReplicas})`);
}

/** A percentage written as a decimal string ("99.9"); NaN when it is not one. */
export function decimalPercent(text: string): number {
  return /^\d{1,3}(\.\d+)?$/.test(text.trim()) ? Number(text) : Number.NaN;
}

/** The objectives the environment sets, as numbers (validated by checkObservability). */
export function monitoringObjectives(s: Omit<EnvironmentSettings, CredentialKey>): MonitoringObjectives {
  return {
    availabilityPercent: decimalPercent(s.sloAvailabilityPercent),
    latencyPercent: decimalPercent(s.sloLatencyPercent),
    latencyThresholdMs: s.sloLatencyThresholdMs,
    sloWindowDays: s.sloWindowDays,
    rpoSeconds: s.rpoObjectiveSeconds,
    nodeCpuPercent: s.nodeCpuAlarmPercent,
    nodeMemoryPercent: s.nodeMemoryAlarmPercent,
    dbCpuPercent: s.dbCpuAlarmPercent,
  };
}

const OBJECTIVE_KEYS: Record<keyof MonitoringObjectives, EnvironmentKey> = {
  availabilityPercent: "sloAvailabilityPercent",
  latencyPercent: "sloLatencyPercent",
  latencyThresholdMs: "sloLatencyThresholdMs",
  sloWindowDays: "sloWindowDays",
  rpoSeconds: "rpoObjectiveSeconds",
  nodeCpuPercent: "nodeCpuAlarmPercent",
  nodeMemoryPercent: "nodeMemoryAlarmPercent",
  dbCpuPercent: "dbCpuAlarmPercent",
};

function checkObservability(s: EnvironmentSettings, report: Report): void {
  for (const problem of objectiveProblems(monitoringObjectives(s))) {
    const key = OBJECTIVE_KEYS[problem.field];
    report(key, s[key], problem.message);
  }
  if (s.prometheusRetentionDays < 1 || s.prometheusRetentionDays > MAX_PROMETHEUS_RETENTION_DAYS) {
    report("prometheusRetentionDays", s.prometheusRetentionDays, `must be 1 to ${MAX_PROMETHEUS_RETENTION_DAYS} days (Amazon Managed Service for Prometheus's range)`);
  }
  if (s.canaryIntervalMinutes < 1 || s.canaryIntervalMinutes > 60) report("canaryIntervalMinutes", s.canaryIntervalMinutes, "must be 1 to 60 minutes");
  if (!CANARY_RUNTIME_PATTERN.test(s.canaryRuntimeVersion)) {
    report("canaryRuntimeVersion", s.canaryRuntimeVersion, "must be a Synthetics Node.js runtime such as syn-nodejs-puppeteer-15.0 (see the runtime list in the CloudWatch Synthetics docs)");
  }
  if (s.canaryRetentionDays < 1 || s.canaryRetentionDays > 455) report("canaryRetentionDays", s.canaryRetentionDays, "must be 1 to 455 days (Synthetics' range)");
  if (!(GRAFANA_VERSIONS as readonly string[]).includes(s.grafanaVersion)) report("grafanaVersion", s.grafanaVersion, `must be one of ${GRAFANA_VERSIONS.join(", ")}`);
  s.grafanaAdminGroupIds.forEach((id, i) => {
    if (!IDENTITY_CENTER_ID.test(id)) report(`grafanaAdminGroupIds[${i}]`, id, "must be an IAM Identity Center group id (a UUID, e.g. 00000000-1111-2222-3333-444444444444, from the Identity Center console)");
  });
  if (s.grafanaEnabled && s.grafanaAdminGroupIds.length === 0) {
    report("grafanaAdminGroupIds", s.grafanaAdminGroupIds, "is empty, but grafanaEnabled is true: Amazon Managed Grafana signs users in through IAM Identity Center, which must be enabled in the account first; list the Identity Center group(s) that administer the workspace, or set grafanaEnabled: false");
  }
}

function checkResilience(s: EnvironmentSettings, report: Report): void {
  if (s.faultInjectionPodNetwork && !s.faultInjectionPods) {
    report("faultInjectionPodNetwork", s.faultInjectionPodNetwork, "adds a pod experiment, so it needs faultInjectionPods: true (which makes the service's root filesystem writable); set both, or neither");
  }
  if (s.faultInjectionDataLoss && !s.faultInjection) {
    report("faultInjectionDataLoss", s.faultInjectionDataLoss, "adds an experiment template, so it needs faultInjection: true; set both for a failover rehearsal, or neither");
  }
  if (s.faultInjectionDurationMinutes < 5 || s.faultInjectionDurationMinutes > 720) {
    report("faultInjectionDurationMinutes", s.faultInjectionDurationMinutes, "must be 5 to 720 minutes: long enough for the platform to react, short enough for FIS's actions");
  }
  s.zonalAutoshiftBlockedWindows.forEach((w, i) => {
    const problem = blockedWindowProblem(w);
    if (problem) report(`zonalAutoshiftBlockedWindows[${i}]`, w, problem);
  });
  s.zonalAutoshiftBlockedDates.forEach((d, i) => {
    const problem = blockedDateProblem(d);
    if (problem) report(`zonalAutoshiftBlockedDates[${i}]`, d, problem);
  });
  // regionSwitch (default true) needs the routing controls it flips: without arcEnabled there is
  // no plan (stacks/compose.ts regionSwitchArgs), which the plan's Rehearsal section shows.
  if (s.regionSwitchRtoMinutes < 1) report("regionSwitchRtoMinutes", s.regionSwitchRtoMinutes, "must be a positive number of minutes");
  if (s.regionSwitchApprovalRoleArn !== "" && !/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(s.regionSwitchApprovalRoleArn)) {
    report("regionSwitchApprovalRoleArn", s.regionSwitchApprovalRoleArn, "must be an IAM role ARN (arn:aws:iam::<account>:role/<name>), or empty for no approval step");
  }
  if (s.loadPeakMultiplier < 1 || s.loadPeakMultiplier > 1000) report("loadPeakMultiplier", s.loadPeakMultiplier, "must be 1 to 1000 (a multiple of today's peak)");
  if (s.peakServiceReplicas < 0) report("peakServiceReplicas", s.peakServiceReplicas, "must be 0 (= serviceReplicas) or the replicas per region at today's peak");
}

const RULES = [checkRegions, checkCidrs, checkNetwork, checkZones, checkKubernetes, checkDeployer, checkNodes, checkDatabase, checkDns, checkDelegation, checkService, checkObservability, checkResilience];

const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{0,19}$/;

/** An encrypted value as a stack file holds it, `{ secure: <ciphertext> }` (config.CiphertextSecret). */
function isEncrypted(value: unknown): boolean {
  return value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 1 && typeof (value as { secure?: unknown }).secure === "string";
}

/**
 * Whether the running program's config holds `key` encrypted. The CLI hands a program the names of
 * the keys whose value is, or holds somewhere, a `secure:` value (`Map.SecureKeys`,
 * sdk/go/common/resource/config/map.go; `object.Secure`, object.go): one list element set with
 * `pulumi config set --secret --path 'platform:pageEndpoints[0]'` makes `platform:pageEndpoints`
 * such a key, its value the decrypted list. The SDK keeps the names in its runtime store and reads
 * them with `isConfigSecret` (@pulumi/pulumi runtime/config.js), which its typings leave out.
 * Without it no key counts as secret: the plan's stand-ins are then refused, never let through.
 */
function runtimeConfigSecret(key: string): boolean {
  const lookup = (pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean }).isConfigSecret;
  return typeof lookup === "function" && lookup(key) === true;
}

/**
 * Validates an environment definition.
 *
 * @param name    environment (= global stack) name, e.g. "prod"
 * @param config  raw config: keys with or without the `platform:` namespace; values native or as
 *                Pulumi hands them to programs (strings, arrays as JSON). Other namespaces
 *                (`aws:`, `pulumi:`) are ignored.
 * @param source  what the message names as the origin, e.g. "Pulumi.prod.yaml"
 * @param secretKeys config keys (`platform:pageEndpoints`) whose values are secrets here: their
 *                values are validated but never shown, and SECRET_PLACEHOLDER stands for one this
 *                run cannot read. @default the running program's encrypted keys, none outside a program
 * @throws ConfigError listing every problem
 */
export interface ParseOptions {
  /**
   * Judge the EKS support window on today's date (supportWindowProblems). @default true. Off for a
   * regional stack reading the environment its global stack exported (the global stack and the
   * plan judge the config being changed; judged again on a later day, an export made before the
   * date would fail every regional preview, the one of the fix included, until wave 1 redeploys),
   * and for tools that deploy nothing (the load test).
   */
  judgeSupportWindow?: boolean;
}

export function parseEnvironment(name: string, config: Record<string, unknown>, source = `Pulumi.${name}.yaml`, secretKeys?: readonly string[], options: ParseOptions = {}): Environment {
  const problems: ConfigProblem[] = [];
  const fullKey = (key: string) => `${CONFIG_NAMESPACE}:${key}`;
  const report: Report = (key, value, message) => problems.push({ key: fullKey(key), value, message });

  if (!ENVIRONMENT_NAME.test(name)) {
    problems.push({ key: "stack name", value: name, message: "must be 1-20 characters of a-z, 0-9 and -, starting with a letter (it prefixes resource names)" });
  }

  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    const [namespace, short] = key.includes(":") ? key.split(":", 2) : [CONFIG_NAMESPACE, key];
    if (namespace !== CONFIG_NAMESPACE) continue;
    if (short in ENVIRONMENT_KEYS) raw[short] = value;
    else if (short !== "environmentStack") {
      const close = closest(short, Object.keys(ENVIRONMENT_KEYS), 2);
      report(short, value, `is not an environment key${close.length ? `; did you mean ${close.map(fullKey).join(" or ")}?` : "; see the config block of Pulumi.yaml for the keys"}`);
    }
  }

  // The credential keys: which hold secrets, with encrypted elements (a stack file read without
  // decrypting it) as the placeholder, validated like the plan's stand-ins.
  const secret = new Set<string>();
  for (const key of CREDENTIAL_KEYS) {
    const full = fullKey(key);
    if (secretKeys ? secretKeys.includes(full) || secretKeys.includes(key) : runtimeConfigSecret(full)) secret.add(key);
    if (!(key in raw)) continue;
    const value = coerce(ENVIRONMENT_KEYS[key], raw[key]);
    if (isEncrypted(value)) {
      // The CLI type-checks an encrypted value on its decrypted text, which is never a list
      // (validateStackConfigValue, pkg/workspace/config.go): `pulumi preview` stops before the program.
      report(key, SECRET_PLACEHOLDER, `is encrypted as a whole, which the Pulumi CLI refuses for a key of type array (it type-checks the decrypted text, never a list); encrypt each URL instead: pulumi config set --secret --path '${full}[0]' <url> (then [1], ...)`);
      delete raw[key];
    } else if (Array.isArray(value) && value.some(isEncrypted)) {
      secret.add(key);
      raw[key] = value.map((v) => (isEncrypted(v) ? SECRET_PLACEHOLDER : v));
    }
  }

  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [key, ...rest] = issue.path.map(String);
      // List indexes in brackets, fields of structured entries after a dot: dynamoTables[0].partitionKey.type
      const path = key + rest.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join("");
      const spec = (ENVIRONMENT_KEYS as Record<string, ConfigKeySpec>)[key];
      const value = rest.reduce<unknown>((v, p) => (v as Record<string, unknown> | undefined)?.[p], spec ? coerce(spec, raw[key]) : raw[key]);
      report(path, secret.has(key) ? SECRET_PLACEHOLDER : value, issue.message);
    }
    throw new ConfigError(source, problems);
  }
  const settings = parsed.data as EnvironmentSettings;
  for (const [key, spec] of Object.entries(ENVIRONMENT_KEYS) as [EnvironmentKey, ConfigKeySpec][]) {
    const value = settings[key];
    if (spec.required && (value === "" || (Array.isArray(value) && value.length === 0))) {
      report(key, raw[key], `is required: ${spec.description}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(source, problems);
  for (const rule of RULES) rule(settings, report);
  checkDataTier(settings, report, name);
  checkDay2(settings, report);
  checkAlerting(settings, report, secret);
  // The one rule that takes a day: PLAN_TODAY's, else the clock's (supportWindowProblems).
  if (options.judgeSupportWindow !== false) problems.push(...supportWindowProblems(settings, supportJudgementDay()));
  if (problems.length > 0) throw new ConfigError(source, problems);

  // Secret whether or not the stack file encrypts them: the URL's key is a credential either way.
  const credentials = Object.fromEntries(CREDENTIAL_KEYS.map((key) => [key, settings[key].map((value) => pulumi.secret(value))]));
  return {
    ...settings,
    ...(credentials as Record<CredentialKey, pulumi.Output<string>[]>),
    name,
    endpointIds: endpointIds(settings),
    primaryRegion: settings.regions[0],
    secondaryRegions: settings.regions.slice(1),
  };
}

/**
 * The settings of an environment without what is derived from them: what the global stack exports
 * as `environment` (plain, so a regional stack reads it as a value: a StackReference output that
 * holds a secret anywhere is secret as a whole) and the plan reports. Of a credential key only the
 * number of values: each is SECRET_PLACEHOLDER, the values themselves go in environmentSecrets().
 */
export function environmentSettings(environment: Environment): EnvironmentSettings {
  const credential = new Set<string>(CREDENTIAL_KEYS);
  return Object.fromEntries(
    Object.keys(ENVIRONMENT_KEYS).map((key) => {
      const value = environment[key as keyof Environment];
      return [key, credential.has(key) ? (value as unknown[]).map(() => SECRET_PLACEHOLDER) : value];
    }),
  ) as EnvironmentSettings;
}

/**
 * The credential keys' values, as the global stack exports them (ENVIRONMENT_SECRETS_OUTPUT): one
 * secret output, which a StackReference hands the regional stacks as a secret. Undefined when the
 * environment lists none.
 */
export function environmentSecrets(environment: Environment): pulumi.Output<Partial<Record<CredentialKey, string[]>>> | undefined {
  const listed = CREDENTIAL_KEYS.filter((key) => environment[key].length > 0);
  if (listed.length === 0) return undefined;
  const values = Object.fromEntries(listed.map((key) => [key, pulumi.all(environment[key])]));
  return pulumi.secret(pulumi.all(values)) as pulumi.Output<Partial<Record<CredentialKey, string[]>>>;
}

/**
 * Environment keys a global stack's `environment` export lacks: it was deployed by a version of
 * this program that did not know them yet. A regional stack reading that export would take their
 * defaults rather than what the stack file says (e.g. a new regionalWafMode: count read as block).
 */
export function exportMissingKeys(exported: Record<string, unknown>): string[] {
  return Object.keys(ENVIRONMENT_KEYS).filter((key) => !(key in exported));
}

/**
 * What a regional stack validates: the global stack's `environment` output with the credential
 * keys' values put back from its ENVIRONMENT_SECRETS_OUTPUT (`secretValue` of
 * StackReference.getOutputDetails), and those keys as the secret ones for parseEnvironment. A
 * global stack deployed before that output existed has the values in `environment`, in the clear:
 * they are taken from there.
 */
export function regionalEnvironmentConfig(exported: Record<string, unknown>, secrets: unknown): { config: Record<string, unknown>; secretKeys: string[] } {
  const held = secrets !== null && typeof secrets === "object" && !Array.isArray(secrets) ? (secrets as Record<string, unknown>) : {};
  const keys = CREDENTIAL_KEYS.filter((key) => key in held);
  return {
    config: { ...exported, ...Object.fromEntries(keys.map((key) => [key, held[key]])) },
    secretKeys: keys.map((key) => `${CONFIG_NAMESPACE}:${key}`),
  };
}
