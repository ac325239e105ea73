import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  autoscalerDiscoveryTags,
  buildKubeconfig,
  clusterLogGroupName,
  controlPlaneZoneCount,
  corednsConfiguration,
  corednsMaxSkew,
  parseAddonVersions,
  planEndpointAccess,
  principalNameSuffix,
  supportTypeProblem,
  validateAdminPrincipalArns,
  validateClusterName,
  validateServiceIpv4Cidr,
  validateSupportType,
} from "../../components/lib/eks";
import { awsLoadBalancerControllerPolicy, clusterAutoscalerPolicy } from "../../components/lib/eks-addon-policies";

describe("support type", () => {
  it("accepts exactly STANDARD and EXTENDED, as EKS spells them", () => {
    expect(() => validateSupportType("STANDARD")).not.toThrow();
    expect(() => validateSupportType("EXTENDED")).not.toThrow();
    expect(supportTypeProblem("STANDARD")).toBeUndefined();
    for (const value of ["standard", "Extended", "", "NONE"]) expect(supportTypeProblem(value), value).toMatch(/^must be "STANDARD" .*upgrades the control plane.* or "EXTENDED" .*\$0\.60 instead of \$0\.10/);
  });

  it("names the field and the value it refuses", () => {
    expect(() => validateSupportType("extended", "eksSupportType")).toThrow(/^eksSupportType "extended" must be "STANDARD"/);
  });
});

describe("planEndpointAccess", () => {
  it("is private-only without CIDRs", () => {
    expect(planEndpointAccess([], false)).toEqual({ endpointPrivateAccess: true, endpointPublicAccess: false });
    expect(planEndpointAccess([], true)).toEqual({ endpointPrivateAccess: true, endpointPublicAccess: false });
  });

  it("refuses more than a /8's worth of addresses in pieces without the opt-in", () => {
    expect(() => planEndpointAccess(["0.0.0.0/1", "128.0.0.0/1"], false)).toThrow(/more than a \/8's worth of addresses together/);
    expect(planEndpointAccess(["0.0.0.0/1", "128.0.0.0/1"], true).endpointPublicAccess).toBe(true);
  });

  it("opens the public endpoint to exactly the listed CIDRs, keeping the private one", () => {
    expect(planEndpointAccess(["203.0.113.0/24"], false)).toEqual({
      endpointPrivateAccess: true,
      endpointPublicAccess: true,
      publicAccessCidrs: ["203.0.113.0/24"],
    });
  });

  it("refuses /0 without the opt-in, malformed CIDRs and duplicates", () => {
    expect(() => planEndpointAccess(["0.0.0.0/0"], false)).toThrow(/whole internet.*allowPublicAccessFromAnywhere/);
    expect(planEndpointAccess(["0.0.0.0/0"], true).publicAccessCidrs).toEqual(["0.0.0.0/0"]);
    expect(() => planEndpointAccess(["my-office"], false)).toThrow(/not an IPv4 CIDR/);
    expect(() => planEndpointAccess(["203.0.113.0/24", "203.0.113.0/24"], false)).toThrow(/twice/);
  });
});

describe("validation", () => {
  it("accepts role and user ARNs (with paths) and names the role behind an STS session", () => {
    expect(() => validateAdminPrincipalArns(["arn:aws:iam::123456789012:role/a", "arn:aws:iam::123456789012:user/ops/b"])).not.toThrow();
    expect(() => validateAdminPrincipalArns(["arn:aws:sts::123456789012:assumed-role/Admin/jane"])).toThrow(
      "arn:aws:iam::123456789012:role/Admin",
    );
    expect(() => validateAdminPrincipalArns(["platform-admin"])).toThrow(/not an IAM role or user ARN/);
    expect(() => validateAdminPrincipalArns(["arn:aws:iam::123456789012:role/a", "arn:aws:iam::123456789012:role/a"])).toThrow(/twice/);
  });

  it("keeps the service CIDR inside RFC 1918 and between /12 and /24", () => {
    for (const ok of ["172.20.0.0/16", "10.100.0.0/16", "192.168.0.0/24", "172.16.0.0/12"]) expect(() => validateServiceIpv4Cidr(ok)).not.toThrow();
    expect(() => validateServiceIpv4Cidr("100.64.0.0/16")).toThrow(/10\.0\.0\.0\/8/);
    expect(() => validateServiceIpv4Cidr("10.0.0.0/25")).toThrow(/\/12 and \/24/);
    expect(() => validateServiceIpv4Cidr("10.0.0.0/8")).toThrow(/\/12 and \/24/);
  });

  it("checks cluster names against the EKS rule", () => {
    expect(() => validateClusterName("prod_eu-1")).not.toThrow();
    expect(() => validateClusterName("-prod")).toThrow();
    expect(() => validateClusterName("x".repeat(101))).toThrow();
  });
});

describe("parseAddonVersions", () => {
  it("pins each add-on named once, and names every entry it cannot use with the fix", () => {
    expect(parseAddonVersions(["vpc-cni=v1.19.2-eksbuild.1", "coredns=v1.11.4-eksbuild.2"])).toEqual({
      versions: { "vpc-cni": "v1.19.2-eksbuild.1", coredns: "v1.11.4-eksbuild.2" },
      problems: [],
    });
    const { versions, problems } = parseAddonVersions(["vpc-cni=v1.19.2-eksbuild.1", "vpc-cni=v1.19.3-eksbuild.1", "cni=v1.0.0-eksbuild.1", "kube-proxy=1.34.0", "coredns"]);
    expect(versions).toEqual({ "vpc-cni": "v1.19.2-eksbuild.1" });
    expect(problems.map((p) => [p.entry, p.message.split(";")[0].split(" with")[0]])).toEqual([
      ["vpc-cni=v1.19.3-eksbuild.1", "pins vpc-cni a second time"],
      ["cni=v1.0.0-eksbuild.1", "must be <add-on>=<version>"],
      ["kube-proxy=1.34.0", "must be kube-proxy=<version>"],
      ["coredns", "must be coredns=<version>"],
    ]);
    expect(parseAddonVersions([])).toEqual({ versions: {}, problems: [] });
  });
  it("refuses a kube-proxy pin of another minor than the cluster's (its versions are per minor)", () => {
    expect(parseAddonVersions(["kube-proxy=v1.34.0-eksbuild.2"], "1.34").problems).toEqual([]);
    expect(parseAddonVersions(["kube-proxy=v1.3.0-eksbuild.2"], "1.34").problems).toHaveLength(1);
    const [problem] = parseAddonVersions(["kube-proxy=v1.33.5-eksbuild.1", "vpc-cni=v1.19.2-eksbuild.1"], "1.34").problems;
    expect(problem).toEqual({ entry: "kube-proxy=v1.33.5-eksbuild.1", message: expect.stringMatching(/another minor than kubernetesVersion 1\.34: pin a v1\.34\.x-eksbuild\.N version/) });
  });
});

describe("corednsConfiguration", () => {
  it("runs one coredns per AZ, at least two, kept in distinct AZs by a hard spread, one eviction at a time", () => {
    const three = corednsConfiguration(3);
    expect(three).toEqual({
      replicaCount: 3,
      topologySpreadConstraints: [{ maxSkew: 2, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
      podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
    });
    // No minDomains: a Pending replica would keep the add-on DEGRADED while an AZ has no node.
    expect(three.topologySpreadConstraints[0]).not.toHaveProperty("minDomains");
    for (const azCount of [1, 2, 3, 4, 6]) expect(corednsConfiguration(azCount).replicaCount).toBe(Math.max(2, azCount));
  });

  /**
   * The scheduler's rule for a DoNotSchedule spread: a pod may go to an AZ when, after it, that AZ
   * holds at most maxSkew more than the AZ with the fewest (every AZ with a node counts, a lost one
   * included, as long as its Node objects exist).
   */
  const fits = (counts: number[], to: number, maxSkew: number) => counts[to] + 1 - Math.min(...counts.map((c, i) => (i === to ? c + 1 : c))) <= maxSkew;

  it("never puts every replica in one AZ, and lets a lost AZ's replicas start in the others (three AZs or more)", () => {
    for (const azCount of [3, 4, 5, 6]) {
      const { replicaCount, topologySpreadConstraints: [spread] } = corednsConfiguration(azCount);
      // First deploy, one AZ's node Ready and the others registered: that AZ takes at most maxSkew.
      const first = Array.from({ length: azCount }, () => 0);
      while (fits(first, 0, spread.maxSkew)) first[0]++;
      expect(first[0], `${azCount} AZs`).toBeLessThan(replicaCount);
      // Every layout the spread allows, one AZ lost: its replicas all find a place in the others.
      const layouts = (left: number, azs: number): number[][] => (azs === 1 ? [[left]] : Array.from({ length: left + 1 }, (_, n) => layouts(left - n, azs - 1).map((rest) => [n, ...rest])).flat());
      for (const layout of layouts(replicaCount, azCount).filter((l) => Math.max(...l) - Math.min(...l) <= spread.maxSkew)) {
        const counts = [0, ...layout.slice(1)];
        for (let pending = layout[0]; pending > 0; pending--) {
          const to = counts.map((_, i) => i).filter((i) => i > 0 && fits(counts, i, spread.maxSkew)).sort((a, b) => counts[a] - counts[b])[0];
          expect(to, `${azCount} AZs, layout ${layout.join("-")}`).toBeDefined();
          counts[to]++;
        }
      }
    }
  });

  it("keeps two replicas in two AZs apart (skew 1): the one a lost AZ took waits for it", () => {
    expect(corednsMaxSkew(2, 2)).toBe(1);
    expect(corednsMaxSkew(3, 3)).toBe(2);
    expect(corednsMaxSkew(6, 6)).toBe(2);
    expect(fits([1, 0], 1, 1)).toBe(true);
    expect(fits([0, 1], 1, 1)).toBe(false);
  });

  it("refuses an AZ count that is not a whole number of at least one, naming the field", () => {
    for (const bad of [0, -1, 2.5, Number.NaN]) expect(() => corednsConfiguration(bad)).toThrow(/^nodeAzCount .* must be a whole number of AZs >= 1/);
  });
});

describe("naming", () => {
  it("puts control-plane logs where EKS writes them", () => {
    expect(clusterLogGroupName("prod")).toBe("/aws/eks/prod/cluster");
  });

  it("derives a stable, readable, distinct resource suffix per principal", () => {
    expect(principalNameSuffix("arn:aws:iam::123456789012:role/platform-admin")).toMatch(/^platform-admin-[0-9a-f]{8}$/);
    fc.assert(fc.property(fc.uniqueArray(fc.stringMatching(/^[A-Za-z0-9+=,.@_-]{1,30}$/), { minLength: 2, maxLength: 5 }), (names) => {
      const suffixes = names.map((n) => principalNameSuffix(`arn:aws:iam::123456789012:role/${n}`));
      expect(new Set(suffixes).size).toBe(names.length);
      for (const s of suffixes) expect(s).toMatch(/^[a-z0-9-]+$/);
    }));
  });
});

describe("buildKubeconfig", () => {
  it("asks aws eks get-token for the named cluster in the given region, as JSON", () => {
    const config = buildKubeconfig({ clusterName: "prod", endpoint: "https://x.eks.amazonaws.com", certificateAuthorityData: "Q0E=", region: "us-west-2" });
    const exec = (config.users as { user: { exec: { args: string[]; command: string } } }[])[0].user.exec;
    expect(exec.command).toBe("aws");
    expect(exec.args.slice(0, 4)).toEqual(["eks", "get-token", "--cluster-name", "prod"]);
    expect(exec.args[exec.args.indexOf("--region") + 1]).toBe("us-west-2");
    // A user whose CLI defaults to text or YAML output would otherwise hand kubectl garbage.
    expect(exec.args[exec.args.indexOf("--output") + 1]).toBe("json");
  });
});

describe("clusterAutoscalerPolicy", () => {
  const policy = clusterAutoscalerPolicy({ partition: "aws", region: "eu-west-1", accountId: "123456789012", clusterName: "prod" });
  const actions = (s: Record<string, unknown>) => s.Action as string[];

  it("scales and terminates only in groups tagged as owned by this cluster", () => {
    const writes = policy.Statement.filter((s) => actions(s).some((a) => !/:(Describe|Get)/.test(a)));
    expect(writes).toHaveLength(1);
    expect(actions(writes[0]).sort()).toEqual(["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"]);
    expect(writes[0].Condition).toEqual({ StringEquals: { "aws:ResourceTag/k8s.io/cluster-autoscaler/prod": "owned" } });
    // The tags a node pool puts on its group satisfy that condition.
    expect(autoscalerDiscoveryTags("prod")).toEqual({ "k8s.io/cluster-autoscaler/enabled": "true", "k8s.io/cluster-autoscaler/prod": "owned" });
  });

  it("reads node groups of this cluster only", () => {
    const eks = policy.Statement.find((s) => actions(s).includes("eks:DescribeNodegroup"))!;
    expect(eks.Resource).toBe("arn:aws:eks:eu-west-1:123456789012:nodegroup/prod/*/*");
  });
});

describe("awsLoadBalancerControllerPolicy", () => {
  const policy = awsLoadBalancerControllerPolicy({ partition: "aws" });

  it("lets the controller create listeners and rules with its tags, and reorder an Ingress group's rules", () => {
    // A create call that carries tags needs AddTags on the new listener or rule (ListenerRulesTagging, on by default).
    const tagging = policy.Statement.filter((s) => (s.Action as string[]).includes("elasticloadbalancing:AddTags"));
    const resources = tagging.flatMap((s) => [s.Resource].flat() as string[]);
    for (const arn of ["listener/app/*/*/*", "listener/net/*/*/*", "listener-rule/app/*/*/*", "listener-rule/net/*/*/*"]) expect(resources).toContain(`arn:aws:elasticloadbalancing:*:*:${arn}`);
    expect(policy.Statement.some((s) => (s.Action as string[]).includes("elasticloadbalancing:SetRulePriorities"))).toBe(true);
  });

  it("deletes and modifies only what the controller tagged", () => {
    const destructive = ["ec2:DeleteSecurityGroup", "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:DeleteTargetGroup"];
    for (const action of destructive) {
      const statements = policy.Statement.filter((s) => (s.Action as string[]).includes(action));
      expect(statements.length).toBeGreaterThan(0);
      for (const s of statements) expect(s.Condition).toEqual({ Null: { "aws:ResourceTag/elbv2.k8s.aws/cluster": "false" } });
    }
  });

  it("leaves out WAF, Shield and Cognito", () => {
    const all = policy.Statement.flatMap((s) => s.Action as string[]);
    expect(all.filter((a) => /^(waf|wafv2|waf-regional|shield|cognito-idp):/.test(a))).toEqual([]);
  });

  const scoped = awsLoadBalancerControllerPolicy({ partition: "aws", clusterName: "prod-us-east-1", bindTaggedTargetGroups: true });
  interface Request { resourceTags?: Record<string, string>; requestTags?: Record<string, string>; createAction?: string; resource?: string }
  /** Whether some statement allows `action` on `request` (Null and StringEquals, a list meaning any of, and `*` in Resource, as IAM reads them). */
  const allowsRequest = (doc: typeof scoped, action: string, request: Request) =>
    doc.Statement.some((s) => {
      if (s.Effect !== "Allow" || ![s.Action].flat().includes(action)) return false;
      const glob = (pattern: string) => new RegExp(`^${pattern.split("*").map((part) => part.replace(/[.?+^$()[\]{}|\\/]/g, "\\$&")).join(".*")}$`);
      if (request.resource && ![s.Resource].flat().some((pattern) => glob(pattern as string).test(request.resource!))) return false;
      const contextValue = (key: string) => {
        if (key.startsWith("aws:ResourceTag/")) return request.resourceTags?.[key.slice("aws:ResourceTag/".length)];
        if (key.startsWith("aws:RequestTag/")) return request.requestTags?.[key.slice("aws:RequestTag/".length)];
        if (key === "elasticloadbalancing:CreateAction") return request.createAction;
        throw new Error(`key ${key} not modelled`);
      };
      const condition = (s.Condition ?? {}) as Record<string, Record<string, string | string[]>>;
      return Object.entries(condition).every(([operator, keys]) =>
        Object.entries(keys).every(([key, wanted]) => {
          const value = contextValue(key);
          if (operator === "Null") return (value === undefined) === (wanted === "true");
          if (operator === "StringEquals") return value !== undefined && [wanted].flat().includes(value);
          throw new Error(`operator ${operator} not modelled`);
        }),
      );
    });
  const allows = (doc: typeof scoped, action: string, tags: Record<string, string>) => allowsRequest(doc, action, { resourceTags: tags });
  // As the stacks tag them (the plan's prod-us-east-1): the platform tags, from tagTransform.
  const PLATFORM_TAGS = { environment: "prod", owner: "platform-team", "cost-center": "cc-1042", "managed-by": "pulumi", region: "us-east-1" };

  describe("listeners and rules", () => {
    const CHANGE = [
      "elasticloadbalancing:DeleteListener",
      "elasticloadbalancing:ModifyListener",
      "elasticloadbalancing:ModifyListenerAttributes",
      "elasticloadbalancing:AddListenerCertificates",
      "elasticloadbalancing:RemoveListenerCertificates",
      "elasticloadbalancing:CreateRule",
      "elasticloadbalancing:ModifyRule",
      "elasticloadbalancing:DeleteRule",
      "elasticloadbalancing:SetRulePriorities",
    ];
    const LISTENER = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/prod-us-east-1-alb/50dc6c495c0c9188/f2f7dc8efc522ab2";
    const RULE = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/prod-us-east-1-alb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee";
    // RegionalIngress's ALB, HTTPS listener and origin-verify rules: Pulumi's, with the platform tags (and a Name) only.
    const platform = { ...PLATFORM_TAGS, component: "RegionalIngress" };
    const platformRule = { ...platform, Name: "prod-us-east-1-ingress-https-deny" };
    // What the controller creates for an Ingress of this cluster (tracking provider's stack tags).
    const controllers = { "elbv2.k8s.aws/cluster": "prod-us-east-1", "ingress.k8s.aws/stack": "shop/web", "ingress.k8s.aws/resource": "443" };

    it("never the platform's listener, its rules or its ALB, in any region", () => {
      for (const action of CHANGE) {
        expect(allows(scoped, action, platform), action).toBe(false);
        expect(allows(scoped, action, platformRule), action).toBe(false);
        // Another region's cluster's controller: not this one's either.
        expect(allows(scoped, action, { ...controllers, "elbv2.k8s.aws/cluster": "prod-eu-west-1" }), action).toBe(false);
      }
      // CreateListener is authorized on the load balancer: no second listener on the platform's ALB.
      expect(allows(scoped, "elasticloadbalancing:CreateListener", platform)).toBe(false);
      for (const s of scoped.Statement.filter((st) => [st.Action].flat().some((a) => CHANGE.includes(a as string)))) expect(s.Condition).toBeDefined();
    });

    it("the listeners, rules and load balancers this cluster's controller created", () => {
      for (const action of [...CHANGE, "elasticloadbalancing:CreateListener"]) expect(allows(scoped, action, controllers), action).toBe(true);
    });

    it("cannot give the platform's listener or rules its tag, only tag what it creates", () => {
      const tag = { "elbv2.k8s.aws/cluster": "prod-us-east-1" };
      for (const resource of [LISTENER, RULE]) {
        expect(allowsRequest(scoped, "elasticloadbalancing:AddTags", { resource, resourceTags: platform, requestTags: tag })).toBe(false);
        expect(allowsRequest(scoped, "elasticloadbalancing:AddTags", { resource, requestTags: { ...controllers }, createAction: resource === LISTENER ? "CreateListener" : "CreateRule" })).toBe(true);
        // Its own: other tags yes, its cluster tag not (no moving a listener to another cluster).
        expect(allowsRequest(scoped, "elasticloadbalancing:AddTags", { resource, resourceTags: controllers, requestTags: { team: "shop" } })).toBe(true);
        expect(allowsRequest(scoped, "elasticloadbalancing:AddTags", { resource, resourceTags: controllers, requestTags: { "elbv2.k8s.aws/cluster": "prod-eu-west-1" } })).toBe(false);
      }
      // Upstream's policy without the cluster's name: the platform's listener still out of reach.
      for (const action of CHANGE) expect(allows(policy, action, platform), action).toBe(false);
      expect(allowsRequest(policy, "elasticloadbalancing:AddTags", { resource: LISTENER, resourceTags: platform, requestTags: tag })).toBe(false);
    });
  });

  describe("opening security groups (ingress rules)", () => {
    const OPEN = ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"];
    // The node pool's group, and the database's with the platform tags only.
    const nodes = { ...PLATFORM_TAGS, Name: "prod-us-east-1-nodes", component: "NodePool", "kubernetes.io/cluster/prod-us-east-1": "owned" };
    const database = { ...PLATFORM_TAGS, Name: "prod-us-east-1-db", component: "RegionalDatabase" };

    it("opens this cluster's node groups (EKS's cluster group too) and the groups the controller created for it", () => {
      for (const action of OPEN) {
        expect(allows(scoped, action, nodes)).toBe(true);
        expect(allows(scoped, action, { "kubernetes.io/cluster/prod-us-east-1": "shared", "aws:eks:cluster-name": "prod-us-east-1" })).toBe(true);
        expect(allows(scoped, action, { "elbv2.k8s.aws/cluster": "prod-us-east-1", "ingress.k8s.aws/resource": "ManagedLBSecurityGroup" })).toBe(true);
      }
    });

    it("never the database's, an untagged group, or another cluster's, unlike upstream's policy", () => {
      for (const action of OPEN) {
        const others: Record<string, string>[] = [database, {}, { "kubernetes.io/cluster/prod-eu-west-1": "owned" }, { "elbv2.k8s.aws/cluster": "prod-eu-west-1" }];
        for (const tags of others) expect(allows(scoped, action, tags)).toBe(false);
      }
      for (const s of scoped.Statement.filter((st) => [st.Action].flat().some((a) => OPEN.includes(a as string)))) expect(s.Condition).toBeDefined();
      // Without the cluster's name nothing tells the groups apart: upstream's statement, the database's group included.
      expect(allows(policy, OPEN[0], database)).toBe(true);
    });

    it("cannot give a group it did not create either tag", () => {
      const tagging = scoped.Statement.filter((s) => [s.Action].flat().includes("ec2:CreateTags"));
      expect(tagging.length).toBeGreaterThan(0);
      for (const s of tagging) {
        const condition = s.Condition as { StringEquals?: Record<string, string>; Null?: Record<string, string> };
        const onCreate = condition.StringEquals?.["ec2:CreateAction"] === "CreateSecurityGroup";
        const ownOnly = condition.Null?.["aws:ResourceTag/elbv2.k8s.aws/cluster"] === "false";
        expect(onCreate || ownOnly).toBe(true);
      }
    });
  });
});

describe("controlPlaneZoneCount (EKS keeps the AZs it was created in)", () => {
  it("stays on the first three zones when a region grows to four, five or six", () => {
    expect([3, 4, 5, 6].map((az) => controlPlaneZoneCount(az))).toEqual([3, 3, 3, 3]);
    expect(controlPlaneZoneCount(4, 2)).toBe(2);
  });

  it("shrinks with fewer zones (a subset of the original AZs is allowed) and refuses fewer than two", () => {
    expect(controlPlaneZoneCount(2)).toBe(2);
    expect(() => controlPlaneZoneCount(4, 1)).toThrow(/at least 2/);
    expect(() => controlPlaneZoneCount(4, 2.5)).toThrow(/whole number/);
  });
});
