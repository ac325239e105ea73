/**
 * Compute: EKS control planes, Auto Scaling node pools (mixed instances: On-Demand base and
 * percentage, Spot over the override types), EKS managed node groups, instances and volumes.
 * Instances are priced per hour at desired capacity (baseline) and at the pool's maximum
 * (ceiling); their root volumes and detailed monitoring follow the instance count.
 */
import { allSpot, PurchaseSplit, purchaseSplit } from "../capacity";
import type { PricingContext } from "../context";
import { at, bool, list, num, record, str } from "../lookup";
import type { Charge, CostResource, Pricing, Quantity } from "../model";
import type { UsageKey } from "../usage";

export const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
/** EC2 detailed monitoring publishes 7 metrics per instance, billed as custom metrics. */
export const DETAILED_MONITORING_METRICS = 7;
const GP3_FREE_IOPS = 3000;
const GP3_FREE_THROUGHPUT_MIBPS = 125;
/** EKS managed node groups without a launch template default to 20 GiB disks and t3.medium. */
const NODE_GROUP_DEFAULT_DISK_GB = 20;
const NODE_GROUP_DEFAULT_TYPE = "t3.medium";

interface Volume {
  gb: number;
  type: string;
  iops: number | null;
  throughput: number | null;
  assumed: UsageKey[];
}

const hours = (count: number, ctx: PricingContext) => count * ctx.hoursPerMonth;
const scaled = (q: Quantity, by: number): Quantity => ({ baseline: q.baseline * by, ceiling: q.ceiling * by });
const distinct = <T>(values: (T | null)[]) => [...new Set(values.filter((v): v is T => v !== null))];

function launchTemplateOf(r: CostResource, ctx: PricingContext, property: string, spec: unknown): CostResource | null {
  const s = record(spec);
  return ctx.lookup.referenced(r, property, [str(s.launchTemplateId) ?? str(s.id), str(s.launchTemplateName) ?? str(s.name)], [LAUNCH_TEMPLATE])[0] ?? null;
}

/** Volumes every instance gets: the launch template's EBS mappings, else the AMI's root volume (assumed). */
function volumesOf(mappings: unknown[], ctx: PricingContext, defaultGb?: number): Volume[] {
  const volumes = mappings
    .map((m) => record(record(m).ebs))
    .filter((ebs) => Object.keys(ebs).length > 0)
    .map((ebs): Volume => {
      const size = num(ebs.volumeSize);
      return { gb: size ?? ctx.usage("nodeRootVolumeGb"), type: str(ebs.volumeType) ?? "gp3", iops: num(ebs.iops), throughput: num(ebs.throughput), assumed: size === null ? ["nodeRootVolumeGb"] : [] };
    });
  if (volumes.length > 0) return volumes;
  if (defaultGb !== undefined) return [{ gb: defaultGb, type: "gp3", iops: null, throughput: null, assumed: [] }];
  return [{ gb: ctx.usage("nodeRootVolumeGb"), type: "gp3", iops: null, throughput: null, assumed: ["nodeRootVolumeGb"] }];
}

export function volumeCharges(volumes: readonly Volume[], instances: Quantity, label: string): Charge[] {
  const charges: Charge[] = [];
  for (const v of volumes) {
    charges.push({ item: `ebs.${v.type}.gb-month`, what: `${v.gb} GB ${v.type} ${label}`, kind: "fixed", quantity: scaled(instances, v.gb), assumptions: v.assumed });
    if (v.type === "gp3" && v.iops !== null && v.iops > GP3_FREE_IOPS) {
      charges.push({ item: "ebs.gp3.iops-month", what: `${v.iops - GP3_FREE_IOPS} gp3 IOPS above ${GP3_FREE_IOPS} ${label}`, kind: "fixed", quantity: scaled(instances, v.iops - GP3_FREE_IOPS) });
    }
    if (v.type === "gp3" && v.throughput !== null && v.throughput > GP3_FREE_THROUGHPUT_MIBPS) {
      charges.push({ item: "ebs.gp3.throughput-month", what: `${v.throughput - GP3_FREE_THROUGHPUT_MIBPS} MiB/s gp3 throughput above ${GP3_FREE_THROUGHPUT_MIBPS} ${label}`, kind: "fixed", quantity: scaled(instances, v.throughput - GP3_FREE_THROUGHPUT_MIBPS) });
    }
  }
  return charges;
}

/** Instance-hours of a pool split between On-Demand (one type) and Spot (the types' mean price less the discount). */
function instanceCharges(onDemandType: string, spotTypes: readonly string[], baseline: PurchaseSplit, ceiling: PurchaseSplit, ctx: PricingContext): Charge[] {
  const charges: Charge[] = [];
  if (ceiling.onDemand > 0) {
    charges.push({
      item: `ec2.instance.${onDemandType}`,
      what: `${baseline.onDemand} × ${onDemandType} On-Demand (${ceiling.onDemand} at max)`,
      kind: "fixed",
      quantity: { baseline: hours(baseline.onDemand, ctx), ceiling: hours(ceiling.onDemand, ctx) },
    });
  }
  if (ceiling.spot > 0) {
    const discount = ctx.usage("spotDiscountPercent");
    for (const type of spotTypes) {
      charges.push({
        item: `ec2.instance.${type}`,
        what: `${baseline.spot} Spot (${ceiling.spot} at max) spread over ${spotTypes.join(", ")}: ${type}'s share at On-Demand less ${discount}%`,
        kind: "fixed",
        quantity: { baseline: hours(baseline.spot, ctx) / spotTypes.length, ceiling: hours(ceiling.spot, ctx) / spotTypes.length },
        factor: 1 - discount / 100,
        assumptions: ["spotDiscountPercent"],
      });
    }
  }
  return charges;
}

function monitoringCharges(lt: CostResource | null, instances: Quantity): Charge[] {
  if (bool(at(lt?.inputs, "monitoring", "enabled")) !== true) return [];
  return [{ item: "cloudwatch.metric.month", what: `EC2 detailed monitoring (${DETAILED_MONITORING_METRICS} metrics per instance)`, kind: "fixed", quantity: scaled(instances, DETAILED_MONITORING_METRICS) }];
}

export function autoScalingGroup(r: CostResource, ctx: PricingContext): Pricing {
  const mixed = record(r.inputs.mixedInstancesPolicy);
  const isMixed = Object.keys(mixed).length > 0;
  const lt = isMixed
    ? launchTemplateOf(r, ctx, "mixedInstancesPolicy", at(mixed, "launchTemplate", "launchTemplateSpecification"))
    : launchTemplateOf(r, ctx, "launchTemplate", r.inputs.launchTemplate);
  const overrides = list(at(mixed, "launchTemplate", "overrides")).map(record);
  const types = distinct([...overrides.map((o) => str(o.instanceType)), ...(overrides.length ? [] : [str(lt?.inputs.instanceType)])]);
  if (types.length === 0) return { unpriced: "no instance type found: neither launch template overrides nor a launch template with instanceType (attribute-based instance selection is not priced)" };
  const desired = num(r.inputs.desiredCapacity) ?? num(r.inputs.minSize) ?? 0;
  const max = Math.max(num(r.inputs.maxSize) ?? desired, desired);
  const distribution = record(mixed.instancesDistribution);
  // Without a mixed instances policy every instance is On-Demand; the API's defaults are base 0, 100% On-Demand.
  const base = num(distribution.onDemandBaseCapacity) ?? 0;
  const percent = isMixed ? num(distribution.onDemandPercentageAboveBaseCapacity) ?? 100 : 100;
  const baseline = purchaseSplit(desired, base, percent);
  const ceiling = purchaseSplit(max, base, percent);
  const strategy = str(distribution.onDemandAllocationStrategy) ?? "prioritized";
  const onDemandType = strategy === "lowest-price" ? cheapest(types, ctx) : types[0];
  const instances: Quantity = { baseline: desired, ceiling: max };
  const notes = overrides.some((o) => num(o.weightedCapacity) !== null) ? ["weighted capacity is read as one instance per unit"] : [];
  return {
    charges: [
      ...instanceCharges(onDemandType, types, baseline, ceiling, ctx),
      ...volumeCharges(volumesOf(list(lt?.inputs.blockDeviceMappings), ctx), instances, "per node"),
      ...monitoringCharges(lt, instances),
    ],
    notes,
    pool: { kind: "autoscaling", desired, max, baseline, ceiling },
  };
}

function cheapest(types: readonly string[], ctx: PricingContext): string {
  const priced = types.map((t) => [t, ctx.unitPrice(`ec2.instance.${t}`)] as const).filter((p): p is readonly [string, number] => p[1] !== null);
  return priced.length ? priced.reduce((a, b) => (b[1] < a[1] ? b : a))[0] : types[0];
}

export function managedNodeGroup(r: CostResource, ctx: PricingContext): Pricing {
  const scaling = record(r.inputs.scalingConfig);
  const desired = num(scaling.desiredSize) ?? num(scaling.minSize) ?? 0;
  const max = Math.max(num(scaling.maxSize) ?? desired, desired);
  const lt = Object.keys(record(r.inputs.launchTemplate)).length ? launchTemplateOf(r, ctx, "launchTemplate", r.inputs.launchTemplate) : null;
  const types = distinct([...list(r.inputs.instanceTypes).map(str), ...(list(r.inputs.instanceTypes).length ? [] : [str(lt?.inputs.instanceType)])]);
  if (types.length === 0) types.push(NODE_GROUP_DEFAULT_TYPE);
  const spot = str(r.inputs.capacityType) === "SPOT";
  const baseline = spot ? allSpot(desired) : purchaseSplit(desired, desired, 100);
  const ceiling = spot ? allSpot(max) : purchaseSplit(max, max, 100);
  const instances: Quantity = { baseline: desired, ceiling: max };
  const volumes = lt ? volumesOf(list(lt.inputs.blockDeviceMappings), ctx) : volumesOf([], ctx, num(r.inputs.diskSize) ?? NODE_GROUP_DEFAULT_DISK_GB);
  return {
    charges: [...instanceCharges(types[0], types, baseline, ceiling, ctx), ...volumeCharges(volumes, instances, "per node"), ...monitoringCharges(lt, instances)],
    pool: { kind: "managed", desired, max, baseline, ceiling },
  };
}

/**
 * The control plane's hour, and with `upgradePolicy.supportType` EXTENDED the extended-support
 * surcharge too (the Price List bills it as a line of its own beside the cluster hour: $0.50 on
 * $0.10). EKS charges it only while the version is past its standard support, which the plan
 * cannot see (no table of support dates): the estimate takes the expensive case for the explicit
 * choice, and says so. Left unset, AWS applies EXTENDED: priced at the standard rate, with a note.
 */
export function eksCluster(r: CostResource, ctx: PricingContext): Pricing {
  const cluster: Charge = { item: "eks.cluster.hour", what: "EKS control plane", kind: "fixed", quantity: hours(1, ctx) };
  const supportType = str(record(r.inputs.upgradePolicy).supportType);
  if (supportType === "EXTENDED") {
    return {
      charges: [cluster, { item: "eks.cluster.extended-support.hour", what: "EKS extended support (upgradePolicy EXTENDED)", kind: "fixed", quantity: hours(1, ctx) }],
      notes: ["upgradePolicy EXTENDED is priced with the extended-support surcharge, which EKS bills once the Kubernetes version is past its standard support (before that, the cluster hour alone); STANDARD has AWS upgrade the control plane instead"],
    };
  }
  if (supportType === null) {
    return { charges: [cluster], notes: ["no upgradePolicy: AWS applies EXTENDED, so past its version's standard support the cluster also pays the extended-support surcharge (not priced here); set supportType"] };
  }
  return { charges: [cluster] };
}

export function instance(r: CostResource, ctx: PricingContext): Pricing {
  const type = str(r.inputs.instanceType);
  if (!type) return { unpriced: "no instanceType (a launch template's type is not followed for single instances)" };
  const root = record(r.inputs.rootBlockDevice);
  const volumes = volumesOf([{ ebs: root }, ...list(r.inputs.ebsBlockDevices).map((d) => ({ ebs: d }))], ctx);
  const one: Quantity = { baseline: 1, ceiling: 1 };
  const charges: Charge[] = [{ item: `ec2.instance.${type}`, what: `1 × ${type} On-Demand`, kind: "fixed", quantity: hours(1, ctx) }, ...volumeCharges(volumes, one, "")];
  if (bool(r.inputs.monitoring) === true) charges.push(...monitoringCharges({ ...r, inputs: { monitoring: { enabled: true } } }, one));
  return { charges };
}

export function ebsVolume(r: CostResource): Pricing {
  const gb = num(r.inputs.size);
  if (gb === null) return { unpriced: "no size (a volume from a snapshot takes the snapshot's size)" };
  // CreateVolume's default type is gp2.
  const volume: Volume = { gb, type: str(r.inputs.type) ?? "gp2", iops: num(r.inputs.iops), throughput: num(r.inputs.throughput), assumed: [] };
  return { charges: volumeCharges([volume], { baseline: 1, ceiling: 1 }, "volume") };
}
