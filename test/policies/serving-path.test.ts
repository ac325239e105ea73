/**
 * The serving-path rules over a regional stack as the fake cloud records it: the fixtures'
 * region, turned into one that serves (ip target group, Kubernetes node group, the security
 * groups between the ALB and the nodes, the service's Kubernetes objects, the deployer's access),
 * then broken one link at a time.
 */
import { describe, expect, it } from "vitest";
import { policyResources } from "../../policies/arguments";
import { evaluateStack, PolicyConfig, Violation } from "../../policies/evaluate";
import { traceServingPaths } from "../../policies/rules/serving-trace";
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
  albGroup: RecordedResource;
  nodeGroup: RecordedResource;
  /** The ALB's way out, and the nodes' way in (what NodePool's `loadBalancer` adds). */
  albToPods: RecordedResource;
  podsFromAlb: RecordedResource;
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
  // The ALB's security group and the nodes' (which the pods carry), as components/ingress.ts and node-pool.ts make them.
  const albGroup = recorded("aws:ec2/securityGroup:SecurityGroup", "alb-sg", { vpcId: slice.vpc.id }, { ...o, id: "sg-alb", outputs: { id: "sg-alb" } });
  const nodeGroup = recorded("aws:ec2/securityGroup:SecurityGroup", "node-sg", { vpcId: slice.vpc.id }, { ...o, id: "sg-node", outputs: { id: "sg-node" } });
  const rule = (type: "Ingress" | "Egress", name: string, on: string, peer: string) =>
    recorded(`aws:vpc/securityGroup${type}Rule:SecurityGroup${type}Rule`, name, { securityGroupId: on, referencedSecurityGroupId: peer, ipProtocol: "tcp", fromPort: 8080, toPort: 8080 }, o);
  const albToPods = rule("Egress", "alb-to-pods", "sg-alb", "sg-node");
  const podsFromAlb = rule("Ingress", "pods-from-alb", "sg-node", "sg-alb");
  patch(slice.alb, { securityGroups: ["sg-alb"] });
  patch(slice.launchTemplate, { networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "false", securityGroups: ["sg-node"] }] });
  // Its id, as the provider reports it: the fixtures' node group shares it, so no dependency tells them apart.
  slice.launchTemplate.outputs.id = slice.launchTemplate.id;
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
    slice, provider, binding, service, deployment, hpa, pdb, entry, association, albGroup, nodeGroup, albToPods, podsFromAlb,
    all: () => [...slice.all(), s.provider, s.binding, s.service, s.deployment, s.hpa, s.pdb, s.entry, s.association, s.albGroup, s.nodeGroup, s.albToPods, s.podsFromAlb].filter((r) => r !== undefined),
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

describe("serving-path-bound: the target type", () => {
  const bound = (vs: Violation[]) => ofPolicy(vs, "serving-path-bound").map((v) => v.message);

  it("fails a binding whose targetType is not the target group's, naming the target type", () => {
    const spec = (s: Serving) => s.binding.outputs.spec as Record<string, unknown>;
    expect(bound(run((s) => { spec(s).targetType = "instance"; }))).toEqual([
      expect.stringMatching(/^missing target-type: TargetGroupBinding binding registers instance targets with target group ingress, whose target type is ip: ELB refuses them/),
    ]);
    // A target group without a target type is ELB's default, instance.
    expect(bound(run((s) => patch(s.slice.targetGroup, { targetType: undefined })))).toEqual([expect.stringMatching(/^missing target-type: .* registers ip targets .* whose target type is instance/)]);
  });

  it("takes a binding without a targetType as the target group's (the controller fills it in)", () => {
    expect(bound(run((s) => { delete (s.binding.outputs.spec as Record<string, unknown>).targetType; }))).toEqual([]);
  });
});

describe("serving-path-bound: the network between the load balancer and the pods", () => {
  const o = { stack: "prod-us-east-1", region: "us-east-1" };
  const bound = (vs: Violation[]) => ofPolicy(vs, "serving-path-bound").map((v) => v.message);
  /** The trace's network link after `change`, and the rule's findings. */
  const judge = (change: (s: Serving) => unknown, options: { asServer?: boolean } = {}) => {
    const s = serving();
    const changed = change(s);
    const extra = Array.isArray(changed) ? changed : [];
    const resources = [...s.all(), ...extra].filter((r) => !r.name.startsWith("removed:"));
    const [path] = traceServingPaths(policyResources(resources, options));
    const violations = evaluateStack({ stack: o.stack, role: "region", region: o.region, resources }, DEPLOYER_CONFIG, options);
    return { network: path.network, messages: bound(violations), all: only(violations.filter((v) => SERVING_POLICIES.includes(v.policy))) };
  };
  const remove = (r: RecordedResource) => { r.name = `removed:${r.name}`; };

  it("passes the ALB's egress rule to the node security group and the nodes' ingress rule from the ALB's, on the pods' port", () => {
    const { network, all } = judge(() => undefined);
    expect(network).toEqual({ status: "open", ports: [8080] });
    expect(all).toEqual([]);
  });

  it("fails without the ALB's egress rule (a node pool without `loadBalancer`), naming the network link", () => {
    const { network, messages } = judge((s) => remove(s.albToPods));
    expect(network?.status).toBe("closed");
    expect(messages).toEqual([
      expect.stringMatching(/^missing network: target group ingress: no egress rule on the load balancer's security group\(s\) alb-sg allows TCP 8080 toward the pods' security group\(s\) node-sg \(the nodes of nodes\) or a CIDR covering the VPC: .*502/),
    ]);
  });

  it("fails without the nodes' ingress rule from the ALB's group", () => {
    expect(judge((s) => remove(s.podsFromAlb)).messages).toEqual([expect.stringMatching(/^missing network: target group ingress: no ingress rule on the pods' security group\(s\) node-sg \(the nodes of nodes\) admits the load balancer's security group\(s\) alb-sg or a CIDR covering the VPC on TCP 8080/)]);
  });

  it("fails rules on another port than the pods', or toward another group", () => {
    expect(judge((s) => patch(s.podsFromAlb, { fromPort: 9090, toPort: 9090 })).messages).toEqual([expect.stringMatching(/^missing network: .*no ingress rule .* on TCP 8080/)]);
    // The container port moved, the rules did not.
    const moved = judge((s) => {
      const container = (s.deployment.outputs.spec as any).template.spec.containers[0];
      container.ports = [{ name: "http", containerPort: 9000 }];
    });
    expect(moved.network).toMatchObject({ status: "closed", ports: [9000] });
    expect(moved.messages).toEqual([expect.stringMatching(/^missing network: .*no egress rule .* allows TCP 9000/)]);
    expect(judge((s) => patch(s.albToPods, { referencedSecurityGroupId: "sg-0elsewhere" })).messages).toEqual([expect.stringMatching(/^missing network: .*no egress rule/)]);
  });

  it("checks a health-check port other than the traffic port too", () => {
    const healthOn8081 = (s: Serving) => {
      patch(s.slice.targetGroup, { healthCheck: { path: "/healthz", port: "8081" } });
      const container = (s.deployment.outputs.spec as any).template.spec.containers[0];
      container.ports = [{ name: "http", containerPort: 8080 }, { name: "health", containerPort: 8081 }];
      container.readinessProbe = { httpGet: { path: "/healthz", port: "health" } };
    };
    const closed = judge(healthOn8081);
    expect(closed.network).toMatchObject({ status: "closed", ports: [8080, 8081] });
    expect(closed.messages).toEqual([expect.stringMatching(/^missing network: .*allows TCP 8081/)]);
    const open = judge((s) => {
      healthOn8081(s);
      patch(s.albToPods, { toPort: 8081 });
      patch(s.podsFromAlb, { toPort: 8081 });
    });
    expect(open.network?.status).toBe("open");
  });

  it("counts a security group's inline rules: all traffic (protocol -1), a port range, a group or a CIDR", () => {
    const inlineEgress = (egress: unknown[]) => (s: Serving) => { remove(s.albToPods); patch(s.albGroup, { egress }); };
    expect(judge(inlineEgress([{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }])).network?.status).toBe("open");
    expect(judge(inlineEgress([{ protocol: "tcp", fromPort: 8000, toPort: 8999, securityGroups: ["sg-node"] }])).network?.status).toBe("open");
    expect(judge(inlineEgress([{ protocol: "tcp", fromPort: 0, toPort: 65535, cidrBlocks: ["10.10.0.0/16"] }])).network?.status).toBe("open");
    expect(judge(inlineEgress([{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }])).messages).toEqual([expect.stringMatching(/^missing network: .*no egress rule/)]);
    const inlineIngress = judge((s) => { remove(s.podsFromAlb); patch(s.nodeGroup, { ingress: [{ protocol: "tcp", fromPort: 8080, toPort: 8080, securityGroups: ["sg-alb"] }] }); });
    expect(inlineIngress.network?.status).toBe("open");
  });

  it("counts aws.ec2.SecurityGroupRule in either direction, by group or by a CIDR covering the VPC", () => {
    const ec2Rule = (inputs: Record<string, unknown>) => (s: Serving) => {
      remove(s.podsFromAlb);
      return [recorded("aws:ec2/securityGroupRule:SecurityGroupRule", "pods-from-alb-ec2", { type: "ingress", securityGroupId: "sg-node", protocol: "tcp", fromPort: 8000, toPort: 8999, ...inputs }, o)];
    };
    expect(judge(ec2Rule({ sourceSecurityGroupId: "sg-alb" })).network?.status).toBe("open");
    expect(judge(ec2Rule({ cidrBlocks: ["10.10.0.0/16"] })).network?.status).toBe("open");
    expect(judge(ec2Rule({ cidrBlocks: ["192.168.0.0/16"] })).messages).toEqual([expect.stringMatching(/^missing network: .*no ingress rule/)]);
    expect(judge(ec2Rule({ type: "egress", sourceSecurityGroupId: "sg-alb" })).messages).toEqual([expect.stringMatching(/^missing network: .*no ingress rule/)]);
    // A CIDR inside the VPC may or may not hold the load balancer's nodes: not judged.
    const part = judge(ec2Rule({ cidrBlocks: ["10.10.0.0/24"] }));
    expect([part.network?.status, part.messages]).toEqual(["unknown", []]);
  });

  it("takes the cluster security group for an EKS managed node group without groups in its launch template", () => {
    const managed = (ingressOn: string) => (s: Serving) => {
      patch(s.slice.eks, { vpcConfig: { ...(s.slice.eks.outputs.vpcConfig as object), clusterSecurityGroupId: "sg-cluster" } });
      patch(s.slice.launchTemplate, { networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "false" }] });
      remove(s.slice.asg);
      patch(s.albToPods, { referencedSecurityGroupId: "sg-cluster" });
      patch(s.podsFromAlb, { securityGroupId: ingressOn });
      return [recorded("aws:eks/nodeGroup:NodeGroup", "managed", { clusterName: CLUSTER_NAME, launchTemplate: { id: s.slice.launchTemplate.id, version: "1" }, scalingConfig: { minSize: 3, desiredSize: 3, maxSize: 6 } }, o)];
    };
    expect(judge(managed("sg-cluster")).network?.status).toBe("open");
    expect(judge(managed("sg-node")).messages).toEqual([expect.stringMatching(/^missing network: .*no ingress rule on the pods' security group\(s\) cluster's cluster security group \(the nodes of managed\)/)]);
  });

  it("takes values a preview does not know as an unknown link, not a missing one", () => {
    const unknown = { __pulumiUnknown: true };
    const cases: ((s: Serving) => void)[] = [
      (s) => { remove(s.albToPods); patch(s.albGroup, { egress: unknown }); },
      (s) => patch(s.albToPods, { securityGroupId: unknown }),
      (s) => patch(s.slice.alb, { securityGroups: unknown }),
      (s) => patch(s.albToPods, { fromPort: unknown, toPort: unknown }),
    ];
    for (const change of cases) {
      const { network, all } = judge(change, { asServer: true });
      expect([network?.status, all]).toEqual(["unknown", []]);
    }
    // With the values known, the same preview judges: a missing rule is missing.
    expect(judge((s) => remove(s.albToPods), { asServer: true }).messages).toEqual([expect.stringMatching(/^missing network: .*no egress rule/)]);
  });

  it("leaves groups this stack does not create, load balancers without groups, and pods with groups of their own unjudged", () => {
    const cases: ((s: Serving) => RecordedResource[] | void)[] = [
      // The ALB's group from config: its egress rules may live elsewhere (the nodes' rule admitting it is this stack's).
      (s) => { remove(s.albToPods); patch(s.slice.alb, { securityGroups: ["sg-0fromconfig"] }); patch(s.podsFromAlb, { referencedSecurityGroupId: "sg-0fromconfig" }); },
      (s) => { remove(s.albToPods); patch(s.slice.alb, { securityGroups: undefined }); },
      (s) => {
        remove(s.albToPods);
        return [{ ...recorded("kubernetes:vpcresources.k8s.aws/v1beta1:SecurityGroupPolicy", "web-groups", { metadata: { name: "web", namespace: "app" }, spec: { securityGroups: { groupIds: ["sg-pods"] } } }, o), provider: s.provider.urn }];
      },
    ];
    for (const change of cases) {
      const { network, all } = judge(change);
      expect([network?.status, all]).toEqual(["unknown", []]);
    }
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

  it("judges a preview, where a new target group's ARN is unknown, through the property's dependencies, and leaves what it cannot tell unjudged", () => {
    const unknown = { __pulumiUnknown: true };
    const preview = (port: string, linked: boolean) => {
      const s = serving();
      patch(s.slice.targetGroup, { arn: unknown, healthCheck: { path: "/healthz", port } });
      patch(s.slice.asg, { healthCheckType: "ELB", targetGroupArns: [unknown] });
      if (linked) s.slice.asg.propertyDependencies = { targetGroupArns: [s.slice.targetGroup.urn] };
      const resources = s.all().filter((r) => !r.type.startsWith("kubernetes:"));
      return ofPolicy(evaluateStack({ stack: `prod-${s.slice.region}`, role: "region", region: s.slice.region, resources }, DEPLOYER_CONFIG, { asServer: true }), "kubernetes-node-health-own");
    };
    // kube-proxy's health port: accepted at the preview as with the ARN known (it used to be refused there).
    expect(preview("10256", true)).toEqual([]);
    // An app's port: refused at the preview already.
    expect(preview("traffic-port", true).map((v) => v.message)).toEqual([expect.stringMatching(/runs Kubernetes nodes with ELB health checks/)]);
    // No dependency names the group: not judged until the ARN is known.
    expect(preview("traffic-port", false)).toEqual([]);
  });
});
