/**
 * The serving-path rules over a regional stack as the fake cloud records it: the fixtures'
 * region, turned into one that serves (ip target group, Kubernetes node group, the service's
 * Kubernetes objects, the deployer's access), then broken one link at a time.
 */
import { describe, expect, it } from "vitest";
import { evaluateStack, PolicyConfig, Violation } from "../../policies/evaluate";
import type { RecordedResource } from "../../tools/fake-cloud";
import { arnOf, environment, ofPolicy, patch, recorded, RegionSlice } from "./fixtures";

const DEPLOYER = "arn:aws:iam::123456789012:role/platform-deploy";
const CLUSTER_NAME = "prod-us-east-1";

interface Serving {
  slice: RegionSlice;
  provider: RecordedResource;
  binding: RecordedResource;
  service: RecordedResource;
  deployment: RecordedResource;
  hpa: RecordedResource;
  pdb: RecordedResource;
  entry: RecordedResource;
  association: RecordedResource;
  all(): RecordedResource[];
}

const labels = { "app.kubernetes.io/name": "web" };
const probe = { httpGet: { path: "/healthz", port: "http" } };

/** The fixtures' primary region, made to serve the way components/region.ts builds it. */
function serving(): Serving {
  const env = environment();
  const slice = env.primary;
  const o = { stack: `prod-${slice.region}`, region: slice.region };
  patch(slice.targetGroup, { targetType: "ip", port: 8080, healthCheck: { path: "/healthz", port: "traffic-port", matcher: "200" } });
  patch(slice.asg, { healthCheckType: "EC2", targetGroupArns: [], tags: [{ key: `kubernetes.io/cluster/${CLUSTER_NAME}`, value: "owned", propagateAtLaunch: true }] });
  patch(slice.eks, { name: CLUSTER_NAME, accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false }, vpcConfig: { ...(slice.eks.inputs.vpcConfig as object), endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.16/28"] } });
  const provider = recorded("pulumi:providers:kubernetes", "k8s", { kubeconfig: "[secret]" }, o);
  const k8s = (type: string, name: string, inputs: Record<string, unknown>) => ({ ...recorded(type, name, inputs, o), provider: provider.urn });
  const metadata = { name: "web", namespace: "app", labels };
  const service = k8s("kubernetes:core/v1:Service", "service", { metadata, spec: { type: "ClusterIP", selector: labels, ports: [{ name: "http", port: 80, targetPort: "http" }] } });
  const binding = k8s("kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding", "binding", {
    apiVersion: "elbv2.k8s.aws/v1beta1",
    kind: "TargetGroupBinding",
    metadata: { namespace: "app" },
    spec: { serviceRef: { name: "web", port: 80 }, targetGroupARN: arnOf(slice.targetGroup), targetType: "ip" },
  });
  const deployment = k8s("kubernetes:apps/v1:Deployment", "deployment", {
    metadata,
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: labels } }],
          containers: [{ name: "web", image: "nginx", ports: [{ name: "http", containerPort: 8080 }], readinessProbe: probe, livenessProbe: probe }],
        },
      },
    },
  });
  const hpa = k8s("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "hpa", { metadata, spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, minReplicas: 3, maxReplicas: 12 } });
  const pdb = k8s("kubernetes:policy/v1:PodDisruptionBudget", "pdb", { metadata, spec: { maxUnavailable: 1, selector: { matchLabels: labels } } });
  const entry = recorded("aws:eks/accessEntry:AccessEntry", "deployer", { clusterName: CLUSTER_NAME, principalArn: DEPLOYER, type: "STANDARD" }, o);
  const association = recorded("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "deployer", {
    clusterName: CLUSTER_NAME,
    principalArn: DEPLOYER,
    policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
    accessScope: { type: "cluster" },
  }, o);
  const s: Serving = {
    slice, provider, binding, service, deployment, hpa, pdb, entry, association,
    all: () => [...slice.all(), s.provider, s.binding, s.service, s.deployment, s.hpa, s.pdb, s.entry, s.association].filter((r) => r !== undefined),
  };
  return s;
}

const DEPLOYER_CONFIG: PolicyConfig = { "kubernetes-deployer-access": { deployIdentityArn: DEPLOYER, deployerNetwork: "public", deployerCidrs: ["203.0.113.16/28"] } };
const SERVING_POLICIES = ["serving-path-bound", "serving-workload-redundant", "serving-database-reachable", "kubernetes-deployer-access", "kubernetes-node-health-own", "asg-elb-health-check"];

/** Violations of the serving-path rules after `breakIt` (resources filtered by `keep`). */
function run(breakIt: (s: Serving) => void = () => undefined, config: PolicyConfig = DEPLOYER_CONFIG, keep: (r: RecordedResource) => boolean = () => true): Violation[] {
  const s = serving();
  breakIt(s);
  const resources = s.all().filter(keep);
  const violations = evaluateStack({ stack: `prod-${s.slice.region}`, role: "region", region: s.slice.region, resources }, config);
  return violations.filter((v) => SERVING_POLICIES.includes(v.policy));
}
const without = (pick: (s: Serving) => RecordedResource) => {
  let removed: string | undefined;
  return {
    breakIt: (s: Serving) => { removed = pick(s).urn; },
    keep: (r: RecordedResource) => r.urn !== removed,
  };
};
const only = (vs: Violation[]) => vs.map((v) => `${v.policy}: ${v.message}`);

describe("a region that serves", () => {
  it("passes every serving-path rule", () => {
    expect(only(run())).toEqual([]);
  });
});

describe("serving-path-bound", () => {
  it("fails a target group no TargetGroupBinding binds, naming the binding", () => {
    const { breakIt, keep } = without((s) => s.binding);
    const vs = ofPolicy(run(breakIt, DEPLOYER_CONFIG, keep), "serving-path-bound");
    expect(vs.map((v) => v.message)).toEqual([expect.stringMatching(/^missing binding: target group ingress gets traffic from a listener but no TargetGroupBinding/)]);
    expect(vs[0].enforcementLevel).toBe("mandatory");
  });

  it("fails a binding whose Service the stack does not create, naming the Service", () => {
    const { breakIt, keep } = without((s) => s.service);
    expect(ofPolicy(run(breakIt, DEPLOYER_CONFIG, keep), "serving-path-bound").map((v) => v.message)).toEqual([expect.stringMatching(/^missing service: TargetGroupBinding binding .* names Service web in namespace app/)]);
  });

  it("takes Kubernetes objects a preview plans with no properties (their provider not configured yet) as unknown links, not missing ones", () => {
    const emptied = (pick: (s: Serving) => RecordedResource) => (s: Serving) => {
      const r = pick(s);
      for (const bag of [r.inputs, r.outputs]) for (const key of Object.keys(bag)) delete bag[key];
    };
    for (const pick of [(s: Serving) => s.binding, (s: Serving) => s.service, (s: Serving) => s.deployment]) {
      expect(only(run(emptied(pick), DEPLOYER_CONFIG))).toEqual([]);
    }
    // A binding that names nothing, with its properties known, is still a missing link.
    const { breakIt, keep } = without((s) => s.service);
    expect(ofPolicy(run(breakIt, DEPLOYER_CONFIG, keep), "serving-path-bound")).toHaveLength(1);
  });

  it("fails a Service that selects no pods", () => {
    const { breakIt, keep } = without((s) => s.deployment);
    expect(ofPolicy(run(breakIt, DEPLOYER_CONFIG, keep), "serving-path-bound").map((v) => v.message)).toEqual([expect.stringMatching(/^missing pods: Service service .* selects no Deployment/)]);
  });

  it("fails pods without a readiness probe on the target group's health path, naming the probe", () => {
    const vs = run((s) => {
      const container = (s.deployment.outputs.spec as any).template.spec.containers[0];
      container.readinessProbe = { httpGet: { path: "/", port: "http" } };
    });
    expect(ofPolicy(vs, "serving-path-bound").map((v) => v.message)).toEqual([expect.stringMatching(/^missing readiness-probe: target group ingress: deployment has no readiness probe on \/healthz/)]);
    const noProbe = run((s) => delete (s.deployment.outputs.spec as any).template.spec.containers[0].readinessProbe);
    expect(ofPolicy(noProbe, "serving-path-bound")).toHaveLength(1);
  });

  it("follows a named health-check port and a target group of another path", () => {
    const vs = run((s) => patch(s.slice.targetGroup, { healthCheck: { path: "/ready", port: "traffic-port" } }));
    expect(ofPolicy(vs, "serving-path-bound")[0].message).toContain("no readiness probe on /ready");
  });

  it("binds in the binding's cluster only: a same-named Service of another cluster does not count", () => {
    const vs = run((s) => {
      s.service.provider = "urn:pulumi:prod-us-east-1::platform::pulumi:providers:kubernetes::other-cluster";
    });
    expect(ofPolicy(vs, "serving-path-bound").map((v) => v.message)).toEqual([expect.stringMatching(/^missing service:/)]);
  });

  it("leaves target groups served by non-Kubernetes instances to the instance rules", () => {
    const vs = run((s) => patch(s.slice.asg, { tags: [], healthCheckType: "ELB", targetGroupArns: [arnOf(s.slice.targetGroup)] }), DEPLOYER_CONFIG, (r) => !r.type.startsWith("kubernetes:"));
    expect(ofPolicy(vs, "serving-path-bound")).toEqual([]);
  });
});

describe("serving-workload-redundant", () => {
  it("fails a serving workload with one pod, or without a zone spread, naming them", () => {
    const single = run((s) => patch(s.hpa, { spec: { ...(s.hpa.outputs.spec as object), minReplicas: 1 } }));
    expect(ofPolicy(single, "serving-workload-redundant").map((v) => v.message)).toEqual([expect.stringMatching(/at least 1 pod\(s\) \(autoscaler hpa's minimum\); keep at least 2/)]);
    const { breakIt, keep } = without((s) => s.hpa);
    // Without its autoscaler, the Deployment's replicas count (1 when unset).
    expect(ofPolicy(run(breakIt, DEPLOYER_CONFIG, keep), "serving-workload-redundant")[0].message).toMatch(/at least 1 pod\(s\); keep at least 2/);
    const unspread = run((s) => delete (s.deployment.outputs.spec as any).template.spec.topologySpreadConstraints);
    expect(ofPolicy(unspread, "serving-workload-redundant")[0].message).toMatch(/does not spread its pods over AZs/);
  });

  it("fails a serving workload without a PodDisruptionBudget, or with one that never lets a pod go", () => {
    const { breakIt, keep } = without((s) => s.pdb);
    expect(ofPolicy(run(breakIt, DEPLOYER_CONFIG, keep), "serving-workload-redundant")[0].message).toMatch(/^missing PodDisruptionBudget: /);
    const stuck = run((s) => patch(s.pdb, { spec: { maxUnavailable: 0, selector: { matchLabels: labels } } }));
    expect(ofPolicy(stuck, "serving-workload-redundant")[0].message).toMatch(/never lets a pod of deployment go/);
  });
});

describe("serving-database-reachable", () => {
  const WRITER = "db.cluster-abc123.us-east-1.rds.amazonaws.com";
  const READER = "db.cluster-ro-abc123.us-east-1.rds.amazonaws.com";
  /** The serving pods given these database variables, the region's cluster having its endpoints. */
  const withEnv = (env: Record<string, string>, extra: (s: Serving) => RecordedResource[] = () => []) => {
    const s = serving();
    s.slice.db.outputs = { ...s.slice.db.outputs, endpoint: WRITER, readerEndpoint: READER };
    (s.deployment.outputs.spec as any).template.spec.containers[0].env = Object.entries(env).map(([name, value]) => ({ name, value }));
    const resources = [...s.all(), ...extra(s)];
    return ofPolicy(evaluateStack({ stack: `prod-${s.slice.region}`, role: "region", region: s.slice.region, resources }, DEPLOYER_CONFIG), "serving-database-reachable");
  };

  it("passes pods given their own region's cluster endpoints", () => {
    expect(withEnv({ DB_WRITER_HOST: WRITER, DB_READER_HOST: READER, DB_PORT: "5432" })).toEqual([]);
  });

  it("fails pods given the global writer endpoint, or another region's endpoint inside a URL, naming the variable", () => {
    const global = withEnv({ DB_WRITER_HOST: "prod-global.global-0a1b2c3d4e5f.global.rds.amazonaws.com", DB_READER_HOST: READER });
    expect(global.map((v) => v.message)).toEqual([expect.stringMatching(/^unreachable database: deployment .* DB_WRITER_HOST=prod-global\.global-0a1b2c3d4e5f\.global\.rds\.amazonaws\.com, a global writer endpoint \(it resolves into the writer region's VPC\)/)]);
    expect(global[0].enforcementLevel).toBe("mandatory");
    const elsewhere = withEnv({ DATABASE_URL: "postgres://app@db.cluster-ro-ffff.us-west-2.rds.amazonaws.com:5432/app" });
    expect(elsewhere.map((v) => v.message)).toEqual([expect.stringMatching(/DATABASE_URL=db\.cluster-ro-ffff\.us-west-2\.rds\.amazonaws\.com, not an endpoint of this stack's databases/)]);
  });

  it("accepts the stack's own RDS Proxy endpoint", () => {
    const proxy = (s: Serving) => [recorded("aws:rds/proxy:Proxy", "proxy", { engineFamily: "POSTGRESQL" }, { stack: `prod-${s.slice.region}`, region: s.slice.region, outputs: { endpoint: "app.proxy-abc123.us-east-1.rds.amazonaws.com" } })];
    expect(withEnv({ DB_WRITER_HOST: "app.proxy-abc123.us-east-1.rds.amazonaws.com" }, proxy)).toEqual([]);
    expect(withEnv({ DB_WRITER_HOST: "app.proxy-abc123.us-east-1.rds.amazonaws.com" })).toHaveLength(1);
  });

  it("leaves routing to the operator when the VPC is peered or attached to a transit gateway", () => {
    const peering = (s: Serving) => [recorded("aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "to-west", { vpcId: "vpc-east", peerVpcId: "vpc-west", peerRegion: "us-west-2" }, { stack: `prod-${s.slice.region}`, region: s.slice.region })];
    expect(withEnv({ DB_WRITER_HOST: "prod-global.global-0a1b2c3d4e5f.global.rds.amazonaws.com" }, peering)).toEqual([]);
  });
});

describe("kubernetes-deployer-access", () => {
  it("fails a cluster whose API the deployer's CIDRs do not reach, naming the deployer CIDRs", () => {
    const closed = run((s) => patch(s.slice.eks, { vpcConfig: { ...(s.slice.eks.outputs.vpcConfig as object), endpointPublicAccess: false, publicAccessCidrs: [] } }));
    expect(ofPolicy(closed, "kubernetes-deployer-access").map((v) => v.message)).toEqual([expect.stringMatching(/^missing deployer CIDRs: cluster \(eks.Cluster\) admits 203\.0\.113\.16\/28 on neither its public endpoint/)]);
    const elsewhere = run((s) => patch(s.slice.eks, { vpcConfig: { ...(s.slice.eks.outputs.vpcConfig as object), publicAccessCidrs: ["198.51.100.0/24"] } }));
    expect(ofPolicy(elsewhere, "kubernetes-deployer-access")).toHaveLength(1);
  });

  it("accepts a private path: the connected network admitted on 443 by the cluster security group", () => {
    const config: PolicyConfig = { "kubernetes-deployer-access": { deployIdentityArn: DEPLOYER, deployerNetwork: "private", deployerCidrs: ["10.200.0.0/20"] } };
    const evaluate = (admitted: string) => {
      const s = serving();
      patch(s.slice.eks, { vpcConfig: { ...(s.slice.eks.outputs.vpcConfig as object), endpointPublicAccess: false, clusterSecurityGroupId: "sg-cluster" } });
      const rule = recorded("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "api", { securityGroupId: "sg-cluster", cidrIpv4: admitted, ipProtocol: "tcp", fromPort: 443, toPort: 443 }, { stack: "prod-us-east-1", region: "us-east-1" });
      return ofPolicy(evaluateStack({ stack: "prod-us-east-1", role: "region", region: "us-east-1", resources: [...s.all(), rule] }, config), "kubernetes-deployer-access");
    };
    expect(evaluate("10.200.0.0/16")).toEqual([]);
    expect(evaluate("10.99.0.0/24").map((v) => v.message)).toEqual([expect.stringMatching(/^missing deployer CIDRs: .*its private endpoint/)]);
  });

  it("counts the cluster's extra security groups, prefix lists of the stack, and a runner security group as the private path's sources", () => {
    const config: PolicyConfig = { "kubernetes-deployer-access": { deployIdentityArn: DEPLOYER, deployerNetwork: "private", deployerCidrs: ["10.200.0.0/20"] } };
    const o = { stack: "prod-us-east-1", region: "us-east-1" };
    const evaluate = (...extra: ReturnType<typeof recorded>[]) => {
      const s = serving();
      patch(s.slice.eks, { vpcConfig: { ...(s.slice.eks.outputs.vpcConfig as object), endpointPublicAccess: false, clusterSecurityGroupId: "sg-cluster", securityGroupIds: ["sg-api"] } });
      return ofPolicy(evaluateStack({ stack: "prod-us-east-1", role: "region", region: "us-east-1", resources: [...s.all(), ...extra] }, config), "kubernetes-deployer-access").map((v) => v.message);
    };
    const inline = (cidr: string) => recorded("aws:ec2/securityGroup:SecurityGroup", "api", { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [cidr] }] }, { ...o, id: "sg-api", outputs: { id: "sg-api" } });
    expect(evaluate(inline("10.200.0.0/16"))).toEqual([]);
    expect(evaluate(inline("10.99.0.0/24"))).toEqual([expect.stringMatching(/^missing deployer CIDRs: .*its private endpoint \(its security groups on 443\)/)]);
    const list = recorded("aws:ec2/managedPrefixList:ManagedPrefixList", "runners", { addressFamily: "IPv4", maxEntries: 5, entries: [{ cidr: "10.200.0.0/20" }] }, { ...o, id: "pl-runners", outputs: { id: "pl-runners" } });
    const viaList = recorded("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "api-runners", { securityGroupId: "sg-api", prefixListId: "pl-runners", ipProtocol: "tcp", fromPort: 443, toPort: 443 }, o);
    expect(evaluate(list, viaList)).toEqual([]);
    patch(list, { entries: [{ cidr: "10.99.0.0/24" }] });
    expect(evaluate(list, viaList)).toHaveLength(1);
    // The runners' own security group: its members are unknown to the pack, so it is not a violation.
    expect(evaluate(recorded("aws:ec2/securityGroupRule:SecurityGroupRule", "api-sg", { type: "ingress", securityGroupId: "sg-cluster", sourceSecurityGroupId: "sg-runners", protocol: "tcp", fromPort: 443, toPort: 443 }, o))).toEqual([]);
    // The stack's own security groups (nodes, scrapers) hold no deploy runner: with their rules
    // on the endpoint, a wrong CIDR is still missing.
    const nodes = recorded("aws:ec2/securityGroup:SecurityGroup", "nodes", {}, { ...o, id: "sg-nodes", outputs: { id: "sg-nodes" } });
    const fromNodes = recorded("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "nodes-to-api", { securityGroupId: "sg-cluster", referencedSecurityGroupId: "sg-nodes", ipProtocol: "-1" }, o);
    expect(evaluate(nodes, fromNodes, inline("10.99.0.0/24"))).toEqual([expect.stringMatching(/^missing deployer CIDRs/)]);
    fromNodes.propertyDependencies = { referencedSecurityGroupId: [{ urn: nodes.urn } as never] } as never;
    fromNodes.inputs.referencedSecurityGroupId = undefined;
    expect(evaluate(nodes, fromNodes, inline("10.99.0.0/24"))).toHaveLength(1);
    // A rule on a security group the endpoint does not carry admits nothing.
    expect(evaluate(recorded("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "elsewhere", { securityGroupId: "sg-other", cidrIpv4: "10.200.0.0/16", ipProtocol: "tcp", fromPort: 443, toPort: 443 }, o))).toHaveLength(1);
  });

  it("fails a cluster without a cluster-admin access entry for the deploy identity, naming the access entry", () => {
    const { breakIt, keep } = without((s) => s.entry);
    expect(ofPolicy(run(breakIt, DEPLOYER_CONFIG, keep), "kubernetes-deployer-access").map((v) => v.message)).toEqual([
      expect.stringMatching(/^missing access entry: cluster \(eks.Cluster\) has no cluster-admin access entry for arn:aws:iam::123456789012:role\/platform-deploy/),
    ]);
    const viewer = run((s) => patch(s.association, { policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy" }));
    expect(ofPolicy(viewer, "kubernetes-deployer-access")).toHaveLength(1);
    // Unconfigured (the real pack without policy config): any cluster-admin entry counts.
    expect(ofPolicy(run(() => undefined, {}), "kubernetes-deployer-access")).toEqual([]);
  });

  it("counts the cluster creator's bootstrap admin (EKS's default) only when no deploy identity is named: the creator may be another role", () => {
    const { breakIt, keep } = without((s) => s.entry);
    for (const accessConfig of [{ authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true }, undefined]) {
      const unnamed = run((s) => { breakIt(s); patch(s.slice.eks, { accessConfig }); }, {}, keep);
      expect(ofPolicy(unnamed, "kubernetes-deployer-access"), JSON.stringify(accessConfig)).toEqual([]);
      const named = run((s) => { breakIt(s); patch(s.slice.eks, { accessConfig }); }, DEPLOYER_CONFIG, keep);
      expect(ofPolicy(named, "kubernetes-deployer-access"), JSON.stringify(accessConfig)).toHaveLength(1);
    }
  });

  it("leaves stacks without Kubernetes resources alone", () => {
    const closed = run((s) => patch(s.slice.eks, { vpcConfig: { endpointPublicAccess: false } }), DEPLOYER_CONFIG, (r) => !r.type.startsWith("kubernetes:"));
    expect(ofPolicy(closed, "kubernetes-deployer-access")).toEqual([]);
  });
});

describe("kubernetes-node-health-own", () => {
  it("fails Kubernetes nodes that an app's target-group health check can terminate", () => {
    const vs = run((s) => patch(s.slice.asg, { healthCheckType: "ELB", targetGroupArns: [arnOf(s.slice.targetGroup)] }));
    expect(ofPolicy(vs, "kubernetes-node-health-own").map((v) => v.message)).toEqual([expect.stringMatching(/runs Kubernetes nodes with ELB health checks.*Use healthCheckType "EC2"/)]);
    // The instance rule no longer asks such a group for ELB checks.
    expect(ofPolicy(run((s) => patch(s.slice.asg, { targetGroupArns: [arnOf(s.slice.targetGroup)] })), "asg-elb-health-check")).toEqual([]);
  });

  it("accepts an ELB check on kube-proxy's health port, which the node itself serves", () => {
    const vs = run((s) => {
      patch(s.slice.targetGroup, { healthCheck: { path: "/healthz", port: "10256" } });
      patch(s.slice.asg, { healthCheckType: "ELB", targetGroupArns: [arnOf(s.slice.targetGroup)] });
    }, DEPLOYER_CONFIG, (r) => !r.type.startsWith("kubernetes:"));
    expect(ofPolicy(vs, "kubernetes-node-health-own")).toEqual([]);
  });
});
