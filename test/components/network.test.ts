import { beforeAll, describe, expect, it } from "vitest";
import { installFakeCloud, settle, type FakeCloud, type RecordedResource } from "../../tools/fake-cloud";

let cloud: FakeCloud;
let perAz: RecordedResource[];
let single: RecordedResource[];

function under(resources: RecordedResource[], prefix: string) {
  return resources.filter((r) => r.name.startsWith(prefix));
}

beforeAll(async () => {
  cloud = await installFakeCloud({ stack: "network-test", region: "eu-west-1" });
  const { RegionalNetwork } = await import("../../components/network");
  new RegionalNetwork("ha", { cidrBlock: "10.20.0.0/16" });
  new RegionalNetwork("dev", { cidrBlock: "10.30.0.0/20", azCount: 2, natGateways: "single", flowLogRetentionDays: 14 });
  await settle();
  perAz = under(cloud.resources, "ha-");
  single = under(cloud.resources, "dev-");
});

const ofType = (rs: RecordedResource[], type: string) => rs.filter((r) => r.type === type);

describe("RegionalNetwork (NAT per AZ, the default)", () => {
  it("puts each tier's subnets in distinct AZs, three by default", () => {
    const subnets = ofType(perAz, "aws:ec2/subnet:Subnet");
    expect(subnets).toHaveLength(9);
    for (const tier of ["public", "private", "isolated"]) {
      const azs = subnets.filter((s) => (s.inputs.tags as Record<string, string>).tier === tier).map((s) => s.inputs.availabilityZone);
      expect(new Set(azs)).toEqual(new Set(["eu-west-1a", "eu-west-1b", "eu-west-1c"]));
    }
  });

  it("creates one NAT gateway and one private route table per AZ, each routing to the NAT of its own AZ", () => {
    const subnets = ofType(perAz, "aws:ec2/subnet:Subnet");
    const nats = ofType(perAz, "aws:ec2/natGateway:NatGateway");
    const privateTables = ofType(perAz, "aws:ec2/routeTable:RouteTable").filter((t) => t.name.includes("-private-"));
    expect(nats).toHaveLength(3);
    expect(privateTables).toHaveLength(3);
    const azOfSubnetId = new Map(subnets.map((s) => [s.id, s.inputs.availabilityZone]));
    const natAz = new Map(nats.map((n) => [n.id, azOfSubnetId.get(n.inputs.subnetId as string)]));
    expect(new Set(natAz.values()).size).toBe(3);

    const routes = ofType(perAz, "aws:ec2/route:Route").filter((r) => r.inputs.natGatewayId);
    const associations = ofType(perAz, "aws:ec2/routeTableAssociation:RouteTableAssociation");
    for (const table of privateTables) {
      const route = routes.find((r) => r.inputs.routeTableId === table.id)!;
      const subnetIds = associations.filter((a) => a.inputs.routeTableId === table.id).map((a) => a.inputs.subnetId);
      expect(subnetIds).toHaveLength(1);
      const subnet = subnets.find((s) => s.id === subnetIds[0])!;
      expect((subnet.inputs.tags as Record<string, string>).tier).toBe("private");
      expect(natAz.get(route.inputs.natGatewayId as string)).toBe(subnet.inputs.availabilityZone);
    }
  });

  it("keeps the isolated tier off the internet", () => {
    const isolated = ofType(perAz, "aws:ec2/routeTable:RouteTable").find((t) => t.name === "ha-isolated")!;
    const routes = ofType(perAz, "aws:ec2/route:Route").filter((r) => r.inputs.routeTableId === isolated.id);
    expect(routes).toEqual([]);
  });

  it("logs all VPC traffic to a log group with a retention", () => {
    const [flowLog] = ofType(perAz, "aws:ec2/flowLog:FlowLog");
    const [group] = ofType(perAz, "aws:cloudwatch/logGroup:LogGroup");
    expect(flowLog.inputs).toMatchObject({ trafficType: "ALL", logDestinationType: "cloud-watch-logs", logDestination: group.outputs.arn });
    expect(flowLog.inputs.vpcId).toBe(ofType(perAz, "aws:ec2/vpc:Vpc")[0].id);
    expect(group.inputs.retentionInDays).toBe(90);
  });

  it("serves S3 from a gateway endpoint on the private and isolated route tables", () => {
    const [endpoint] = ofType(perAz, "aws:ec2/vpcEndpoint:VpcEndpoint");
    expect(endpoint.inputs).toMatchObject({ vpcEndpointType: "Gateway", serviceName: "com.amazonaws.eu-west-1.s3" });
    expect(endpoint.inputs.routeTableIds).toHaveLength(4);
  });

  it("tags subnets for EKS load balancer discovery and gives no public IPs by default", () => {
    for (const subnet of ofType(perAz, "aws:ec2/subnet:Subnet")) {
      const tags = subnet.inputs.tags as Record<string, string>;
      if (tags.tier === "public") expect(tags["kubernetes.io/role/elb"]).toBe("1");
      if (tags.tier === "private") expect(tags["kubernetes.io/role/internal-elb"]).toBe("1");
      expect(subnet.inputs.mapPublicIpOnLaunch ?? false).toBe(false);
    }
  });

  it("records every resource in the component's region and under the component", () => {
    const component = cloud.resources.find((r) => r.type === "platform:network:RegionalNetwork" && r.name === "ha")!;
    expect(component.custom).toBe(false);
    for (const r of perAz.filter((r) => r.custom)) {
      expect(r.region).toBe("eu-west-1");
      expect(r.parent).toBe(component.urn);
    }
  });
});

describe("RegionalNetwork with natGateways: \"single\"", () => {
  it("creates one NAT gateway that every private route table uses, across the asked AZ count", () => {
    const nats = ofType(single, "aws:ec2/natGateway:NatGateway");
    expect(nats).toHaveLength(1);
    const routes = ofType(single, "aws:ec2/route:Route").filter((r) => r.inputs.natGatewayId);
    expect(routes).toHaveLength(2);
    expect(new Set(routes.map((r) => r.inputs.natGatewayId))).toEqual(new Set([nats[0].id]));
    expect(ofType(single, "aws:ec2/subnet:Subnet")).toHaveLength(6);
    expect(ofType(single, "aws:cloudwatch/logGroup:LogGroup")[0].inputs.retentionInDays).toBe(14);
  });
});
