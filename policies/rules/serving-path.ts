/**
 * Serving paths and deploy preconditions: a region serves only when the whole path from its load
 * balancer to ready pods exists and its security groups let the traffic through, when those pods survive pod, node and AZ losses, when the
 * identity running `pulumi up` can reach and administer the cluster it deploys into, and when a
 * failing app cannot make the nodes look unhealthy. Each rule names the missing link.
 */
import type { PolicyResource } from "@pulumi/policy";
import { admittedBy } from "../../components/lib/deployer";
import { integer, stringList, text } from "../config";
import { EksClusterProps, TARGET_GROUP_TYPES, TYPES } from "./aws-types";
import { describe, knownItems, knownNumber, knownString, listLength, ofType, read, stackRule, UNKNOWN } from "./kit";
import { refersTo } from "./data";
import { containers, isKubernetesNodeGroup, traceServingPaths, workloadRedundancy } from "./serving-trace";

export const servingPathBound = stackRule(
  {
    name: "serving-path-bound",
    description: "Every target group a listener forwards to is bound (TargetGroupBinding of the target group's target type) to a Service of the same stack whose pods have a readiness probe on the target group's health path, and the load balancer's security groups let it reach those pods on the target and health-check ports (egress from its groups, ingress on the pods' groups).",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps: "Bind the target group with a TargetGroupBinding (elbv2.k8s.aws/v1beta1) of the target group's targetType to a Service whose Deployment's containers probe the target group's health path for readiness; components/service.ts does all of it. Open the network both ways: an egress rule on the load balancer's security group to the nodes' security group on the pods' port, and an ingress rule on the nodes' group from the load balancer's (NodePool's `loadBalancer` adds both).",
  },
  (resources, { report }) => {
    for (const path of traceServingPaths(resources)) {
      if (path.missing && path.missing.link !== "dns-record") report(`missing ${path.missing.link}: ${path.missing.message}.`, (path.binding ?? path.targetGroup).urn);
    }
  },
);

export const servingWorkloadRedundant = stackRule<{ minReplicas: number }>(
  {
    name: "serving-workload-redundant",
    description: "A workload behind a load balancer keeps at least two pods, spreads them over AZs and has a PodDisruptionBudget that lets drains take one pod at a time.",
    enforcementLevel: "mandatory",
    severity: "high",
    thresholds: { minReplicas: integer(2, "Pods a serving workload keeps at least (its autoscaler's minimum, else its replicas).", { minimum: 2 }) },
    remediationSteps: "Give the HorizontalPodAutoscaler (or the Deployment) at least two replicas, a topologySpreadConstraint on topology.kubernetes.io/zone, and a PodDisruptionBudget with maxUnavailable: 1.",
  },
  (resources, { report, config }) => {
    const seen = new Set<string>();
    for (const path of traceServingPaths(resources)) {
      const workload = path.workload;
      if (!workload || seen.has(workload.urn)) continue;
      seen.add(workload.urn);
      const r = workloadRedundancy(workload, resources);
      if (r.floor !== undefined && r.floor < config.minReplicas) {
        report(`${describe(workload)} serves target group ${path.targetGroup.name} with at least ${r.floor} pod(s)${r.autoscaler ? ` (autoscaler ${r.autoscaler.name}'s minimum)` : ""}; keep at least ${config.minReplicas} so a pod or node loss leaves it serving.`, workload.urn);
      }
      if (r.spreadsOverZones === false) report(`${describe(workload)} does not spread its pods over AZs: add a topologySpreadConstraint on topology.kubernetes.io/zone.`, workload.urn);
      if (!r.disruptionBudget) report(`missing PodDisruptionBudget: ${describe(workload)} has none, so a node drain may take all its pods at once.`, workload.urn);
      else if (r.budgetAllowsDrain === false) report(`PodDisruptionBudget ${r.disruptionBudget.name} never lets a pod of ${workload.name} go: drains and instance refreshes would stall; use maxUnavailable: 1.`, r.disruptionBudget.urn);
    }
  },
);

/** An RDS hostname anywhere in a value (a bare host, host:port, or a connection URL). */
const RDS_HOST = /[a-z0-9][a-z0-9.-]*\.rds\.amazonaws\.com(?:\.cn)?/gi;
/** Aurora and RDS resources whose outputs are hostnames the stack's VPC reaches. */
const DATABASE_ENDPOINT_TYPES = [
  "aws:rds/cluster:Cluster",
  "aws:rds/clusterEndpoint:ClusterEndpoint",
  "aws:rds/clusterInstance:ClusterInstance",
  "aws:rds/instance:Instance",
  "aws:rds/proxy:Proxy",
  "aws:rds/proxyEndpoint:ProxyEndpoint",
];
const ENDPOINT_PROPS = ["endpoint", "readerEndpoint", "address"] as const;
/** What connects a VPC to another one: with any of these, routing is beyond this rule. */
const VPC_LINK_TYPES = [
  "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
  "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter",
  "aws:ec2transitgateway/vpcAttachment:VpcAttachment",
  "aws:ec2transitgateway/vpcAttachmentAccepter:VpcAttachmentAccepter",
];

export const servingDatabaseReachable = stackRule(
  {
    name: "serving-database-reachable",
    description: "The database hosts a serving workload's containers are given (Aurora/RDS endpoints and RDS Proxy endpoints in their environment) belong to a database of the same stack: a regional stack has one VPC. A global writer endpoint resolves to the writer's private addresses in the primary region's VPC, and another region's endpoint to that region's: without VPC peering or a transit gateway, connections there hang until they time out. (A single-stack program spanning regions is judged by stack, not by VPC.)",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps: "Give the pods this region's endpoints: the cluster's reader endpoint, and its cluster endpoint for writes (RegionalDatabase.localWriterEndpoint, a writer whenever the region's cluster is promoted). Or connect the VPCs (peering or a transit gateway) and route the database port.",
  },
  (resources, { report }) => {
    if (ofType(resources, VPC_LINK_TYPES).length > 0) return;
    const reachable = new Set<string>();
    for (const db of ofType(resources, DATABASE_ENDPOINT_TYPES)) {
      for (const key of ENDPOINT_PROPS) {
        const host = knownString(() => (db.props as Record<string, unknown>)[key]);
        if (host) reachable.add(host.toLowerCase());
      }
    }
    const seen = new Set<string>();
    for (const path of traceServingPaths(resources)) {
      const workload = path.workload;
      if (!workload || seen.has(workload.urn)) continue;
      seen.add(workload.urn);
      for (const container of containers(workload)) {
        for (const variable of knownItems(() => container.env as { name?: unknown; value?: unknown }[])) {
          const value = knownString(() => variable.value);
          for (const host of value?.match(RDS_HOST) ?? []) {
            if (reachable.has(host.toLowerCase())) continue;
            const global = /\.global\.rds\.amazonaws\.com/i.test(host);
            report(
              `unreachable database: ${describe(workload)} gives its pods ${String(read(() => variable.name))}=${host}, ${global ? "a global writer endpoint (it resolves into the writer region's VPC)" : "not an endpoint of this stack's databases"}; this stack's VPC has no peering or transit gateway to reach it. Use this region's cluster endpoints.`,
              workload.urn,
            );
          }
        }
      }
    }
  },
);

const CLUSTER_ADMIN_POLICY = "AmazonEKSClusterAdminPolicy";
const KUBERNETES = (r: PolicyResource) => r.type.startsWith("kubernetes:");
const INGRESS_RULE_TYPES = [TYPES.ingressRule, TYPES.securityGroupRule];

const PREFIX_LIST_TYPE = "aws:ec2/managedPrefixList:ManagedPrefixList";
const SECURITY_GROUP_TYPE = TYPES.securityGroup;

/** What the private endpoint admits on 443: CIDRs, and sources this pack cannot resolve to CIDRs (a security group's members, a prefix list of another stack). */
interface EndpointSources {
  cidrs: string[];
  opaque: string[];
}

/** Does a rule's protocol and port range take 443? */
function takes443(protocol: unknown, from: number | undefined, to: number | undefined): boolean {
  return protocol === "-1" || protocol === -1 || (from !== undefined && to !== undefined && from <= 443 && 443 <= to);
}

/**
 * Sources the private endpoint admits on 443. The endpoint's network interfaces carry the cluster
 * security group and the cluster's own `vpcConfig.securityGroupIds`, so rules on any of them count,
 * standalone rules as well as a security group's inline ingress. A prefix list of the stack
 * resolves to its entries; another source (a security group, an unknown prefix list) is opaque:
 * it may hold the deployer, and the rule does not claim otherwise. UNKNOWN when some source is not
 * known yet.
 */
function privateEndpointSources(cluster: PolicyResource, resources: readonly PolicyResource[]): EndpointSources | typeof UNKNOWN {
  const props = cluster.props as EksClusterProps & { vpcConfig?: { clusterSecurityGroupId?: string } };
  const ids = new Set<string>(knownItems(() => props.vpcConfig?.securityGroupIds));
  const clusterSg = knownString(() => props.vpcConfig?.clusterSecurityGroupId);
  if (clusterSg) ids.add(clusterSg);
  // The cluster's own URN stands for its (computed) cluster security group; the extra groups' URNs for theirs.
  const urns = new Set<string>([cluster.urn, ...(cluster.propertyDependencies.vpcConfig ?? []).map((d) => d.urn)]);
  const groups = ofType(resources, SECURITY_GROUP_TYPE).filter((g) => ids.has(knownString(() => (g.props as { id?: string }).id) ?? "") || urns.has(g.urn));
  const prefixLists = ofType(resources, PREFIX_LIST_TYPE);
  const ownGroups = new Set(ofType(resources, SECURITY_GROUP_TYPE).map((g) => g.urn));
  const ownGroupIds = new Set(ofType(resources, SECURITY_GROUP_TYPE).map((g) => knownString(() => (g.props as { id?: string }).id)).filter((id): id is string => id !== undefined));
  if (clusterSg) ownGroupIds.add(clusterSg);
  const out: EndpointSources = { cidrs: [], opaque: [] };
  let unknown = false;
  const admit = (p: Record<string, any>, rule: PolicyResource | undefined) => {
    const listed = read(() => p.cidrIpv4 ?? p.cidrBlocks);
    if (listed === UNKNOWN) unknown = true;
    else if (listed !== undefined) out.cidrs.push(...(Array.isArray(listed) ? listed : [listed]).filter((c): c is string => typeof c === "string"));
    const lists = read(() => p.prefixListId ?? p.prefixListIds ?? p.sourcePrefixListIds);
    if (lists === UNKNOWN) unknown = true;
    for (const id of lists === UNKNOWN || lists === undefined ? [] : Array.isArray(lists) ? lists : [lists]) {
      const byDependency = rule ? (rule.propertyDependencies.prefixListId ?? []).map((d) => d.urn) : [];
      const list = prefixLists.find((l) => knownString(() => (l.props as { id?: string }).id) === id || byDependency.includes(l.urn));
      const entries = list ? read(() => (list.props as { entries?: { cidr?: string }[] }).entries) : undefined;
      if (entries === UNKNOWN) unknown = true;
      else if (list && entries) out.cidrs.push(...knownItems(() => entries).map((e) => knownString(() => e.cidr)).filter((c): c is string => c !== undefined));
      else out.opaque.push(`prefix list ${String(id)}`);
    }
    // A source security group of this stack holds the stack's own nodes, scrapers or endpoints,
    // never the deploy runners: only one from elsewhere (the runners', by id) may hold them.
    const sourceDeps = rule ? [...(rule.propertyDependencies.referencedSecurityGroupId ?? []), ...(rule.propertyDependencies.sourceSecurityGroupId ?? [])].map((d) => d.urn) : [];
    if (sourceDeps.some((urn) => ownGroups.has(urn))) return;
    const source = read(() => p.referencedSecurityGroupId ?? p.sourceSecurityGroupId ?? p.securityGroups);
    for (const sg of source === UNKNOWN || source === undefined ? [] : Array.isArray(source) ? source : [source]) {
      if (!ownGroupIds.has(String(sg))) out.opaque.push(`security group ${String(sg)}`);
    }
  };
  for (const rule of ofType(resources, INGRESS_RULE_TYPES)) {
    const p = rule.props as Record<string, any>;
    const target = read(() => p.securityGroupId);
    const onEndpoint = (typeof target === "string" && ids.has(target)) || (rule.propertyDependencies.securityGroupId ?? []).some((d) => urns.has(d.urn) || groups.some((g) => g.urn === d.urn));
    if (!onEndpoint) continue;
    if (rule.type.includes("securityGroupRule:") && read(() => p.type) !== "ingress") continue;
    if (!takes443(read(() => p.ipProtocol ?? p.protocol), knownNumber(() => p.fromPort), knownNumber(() => p.toPort))) continue;
    admit(p, rule);
  }
  for (const group of groups) {
    const ingress = read(() => (group.props as { ingress?: Record<string, any>[] }).ingress);
    if (ingress === UNKNOWN) unknown = true;
    for (const p of ingress === UNKNOWN ? [] : knownItems(() => ingress)) if (takes443(read(() => p.protocol), knownNumber(() => p.fromPort), knownNumber(() => p.toPort))) admit(p, undefined);
  }
  return unknown ? UNKNOWN : out;
}

export const kubernetesDeployerAccess = stackRule<{ deployIdentityArn: string; deployerNetwork: string; deployerCidrs: string[] }>(
  {
    name: "kubernetes-deployer-access",
    description: "A stack with Kubernetes resources has an EKS cluster whose API the deployer's network reaches and an access entry with cluster-admin for the deploy identity.",
    enforcementLevel: "mandatory",
    severity: "critical",
    thresholds: {
      deployIdentityArn: text("", "IAM role that runs `pulumi up`; empty = any cluster-admin access entry counts."),
      deployerNetwork: text("", "public, private, or empty (either path counts)."),
      deployerCidrs: stringList([], "CIDRs the deploy runners connect from; empty = any allowed CIDR counts."),
    },
    remediationSteps: "List the runners' CIDRs on the public endpoint (publicAccessCidrs) or admit their connected network to the cluster security group on 443, and give the deploy role an access entry with AmazonEKSClusterAdminPolicy.",
  },
  (resources, { report, config }) => {
    if (!resources.some(KUBERNETES)) return;
    const entries = ofType(resources, "aws:eks/accessEntry:AccessEntry");
    const associations = ofType(resources, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation");
    for (const cluster of ofType(resources, TYPES.eksCluster)) {
      const vpc = read(() => (cluster.props as EksClusterProps).vpcConfig);
      if (vpc === UNKNOWN) continue;
      const publicOn = read(() => vpc?.endpointPublicAccess);
      const publicCidrs = read(() => vpc?.publicAccessCidrs);
      const privateOn = read(() => vpc?.endpointPrivateAccess);
      const privateSources = privateEndpointSources(cluster, resources);
      if (publicOn === UNKNOWN || publicCidrs === UNKNOWN || privateOn === UNKNOWN || privateSources === UNKNOWN) continue;
      // AWS defaults: public endpoint on, open to 0.0.0.0/0, when the fields are unset.
      const publicAllowed = publicOn === false ? [] : knownItems(() => vpc?.publicAccessCidrs).length ? knownItems(() => vpc?.publicAccessCidrs) : ["0.0.0.0/0"];
      const privateAllowed = privateOn === true ? privateSources.cidrs : [];
      // A source the pack cannot resolve (a runner security group's members) may be the deployer: not a violation.
      const privateOpaque = privateOn === true && privateSources.opaque.length > 0 && config.deployerNetwork !== "public";
      const paths = config.deployerNetwork === "public" ? [publicAllowed] : config.deployerNetwork === "private" ? [privateAllowed] : [publicAllowed, privateAllowed];
      const reaches = privateOpaque || (config.deployerCidrs.length
        ? config.deployerCidrs.every((cidr) => paths.some((allowed) => admittedBy(cidr, allowed)))
        : paths.some((allowed) => allowed.length > 0));
      if (!reaches) {
        const wanted = config.deployerCidrs.length ? config.deployerCidrs.join(", ") : "any deployer network";
        report(`missing deployer CIDRs: ${describe(cluster)} admits ${wanted} on neither ${config.deployerNetwork === "private" ? "its private endpoint (its security groups on 443)" : config.deployerNetwork === "public" ? "its public endpoint (publicAccessCidrs)" : "endpoint"}; the Kubernetes resources of this stack cannot be deployed.`, cluster.urn);
      }
      const clusterName = knownString(() => (cluster.props as { name?: string }).name);
      const ofCluster = (r: PolicyResource) => {
        const name = read(() => (r.props as { clusterName?: string }).clusterName);
        return name === clusterName || (r.propertyDependencies.clusterName ?? []).some((d) => d.urn === cluster.urn);
      };
      const admins = associations.filter((a) => ofCluster(a) && (knownString(() => (a.props as { policyArn?: string }).policyArn) ?? "").endsWith(`/${CLUSTER_ADMIN_POLICY}`)
        && read(() => (a.props as { accessScope?: { type?: string } }).accessScope?.type) === "cluster");
      const principals = admins.map((a) => knownString(() => (a.props as { principalArn?: string }).principalArn));
      const entered = entries.filter(ofCluster).map((e) => knownString(() => (e.props as { principalArn?: string }).principalArn));
      const wantedPrincipal = config.deployIdentityArn;
      // With bootstrapClusterCreatorAdminPermissions (EKS's default when unset), whoever creates
      // the cluster (the deploy identity, which runs `pulumi up`) gets cluster-admin without an
      // entry of its own; unknown during a preview counts as not judged.
      const bootstrap = read(() => (cluster.props as { accessConfig?: { bootstrapClusterCreatorAdminPermissions?: boolean } }).accessConfig?.bootstrapClusterCreatorAdminPermissions);
      if (bootstrap === UNKNOWN) continue;
      // Only the creator gets it: with a named deploy identity (which may not be the role that
      // created the cluster) its own entry is still required.
      const creatorIsAdmin = bootstrap !== false && !wantedPrincipal;
      const ok = creatorIsAdmin || (wantedPrincipal ? principals.includes(wantedPrincipal) && entered.includes(wantedPrincipal) : admins.length > 0);
      if (!ok) {
        report(`missing access entry: ${describe(cluster)} has no cluster-admin access entry for ${wantedPrincipal || "any principal"}; with bootstrapClusterCreatorAdminPermissions false, the deployer gets 401 from the API.`, cluster.urn);
      }
    }
  },
);

const KUBE_PROXY_HEALTH_PORT = "10256";

export const kubernetesNodeHealthOwn = stackRule(
  {
    name: "kubernetes-node-health-own",
    description: "Auto Scaling groups of Kubernetes nodes judge nodes by their own health (EC2), not by an app's target-group health check.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Use healthCheckType \"EC2\" on node groups and register pods (ip targets, TargetGroupBinding) instead of nodes.",
  },
  (resources, { report }) => {
    const groups = ofType(resources, TARGET_GROUP_TYPES);
    for (const asg of ofType(resources, TYPES.asg).filter(isKubernetesNodeGroup)) {
      if (read(() => (asg.props as { healthCheckType?: string }).healthCheckType) !== "ELB") continue;
      const listed = listLength(() => (asg.props as { targetGroupArns?: string[] }).targetGroupArns);
      if (listed === UNKNOWN) continue;
      const arns = knownItems(() => (asg.props as { targetGroupArns?: string[] }).targetGroupArns);
      // During a preview a new target group's ARN is unknown (the engine hands the rule an unknown
      // element, not the ARN): the group is then found through the property's dependencies.
      const attached = groups.filter((g) => refersTo(asg, "targetGroupArns", g, null) || arns.some((arn) => refersTo(asg, "targetGroupArns", g, arn)));
      // An unknown ARN no dependency names, or an unknown health-check port: not judged at this
      // preview (`pulumi up` judges it with the values), rather than refused for what it may be.
      if (arns.length < listed && attached.length < listed) continue;
      const ports = attached.map((g) => read(() => (g.props as { healthCheck?: { port?: string } }).healthCheck?.port));
      if (ports.includes(UNKNOWN)) continue;
      // An ELB check on kube-proxy's health port asks the node itself: that one is fine.
      const nodeOwn = attached.length > 0 && ports.every((port) => String(port) === KUBE_PROXY_HEALTH_PORT);
      if (!nodeOwn) report(`${describe(asg)} runs Kubernetes nodes with ELB health checks: when an app behind the target group fails, every node fails the check and the group replaces the region's nodes in a loop. Use healthCheckType "EC2".`, asg.urn);
    }
  },
);

export const SERVING_PATH_POLICIES = [servingPathBound, servingWorkloadRedundant, servingDatabaseReachable, kubernetesDeployerAccess, kubernetesNodeHealthOwn];
