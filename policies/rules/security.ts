/**
 * Security baseline: the checks scanners (checkov, trivy, AWS Config) make on these resource
 * types, so a blueprint that passes the pack passes them too. Compute (launch templates, EKS),
 * keys and credentials here; Aurora in security-data.ts; load balancers and VPCs in
 * security-network.ts; load balancers' web application firewall in security-waf.ts.
 *
 * The launch-template rules judge instances declared on their own too (aws.ec2.Instance, and EBS
 * volumes for encryption): a program that skips the launch template must not skip the baseline.
 * An instance started from a launch template is judged on what it sets itself; the rest comes
 * from the template, which the same rules judge.
 */
import { DEFAULT_MAX_KEY_ROTATION_DAYS, EKS_LOG_TYPES, integer, SECRET_MASK, secretsMasked, stringList } from "../config";
import { EbsVolumeProps, EksClusterProps, InstanceProps, KmsKeyProps, LaunchTemplateProps, NodeGroupProps, TYPES } from "./aws-types";
import { describe, isSet, knownItems, listLength, knownNumber, knownString, read, resourceRule, UNKNOWN } from "./kit";
import { opensToInternet } from "../../components/lib/cidr";
import { DATA_SECURITY_POLICIES } from "./security-data";
import { NETWORK_SECURITY_POLICIES } from "./security-network";
import { WAF_POLICIES } from "./security-waf";

/** Launch-template booleans are strings in the provider ("true"/"false"). */
const isTrue = (value: unknown) => value === true || value === "true";

/** Does an instance take what it leaves unset from a launch template (which the rules judge on its own)? */
const fromTemplate = (props: InstanceProps) => isSet(() => props.launchTemplate);

export const launchTemplateImdsV2 = resourceRule<LaunchTemplateProps | InstanceProps, { maxHopLimit: number }>(
  {
    name: "launch-template-imdsv2",
    description: "Launch templates and instances require IMDSv2 session tokens and keep the metadata hop limit at 1 (2 only when pods must reach IMDS).",
    enforcementLevel: "mandatory",
    severity: "high",
    thresholds: { maxHopLimit: integer(1, "Highest httpPutResponseHopLimit allowed (2 lets containers reach IMDS).", { minimum: 1, maximum: 2 }) },
    remediationSteps: "Set metadataOptions { httpEndpoint: \"enabled\", httpTokens: \"required\", httpPutResponseHopLimit: 1 }.",
  },
  [TYPES.launchTemplate, TYPES.instance],
  (props, { args, report, config }) => {
    const options = read(() => props.metadataOptions);
    if (options === UNKNOWN) return;
    if (options === undefined && args.type === TYPES.instance && fromTemplate(props as InstanceProps)) return;
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

export const launchTemplateEncryptedVolumes = resourceRule<LaunchTemplateProps | InstanceProps | EbsVolumeProps>(
  {
    name: "launch-template-encrypted-volumes",
    description: "Launch templates and instances declare their EBS volumes (the root volume included) and encrypt every one of them; EBS volumes declared on their own are encrypted.",
    enforcementLevel: "mandatory",
    severity: "high",
  },
  [TYPES.launchTemplate, TYPES.instance, TYPES.ebsVolume],
  (anyProps, { args, report }) => {
    if (args.type === TYPES.ebsVolume) {
      const encrypted = read(() => (anyProps as EbsVolumeProps).encrypted);
      // Unset, the volume is encrypted only if the account encrypts EBS by default or its snapshot is.
      if (encrypted !== UNKNOWN && encrypted !== true) report(`${describe(args)} is not encrypted${encrypted === undefined ? " (encrypted unset: it depends on the account's EBS default and the snapshot)" : ""}: set encrypted to true.`);
      return;
    }
    if (args.type === TYPES.instance) {
      const props = anyProps as InstanceProps;
      const root = read(() => props.rootBlockDevice);
      if (root === undefined && !fromTemplate(props)) report(`${describe(args)} declares no root volume, so it takes the AMI snapshot's encryption: set rootBlockDevice.encrypted to true.`);
      else if (root !== undefined && root !== UNKNOWN) {
        const encrypted = read(() => root.encrypted);
        // Unset with a launch template, the template's mapping decides (and is judged).
        if (encrypted !== UNKNOWN && encrypted !== true && !(encrypted === undefined && fromTemplate(props))) report(`${describe(args)} root volume is not encrypted: set rootBlockDevice.encrypted to true.`);
      }
      for (const device of knownItems(() => props.ebsBlockDevices)) {
        const encrypted = read(() => device.encrypted);
        if (encrypted !== UNKNOWN && encrypted !== true) report(`${describe(args)} volume ${knownString(() => device.deviceName) ?? "(unnamed)"} is not encrypted: set encrypted to true.`);
      }
      return;
    }
    const props = anyProps as LaunchTemplateProps;
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

export const launchTemplateNoPublicIp = resourceRule<LaunchTemplateProps | InstanceProps>(
  {
    name: "launch-template-no-public-ip",
    description: "Launch templates and instances give instances no public IP address: nodes live in private subnets behind NAT and load balancers.",
    enforcementLevel: "mandatory",
    severity: "high",
  },
  [TYPES.launchTemplate, TYPES.instance],
  (props, { args, report }) => {
    if (args.type === TYPES.instance) {
      // Unset, the subnet's mapPublicIpOnLaunch decides (the network rules keep nodes' subnets private).
      if (read(() => (props as InstanceProps).associatePublicIpAddress) === true) report(`${describe(args)} associates a public IP address: set associatePublicIpAddress to false and reach it through a load balancer or SSM.`);
      return;
    }
    for (const nic of knownItems(() => (props as LaunchTemplateProps).networkInterfaces)) {
      if (isTrue(read(() => nic.associatePublicIpAddress))) report(`${describe(args)} associates a public IP address with network interface ${knownNumber(() => nic.deviceIndex) ?? 0}.`);
    }
  },
);

export const nodeGroupLaunchTemplate = resourceRule<NodeGroupProps>(
  {
    name: "node-group-launch-template",
    description: "EKS managed node groups start from a launch template of the program's (judged by the launch-template rules) and never open SSH/RDP to the internet through remoteAccess.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Give the node group launchTemplate { id, version } of an aws.ec2.LaunchTemplate with IMDSv2, an encrypted root volume and no public IP; reach nodes through SSM Session Manager instead of remoteAccess.",
  },
  [TYPES.nodeGroup],
  (props, { args, report }) => {
    const template = read(() => props.launchTemplate);
    // Without one, EKS generates a template in the account that no rule of this pack sees (its
    // metadata options and volume encryption are EKS's defaults, not the program's).
    if (template === undefined) report(`${describe(args)} has no launch template, so its nodes take EKS's generated one, unchecked for IMDSv2 and volume encryption: set launchTemplate { id, version }.`);
    const remote = read(() => props.remoteAccess);
    if (remote === undefined || remote === UNKNOWN) return;
    // The provider's documentation: with ec2SshKey and no sourceSecurityGroupIds, EKS opens port 22
    // (3389 on Windows) on every node to 0.0.0.0/0.
    // Restricted to listed security groups (a bastion's) it is the program's explicit choice.
    // An empty list is not sent to EKS, which then opens the port as if it were unset.
    // Counted with unknown elements: during a preview a new bastion group's id is unknown, and
    // that list is not empty.
    if (isSet(() => remote.ec2SshKey) && listLength(() => remote.sourceSecurityGroupIds) === 0) {
      report(`${describe(args)} sets remoteAccess.ec2SshKey without sourceSecurityGroupIds: EKS opens SSH (RDP on Windows) on every node to 0.0.0.0/0. Remove remoteAccess and use SSM Session Manager, or list sourceSecurityGroupIds.`);
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
      report(`${describe(args)} does not encrypt secrets with a customer managed KMS key (EKS's default envelope encryption uses an AWS owned key you cannot audit, disable or revoke): set encryptionConfig { resources: ["secrets"], provider: { keyArn } }.`);
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
    // The same door in pieces (0.0.0.0/1 and 128.0.0.0/1): more than a /8's worth in all.
    else if (opensToInternet(listed)) report(`${describe(args)} has a public endpoint open to most of the internet: publicAccessCidrs (${listed.join(", ")}) admit more than a /8's worth of addresses together; list the operators' and runners' own ranges.`);
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
    // Keys in a custom key store (CloudHSM or external) cannot rotate automatically.
    if (isSet(() => props.customKeyStoreId) || isSet(() => props.xksKeyId)) return;
    const enabled = read(() => props.enableKeyRotation);
    if (enabled !== true && enabled !== UNKNOWN) {
      report(`${describe(args)} does not rotate: set enableKeyRotation to true.`);
      return;
    }
    const days = knownNumber(() => props.rotationPeriodInDays);
    if (days !== undefined && days > config.maxRotationPeriodDays) report(`${describe(args)} rotates every ${days} days; at most ${config.maxRotationPeriodDays}.`);
  },
);

/**
 * Input names (any depth, case and separators ignored) that hold credentials. Anchored at the end:
 * a name that names a secret rather than holding one (`DB_SECRET_ARN`, `CACHE_AUTH_SECRET_ARN`,
 * `DB_SECRET_NAME`, `DB_PASSWORD_FILE`) does not match.
 */
const CREDENTIAL_NAME = /(password|passwd|passphrase|passwordwo|secret|secretstring|secretkey|secretaccesskey|token|authtoken|apikey|privatekey|credentials?)$/;

export function isCredentialName(name: string): boolean {
  return CREDENTIAL_NAME.test(name.toLowerCase().replace(/[^a-z0-9]/g, ""));
}

/** A value that would hold a credential in the clear: set, not masked as a secret, and no ARN (a reference, not a credential). */
const plaintext = (value: string) => value !== "" && value !== SECRET_MASK && !value.startsWith("arn:");

/**
 * Paths of credential-named string values that are not secrets. Two spellings of a name: a key
 * (`environment.variables.DB_PASSWORD`), and a `{ name, value }` pair, as Kubernetes container
 * env and ECS-style lists write it (`env[0].value` with name DB_PASSWORD). A pair with `valueFrom`
 * instead (secretKeyRef) holds a reference, and is not one.
 */
export function plaintextCredentials(value: unknown, path: string, out: string[]): string[] {
  if (Array.isArray(value)) value.forEach((item, i) => plaintextCredentials(item, `${path}[${i}]`, out));
  else if (value && typeof value === "object") {
    const pair = value as Record<string, unknown>;
    const pairName = read(() => pair.name);
    const pairValue = read(() => pair.value);
    if (typeof pairName === "string" && typeof pairValue === "string" && isCredentialName(pairName) && plaintext(pairValue)) out.push(`${path ? `${path}.value` : "value"} (name ${pairName})`);
    for (const key of Object.keys(value)) {
      const item = read(() => (value as Record<string, unknown>)[key]);
      const at = path ? `${path}.${key}` : key;
      if (typeof item === "string") {
        if (isCredentialName(key) && plaintext(item)) out.push(at);
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
    // It judges secretness: only masked values tell a secret from a plaintext credential.
    secretsView: "masked",
  },
  (type) => !type.startsWith("pulumi:pulumi:"),
  (props, { args, report }) => {
    // The engine hands policies decrypted values with no mark of secretness (pulumi/pulumi-policy#241):
    // a check there would flag every password. The offline plan masks secrets and sets the tag.
    if (!secretsMasked(args.stackTags)) args.notApplicable("secretness is not visible to policies under the Pulumi engine; the offline plan checks this");
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
  nodeGroupLaunchTemplate,
  eksControlPlaneLogging,
  eksSecretsEncryption,
  eksPublicEndpoint,
  ...DATA_SECURITY_POLICIES,
  ...NETWORK_SECURITY_POLICIES,
  ...WAF_POLICIES,
  kmsKeyRotation,
  noPlaintextSecrets,
];
