/**
 * Hand-made resources and plans for the plan's unit tests: the same shapes the fake cloud
 * records, URNs built the way the engine builds them (a top-level resource's URN has just its
 * type), without running a program.
 */
import type { PolicyConfig } from "../../policies/evaluate";
import type { RecordedResource } from "../../tools/fake-cloud";
import type { PlanDocument, PlanStack } from "../../tools/plan/model";
import { assemble } from "../../tools/plan/plan";
import type { EnvironmentSettings } from "../../stacks/config";

export interface ResourceOptions {
  stack?: string;
  region?: string | null;
  id?: string;
  outputs?: Record<string, unknown>;
  protect?: boolean;
  aliases?: string[];
}

export function stackUrn(stack: string): string {
  return `urn:pulumi:${stack}::platform::pulumi:pulumi:Stack::platform-${stack}`;
}

export function resource(type: string, name: string, inputs: Record<string, unknown> = {}, options: ResourceOptions = {}): RecordedResource {
  const stack = options.stack ?? "dev";
  const id = options.id ?? `${name}-id`;
  return {
    urn: `urn:pulumi:${stack}::platform::${type}::${name}`,
    type,
    name,
    custom: true,
    id,
    parent: stackUrn(stack),
    provider: null,
    region: options.region === undefined ? "us-east-1" : options.region,
    protect: options.protect ?? false,
    retainOnDelete: false,
    ignoreChanges: [],
    aliases: options.aliases ?? [],
    dependsOn: [],
    inputs,
    outputs: { ...inputs, id, ...options.outputs },
  };
}

/** A VPC with one subnet per AZ and NAT gateways in the given AZs, in `region`. */
export function network(prefix: string, region: string, azSuffixes: string[], natSuffixes: string[], stack = "dev"): RecordedResource[] {
  const opts = { stack, region };
  const vpc = resource("aws:ec2/vpc:Vpc", `${prefix}-vpc`, { cidrBlock: "10.0.0.0/16" }, { ...opts, id: `vpc-${prefix}` });
  const subnets = azSuffixes.map((s) => resource("aws:ec2/subnet:Subnet", `${prefix}-subnet-${s}`, { vpcId: vpc.id, availabilityZone: `${region}${s}` }, { ...opts, id: `subnet-${prefix}-${s}` }));
  const nats = natSuffixes.map((s) => resource("aws:ec2/natGateway:NatGateway", `${prefix}-nat-${s}`, { subnetId: `subnet-${prefix}-${s}` }, { ...opts, id: `nat-${prefix}-${s}` }));
  return [vpc, ...subnets, ...nats];
}

/** An Aurora cluster with `instances` instances spread over the AZ suffixes given. */
export function auroraCluster(name: string, region: string, role: "primary" | "secondary", azSuffixes: string[], stack = "dev"): RecordedResource[] {
  const opts = { stack, region };
  const inputs: Record<string, unknown> = { engine: "aurora-postgresql", globalClusterIdentifier: "prod-global", storageEncrypted: true, ...(role === "primary" ? { masterUsername: "app_admin", databaseName: "app" } : {}) };
  const cluster = resource("aws:rds/cluster:Cluster", name, inputs, { ...opts, id: name, protect: true });
  const instances = azSuffixes.map((s, i) => resource("aws:rds/clusterInstance:ClusterInstance", `${name}-${i + 1}`, { clusterIdentifier: name, availabilityZone: `${region}${s}`, instanceClass: "db.r7g.large" }, opts));
  return [cluster, ...instances];
}

export function planStack(stack: string, role: "global" | "region", region: string | null, resources: RecordedResource[]): Omit<PlanStack, "violations"> {
  return { stack, role, region, resources, outputs: {} };
}

/** A plan document assembled the way the CLI assembles one (policies, topology, summary). */
export function planOf(name: string, stacks: Omit<PlanStack, "violations">[], settings?: Partial<EnvironmentSettings>, policyConfig: PolicyConfig = {}): PlanDocument {
  return assemble(name, stacks, settings as EnvironmentSettings | undefined, policyConfig);
}
