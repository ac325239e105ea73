import { readFileSync } from "fs";
import { createRequire } from "module";
import * as path from "path";
import { describe, expect, it } from "vitest";
import type { ReportViolation, ResourceValidationPolicy } from "@pulumi/policy";
import { evaluatePlan, evaluateStack, policyCatalog, PolicyConfigError, policyResources, resourceValidationArgs } from "../../policies/evaluate";
import { POLICIES } from "../../policies/rules";
import { routingRecordHealth } from "../../policies/rules/dns";
import { read, secretsViewOf, UNKNOWN } from "../../policies/rules/kit";
import { SECRETS_MASKED_TAG } from "../../policies/config";
import { environment, holdSecret, ofPolicy, patch, recorded, SETTINGS, singleStack } from "./fixtures";

// Not in @pulumi/policy's typings, but exported at runtime: the proxy the server wraps props in.
const policyRuntime = createRequire(__filename)("@pulumi/policy") as { unknownCheckingProxy<T>(value: T): T };
const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

describe("the compliant fixture", () => {
  it("raises no violation from any policy in any stack", () => {
    for (const stack of environment().stacks()) expect(evaluateStack(stack)).toEqual([]);
  });
});

describe("evaluatePlan", () => {
  it("evaluates every stack with the settings' thresholds, then the environment, and counts by level", () => {
    const env = environment();
    patch(env.secondary.asg, { maxSize: 8 });
    env.primary.natGateways = env.primary.natGateways.slice(0, 1);
    const plan = evaluatePlan(env.view());
    expect(Object.keys(plan.stacks)).toEqual(["prod", "prod-us-east-1", "prod-eu-west-1"]);
    expect(plan.stacks["prod-us-east-1"].map((v) => v.policy)).toEqual(["nat-gateway-per-az"]);
    expect(plan.environment.map((v) => v.policy)).toEqual(["capacity-survives-region-loss"]);
    expect(plan.counts).toEqual({ mandatory: 1, advisory: 1 });
  });

  it("applies the settings' thresholds inside a self-contained stack too", () => {
    const program = singleStack();
    patch(program.secondary.asg, { maxSize: 8 });
    const plan = evaluatePlan({ name: "dev", stacks: [program.view()], settings: SETTINGS });
    expect(plan.stacks.dev.map((v) => v.policy)).toEqual(["capacity-survives-region-loss"]);
    expect(plan.environment).toEqual([]);
  });
});

describe("configuration, reconciled like the CLI", () => {
  const broken = () => {
    const env = environment();
    patch(env.primary.db, { deletionProtection: false });
    return env.stacks()[1];
  };

  it("reports with each policy's default level", () => {
    expect(ofPolicy(evaluateStack(broken()), "database-deletion-protection")).toEqual([expect.objectContaining({ enforcementLevel: "mandatory" })]);
  });

  it("applies `all`, then per-policy levels, and skips disabled policies", () => {
    const stack = broken();
    expect(ofPolicy(evaluateStack(stack, { all: { enforcementLevel: "advisory" } }), "database-deletion-protection")).toEqual([expect.objectContaining({ enforcementLevel: "advisory" })]);
    expect(ofPolicy(evaluateStack(stack, { all: { enforcementLevel: "advisory" }, "database-deletion-protection": { enforcementLevel: "mandatory" } }), "database-deletion-protection")).toEqual([
      expect.objectContaining({ enforcementLevel: "mandatory" }),
    ]);
    expect(evaluateStack(stack, { "database-deletion-protection": { enforcementLevel: "disabled" } })).toEqual([]);
  });

  it("rejects unknown policies, bad levels and thresholds that break the schema, all at once", () => {
    const attempt = () =>
      evaluateStack(broken(), {
        "no-such-policy": { enforcementLevel: "advisory" },
        "aurora-backup-retention": { minRetentionDays: "seven" },
        "vpc-flow-logs": { enforcementLevel: "loud" as never },
        // A misspelt threshold: its default would apply unseen.
        "kms-key-rotation": { maxRotationPeriod: 90 } as never,
      });
    expect(attempt).toThrow(PolicyConfigError);
    try {
      attempt();
    } catch (error) {
      expect((error as PolicyConfigError).problems).toEqual([
        expect.stringContaining("no-such-policy: no such policy"),
        expect.stringContaining('vpc-flow-logs.enforcementLevel: "loud"'),
        "aurora-backup-retention.minRetentionDays: must be integer",
        "kms-key-rotation: must NOT have additional properties (maxRotationPeriod)",
      ]);
    }
  });
});

describe("policyCatalog", () => {
  const catalog = policyCatalog();

  it("lists every policy once, with its kind, default level and threshold defaults", () => {
    expect(catalog.map((e) => e.name)).toEqual(POLICIES.map((p) => p.name));
    expect(new Set(catalog.map((e) => e.name)).size).toBe(catalog.length);
    expect(catalog.find((e) => e.name === "node-pool-spans-azs")).toMatchObject({ kind: "stack", enforcementLevel: "mandatory", thresholds: { minAvailabilityZones: { default: 3 } } });
    expect(catalog.find((e) => e.name === "launch-template-imdsv2")).toMatchObject({ kind: "resource", thresholds: { maxHopLimit: { default: 1 } } });
    expect(catalog.find((e) => e.name === "capacity-survives-region-loss")).toMatchObject({ kind: "environment", thresholds: { peakNodes: { default: 0 } } });
    expect(catalog.filter((e) => e.enforcementLevel === "advisory").map((e) => e.name)).toEqual(["nat-gateway-per-az", "load-balancer-waf-counting", "cost-spot-share", "cost-log-retention", "cost-bucket-cold-storage", "cost-change-per-pr", "eks-version-in-standard-support", "cost-monthly-budget", "edge-origin-verified", "production-config-real-and-pinned"]);
  });

  it("documents every threshold", () => {
    for (const entry of catalog) for (const spec of Object.values(entry.thresholds)) expect(spec.description.length).toBeGreaterThan(10);
  });
});

describe("argument shapes", () => {
  const o = { stack: "dev", region: "eu-west-1" };
  const provider = recorded("pulumi:providers:aws", "euw1", { region: "eu-west-1" }, o);
  const component = recorded("platform:network:RegionalNetwork", "net", {}, o);
  const vpc = recorded("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.0.0.0/16" }, { ...o, parent: component.urn, provider: provider.urn, outputs: { defaultSecurityGroupId: "sg-1" } });
  const subnet = { ...recorded("aws:ec2/subnet:Subnet", "subnet", { vpcId: vpc.id, availabilityZone: "eu-west-1a" }, { ...o, protect: true }), dependsOn: [vpc.urn] };

  it("gives resource policies the inputs, options, provider and type helpers", () => {
    const args = resourceValidationArgs(vpc, [provider, component, vpc], { threshold: 1 });
    expect(args).toMatchObject({ type: "aws:ec2/vpc:Vpc", name: "vpc", urn: vpc.urn, props: { cidrBlock: "10.0.0.0/16" } });
    expect(args.props).not.toHaveProperty("defaultSecurityGroupId");
    expect(args.opts).toMatchObject({ protect: false, parent: component.urn, ignoreChanges: [], aliases: [] });
    expect(args.provider).toEqual({ type: "pulumi:providers:aws", name: "euw1", urn: provider.urn, props: { region: "eu-west-1" } });
    expect(args.isType({ __pulumiType: "aws:ec2/vpc:Vpc" } as never)).toBe(true);
    expect(args.asType({ __pulumiType: "aws:ec2/subnet:Subnet" } as never)).toBeUndefined();
    expect(args.getConfig()).toEqual({ threshold: 1 });
    expect(() => args.notApplicable("n/a")).toThrow();
  });

  it("gives a default provider with the region to resources without one", () => {
    expect(resourceValidationArgs(subnet).provider).toMatchObject({ type: "pulumi:providers:aws", props: { region: "eu-west-1" } });
  });

  it("gives stack policies the outputs, with parent, dependencies and per-property dependencies as objects", () => {
    const resources = policyResources([provider, component, vpc, subnet]);
    const [, builtComponent, builtVpc, builtSubnet] = resources;
    expect(builtVpc.props).toMatchObject({ cidrBlock: "10.0.0.0/16", defaultSecurityGroupId: "sg-1" });
    expect(builtVpc.parent).toBe(builtComponent);
    expect(builtSubnet.dependencies).toEqual([builtVpc]);
    expect(builtSubnet.propertyDependencies).toEqual({ vpcId: [builtVpc] });
    expect(builtSubnet.opts.protect).toBe(true);
  });
});

describe("secrets: the engine's plain values, masks only for the rule that judges secretness", () => {
  const o = { stack: "dev", region: "us-east-1" };
  const provider = holdSecret(recorded("pulumi:providers:aws", "static-keys", { region: "us-east-1", accessKey: "AKIAEXAMPLE" }, o), "secretKey", "wJalrXUtnFEMI");
  const rule = holdSecret(recorded("aws:lb/listenerRule:ListenerRule", "verified", { priority: 2 }, { ...o, provider: provider.urn }), "conditions", [{ httpHeader: { httpHeaderName: "X-Origin-Verify", values: ["the-secret"] } }]);
  const records = [provider, rule];

  it("is declared on the rule: no-plaintext-secrets alone asks for the masked view", () => {
    expect(POLICIES.filter((p) => secretsViewOf(p) === "masked").map((p) => p.name)).toEqual(["no-plaintext-secrets"]);
  });

  it("hands the plain view with no stack tag, the masked view with the plan's masks and SECRETS_MASKED_TAG, and the server's arguments plain", () => {
    const plain = resourceValidationArgs(rule, records, {}, { secrets: "plain" });
    expect(plain.props.conditions).toEqual([{ httpHeader: { httpHeaderName: "X-Origin-Verify", values: ["the-secret"] } }]);
    expect(plain.provider!.props).toEqual({ region: "us-east-1", accessKey: "AKIAEXAMPLE", secretKey: "wJalrXUtnFEMI" });
    expect(plain.stackTags.size).toBe(0);
    const masked = resourceValidationArgs(rule, records, {}, { secrets: "masked" });
    expect(masked.props).toEqual({ priority: 2, conditions: "[secret]" });
    expect(masked.provider!.props.secretKey).toBe("[secret]");
    expect(masked.stackTags.get(SECRETS_MASKED_TAG)).toBe("true");
    const server = resourceValidationArgs(rule, records, {}, { asServer: true, secrets: "masked" });
    expect(server.props.conditions).toEqual(plain.props.conditions);
    expect(server.stackTags.size).toBe(0);
    // Stack policies read outputs: the same two views.
    expect(policyResources(records, { secrets: "plain" })[1].props.conditions).toEqual(plain.props.conditions);
    expect(policyResources(records, { secrets: "masked" })[1].props.conditions).toBe("[secret]");
  });

  it("keeps the recorded order of the properties in the plain view, and leaves records without secrets as they are", () => {
    expect(Object.keys(resourceValidationArgs(rule, records, {}, { secrets: "plain" }).props)).toEqual(Object.keys(rule.inputs));
    const vpc = recorded("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.0.0.0/16" }, o);
    expect(resourceValidationArgs(vpc, [vpc], {}, { secrets: "plain" }).props).toBe(vpc.inputs);
  });

  it("defaults to the masked view outside the harness: what a report may read and print", () => {
    expect(resourceValidationArgs(rule, records).props.conditions).toBe("[secret]");
    expect(policyResources(records)[1].props.conditions).toBe("[secret]");
  });
});

describe("values unknown during a preview", () => {
  const record = recorded("aws:route53/record:Record", "app", {}, { stack: "dev", region: "us-east-1" });
  const validate = (props: Record<string, unknown>) => {
    const found: string[] = [];
    const report: ReportViolation = (message) => found.push(message);
    const args = { ...resourceValidationArgs(record), props: policyRuntime.unknownCheckingProxy(props) };
    ((routingRecordHealth as ResourceValidationPolicy).validateResource as (a: typeof args, r: ReportViolation) => void)(args, report);
    return found;
  };

  it("reads an unknown value as UNKNOWN instead of failing the policy", () => {
    const props = policyRuntime.unknownCheckingProxy({ id: UNKNOWN_STRING });
    expect(() => props.id).toThrow(/can't be known during preview/);
    expect(read(() => props.id)).toBe(UNKNOWN);
  });

  it("counts an unknown health check id as set (it exists once created)", () => {
    expect(validate({ latencyRoutingPolicies: [{ region: "us-east-1" }], healthCheckId: UNKNOWN_STRING })).toEqual([]);
    expect(validate({ latencyRoutingPolicies: [{ region: "us-east-1" }] })).toHaveLength(1);
  });
});

describe("policies/README.md", () => {
  it("lists every policy with its kind and default level", () => {
    const readme = readFileSync(path.resolve(__dirname, "../../policies/README.md"), "utf8");
    for (const entry of policyCatalog()) expect(readme).toContain(`| \`${entry.name}\` | ${entry.kind} | ${entry.enforcementLevel} |`);
  });
});
