/**
 * Updates the provider plans in place but AWS refuses: `pulumi preview` shows them as updates and
 * `pulumi up` fails half-way. Each rule names the API's limit.
 */
import type { Located, Pair, ResourceVerdict } from "./cascade";

export interface Refusal {
  urn: string;
  type: string;
  name: string;
  stack: string;
  message: string;
  /** Who refuses: AWS (the default, absent) or Pulumi's engine itself. */
  by?: "engine";
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

/** Subnet id → its availability zone and VPC id, from a plan's subnets. */
function subnetIndex(resources: Iterable<Located>): Map<string, { az: string | null; vpcId: string | null }> {
  const out = new Map<string, { az: string | null; vpcId: string | null }>();
  for (const { resource: r } of resources) {
    if (r.type !== "aws:ec2/subnet:Subnet" || !r.id) continue;
    const az = r.inputs.availabilityZone ?? r.outputs.availabilityZone;
    const vpc = r.inputs.vpcId ?? r.outputs.vpcId;
    out.set(r.id, { az: typeof az === "string" ? az : null, vpcId: typeof vpc === "string" ? vpc : null });
  }
  return out;
}

/** Whether the subnets a resource uses are all replaced because their VPC is (a move to another VPC). */
function movesVpc(subnetIds: string[], verdicts: Map<string, ResourceVerdict>, current: Map<string, Located>): boolean {
  return subnetIds.some((id) => {
    const subnet = [...current.values()].find((l) => l.resource.id === id && l.resource.type === "aws:ec2/subnet:Subnet");
    const verdict = subnet ? verdicts.get(subnet.resource.urn) : undefined;
    if (verdict?.verdict !== "replace") return false;
    // Its vpcId comes from a replaced VPC (or the program points it at another VPC).
    const vpcReplaced = verdict.dependencies.some((d) => d.paths.includes("vpcId") && verdicts.get(d.from)?.verdict === "replace" && current.get(d.from)?.resource.type === "aws:ec2/vpc:Vpc");
    return vpcReplaced || verdict.changed.includes("vpcId");
  });
}

/** `pairs`: resources in both plans; `added`: resources only in the current plan (new subnets). */
export function inPlaceRefusals(pairs: readonly Pair[], verdicts: Map<string, ResourceVerdict>, added: readonly Located[] = []): Refusal[] {
  const out: Refusal[] = [];
  const baseSubnets = subnetIndex(pairs.map((p) => p.was));
  const current = new Map([...pairs.map((p) => p.now), ...added].map((l) => [l.resource.urn, l]));
  const currentSubnets = subnetIndex(current.values());
  const refuse = (l: Located, message: string) => out.push({ urn: l.resource.urn, type: l.resource.type, name: l.resource.name, stack: l.stack, message });

  for (const { was, now } of pairs) {
    const verdict = verdicts.get(now.resource.urn);
    if (!verdict || verdict.verdict !== "update") continue;
    const r = now.resource;
    if (r.type === "aws:eks/cluster:Cluster") {
      const before = strings((was.resource.inputs.vpcConfig as Record<string, unknown> | undefined)?.subnetIds);
      const after = strings((r.inputs.vpcConfig as Record<string, unknown> | undefined)?.subnetIds);
      const touched = verdict.changed.some((p) => p.startsWith("vpcConfig.subnetIds")) || verdict.dependencies.some((d) => d.paths.some((p) => p.startsWith("vpcConfig.subnetIds")));
      if (!touched) continue;
      const originalAzs = new Set(before.map((id) => baseSubnets.get(id)?.az).filter((az): az is string => !!az));
      const newAzs = [...new Set(after.map((id) => currentSubnets.get(id)?.az).filter((az): az is string => !!az && !originalAzs.has(az)))];
      if (movesVpc(after, verdicts, current)) {
        refuse(now, `EKS cluster ${r.name}: its subnets move to a replaced VPC; UpdateClusterConfig cannot move a cluster to another VPC, so \`pulumi up\` fails at this update (the cluster has to be replaced on purpose).`);
      } else if (newAzs.length > 0) {
        refuse(now, `EKS cluster ${r.name}: control-plane subnets in ${newAzs.join(", ")}, an AZ the cluster was not created in; UpdateClusterConfig only accepts subnets in the cluster's original AZs, so \`pulumi up\` fails here. Keep the control-plane subnets on the original AZs.`);
      }
    }
    if (r.type === "aws:rds/subnetGroup:SubnetGroup") {
      const after = strings(r.inputs.subnetIds);
      const touched = verdict.changed.includes("subnetIds") || verdict.dependencies.some((d) => d.paths.includes("subnetIds"));
      const baseVpcs = new Set(strings(was.resource.inputs.subnetIds).map((id) => baseSubnets.get(id)?.vpcId).filter(Boolean));
      const newVpcs = new Set(after.map((id) => currentSubnets.get(id)?.vpcId).filter(Boolean));
      const otherVpc = [...newVpcs].some((v) => !baseVpcs.has(v));
      if (touched && (otherVpc || movesVpc(after, verdicts, current))) {
        refuse(now, `DB subnet group ${r.name}: its subnets move to another VPC; ModifyDBSubnetGroup refuses subnets of a different VPC while a cluster uses the group, so \`pulumi up\` fails here. An Aurora cluster cannot change VPC in place: remove the region's member and add it again.`);
      }
    }
  }
  return out;
}
