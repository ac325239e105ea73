/**
 * Network: NAT gateways (hours + data processed), public IPv4 addresses (Elastic IPs and the
 * nodes of internet-facing load balancers, charged since 2024-02), VPC endpoints, flow logs,
 * load balancers (hours + capacity units + data out to the internet), and the load balancers the
 * AWS Load Balancer Controller creates from Kubernetes Services and Ingresses.
 */
import type { PricingContext } from "../context";
import { at, bool, list, record, str } from "../lookup";
import type { Charge, CostResource, Pricing } from "../model";

const hours = (count: number, ctx: PricingContext) => count * ctx.hoursPerMonth;

export function natGateway(_r: CostResource, ctx: PricingContext): Pricing {
  return {
    charges: [
      { item: "vpc.nat-gateway.hour", what: "NAT gateway", kind: "fixed", quantity: hours(1, ctx) },
      { item: "vpc.nat-gateway.gb", what: "NAT data processed", kind: "usage", quantity: ctx.usage("natGatewayGbPerMonth"), assumptions: ["natGatewayGbPerMonth"] },
    ],
  };
}

export function elasticIp(_r: CostResource, ctx: PricingContext): Pricing {
  return { charges: [{ item: "ec2.public-ipv4.hour", what: "public IPv4 address", kind: "fixed", quantity: hours(1, ctx) }] };
}

export function vpcEndpoint(r: CostResource, ctx: PricingContext): Pricing {
  const kind = str(r.inputs.vpcEndpointType) ?? "Gateway";
  if (kind === "Gateway") return { free: "gateway endpoints (S3, DynamoDB) have no charge" };
  if (kind !== "Interface") return { unpriced: `${kind} endpoints are not in the price table` };
  const azs = Math.max(list(r.inputs.subnetIds).length + list(r.inputs.subnetConfigurations).length, 1);
  return {
    charges: [
      { item: "vpc.interface-endpoint.az-hour", what: `interface endpoint in ${azs} AZ(s)`, kind: "fixed", quantity: hours(azs, ctx) },
      { item: "vpc.interface-endpoint.gb", what: "endpoint data processed", kind: "usage", quantity: ctx.usage("interfaceEndpointGbPerMonth"), assumptions: ["interfaceEndpointGbPerMonth"] },
    ],
  };
}

export function flowLog(r: CostResource, ctx: PricingContext): Pricing {
  const destination = str(r.inputs.logDestinationType) ?? "cloud-watch-logs";
  const item = destination === "cloud-watch-logs" ? "vpc.flow-logs.cloudwatch.gb" : destination === "s3" ? "vpc.flow-logs.s3.gb" : null;
  if (!item) return { unpriced: `flow logs to ${destination} are not in the price table` };
  // Storage is priced on the destination log group (or bucket).
  return { charges: [{ item, what: `flow log records delivered to ${destination} (vended logs)`, kind: "usage", quantity: ctx.usage("flowLogGbPerMonth"), assumptions: ["flowLogGbPerMonth"] }] };
}

interface BalancerShape {
  kind: "application" | "network";
  internetFacing: boolean;
  /** Public IPv4 addresses AWS assigns (one per AZ), null when unknown. */
  publicAddresses: number | null;
  label: string;
}

function balancerCharges(lb: BalancerShape, ctx: PricingContext): Charge[] {
  const alb = lb.kind === "application";
  const charges: Charge[] = [
    { item: alb ? "elb.alb.hour" : "elb.nlb.hour", what: lb.label, kind: "fixed", quantity: hours(1, ctx) },
    alb
      ? { item: "elb.alb.lcu-hour", what: `${ctx.usage("albLcuAverage")} LCUs on average`, kind: "usage", quantity: hours(ctx.usage("albLcuAverage"), ctx), assumptions: ["albLcuAverage"] }
      : { item: "elb.nlb.nlcu-hour", what: `${ctx.usage("nlbNlcuAverage")} NLCUs on average`, kind: "usage", quantity: hours(ctx.usage("nlbNlcuAverage"), ctx), assumptions: ["nlbNlcuAverage"] },
  ];
  if (lb.internetFacing) {
    if (lb.publicAddresses) charges.push({ item: "ec2.public-ipv4.hour", what: `${lb.publicAddresses} public IPv4 address(es), one per AZ`, kind: "fixed", quantity: hours(lb.publicAddresses, ctx) });
    charges.push({ item: "data-transfer.internet-out.gb", what: "responses to the internet", kind: "usage", quantity: ctx.usage("albInternetEgressGbPerMonth"), assumptions: ["albInternetEgressGbPerMonth"] });
  }
  return charges;
}

export function loadBalancer(r: CostResource, ctx: PricingContext): Pricing {
  const type = str(r.inputs.loadBalancerType) ?? "application";
  if (type !== "application" && type !== "network") return { unpriced: `${type} load balancers are not in the price table` };
  const internetFacing = bool(r.inputs.internal) !== true;
  const mappings = list(r.inputs.subnetMappings).map(record);
  // Subnet mappings with their own Elastic IP are priced on the Eip resource.
  const publicAddresses = list(r.inputs.subnets).length + mappings.filter((m) => !str(m.allocationId)).length;
  return { charges: balancerCharges({ kind: type, internetFacing, publicAddresses, label: `${type === "application" ? "Application" : "Network"} Load Balancer` }, ctx) };
}

const annotations = (r: CostResource) => record(at(r.inputs, "metadata", "annotations"));

/** A Service of type LoadBalancer: the AWS Load Balancer Controller makes it an NLB (internal unless annotated). */
export function kubernetesService(r: CostResource, ctx: PricingContext): Pricing {
  if (str(at(r.inputs, "spec", "type")) !== "LoadBalancer") return { free: "a Kubernetes Service that is not of type LoadBalancer creates nothing billable" };
  const internetFacing = str(annotations(r)["service.beta.kubernetes.io/aws-load-balancer-scheme"]) === "internet-facing";
  return {
    charges: balancerCharges({ kind: "network", internetFacing, publicAddresses: null, label: "NLB of a Kubernetes Service (AWS Load Balancer Controller)" }, ctx),
    notes: internetFacing ? ["the NLB's public IPv4 addresses are not priced: its AZs are not known from the Service"] : [],
  };
}

/** An Ingress of class alb: one ALB per Ingress, or one per `group.name` shared by several. */
export function kubernetesIngress(r: CostResource, ctx: PricingContext): Pricing {
  const a = annotations(r);
  const className = str(at(r.inputs, "spec", "ingressClassName")) ?? str(a["kubernetes.io/ingress.class"]);
  if (className !== "alb") return { free: "an Ingress not of class alb creates no AWS load balancer (its controller runs on the nodes)" };
  const group = str(a["alb.ingress.kubernetes.io/group.name"]);
  if (group) {
    const first = ctx.lookup.ofType(r.type).find((other) => str(annotations(other)["alb.ingress.kubernetes.io/group.name"]) === group);
    if (first && first.urn !== r.urn) return { free: `shares the ALB of Ingress group ${group} (priced on ${first.name})` };
  }
  const internetFacing = str(a["alb.ingress.kubernetes.io/scheme"]) === "internet-facing";
  return {
    charges: balancerCharges({ kind: "application", internetFacing, publicAddresses: null, label: `ALB of Ingress${group ? ` group ${group}` : ""} (AWS Load Balancer Controller)` }, ctx),
    notes: internetFacing ? ["the ALB's public IPv4 addresses are not priced: its AZs are not known from the Ingress"] : [],
  };
}
