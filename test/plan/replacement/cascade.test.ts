/**
 * Cascades with plain records: the verdicts and cause chains a preview would give, from the
 * generated replacement table. Resources are found by type and name, never by URN.
 */
import { describe, expect, it } from "vitest";
import { analyzeCascades, describeChain, Pair, Recorded } from "../../../tools/plan/replacement/cascade";
import { judge } from "../../../tools/plan/replacement/judge";
import { changedPaths } from "../../../tools/plan/replacement/paths";
import { ruleOf } from "../../../tools/plan/replacement/table";
import { resource } from "../resources";

type Extra = Partial<Pick<Recorded, "propertyDependencies" | "ignoreChanges" | "protect" | "provider">>;

function r(type: string, name: string, inputs: Record<string, unknown>, outputs: Record<string, unknown> = {}, extra: Extra = {}): Recorded {
  const base = resource(type, name, inputs, { stack: "prod-us-east-1", outputs });
  return { ...base, ...extra };
}

/** Pairs of (base, current) where `change` edits the current copy of the named resources. */
function pairs(resources: Recorded[], change: Record<string, (r: Recorded) => void>): Pair[] {
  return resources.map((was) => {
    const now = structuredClone(was);
    change[was.name]?.(now);
    return { was: { resource: was, stack: "prod-us-east-1" }, now: { resource: now, stack: "prod-us-east-1" } };
  });
}

function verdictsByName(list: Pair[]) {
  const verdicts = analyzeCascades(list);
  const out: Record<string, { verdict: string; chain: string[]; because: string[] }> = {};
  for (const p of list) {
    const v = verdicts.get(p.now.resource.urn);
    if (v) out[p.now.resource.name] = { verdict: v.verdict, chain: v.chain.map((s) => s.name), because: v.chain[v.chain.length - 1].because };
  }
  return out;
}

const vpc = r("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.20.0.0/16" }, { arn: "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0abc", defaultSecurityGroupId: "sg-0default1" }, {});
vpc.id = "vpc-0abc12345";
const subnet = r("aws:ec2/subnet:Subnet", "subnet-a", { vpcId: "vpc-0abc12345", cidrBlock: "10.20.0.0/20", availabilityZone: "us-east-1a" });
subnet.id = "subnet-0aaa1111";
const cluster = r("aws:eks/cluster:Cluster", "cluster", { name: "prod-cluster", roleArn: "arn:aws:iam::123456789012:role/eks", vpcConfig: { subnetIds: ["subnet-0aaa1111"] } }, { endpoint: "https://ABCDEF0123456789.gr7.us-east-1.eks.amazonaws.com" });
const group = r("aws:rds/subnetGroup:SubnetGroup", "db-subnets", { subnetIds: ["subnet-0aaa1111"] });
const alarm = r("aws:cloudwatch/metricAlarm:MetricAlarm", "alarm", { name: "prod-alarm", threshold: 1 });

describe("cascades through consumed outputs", () => {
  it("replaces a subnet whose VPC is replaced and updates what only lists it", () => {
    const v = verdictsByName(pairs([vpc, subnet, cluster, group, alarm], { vpc: (x) => (x.inputs.cidrBlock = "10.21.0.0/16"), "subnet-a": (x) => (x.inputs.cidrBlock = "10.21.0.0/20") }));
    expect(v.vpc).toEqual({ verdict: "replace", chain: ["vpc"], because: ["cidrBlock"] });
    expect(v["subnet-a"].verdict).toBe("replace");
    // vpcId (unknown) and cidrBlock (changed) both force it; its own change is the root.
    expect(v["subnet-a"].because).toEqual(expect.arrayContaining(["cidrBlock"]));
    expect(v.cluster).toEqual({ verdict: "update", chain: ["subnet-a", "cluster"], because: ["vpcConfig.subnetIds"] });
    expect(v["db-subnets"]).toEqual({ verdict: "update", chain: ["subnet-a", "db-subnets"], because: ["subnetIds"] });
    expect(v.alarm).toBeUndefined();
  });

  it("chains a replacement through several resources and names each cause", () => {
    const v = verdictsByName(pairs([vpc, subnet], { vpc: (x) => (x.inputs.cidrBlock = "10.21.0.0/16") }));
    expect(v["subnet-a"]).toEqual({ verdict: "replace", chain: ["vpc", "subnet-a"], because: ["vpcId"] });
    const verdicts = analyzeCascades(pairs([vpc, subnet], { vpc: (x) => (x.inputs.cidrBlock = "10.21.0.0/16") }));
    const chain = [...verdicts.values()].find((x) => x.chain.length === 2)!.chain;
    expect(describeChain(chain)).toBe("Vpc vpc replaced (cidrBlock) → Subnet subnet-a replaced (vpcId)");
  });

  it("follows the engine's propertyDependencies when the plan records them", () => {
    const sg = r("aws:ec2/securityGroup:SecurityGroup", "sg", { vpcId: "vpc-0abc12345", description: "x" }, {}, { propertyDependencies: { vpcId: [vpc.urn], description: [] } });
    // The consumer's input holds a value the VPC's outputs do not show (built in an apply): the whole input counts.
    const tg = r("aws:lb/targetGroup:TargetGroup", "tg", { vpcId: "derived-elsewhere", port: 80 }, {}, { propertyDependencies: { vpcId: [vpc.urn] } });
    const v = verdictsByName(pairs([vpc, sg, tg], { vpc: (x) => (x.inputs.cidrBlock = "10.21.0.0/16") }));
    expect(v.sg).toEqual({ verdict: "replace", chain: ["vpc", "sg"], because: ["vpcId"] });
    expect(v.tg).toEqual({ verdict: "replace", chain: ["vpc", "tg"], because: ["vpcId"] });
  });

  it("still finds consumers by value where the engine's record names no dependency (another stack's output, an older plan)", () => {
    const recorded = { ...subnet, propertyDependencies: {} };
    const v = verdictsByName(pairs([vpc, recorded], { vpc: (x) => (x.inputs.cidrBlock = "10.21.0.0/16") }));
    expect(v["subnet-a"]).toEqual({ verdict: "replace", chain: ["vpc", "subnet-a"], because: ["vpcId"] });
  });

  it("replaces an Aurora cluster whose KMS key is replaced, and its instances after it", () => {
    const key = r("aws:kms/key:Key", "key", { description: "db", multiRegion: false }, { arn: "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-1111-2222-3333-444455556666" });
    const db = r("aws:rds/cluster:Cluster", "db", { clusterIdentifier: "prod-db", engine: "aurora-postgresql", kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-1111-2222-3333-444455556666", storageEncrypted: true }, {}, { protect: true });
    db.id = "prod-db";
    const instance = r("aws:rds/clusterInstance:ClusterInstance", "db-1", { clusterIdentifier: "prod-db", instanceClass: "db.r7g.large" });
    const v = verdictsByName(pairs([key, db, instance], { key: (x) => (x.inputs.multiRegion = true) }));
    expect(v.key).toEqual({ verdict: "replace", chain: ["key"], because: ["multiRegion"] });
    expect(v.db).toEqual({ verdict: "replace", chain: ["key", "db"], because: ["kmsKeyId"] });
    // The instance names the cluster by an identifier the program also sets: "may" (it is the cluster's id).
    expect(v["db-1"]).toEqual({ verdict: "may-replace", chain: ["key", "db", "db-1"], because: ["clusterIdentifier"] });
  });

  it("replaces every resource of a replaced provider", () => {
    const eks = r("aws:eks/cluster:Cluster", "cluster", { name: "prod-cluster", roleArn: "arn:aws:iam::123456789012:role/eks", kubernetesNetworkConfig: { serviceIpv4Cidr: "172.20.0.0/16" } }, { endpoint: "https://ABCDEF0123456789.gr7.us-east-1.eks.amazonaws.com" });
    const provider = r("pulumi:providers:kubernetes", "k8s", { kubeconfig: JSON.stringify({ clusters: [{ cluster: { server: "https://ABCDEF0123456789.gr7.us-east-1.eks.amazonaws.com" } }] }) });
    const release = r("kubernetes:helm.sh/v3:Release", "autoscaler", { name: "cluster-autoscaler", namespace: "kube-system", chart: "cluster-autoscaler" }, {}, { provider: provider.urn });
    const v = verdictsByName(pairs([eks, provider, release], { cluster: (x) => ((x.inputs.kubernetesNetworkConfig as Record<string, string>).serviceIpv4Cidr = "172.21.0.0/16") }));
    expect(v.cluster.verdict).toBe("replace");
    expect(v.k8s).toEqual({ verdict: "replace", chain: ["cluster", "k8s"], because: ["kubeconfig"] });
    expect(v.autoscaler).toEqual({ verdict: "replace", chain: ["cluster", "k8s", "autoscaler"], because: ["provider"] });
  });

  it("says 'may replace' where the input that carries a replaced resource's id is also a name the program sets", () => {
    const role = r("aws:iam/role:Role", "role", { name: "prod-role", path: "/" });
    role.id = "prod-role";
    const attachment = r("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "attach", { role: "prod-role", policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" });
    const v = verdictsByName(pairs([role, attachment], { role: (x) => (x.inputs.path = "/platform/") }));
    expect(v.role.verdict).toBe("replace");
    expect(v.attach.verdict).toBe("may-replace");
  });

  it("replaces a consumer whose replaceOnChanges covers an input made unknown, judged by the current plan's option", () => {
    const tgArn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/prod-tg/0abc1234def56789";
    const tg = r("aws:lb/targetGroup:TargetGroup", "tg", { vpcId: "vpc-0abc12345", port: 80, targetType: "ip" }, { arn: tgArn }, { propertyDependencies: { vpcId: [vpc.urn] } });
    tg.id = tgArn;
    const binding = r("kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding", "binding", { spec: { targetGroupARN: tgArn, targetType: "ip", vpcID: "vpc-0abc12345" } }, {}, { propertyDependencies: { spec: [tg.urn, vpc.urn] } });
    const roc = (x: Recorded) => (x.replaceOnChanges = ["spec.targetGroupARN", "spec.targetType"]);
    // The base (a stack export, an older plan) has no option: the goal's counts, as in the engine.
    const v = verdictsByName(pairs([vpc, tg, binding], { vpc: (x) => (x.inputs.cidrBlock = "10.21.0.0/16"), binding: roc }));
    expect(v.binding).toEqual({ verdict: "replace", chain: ["vpc", "tg", "binding"], because: ["spec.targetGroupARN"] });
    const without = verdictsByName(pairs([vpc, tg, binding], { vpc: (x) => (x.inputs.cidrBlock = "10.21.0.0/16") }));
    expect(without.binding.verdict).toBe("update");
  });

  it("honours ignoreChanges on the consumer", () => {
    const ignoring = structuredClone(subnet);
    ignoring.ignoreChanges = ["vpcId"];
    const v = verdictsByName(pairs([vpc, ignoring], { vpc: (x) => (x.inputs.cidrBlock = "10.21.0.0/16") }));
    expect(v["subnet-a"]).toBeUndefined();
  });
});

describe("one resource's verdict", () => {
  it("replaces on a replace-forcing nested path, updates on another, and keeps a dropped computed input", () => {
    const rule = ruleOf("aws:eks/cluster:Cluster");
    expect(judge(rule, [{ path: "kubernetesNetworkConfig.serviceIpv4Cidr", unknown: false, removed: false }], { ignoreChanges: [] }).verdict).toBe("replace");
    expect(judge(rule, [{ path: "vpcConfig.subnetIds", unknown: false, removed: false }], { ignoreChanges: [] }).verdict).toBe("update");
    expect(judge(rule, [{ path: "kubernetesNetworkConfig.serviceIpv4Cidr", unknown: false, removed: true }], { ignoreChanges: [] }).replaceOn).toEqual([]);
    expect(judge(rule, [{ path: "kubernetesNetworkConfig", unknown: true, removed: false }], { ignoreChanges: [] }).verdict).toBe("replace");
  });

  it("honours replaceOnChanges and says 'may replace' for a conditional path or a type without a rule", () => {
    expect(judge(ruleOf("aws:ec2/vpc:Vpc"), [{ path: "tags.Name", unknown: false, removed: false }], { ignoreChanges: [], replaceOnChanges: ["tags"] }).verdict).toBe("replace");
    expect(judge(ruleOf("aws:ec2/vpc:Vpc"), [{ path: "instanceTenancy", unknown: false, removed: false }], { ignoreChanges: [] }).verdict).toBe("may-replace");
    expect(judge(undefined, [{ path: "anything", unknown: false, removed: false }], { ignoreChanges: [] }).verdict).toBe("may-replace");
  });
});

describe("replaceOnChanges, as the engine applies it (applyReplaceOnChanges: the entry contains the diff path)", () => {
  const binding = ruleOf("kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding");
  const spec = { spec: { targetGroupARN: "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/tg/0abc", vpcID: "vpc-0abc", targetType: "ip" } };
  const verdict = (path: string, replaceOnChanges: string[], options: { unknown?: boolean; inputs?: Record<string, unknown> } = {}) =>
    judge(binding, [{ path, unknown: options.unknown ?? false, removed: false }], { ignoreChanges: [], replaceOnChanges, inputs: [options.inputs ?? spec] }).verdict;

  it("covers the named path and what is inside it, a wildcard any one key, and nothing beside it", () => {
    expect(verdict("spec.targetGroupARN", ["spec.targetGroupARN", "spec.targetType"])).toBe("replace");
    expect(verdict("spec.vpcID", ["spec.targetGroupARN", "spec.targetType"])).toBe("update");
    expect(verdict("spec.targetGroupARN", ["spec"])).toBe("replace");
    expect(verdict("spec.targetGroupARN", ["*"])).toBe("replace");
    expect(verdict("spec.targetGroupARN", ["spec.*"])).toBe("replace");
    expect(verdict("spec.targetGroupARN", ['["spec"]["targetGroupARN"]'])).toBe("replace");
    expect(verdict("spec.targetGroupARN", ["spec.targetGroupARN.deeper"])).toBe("update");
  });

  it("covers a whole input made unknown by a deeper entry only maybe (the provider may name the deeper path)", () => {
    expect(verdict("spec", ["spec.targetGroupARN"], { unknown: true })).toBe("may-replace");
  });

  it("steps over list indices as the engine's paths have them: [*] any element, [0] maybe that one, a key never", () => {
    const inputs = { spec: { ports: [{ port: 80 }, { port: 443 }], subnets: ["subnet-a", "subnet-b"] } };
    expect(verdict("spec.ports.port", ["spec.ports[*].port"], { inputs })).toBe("replace");
    expect(verdict("spec.ports.port", ["spec.ports[0].port"], { inputs })).toBe("may-replace");
    // The provider's diff path is spec.ports[1].port: a key where it has an index contains nothing.
    expect(verdict("spec.ports.port", ["spec.ports.port"], { inputs })).toBe("update");
    expect(verdict("spec.subnets", ["spec.subnets[*]"], { inputs })).toBe("replace");
    expect(verdict("spec.subnets", ["spec.subnets"], { inputs })).toBe("replace");
  });
});

describe("ignoreChanges, as the engine applies it (processIgnoreChanges: each entry's exact path reset to the old value)", () => {
  const rule = { source: "test", replaceOn: ["ingress.cidrBlocks", "tags"], mayReplaceOn: [], keptWhenUnset: [], complete: true };
  const was = { tags: { "kubernetes.io/role": "elb", Name: "a" }, ingress: [{ fromPort: 80, cidrBlocks: ["10.0.0.0/8"] }, { fromPort: 443, cidrBlocks: ["10.0.0.0/8"] }] };
  /** The judgement of a change made to a copy of `was`, with the changed paths the diff finds. */
  const judged = (edit: (now: typeof was) => void, ignoreChanges: string[]) => {
    const now = structuredClone(was);
    edit(now);
    const changes = changedPaths(was, now).map((c) => ({ ...c, unknown: false }));
    const j = judge(rule, changes, { ignoreChanges, inputs: [now, was] });
    return { ignored: j.ignored, changed: [...j.replaceOn, ...j.mayReplaceOn, ...j.updated] };
  };
  const retag = (now: typeof was) => ((now.tags["kubernetes.io/role"] = "internal-elb"), (now.tags.Name = "b"));

  it("takes a quoted key with dots for one key: that tag is ignored, not every tag", () => {
    expect(judged(retag, ['tags["kubernetes.io/role"]'])).toEqual({ ignored: ["tags.kubernetes.io/role"], changed: ["tags.Name"] });
    expect(judged(retag, ["tags"])).toEqual({ ignored: ["tags.kubernetes.io/role", "tags.Name"], changed: [] });
    // `tags.kubernetes` names a key the tags do not have.
    expect(judged(retag, ["tags.kubernetes"]).ignored).toEqual([]);
  });

  it("resets one list element for a fixed index, every element for [*], none for a key where the value is a list", () => {
    const second = (now: typeof was) => (now.ingress[1].cidrBlocks = ["0.0.0.0/0"]);
    const first = (now: typeof was) => (now.ingress[0].cidrBlocks = ["0.0.0.0/0"]);
    expect(judged(second, ["ingress[0].cidrBlocks"])).toEqual({ ignored: [], changed: ["ingress.cidrBlocks"] });
    expect(judged(first, ["ingress[0].cidrBlocks"])).toEqual({ ignored: ["ingress.cidrBlocks"], changed: [] });
    expect(judged(second, ["ingress[*].cidrBlocks"])).toEqual({ ignored: ["ingress.cidrBlocks"], changed: [] });
    expect(judged(second, ["ingress.cidrBlocks"])).toEqual({ ignored: [], changed: ["ingress.cidrBlocks"] });
    // An element added: the engine cannot reset through it, the change stays.
    const added = (now: typeof was) => now.ingress.push({ fromPort: 22, cidrBlocks: ["0.0.0.0/0"] });
    expect(judged(added, ["ingress[*].cidrBlocks"]).changed).toEqual(["ingress.cidrBlocks", "ingress.fromPort"]);
  });

  it("hides a value made unknown by a replaced resource when an entry contains its path; through a fixed index it may still replace", () => {
    const unknown = (path: string, ignoreChanges: string[]) => judge(rule, [{ path, unknown: true, removed: false }], { ignoreChanges, inputs: [was, was] }).verdict;
    expect(unknown("ingress.cidrBlocks", ["ingress[*].cidrBlocks"])).toBe("update");
    expect(unknown("ingress.cidrBlocks", ["ingress[0].cidrBlocks"])).toBe("may-replace");
    expect(unknown("ingress.cidrBlocks", ["ingress.cidrBlocks"])).toBe("replace");
    expect(unknown("tags", ['tags["kubernetes.io/role"]'])).toBe("replace");
    expect(unknown("tags.kubernetes.io/role", ['tags["kubernetes.io/role"]'])).toBe("update");
  });

  it("reads quoted keys with dots the same way for replaceOnChanges", () => {
    const labels = { metadata: { labels: { "app.kubernetes.io/name": "web", tier: "front" } } };
    const replace = (path: string, entry: string) => judge(ruleOf("kubernetes:core/v1:Service"), [{ path, unknown: false, removed: false }], { ignoreChanges: [], replaceOnChanges: [entry], inputs: [labels] }).verdict;
    expect(replace("metadata.labels.app.kubernetes.io/name", 'metadata.labels["app.kubernetes.io/name"]')).toBe("replace");
    expect(replace("metadata.labels.tier", 'metadata.labels["app.kubernetes.io/name"]')).toBe("update");
  });
});
