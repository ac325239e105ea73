/**
 * Security baseline: the checks scanners (checkov, trivy, AWS Config) make on these resource
 * types, so a blueprint that passes the pack passes them too.
 */
import type { PolicyResource } from "@pulumi/policy";
import { DEFAULT_MAX_KEY_ROTATION_DAYS, DEFAULT_MIN_BACKUP_RETENTION_DAYS, EKS_LOG_TYPES, integer, SECRET_MASK, SECRETS_MASKED_TAG, stringList } from "../config";
import {
  AuroraClusterProps,
  AuroraInstanceProps,
  EksClusterProps,
  GlobalClusterProps,
  KmsKeyProps,
  LaunchTemplateProps,
  LISTENER_TYPES,
  ListenerProps,
  LOAD_BALANCER_TYPES,
  LoadBalancerProps,
  TYPES,
} from "./aws-types";
import { describe, isApplicationOrNetworkLb, isSet, knownItems, knownNumber, knownString, ofType, read, referencedBy, resourceRule, stackRule, UNKNOWN } from "./kit";

/** Launch-template booleans are strings in the provider ("true"/"false"). */
const isTrue = (value: unknown) => value === true || value === "true";

export const launchTemplateImdsV2 = resourceRule<LaunchTemplateProps, { maxHopLimit: number }>(
  {
    name: "launch-template-imdsv2",
    description: "Launch templates require IMDSv2 session tokens and keep the metadata hop limit at 1 (2 only when pods must reach IMDS).",
    enforcementLevel: "mandatory",
    severity: "high",
    thresholds: { maxHopLimit: integer(1, "Highest httpPutResponseHopLimit allowed (2 lets containers reach IMDS).", { minimum: 1, maximum: 2 }) },
    remediationSteps: "Set metadataOptions { httpEndpoint: \"enabled\", httpTokens: \"required\", httpPutResponseHopLimit: 1 }.",
  },
  [TYPES.launchTemplate],
  (props, { args, report, config }) => {
    const options = read(() => props.metadataOptions);
    if (options === UNKNOWN) return;
    if (read(() => options?.httpEndpoint) === "disabled") return;
    const tokens = read(() => options?.httpTokens);
    if (tokens !== "required" && tokens !== UNKNOWN) report(`${describe(args)} allows IMDSv1 (httpTokens ${tokens ?? "unset, default optional"}): set metadataOptions.httpTokens to "required".`);
    const hops = read(() => options?.httpPutResponseHopLimit);
    // Unset, the instance gets the AMI's default (2 on Amazon Linux 2023), not 1.
    if (hops !== UNKNOWN && (hops === undefined || hops > config.maxHopLimit)) {
      report(`${describe(args)} has metadata hop limit ${hops ?? "unset (AMI default, 2 on AL2023)"}; set httpPutResponseHopLimit to at most ${config.maxHopLimit}.`);
    }
  },
);

export const launchTemplateEncryptedVolumes = resourceRule<LaunchTemplateProps>(
  {
    name: "launch-template-encrypted-volumes",
    description: "Launch templates declare their EBS volumes (the root volume included) and encrypt every one of them.",
    enforcementLevel: "mandatory",
    severity: "high",
  },
  [TYPES.launchTemplate],
  (props, { args, report }) => {
    if (read(() => props.blockDeviceMappings) === UNKNOWN) return;
    const volumes = knownItems(() => props.blockDeviceMappings).filter((m) => read(() => m.ebs) !== undefined);
    if (volumes.length === 0) {
      report(`${describe(args)} declares no EBS volume, so the root volume takes the AMI snapshot's encryption: declare it with ebs.encrypted "true".`);
      return;
    }
    for (const mapping of volumes) {
      const encrypted = read(() => mapping.ebs?.encrypted);
      if (encrypted !== UNKNOWN && !isTrue(encrypted)) report(`${describe(args)} volume ${knownString(() => mapping.deviceName) ?? "(unnamed)"} is not encrypted: set ebs.encrypted to "true".`);
    }
  },
);

export const launchTemplateNoPublicIp = resourceRule<LaunchTemplateProps>(
  {
    name: "launch-template-no-public-ip",
    description: "Launch templates give instances no public IP address: nodes live in private subnets behind NAT and load balancers.",
    enforcementLevel: "mandatory",
    severity: "high",
  },
  [TYPES.launchTemplate],
  (props, { args, report }) => {
    for (const nic of knownItems(() => props.networkInterfaces)) {
      if (isTrue(read(() => nic.associatePublicIpAddress))) report(`${describe(args)} associates a public IP address with network interface ${knownNumber(() => nic.deviceIndex) ?? 0}.`);
    }
  },
);

export const eksControlPlaneLogging = resourceRule<EksClusterProps, { logTypes: string[] }>(
  {
    name: "eks-control-plane-logging",
    description: "EKS clusters send every control-plane log type to CloudWatch (api, audit, authenticator, controllerManager, scheduler).",
    enforcementLevel: "mandatory",
    severity: "medium",
    thresholds: { logTypes: stringList(EKS_LOG_TYPES, "Control-plane log types that must be enabled.") },
  },
  [TYPES.eksCluster],
  (props, { args, report, config }) => {
    if (read(() => props.enabledClusterLogTypes) === UNKNOWN) return;
    const enabled = new Set(knownItems(() => props.enabledClusterLogTypes));
    const missing = config.logTypes.filter((t) => !enabled.has(t));
    if (missing.length > 0) report(`${describe(args)} does not log ${missing.join(", ")}: add them to enabledClusterLogTypes.`);
  },
);

export const eksSecretsEncryption = resourceRule<EksClusterProps>(
  {
    name: "eks-secrets-encryption",
    description: "EKS clusters envelope-encrypt Kubernetes secrets with a KMS key (encryptionConfig for \"secrets\").",
    enforcementLevel: "mandatory",
    severity: "high",
  },
  [TYPES.eksCluster],
  (props, { args, report }) => {
    const config = read(() => props.encryptionConfig);
    if (config === UNKNOWN) return;
    const resources = knownItems(() => config?.resources);
    if (!resources.includes("secrets") || !isSet(() => config?.provider.keyArn)) {
      report(`${describe(args)} does not encrypt secrets with KMS: set encryptionConfig { resources: ["secrets"], provider: { keyArn } }.`);
    }
  },
);

const OPEN_CIDRS = ["0.0.0.0/0", "::/0"];

export const eksPublicEndpoint = resourceRule<EksClusterProps>(
  {
    name: "eks-endpoint-not-public",
    description: "An EKS API endpoint is private, or public only to listed CIDRs and never to 0.0.0.0/0.",
    enforcementLevel: "mandatory",
    severity: "high",
  },
  [TYPES.eksCluster],
  (props, { args, report }) => {
    const publicAccess = read(() => props.vpcConfig?.endpointPublicAccess);
    // AWS defaults endpointPublicAccess to true and publicAccessCidrs to 0.0.0.0/0.
    if (publicAccess === false || publicAccess === UNKNOWN) return;
    const cidrs = read(() => props.vpcConfig?.publicAccessCidrs);
    if (cidrs === UNKNOWN) return;
    const listed = knownItems(() => props.vpcConfig?.publicAccessCidrs);
    if (!cidrs || listed.length === 0) report(`${describe(args)} has a public endpoint open to 0.0.0.0/0 (no publicAccessCidrs): set endpointPublicAccess false or list the allowed CIDRs.`);
    else if (listed.some((c) => OPEN_CIDRS.includes(c))) report(`${describe(args)} has a public endpoint open to the internet (${listed.filter((c) => OPEN_CIDRS.includes(c)).join(", ")}).`);
  },
);

export const auroraEncryption = resourceRule<AuroraClusterProps & GlobalClusterProps>(
  {
    name: "aurora-encrypted-with-customer-key",
    description: "Aurora clusters encrypt storage with a customer-managed KMS key (kmsKeyId, in the cluster's own region); global clusters are created encrypted.",
    enforcementLevel: "mandatory",
    severity: "high",
  },
  [TYPES.auroraCluster, TYPES.globalCluster],
  (props, { args, report }) => {
    const encrypted = read(() => props.storageEncrypted);
    if (args.type === TYPES.globalCluster) {
      // A global cluster made from an existing cluster inherits that cluster's encryption.
      if (!isSet(() => props.sourceDbClusterIdentifier) && encrypted !== true && encrypted !== UNKNOWN) report(`${describe(args)} is not created encrypted: set storageEncrypted to true.`);
      return;
    }
    if (encrypted !== true && encrypted !== UNKNOWN) report(`${describe(args)} does not encrypt its storage: set storageEncrypted to true.`);
    if (!isSet(() => props.kmsKeyId)) report(`${describe(args)} uses the AWS-managed RDS key: set kmsKeyId to a customer-managed key in its region.`);
  },
);

export const auroraIamAuth = resourceRule<AuroraClusterProps>(
  {
    name: "aurora-iam-authentication",
    description: "Aurora clusters enable IAM database authentication, so applications need no long-lived passwords.",
    enforcementLevel: "mandatory",
    severity: "medium",
  },
  [TYPES.auroraCluster],
  (props, { args, report }) => {
    const enabled = read(() => props.iamDatabaseAuthenticationEnabled);
    if (enabled !== true && enabled !== UNKNOWN) report(`${describe(args)} does not enable IAM database authentication: set iamDatabaseAuthenticationEnabled to true.`);
  },
);

export const auroraBackupRetention = resourceRule<AuroraClusterProps, { minRetentionDays: number }>(
  {
    name: "aurora-backup-retention",
    description: "Aurora clusters keep automated backups for at least N days.",
    enforcementLevel: "mandatory",
    severity: "medium",
    thresholds: { minRetentionDays: integer(DEFAULT_MIN_BACKUP_RETENTION_DAYS, "Shortest backup retention allowed (days).", { minimum: 1, maximum: 35 }) },
  },
  [TYPES.auroraCluster],
  (props, { args, report, config }) => {
    if (read(() => props.backupRetentionPeriod) === UNKNOWN) return;
    const days = knownNumber(() => props.backupRetentionPeriod) ?? 1; // AWS default: 1 day.
    if (days < config.minRetentionDays) report(`${describe(args)} keeps backups ${days} day(s); keep at least ${config.minRetentionDays}.`);
  },
);

export const auroraInstanceNotPublic = resourceRule<AuroraInstanceProps>(
  {
    name: "aurora-instance-not-public",
    description: "Aurora instances are not publicly accessible.",
    enforcementLevel: "mandatory",
    severity: "critical",
  },
  [TYPES.auroraInstance],
  (props, { args, report }) => {
    if (read(() => props.publiclyAccessible) === true) report(`${describe(args)} is publicly accessible: set publiclyAccessible to false.`);
  },
);

function loadBalancerRule(meta: { name: string; description: string; severity: "low" | "medium" | "high" }, check: (props: LoadBalancerProps) => string | undefined) {
  return resourceRule<LoadBalancerProps>({ ...meta, enforcementLevel: "mandatory" }, LOAD_BALANCER_TYPES, (props, { args, report }) => {
    if (!isApplicationOrNetworkLb(props)) return;
    const problem = check(props);
    if (problem) report(`${describe(args)} ${problem}`);
  });
}

const isApplication = (props: LoadBalancerProps) => {
  const kind = read(() => props.loadBalancerType);
  return kind === undefined || kind === "application";
};

export const loadBalancerDeletionProtection = loadBalancerRule(
  { name: "load-balancer-deletion-protection", description: "Load balancers have deletion protection enabled.", severity: "medium" },
  (props) => {
    const enabled = read(() => props.enableDeletionProtection);
    return enabled === true || enabled === UNKNOWN ? undefined : "can be deleted by accident: set enableDeletionProtection to true.";
  },
);

export const loadBalancerAccessLogs = loadBalancerRule(
  { name: "load-balancer-access-logs", description: "Load balancers write access logs to S3 (accessLogs.enabled; it defaults to false even with a bucket).", severity: "medium" },
  (props) => {
    const logs = read(() => props.accessLogs);
    if (logs === UNKNOWN) return undefined;
    const enabled = read(() => logs?.enabled);
    return enabled === true || enabled === UNKNOWN ? undefined : "writes no access logs: set accessLogs { bucket, enabled: true }.";
  },
);

export const loadBalancerDropInvalidHeaders = loadBalancerRule(
  { name: "load-balancer-drop-invalid-headers", description: "Application load balancers drop HTTP headers with invalid names (request-smuggling defence).", severity: "low" },
  (props) => {
    const dropped = read(() => props.dropInvalidHeaderFields);
    return !isApplication(props) || dropped === true || dropped === UNKNOWN ? undefined : "forwards invalid header fields: set dropInvalidHeaderFields to true.";
  },
);

export const listenerHttps = resourceRule<ListenerProps>(
  {
    name: "listener-https-only",
    description: "Load balancer listeners serve HTTPS; plain HTTP listeners only redirect to HTTPS.",
    enforcementLevel: "mandatory",
    severity: "high",
  },
  LISTENER_TYPES,
  (props, { args, report }) => {
    // Unset, an application load balancer's listener speaks HTTP.
    const protocol = read(() => props.protocol) ?? "HTTP";
    if (protocol !== "HTTP") return; // HTTPS/TLS, or TCP/UDP on a network load balancer.
    const actions = knownItems(() => props.defaultActions);
    const redirectsToHttps = (a: (typeof actions)[number]) => read(() => a.type) === "redirect" && read(() => a.redirect?.protocol) === "HTTPS";
    if (actions.length === 0 || !actions.every(redirectsToHttps)) {
      report(`${describe(args)} serves plain HTTP on port ${knownNumber(() => props.port) ?? "?"}: its only action must redirect to HTTPS (redirect.protocol "HTTPS").`);
    }
  },
);

export const loadBalancerHttpsListener = stackRule<{ httpsPort: number }>(
  {
    name: "load-balancer-https-listener",
    description: "Every application load balancer has an HTTPS listener on the HTTPS port.",
    enforcementLevel: "mandatory",
    severity: "high",
    thresholds: { httpsPort: integer(443, "Port the HTTPS listener must use.", { minimum: 1, maximum: 65535 }) },
  },
  (resources, { report, config }) => {
    const listeners = ofType(resources, LISTENER_TYPES);
    for (const lb of ofType(resources, LOAD_BALANCER_TYPES)) {
      if (!isApplication(lb.props as LoadBalancerProps)) continue;
      const own = listeners.filter((l) => referencedBy(l, "loadBalancerArn", LOAD_BALANCER_TYPES).some((x) => x.urn === lb.urn));
      const https = own.some((l) => {
        const props = l.props as ListenerProps;
        const port = read(() => props.port);
        return read(() => props.protocol) === "HTTPS" && (port === UNKNOWN || port === config.httpsPort);
      });
      if (!https) report(`${describe(lb)} has no HTTPS listener on port ${config.httpsPort}.`, lb.urn);
    }
  },
);

export const vpcFlowLogs = stackRule(
  {
    name: "vpc-flow-logs",
    description: "Every VPC has a flow log.",
    enforcementLevel: "mandatory",
    severity: "medium",
  },
  (resources, { report }) => {
    const flowLogs = ofType(resources, TYPES.flowLog);
    for (const vpc of ofType(resources, TYPES.vpc)) {
      const logged = flowLogs.some((log: PolicyResource) => referencedBy(log, "vpcId", TYPES.vpc).some((v) => v.urn === vpc.urn));
      if (!logged) report(`${describe(vpc)} has no flow log: add an aws.ec2.FlowLog with its vpcId.`, vpc.urn);
    }
  },
);

export const kmsKeyRotation = resourceRule<KmsKeyProps, { maxRotationPeriodDays: number }>(
  {
    name: "kms-key-rotation",
    description: "Symmetric customer-managed KMS keys rotate automatically (asymmetric and HMAC keys, such as DNSSEC signing keys, cannot).",
    enforcementLevel: "mandatory",
    severity: "medium",
    thresholds: { maxRotationPeriodDays: integer(DEFAULT_MAX_KEY_ROTATION_DAYS, "Longest rotation period allowed (days).", { minimum: 90, maximum: 2560 }) },
  },
  [TYPES.kmsKey],
  (props, { args, report, config }) => {
    const spec = read(() => props.customerMasterKeySpec);
    if (spec !== undefined && spec !== "SYMMETRIC_DEFAULT") return;
    const enabled = read(() => props.enableKeyRotation);
    if (enabled !== true && enabled !== UNKNOWN) {
      report(`${describe(args)} does not rotate: set enableKeyRotation to true.`);
      return;
    }
    const days = knownNumber(() => props.rotationPeriodInDays);
    if (days !== undefined && days > config.maxRotationPeriodDays) report(`${describe(args)} rotates every ${days} days; at most ${config.maxRotationPeriodDays}.`);
  },
);

/** Input names (any depth, case and separators ignored) that hold credentials. */
const CREDENTIAL_NAME = /(password|passwd|passphrase|passwordwo|secret|secretstring|secretkey|secretaccesskey|token|authtoken|apikey|privatekey|credentials?)$/;

/** Paths of credential-named string values that are not secrets (ARNs are references, not credentials). */
function plaintextCredentials(value: unknown, path: string, out: string[]): string[] {
  if (Array.isArray(value)) value.forEach((item, i) => plaintextCredentials(item, `${path}[${i}]`, out));
  else if (value && typeof value === "object") {
    for (const key of Object.keys(value)) {
      const item = read(() => (value as Record<string, unknown>)[key]);
      const at = path ? `${path}.${key}` : key;
      if (typeof item === "string") {
        const credential = CREDENTIAL_NAME.test(key.toLowerCase().replace(/[^a-z0-9]/g, ""));
        if (credential && item !== "" && item !== SECRET_MASK && !item.startsWith("arn:")) out.push(at);
      } else if (item !== UNKNOWN) plaintextCredentials(item, at, out);
    }
  }
  return out;
}

export const noPlaintextSecrets = resourceRule<Record<string, unknown>>(
  {
    name: "no-plaintext-secrets",
    description: "Credential-named inputs (passwords, tokens, keys, at any depth) reach resources as Pulumi secrets, never as plaintext.",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps: "Pass a secret Output: config.requireSecret(...), random.RandomPassword's result, or pulumi.secret(...); better, reference Secrets Manager.",
  },
  (type) => !type.startsWith("pulumi:pulumi:"),
  (props, { args, report }) => {
    // The engine hands policies decrypted values with no mark of secretness (pulumi/pulumi-policy#241):
    // a check there would flag every password. The offline plan masks secrets and sets the tag.
    if (args.stackTags.get(SECRETS_MASKED_TAG) !== "true") args.notApplicable("secretness is not visible to policies under the Pulumi engine; the offline plan checks this");
    // Inputs the provider schema marks secret (rds.Cluster masterPassword, SecretVersion secretString ...)
    // are wrapped in pulumi.secret by the SDK whatever the program passes, so they always arrive masked:
    // this catches credentials in inputs the schema does not protect (Lambda environment, chart values ...).
    for (const path of plaintextCredentials(props, "", [])) report(`${describe(args)} receives ${path} in plaintext: pass it as a Pulumi secret.`);
  },
);

export const SECURITY_POLICIES = [
  launchTemplateImdsV2,
  launchTemplateEncryptedVolumes,
  launchTemplateNoPublicIp,
  eksControlPlaneLogging,
  eksSecretsEncryption,
  eksPublicEndpoint,
  auroraEncryption,
  auroraIamAuth,
  auroraBackupRetention,
  auroraInstanceNotPublic,
  loadBalancerDeletionProtection,
  loadBalancerAccessLogs,
  loadBalancerDropInvalidHeaders,
  listenerHttps,
  loadBalancerHttpsListener,
  vpcFlowLogs,
  kmsKeyRotation,
  noPlaintextSecrets,
];
