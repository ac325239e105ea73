/**
 * Plausible provider outputs per resource type and answers to invokes, region-aware.
 *
 * Everything is deterministic: ids and suffixes are hashes of the resource's URN, so two runs
 * of the same program give the same plan and a diff shows only real changes.
 */
import { createHash } from "crypto";
import { pinnedRegion } from "../../components/lib/regions";
import { fakeZones, zoneIdOf, zoneNameOf } from "./zones";

export { pinnedRegion };

export const FAKE_ACCOUNT_ID = "123456789012";
export const PARTITION = "aws";

export function hex(seed: string, length: number): string {
  let out = "";
  for (let i = 0; out.length < length; i++) out += createHash("sha256").update(`${seed}#${i}`).digest("hex");
  return out.slice(0, length);
}

function upperAlnum(seed: string, length: number): string {
  return BigInt(`0x${hex(seed, 24)}`).toString(36).toUpperCase().padStart(length, "0").slice(0, length);
}

function uuid(seed: string): string {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Canonical hosted zone ids of Application Load Balancers per region (for alias records). */
const ALB_CANONICAL_ZONE_IDS: Record<string, string> = {
  "us-east-1": "Z35SXDOTRQ7X7K",
  "us-east-2": "Z3AADJGX6KTTL2",
  "us-west-1": "Z368ELLRRE2KJ0",
  "us-west-2": "Z1H1FL5HABSF5",
  "ca-central-1": "ZQSVJUPU6J1EY",
  "eu-central-1": "Z215JYRZR1TBD5",
  "eu-west-1": "Z32O12XQLNTSW2",
  "eu-west-2": "ZHURV8PSTC4K8",
  "eu-west-3": "Z3Q77PNBQS71R4",
  "eu-north-1": "Z23TAZ7KLVYZ3G",
  "ap-northeast-1": "Z14GRHDCWA56QT",
  "ap-northeast-2": "ZWKZPGTI48KDX",
  "ap-southeast-1": "Z1LMS91P8CMLE5",
  "ap-southeast-2": "Z1GM3OXH4ZPM65",
  "ap-south-1": "ZP97RAFLXTNZK",
  "sa-east-1": "Z2P70J7HTTTPLU",
};

export function albZoneId(region: string): string {
  return ALB_CANONICAL_ZONE_IDS[region] ?? `Z${upperAlnum(`albzone:${region}`, 13)}`;
}


const ENGINE_PORTS: Record<string, number> = { "aurora-postgresql": 5432, "aurora-mysql": 3306, aurora: 3306 };

export interface OutputContext {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly region: string;
  readonly inputs: Record<string, unknown>;
}

export interface FakeState {
  readonly id: string;
  readonly state: Record<string, unknown>;
}

type Builder = (c: OutputContext & { physical: string; arn: (service: string, resource: string, global?: boolean) => string }) => {
  id?: string;
  state?: Record<string, unknown>;
};

function autoName(c: OutputContext, max = 63): string {
  const given = c.inputs.name ?? c.inputs.namePrefix;
  if (typeof given === "string" && given.length > 0) return c.inputs.name ? given : `${given}${hex(c.urn, 8)}`;
  // The engine's autonaming: logical name plus seven random hex characters.
  return `${c.name}-${hex(c.urn, 7)}`.slice(0, max);
}

const BUILDERS: Record<string, Builder> = {
  "aws:ec2/vpc:Vpc": (c) => ({
    id: `vpc-${hex(c.urn, 17)}`,
    state: {
      defaultSecurityGroupId: `sg-${hex(`${c.urn}/dsg`, 17)}`,
      mainRouteTableId: `rtb-${hex(`${c.urn}/rtb`, 17)}`,
      defaultNetworkAclId: `acl-${hex(`${c.urn}/acl`, 17)}`,
    },
  }),
  // A subnet is placed by name or by zone ID; AWS reports both.
  "aws:ec2/subnet:Subnet": (c) => ({
    id: `subnet-${hex(c.urn, 17)}`,
    state: {
      availabilityZone: c.inputs.availabilityZone ?? zoneNameOf(c.region, c.inputs.availabilityZoneId) ?? fakeZones(c.region).names[0],
      availabilityZoneId: c.inputs.availabilityZoneId ?? zoneIdOf(c.region, c.inputs.availabilityZone) ?? fakeZones(c.region).zoneIds[0],
    },
  }),
  "aws:ec2/securityGroup:SecurityGroup": (c) => ({ id: `sg-${hex(c.urn, 17)}`, state: { name: autoName(c) } }),
  "aws:ec2/internetGateway:InternetGateway": (c) => ({ id: `igw-${hex(c.urn, 17)}` }),
  "aws:ec2/natGateway:NatGateway": (c) => ({ id: `nat-${hex(c.urn, 17)}`, state: { privateIp: "10.0.0.10" } }),
  "aws:ec2/eip:Eip": (c) => ({ id: `eipalloc-${hex(c.urn, 17)}`, state: { allocationId: `eipalloc-${hex(c.urn, 17)}`, publicIp: `203.0.113.${parseInt(hex(c.urn, 2), 16) % 254 + 1}` } }),
  "aws:ec2/routeTable:RouteTable": (c) => ({ id: `rtb-${hex(c.urn, 17)}` }),
  "aws:ec2/vpcEndpoint:VpcEndpoint": (c) => ({ id: `vpce-${hex(c.urn, 17)}`, state: { prefixListId: `pl-${hex(`${c.urn}/pl`, 8)}` } }),
  "aws:ec2/flowLog:FlowLog": (c) => ({ id: `fl-${hex(c.urn, 17)}` }),
  "aws:ec2/launchTemplate:LaunchTemplate": (c) => ({ id: `lt-${hex(c.urn, 17)}`, state: { latestVersion: 1, defaultVersion: 1, name: autoName(c, 128) } }),
  "aws:ec2/securityGroupRule:SecurityGroupRule": (c) => ({ id: `sgrule-${hex(c.urn, 10)}` }),
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": (c) => ({ id: `sgr-${hex(c.urn, 17)}` }),
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": (c) => ({ id: `sgr-${hex(c.urn, 17)}` }),
  "aws:eks/cluster:Cluster": (c) => {
    const physical = autoName(c, 100);
    const endpointId = hex(c.urn, 32).toUpperCase();
    return {
      id: physical,
      state: {
        name: physical,
        arn: c.arn("eks", `cluster/${physical}`),
        endpoint: `https://${endpointId}.gr7.${c.region}.eks.amazonaws.com`,
        certificateAuthority: { data: Buffer.from(`-----BEGIN CERTIFICATE-----\nFAKE${hex(c.urn, 40)}\n-----END CERTIFICATE-----\n`).toString("base64") },
        identities: [{ oidcs: [{ issuer: `https://oidc.eks.${c.region}.amazonaws.com/id/${endpointId}` }] }],
        kubernetesNetworkConfig: { serviceIpv4Cidr: "172.20.0.0/16", ipFamily: "ipv4", ...(c.inputs.kubernetesNetworkConfig as object | undefined) },
        vpcConfig: { ...(c.inputs.vpcConfig as object | undefined), clusterSecurityGroupId: `sg-${hex(`${c.urn}/csg`, 17)}`, vpcId: `vpc-${hex(`${c.urn}/vpc`, 17)}` },
        platformVersion: "eks.1",
        status: "ACTIVE",
      },
    };
  },
  "aws:lb/loadBalancer:LoadBalancer": (c) => loadBalancer(c),
  "aws:alb/loadBalancer:LoadBalancer": (c) => loadBalancer(c),
  "aws:lb/targetGroup:TargetGroup": (c) => targetGroup(c),
  "aws:alb/targetGroup:TargetGroup": (c) => targetGroup(c),
  "aws:lb/listener:Listener": (c) => ({ id: c.arn("elasticloadbalancing", `listener/app/${hex(c.urn, 8)}/${hex(c.urn, 16)}/${hex(`${c.urn}/l`, 16)}`) }),
  "aws:rds/globalCluster:GlobalCluster": (c) => {
    const identifier = String(c.inputs.globalClusterIdentifier ?? autoName(c));
    // Global cluster ARNs carry no region.
    return {
      id: identifier,
      state: {
        arn: `arn:${PARTITION}:rds::${FAKE_ACCOUNT_ID}:global-cluster:${identifier}`,
        globalClusterResourceId: `cluster-${upperAlnum(c.urn, 26)}`,
        globalClusterMembers: [],
        // The global writer endpoint, which follows the writer across switchovers and failovers.
        endpoint: `${identifier}.global-${hex(c.urn, 12)}.global.rds.amazonaws.com`,
        engineVersionActual: c.inputs.engineVersion,
      },
    };
  },
  "aws:rds/cluster:Cluster": (c) => {
    const identifier = String(c.inputs.clusterIdentifier ?? autoName(c)).toLowerCase();
    const suffix = hex(`${c.region}`, 12);
    return {
      id: identifier,
      state: {
        clusterIdentifier: identifier,
        arn: c.arn("rds", `cluster:${identifier}`).replace(/:cluster\//, ":cluster:"),
        endpoint: `${identifier}.cluster-${suffix}.${c.region}.rds.amazonaws.com`,
        readerEndpoint: `${identifier}.cluster-ro-${suffix}.${c.region}.rds.amazonaws.com`,
        port: c.inputs.port ?? ENGINE_PORTS[String(c.inputs.engine)] ?? 5432,
        clusterResourceId: `cluster-${upperAlnum(c.urn, 26)}`,
        hostedZoneId: `Z${upperAlnum(`rds:${c.region}`, 13)}`,
        // Managed master passwords are not used (global clusters refuse them), so nothing to fake here.
      },
    };
  },
  "aws:rds/clusterInstance:ClusterInstance": (c) => {
    const identifier = String(c.inputs.identifier ?? autoName(c)).toLowerCase();
    return {
      id: identifier,
      state: {
        identifier,
        arn: `arn:${PARTITION}:rds:${c.region}:${FAKE_ACCOUNT_ID}:db:${identifier}`,
        endpoint: `${identifier}.${hex(c.region, 12)}.${c.region}.rds.amazonaws.com`,
        availabilityZone: c.inputs.availabilityZone ?? fakeZones(c.region).names[0],
        port: ENGINE_PORTS[String(c.inputs.engine)] ?? 5432,
        writer: false,
        dbiResourceId: `db-${upperAlnum(c.urn, 26)}`,
      },
    };
  },
  // RDS names are lower case; the id is the name, which members reference (dbSubnetGroupName ...).
  "aws:rds/subnetGroup:SubnetGroup": (c) => rdsNamed(c, "subgrp"),
  "aws:rds/clusterParameterGroup:ClusterParameterGroup": (c) => rdsNamed(c, "cluster-pg"),
  "aws:kms/key:Key": (c) => {
    const keyId = uuid(c.urn);
    return { id: keyId, state: { keyId, arn: c.arn("kms", `key/${keyId}`) } };
  },
  "aws:kms/alias:Alias": (c) => ({ id: String(c.inputs.name ?? `alias/${c.name}`), state: { arn: c.arn("kms", String(c.inputs.name ?? `alias/${c.name}`)) } }),
  "aws:iam/role:Role": (c) => iamEntity(c, "role"),
  "aws:iam/policy:Policy": (c) => iamEntity(c, "policy"),
  "aws:iam/instanceProfile:InstanceProfile": (c) => iamEntity(c, "instance-profile"),
  "aws:iam/user:User": (c) => iamEntity(c, "user"),
  "aws:route53/zone:Zone": (c) => {
    const zoneId = `Z${upperAlnum(c.urn, 20)}`;
    return {
      id: zoneId,
      state: {
        zoneId,
        arn: `arn:${PARTITION}:route53:::hostedzone/${zoneId}`,
        nameServers: [0, 1, 2, 3].map((i) => `ns-${parseInt(hex(`${c.urn}/${i}`, 3), 16)}.awsdns-${i}${i}.${["com", "net", "org", "co.uk"][i]}`),
      },
    };
  },
  "aws:route53/healthCheck:HealthCheck": (c) => {
    const id = uuid(c.urn);
    return { id, state: { arn: `arn:${PARTITION}:route53:::healthcheck/${id}` } };
  },
  "aws:route53/record:Record": (c) => ({
    id: [c.inputs.zoneId, c.inputs.name, c.inputs.type, c.inputs.setIdentifier].filter((p) => p !== undefined).join("_"),
    state: { fqdn: String(c.inputs.name ?? "") },
  }),
  "aws:route53/keySigningKey:KeySigningKey": (c) => {
    const keyTag = parseInt(hex(c.urn, 4), 16);
    const digest = hex(`${c.urn}/ds`, 64).toUpperCase();
    return { id: `${String(c.inputs.hostedZoneId)},${String(c.inputs.name)}`, state: { keyTag, digestValue: digest, digestAlgorithmType: 2, digestAlgorithmMnemonic: "SHA-256", signingAlgorithmType: 13, signingAlgorithmMnemonic: "ECDSAP256SHA256", flag: 257, dsRecord: `${keyTag} 13 2 ${digest}` } };
  },
  "aws:route53recoverycontrol/cluster:Cluster": (c) => {
    const id = uuid(c.urn);
    const endpointRegions = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2", "ap-northeast-1"];
    return {
      id: `arn:${PARTITION}:route53-recovery-control::${FAKE_ACCOUNT_ID}:cluster/${id}`,
      state: {
        arn: `arn:${PARTITION}:route53-recovery-control::${FAKE_ACCOUNT_ID}:cluster/${id}`,
        status: "DEPLOYED",
        clusterEndpoints: endpointRegions.map((region, i) => ({ region, endpoint: `https://${hex(`${c.urn}/${i}`, 8)}.route53-recovery-cluster.${region}.amazonaws.com/v1` })),
      },
    };
  },
  "aws:route53recoverycontrol/controlPanel:ControlPanel": (c) => {
    const arn = `arn:${PARTITION}:route53-recovery-control::${FAKE_ACCOUNT_ID}:controlpanel/${hex(c.urn, 32)}`;
    return { id: arn, state: { arn, status: "DEPLOYED", defaultControlPanel: false, routingControlCount: 0 } };
  },
  "aws:route53recoverycontrol/routingControl:RoutingControl": (c) => {
    const panel = String(c.inputs.controlPanelArn ?? `arn:${PARTITION}:route53-recovery-control::${FAKE_ACCOUNT_ID}:controlpanel/${hex(`${c.urn}/cp`, 32)}`);
    const arn = `${panel}/routingcontrol/${hex(c.urn, 16)}`;
    return { id: arn, state: { arn, status: "DEPLOYED" } };
  },
  "aws:route53recoverycontrol/safetyRule:SafetyRule": (c) => {
    const arn = `arn:${PARTITION}:route53-recovery-control::${FAKE_ACCOUNT_ID}:controlpanel/${hex(`${c.urn}/cp`, 32)}/safetyrule/${hex(c.urn, 16)}`;
    return { id: arn, state: { arn, status: "DEPLOYED" } };
  },
  "aws:secretsmanager/secret:Secret": (c) => {
    const name = String(c.inputs.name ?? autoName(c, 512));
    const arn = c.arn("secretsmanager", `secret:${name}-${upperAlnum(c.urn, 6)}`);
    return { id: arn, state: { arn, name } };
  },
  "aws:secretsmanager/secretVersion:SecretVersion": (c) => ({ id: `${String(c.inputs.secretId)}|${uuid(c.urn)}`, state: { versionId: uuid(c.urn) } }),
  "aws:acm/certificate:Certificate": (c) => {
    const arn = c.arn("acm", `certificate/${uuid(c.urn)}`);
    const names = [c.inputs.domainName, ...((c.inputs.subjectAlternativeNames as string[] | undefined) ?? [])].filter((n): n is string => typeof n === "string");
    return {
      id: arn,
      state: {
        arn,
        status: "PENDING_VALIDATION",
        domainValidationOptions: [...new Set(names)].map((domainName) => ({
          domainName,
          resourceRecordName: `_${hex(`${c.urn}/${domainName}`, 32)}.${domainName.replace(/^\*\./, "")}.`,
          resourceRecordType: "CNAME",
          resourceRecordValue: `_${hex(`${c.urn}/${domainName}/v`, 32)}.mhbtsbpdnt.acm-validations.aws.`,
        })),
      },
    };
  },
  "aws:acm/certificateValidation:CertificateValidation": (c) => ({ id: String(c.inputs.certificateArn ?? hex(c.urn, 16)) }),
  "aws:s3/bucket:Bucket": (c) => bucket(c),
  "aws:s3/bucketV2:BucketV2": (c) => bucket(c),
  "aws:cloudwatch/logGroup:LogGroup": (c) => {
    const name = String(c.inputs.name ?? autoName(c, 512));
    return { id: name, state: { name, arn: c.arn("logs", `log-group:${name}`) } };
  },
  "aws:cloudwatch/metricAlarm:MetricAlarm": (c) => {
    const name = String(c.inputs.name ?? autoName(c, 255));
    return { id: name, state: { name, arn: c.arn("cloudwatch", `alarm:${name}`) } };
  },
  // Observability: ids and ARNs in the shapes AMP, CloudWatch, Synthetics and Grafana return.
  "aws:cloudwatch/compositeAlarm:CompositeAlarm": (c) => {
    const name = String(c.inputs.alarmName ?? autoName(c, 255));
    return { id: name, state: { arn: c.arn("cloudwatch", `alarm:${name}`) } };
  },
  "aws:cloudwatch/dashboard:Dashboard": (c) => {
    const name = String(c.inputs.dashboardName ?? autoName(c, 255));
    return { id: name, state: { dashboardArn: `arn:${PARTITION}:cloudwatch::${FAKE_ACCOUNT_ID}:dashboard/${name}` } };
  },
  "aws:amp/workspace:Workspace": (c) => {
    const id = `ws-${uuid(c.urn)}`;
    return { id, state: { arn: c.arn("aps", `workspace/${id}`), prometheusEndpoint: `https://aps-workspaces.${c.region}.amazonaws.com/workspaces/${id}/` } };
  },
  "aws:amp/scraper:Scraper": (c) => {
    const id = `s-${uuid(c.urn)}`;
    return { id, state: { arn: c.arn("aps", `scraper/${id}`), roleArn: `arn:${PARTITION}:iam::${FAKE_ACCOUNT_ID}:role/aws-service-role/scraper.aps.amazonaws.com/AWSServiceRoleForAmazonPrometheusScraper_${hex(c.urn, 12)}` } };
  },
  "aws:synthetics/canary:Canary": (c) => {
    const name = String(c.inputs.name ?? autoName(c, 21));
    return { id: name, state: { arn: c.arn("synthetics", `canary:${name}`), status: "RUNNING", engineArn: c.arn("lambda", `function:cwsyn-${name}-${uuid(c.urn)}:1`) } };
  },
  "aws:grafana/workspace:Workspace": (c) => {
    const id = `g-${hex(c.urn, 10)}`;
    return { id, state: { arn: `arn:${PARTITION}:grafana:${c.region}:${FAKE_ACCOUNT_ID}:/workspaces/${id}`, endpoint: `${id}.grafana-workspace.${c.region}.amazonaws.com` } };
  },
  // An SQS queue's id is its URL; the handler and the queue policy are given that.
  "aws:sqs/queue:Queue": (c) => {
    const name = String(c.inputs.name ?? autoName(c, 80));
    const url = `https://sqs.${c.region}.amazonaws.com/${FAKE_ACCOUNT_ID}/${name}`;
    return { id: url, state: { name, url, arn: c.arn("sqs", name) } };
  },
  // EventBridge rules are "events" resources (the provider's module is cloudwatch).
  "aws:cloudwatch/eventRule:EventRule": (c) => {
    const name = String(c.inputs.name ?? autoName(c, 64));
    return { id: name, state: { name, arn: c.arn("events", `rule/${name}`) } };
  },
  "aws:sns/topic:Topic": (c) => {
    const name = String(c.inputs.name ?? autoName(c, 256));
    const arn = c.arn("sns", name);
    return { id: arn, state: { name, arn } };
  },
  "aws:autoscaling/group:Group": (c) => {
    const name = String(c.inputs.name ?? autoName(c, 255));
    return { id: name, state: { name, arn: c.arn("autoscaling", `autoScalingGroup:${uuid(c.urn)}:autoScalingGroupName/${name}`) } };
  },
  "aws:eks/nodeGroup:NodeGroup": (c) => {
    const name = String(c.inputs.nodeGroupName ?? autoName(c));
    return { id: `${String(c.inputs.clusterName)}:${name}`, state: { nodeGroupName: name, arn: c.arn("eks", `nodegroup/${String(c.inputs.clusterName)}/${name}/${uuid(c.urn)}`), resources: [{ autoscalingGroups: [{ name: `eks-${name}-${uuid(c.urn)}` }] }] } };
  },
  "aws:eks/accessEntry:AccessEntry": (c) => ({
    id: `${String(c.inputs.clusterName)}:${String(c.inputs.principalArn)}`,
    state: { accessEntryArn: c.arn("eks", `access-entry/${String(c.inputs.clusterName)}/${c.inputs.type === "EC2_LINUX" ? "role" : "principal"}/${FAKE_ACCOUNT_ID}/${hex(c.urn, 12)}/${uuid(c.urn)}`), userName: String(c.inputs.principalArn) },
  }),
  "aws:eks/podIdentityAssociation:PodIdentityAssociation": (c) => {
    const associationId = `a-${hex(c.urn, 17)}`;
    return { id: `${String(c.inputs.clusterName)},${associationId}`, state: { associationId, associationArn: c.arn("eks", `podidentityassociation/${String(c.inputs.clusterName)}/${associationId}`) } };
  },
  "aws:eks/addon:Addon": (c) => ({ id: `${String(c.inputs.clusterName)}:${String(c.inputs.addonName)}`, state: { arn: c.arn("eks", `addon/${String(c.inputs.clusterName)}/${String(c.inputs.addonName)}/${uuid(c.urn)}`), addonVersion: c.inputs.addonVersion ?? "v1.0.0-eksbuild.1" } }),
  // --- data and edge tier ---
  "aws:dynamodb/table:Table": (c) => {
    const name = String(c.inputs.name ?? autoName(c, 255));
    const arn = c.arn("dynamodb", `table/${name}`);
    const label = "2026-01-01T00:00:00.000";
    const streaming = c.inputs.streamEnabled === true;
    const replicas = ((c.inputs.replicas as Record<string, unknown>[] | undefined) ?? []).map((r) => {
      const replicaArn = arn.replace(`:${c.region}:`, `:${String(r.regionName)}:`);
      return { ...r, arn: replicaArn, ...(streaming ? { streamArn: `${replicaArn}/stream/${label}`, streamLabel: label } : {}) };
    });
    return { id: name, state: { name, arn, replicas, ...(streaming ? { streamArn: `${arn}/stream/${label}`, streamLabel: label } : {}) } };
  },
  // The provider's id is <table name>:<main table's region>; the ARN is the table's in the replica's region.
  "aws:dynamodb/tableReplica:TableReplica": (c) => {
    const main = String(c.inputs.globalTableArn ?? "");
    const parts = main.split(":");
    const tableName = parts[5]?.replace(/^table\//, "") ?? autoName(c, 255);
    const arn = parts.length >= 6 ? [...parts.slice(0, 3), c.region, ...parts.slice(4)].join(":") : c.arn("dynamodb", `table/${tableName}`);
    return { id: `${tableName}:${parts[3] ?? c.region}`, state: { arn } };
  },
  "aws:elasticache/subnetGroup:SubnetGroup": (c) => rdsNamed(c, "subnetgroup"),
  "aws:elasticache/replicationGroup:ReplicationGroup": (c) => {
    const id = String(c.inputs.replicationGroupId ?? autoName(c, 40)).toLowerCase();
    const suffix = `${hex(`${c.urn}/ep`, 6)}.${c.region.replace(/-(\w)\w*-/, "$1").replace(/-/g, "")}`;
    const nodes = Number(c.inputs.numCacheClusters ?? 1);
    return {
      id,
      state: {
        replicationGroupId: id,
        arn: c.arn("elasticache", `replicationgroup:${id}`),
        primaryEndpointAddress: `master.${id}.${suffix}.cache.amazonaws.com`,
        readerEndpointAddress: `replica.${id}.${suffix}.cache.amazonaws.com`,
        port: c.inputs.port ?? 6379,
        memberClusters: Array.from({ length: nodes }, (_, i) => `${id}-00${i + 1}`),
        clusterEnabled: false,
        engineVersionActual: c.inputs.engineVersion,
      },
    };
  },
  "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup": (c) => {
    // AWS prefixes the suffix with a Region-specific string: secondaries must be given the full id.
    const id = `${hex(`gds-prefix:${c.region}`, 5).replace(/[0-9]/g, (d) => "abcdefghij"[Number(d)])}-${String(c.inputs.globalReplicationGroupIdSuffix)}`;
    return { id, state: { globalReplicationGroupId: id, arn: `arn:${PARTITION}:elasticache::${FAKE_ACCOUNT_ID}:globalreplicationgroup:${id}`, engineVersionActual: c.inputs.engineVersion, clusterEnabled: false, transitEncryptionEnabled: true, atRestEncryptionEnabled: true, authTokenEnabled: true } };
  },
  "aws:cloudfront/distribution:Distribution": (c) => {
    const id = `E${upperAlnum(c.urn, 13)}`;
    return { id, state: { arn: `arn:${PARTITION}:cloudfront::${FAKE_ACCOUNT_ID}:distribution/${id}`, domainName: `d${hex(c.urn, 13)}.cloudfront.net`, hostedZoneId: "Z2FDTNDATAQYW2", status: "Deployed", etag: `E${upperAlnum(`${c.urn}/etag`, 13)}` } };
  },
  "aws:wafv2/webAcl:WebAcl": (c) => {
    const id = uuid(c.urn);
    const name = String(c.inputs.name ?? autoName(c, 128));
    const scope = c.inputs.scope === "CLOUDFRONT" ? "global" : "regional";
    return { id, state: { name, arn: c.arn("wafv2", `${scope}/webacl/${name}/${id}`), capacity: 1000 } };
  },
  "random:index/randomPassword:RandomPassword": (c) => {
    const length = Number(c.inputs.length ?? 32);
    const result = Buffer.from(hex(c.urn, length * 2), "hex").toString("base64").replace(/[^A-Za-z0-9]/g, "x").slice(0, length);
    return { id: "none", state: { result, bcryptHash: `$2a$10$${hex(`${c.urn}/b`, 53)}` } };
  },
  "random:index/randomId:RandomId": (c) => ({ id: hex(c.urn, 16), state: { hex: hex(c.urn, Number(c.inputs.byteLength ?? 8) * 2), b64Url: hex(c.urn, 11) } }),
};

function rdsNamed(c: OutputContext & { arn: (s: string, r: string) => string }, arnType: string) {
  const name = String(c.inputs.name ?? autoName(c, 255)).toLowerCase();
  return { id: name, state: { name, arn: c.arn("rds", `${arnType}:${name}`) } };
}

function loadBalancer(c: OutputContext & { arn: (s: string, r: string) => string }) {
  const name = String(c.inputs.name ?? autoName(c, 32));
  const suffix = `app/${name}/${hex(c.urn, 16)}`;
  return {
    id: c.arn("elasticloadbalancing", `loadbalancer/${suffix}`),
    state: {
      name,
      arn: c.arn("elasticloadbalancing", `loadbalancer/${suffix}`),
      arnSuffix: suffix,
      dnsName: `${name}-${parseInt(hex(c.urn, 8), 16)}.${c.region}.elb.amazonaws.com`,
      zoneId: albZoneId(c.region),
    },
  };
}

function targetGroup(c: OutputContext & { arn: (s: string, r: string) => string }) {
  const name = String(c.inputs.name ?? autoName(c, 32));
  const suffix = `targetgroup/${name}/${hex(c.urn, 16)}`;
  return { id: c.arn("elasticloadbalancing", suffix), state: { name, arn: c.arn("elasticloadbalancing", suffix), arnSuffix: suffix } };
}

function iamEntity(c: OutputContext, kind: string) {
  const name = String(c.inputs.name ?? autoName(c, 64));
  const path = String(c.inputs.path ?? "/");
  return { id: name, state: { name, arn: `arn:${PARTITION}:iam::${FAKE_ACCOUNT_ID}:${kind}${path}${name}`, uniqueId: `AROA${upperAlnum(c.urn, 17)}` } };
}

function bucket(c: OutputContext) {
  const name = String(c.inputs.bucket ?? autoName(c, 63)).toLowerCase();
  return {
    id: name,
    state: {
      bucket: name,
      arn: `arn:${PARTITION}:s3:::${name}`,
      bucketDomainName: `${name}.s3.amazonaws.com`,
      bucketRegionalDomainName: `${name}.s3.${c.region}.amazonaws.com`,
      region: c.region,
    },
  };
}

/**
 * pulumi-kubernetes names an object the program leaves unnamed in Check, before any API call (so
 * a preview knows it): `<logical name>-<8 hex>` (resource.NewUniqueName), marked with the
 * `pulumi.com/autonamed` annotation (metadata.AssignNameIfAutonamable). Not when `generateName`
 * leaves naming to the API server, nor when the metadata or its name is unknown in a preview (the
 * provider does not name a computed name). Helm releases, the YAML/kustomize groups and `*Patch`
 * kinds (which must name the object they patch) are never auto-named.
 * Returns the metadata the provider's state holds, or undefined when the object keeps its own.
 */
export function kubernetesAutonamedMetadata(type: string, name: string, urn: string, metadata: unknown): Record<string, unknown> | undefined {
  if (!type.startsWith("kubernetes:") || /^kubernetes:(helm\.sh|yaml|kustomize)\//.test(type) || type.endsWith("Patch")) return undefined;
  if (metadata !== undefined && (typeof metadata !== "object" || metadata === null || Array.isArray(metadata) || isUnknownValue(metadata))) return undefined;
  const md = (metadata ?? {}) as Record<string, unknown>;
  if (md.name !== undefined && md.name !== "") return undefined;
  if (md.generateName !== undefined && md.generateName !== "") return undefined;
  const annotations = typeof md.annotations === "object" && md.annotations !== null ? md.annotations : {};
  return { ...md, name: `${name}-${hex(urn, 8)}`, annotations: { ...annotations, "pulumi.com/autonamed": "true" } };
}

/** The SDK's unknown marker (`pulumi.isUnknown`), by its RTTI field: this module stays free of the SDK. */
function isUnknownValue(value: object): boolean {
  return (value as { __pulumiUnknown?: unknown }).__pulumiUnknown === true;
}

/** Fake provider state for one resource: the inputs echoed back plus what AWS would compute. */
export function fakeOutputs(c: OutputContext): FakeState {
  const service = c.type.split(":")[1]?.split("/")[0] ?? "unknown";
  const arn = (svc: string, resource: string, global = false) =>
    `arn:${PARTITION}:${svc}:${global ? "" : c.region}:${FAKE_ACCOUNT_ID}:${resource}`;
  const physical = autoName(c);
  const built = BUILDERS[c.type]?.({ ...c, physical, arn }) ?? {};
  const id = built.id ?? `${physical}`;
  return {
    id,
    state: {
      ...c.inputs,
      // Generic defaults first, so type builders can override them. Only AWS resources have ARNs.
      ...(c.type.startsWith("aws:") ? { arn: arn(service, `${c.type.split(":")[2]?.toLowerCase() ?? "resource"}/${id}`) } : {}),
      ...(c.type.startsWith("aws:") && c.inputs.tags ? { tagsAll: c.inputs.tags } : {}),
      ...(c.type.startsWith("aws:") && !c.type.startsWith("pulumi:") ? { region: c.inputs.region ?? c.region } : {}),
      ...built.state,
    },
  };
}

/** Answers to provider functions (invokes). Unknown tokens get `{}`: a throwing mock hangs the run. */
export function fakeInvoke(token: string, inputs: Record<string, unknown>, region: string): Record<string, unknown> {
  switch (token) {
    case "aws:index/getAvailabilityZones:getAvailabilityZones": {
      const { names, zoneIds } = fakeZones(region);
      return { id: region, names, zoneIds, groupNames: [region], region };
    }
    case "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings": {
      // Every zone of the example account offers every requested type (one row per type and zone).
      const filters = (inputs.filters as { name: string; values: string[] }[] | undefined) ?? [];
      const types = filters.find((f) => f.name === "instance-type")?.values ?? [];
      const byId = inputs.locationType === "availability-zone-id";
      const { names, zoneIds } = fakeZones(region);
      const locations = byId ? zoneIds : names;
      const rows = types.flatMap((type) => locations.map((location) => ({ type, location })));
      return { id: region, instanceTypes: rows.map((r) => r.type), locations: rows.map((r) => r.location), locationTypes: rows.map(() => String(inputs.locationType ?? "region")), region };
    }
    case "aws:rds/getOrderableDbInstance:getOrderableDbInstance":
      // Aurora offers each class twice, Standard ("aurora") and I/O-Optimized ("aurora-iopt1")
      // storage (DescribeOrderableDBInstanceOptions), and the provider refuses several matches
      // unless a preferred list picks one (orderable_instance_data_source.go).
      if (/^aurora/.test(String(inputs.engine ?? "")) && inputs.storageType === undefined && inputs.preferredInstanceClasses === undefined && inputs.preferredEngineVersions === undefined) {
        throw new Error(`reading RDS Orderable DB Instance: multiple (2) RDS DB Instance Classes (${String(inputs.instanceClass)}: storage aurora, aurora-iopt1) match the criteria; try a different search (set storageType)`);
      }
      // Offered in every zone of the example account.
      return { id: String(inputs.instanceClass ?? "db"), engine: inputs.engine, engineVersion: inputs.engineVersion, instanceClass: inputs.instanceClass, availabilityZones: fakeZones(region).names, region };
    case "aws:index/getRegion:getRegion":
      return { id: region, name: region, region, endpoint: `ec2.${region}.amazonaws.com`, description: region };
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return { id: FAKE_ACCOUNT_ID, accountId: FAKE_ACCOUNT_ID, arn: `arn:${PARTITION}:iam::${FAKE_ACCOUNT_ID}:role/fake-deployer`, userId: "AROAFAKE:deployer" };
    case "aws:index/getPartition:getPartition":
      return { id: PARTITION, partition: PARTITION, dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
    case "aws:ssm/getParameter:getParameter": {
      const name = String(inputs.name ?? "");
      const value = /image_id$|\/ami/.test(name) ? `ami-${hex(`${region}:${name}`, 17)}` : `fake-value-of-${name}`;
      return { id: name, name, value, insecureValue: value, type: "String", version: 1, arn: `arn:${PARTITION}:ssm:${region}::parameter${name}` };
    }
    case "aws:route53/getZone:getZone": {
      const name = String(inputs.name ?? "example.com").replace(/\.$/, "");
      const zoneId = String(inputs.zoneId ?? `Z${upperAlnum(`zone:${name}`, 20)}`);
      return { id: zoneId, zoneId, name, arn: `arn:${PARTITION}:route53:::hostedzone/${zoneId}`, nameServers: [`ns-1.awsdns-01.com`, `ns-2.awsdns-02.net`], privateZone: false };
    }
    case "aws:eks/getAddonVersion:getAddonVersion": {
      // The shape of EKS add-on versions ("v1.19.2-eksbuild.1"), derived from the inputs.
      const minor = String(inputs.kubernetesVersion ?? "1.0").split(".")[1] ?? "0";
      const version = `v1.${minor}.${parseInt(hex(String(inputs.addonName), 2), 16) % 10}-eksbuild.1`;
      return { id: String(inputs.addonName), addonName: inputs.addonName, kubernetesVersion: inputs.kubernetesVersion, version, region };
    }
    case "aws:iam/getPolicyDocument:getPolicyDocument":
      return { id: hex(JSON.stringify(inputs), 10), json: policyJson(inputs), minifiedJson: policyJson(inputs) };
    case "aws:elb/getServiceAccount:getServiceAccount":
      return { id: "127311923021", arn: `arn:${PARTITION}:iam::127311923021:root`, region };
    default:
      return {};
  }
}

/** Renders `getPolicyDocument` inputs the way the provider does (Statement, Effect, Action ...). */
function policyJson(inputs: Record<string, unknown>): string {
  const statements = ((inputs.statements as Record<string, unknown>[] | undefined) ?? []).map((s) => {
    const out: Record<string, unknown> = { Effect: s.effect ?? "Allow" };
    if (s.sid) out.Sid = s.sid;
    if (s.actions) out.Action = s.actions;
    if (s.resources) out.Resource = s.resources;
    const principals = s.principals as { type: string; identifiers: string[] }[] | undefined;
    if (principals) out.Principal = Object.fromEntries(principals.map((p) => [p.type, p.identifiers]));
    const conditions = s.conditions as { test: string; variable: string; values: string[] }[] | undefined;
    if (conditions) {
      const condition: Record<string, Record<string, string[]>> = {};
      for (const c of conditions) (condition[c.test] ??= {})[c.variable] = c.values;
      out.Condition = condition;
    }
    return out;
  });
  return JSON.stringify({ Version: "2012-10-17", Statement: statements }, null, 2);
}
