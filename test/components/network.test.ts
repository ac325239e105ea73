import { beforeAll, describe, expect, it } from "vitest";
import { installFakeCloud, settle, type FakeCloud, type RecordedResource } from "../../tools/fake-cloud";

let cloud: FakeCloud;
let perAz: RecordedResource[];
let single: RecordedResource[];
let virginia: RecordedResource[];
let pinned: RecordedResource[];
let network: typeof import("../../components/network");

function under(resources: RecordedResource[], prefix: string) {
  return resources.filter((r) => r.name.startsWith(prefix));
}

beforeAll(async () => {
  cloud = await installFakeCloud({ stack: "network-test", region: "eu-west-1" });
  network = await import("../../components/network");
  const aws = await import("@pulumi/aws");
  const { RegionalNetwork } = network;
  new RegionalNetwork("ha", { cidrBlock: "10.20.0.0/16" });
  new RegionalNetwork("dev", { cidrBlock: "10.30.0.0/20", azCount: 2, natGateways: "single", flowLogRetentionDays: 14 });
  // The fake cloud's example account lists use1-az3 (where EKS refuses control planes) as us-east-1e.
  const useast1 = new aws.Provider("use1", { region: "us-east-1" });
  new RegionalNetwork("va", {
    cidrBlock: "10.40.0.0/16",
    zoneRequirements: { instanceTypes: ["m7i.xlarge"], database: { engine: "aurora-postgresql", engineVersion: "16.6", instanceClass: "db.r7g.large" } },
  }, { provider: useast1 });
  new RegionalNetwork("pin", { cidrBlock: "10.50.0.0/16", availabilityZoneIds: ["use1-az6", "use1-az5"] }, { provider: useast1 });
  await settle();
  perAz = under(cloud.resources, "ha-");
  single = under(cloud.resources, "dev-");
  virginia = under(cloud.resources, "va-");
  pinned = under(cloud.resources, "pin-");
});

const zoneIdsOf = (rs: RecordedResource[], tier: string) =>
  ofType(rs, "aws:ec2/subnet:Subnet").filter((s) => (s.inputs.tags as Record<string, string>).tier === tier).map((s) => s.inputs.availabilityZoneId);

const ofType = (rs: RecordedResource[], type: string) => rs.filter((r) => r.type === type);

describe("RegionalNetwork (NAT per AZ, the default)", () => {
  it("puts each tier's subnets in distinct AZs, three by default, placed by zone ID", () => {
    const subnets = ofType(perAz, "aws:ec2/subnet:Subnet");
    expect(subnets).toHaveLength(9);
    for (const tier of ["public", "private", "isolated"]) {
      expect(zoneIdsOf(perAz, tier)).toEqual(["euw1-az1", "euw1-az2", "euw1-az3"]);
      // By ID only: a name would mean another physical zone in another account.
      expect(subnets.every((s) => s.inputs.availabilityZone === undefined)).toBe(true);
    }
  });

  it("creates one NAT gateway and one private route table per AZ, each routing to the NAT of its own AZ", () => {
    const subnets = ofType(perAz, "aws:ec2/subnet:Subnet");
    const nats = ofType(perAz, "aws:ec2/natGateway:NatGateway");
    const privateTables = ofType(perAz, "aws:ec2/routeTable:RouteTable").filter((t) => t.name.includes("-private-"));
    expect(nats).toHaveLength(3);
    expect(privateTables).toHaveLength(3);
    const azOfSubnetId = new Map(subnets.map((s) => [s.id, s.inputs.availabilityZoneId]));
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
      expect(natAz.get(route.inputs.natGatewayId as string)).toBe(subnet.inputs.availabilityZoneId);
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

  it("lets only this account's flow-log service write there, with the actions the VPC guide lists, before the flow log exists", () => {
    const [flowLog] = ofType(perAz, "aws:ec2/flowLog:FlowLog");
    const [role] = ofType(perAz, "aws:iam/role:Role").filter((r) => r.name.endsWith("-flow-logs"));
    const trust = JSON.parse(String(role.inputs.assumeRolePolicy)) as { Statement: { Condition: unknown }[] };
    expect(trust.Statement[0].Condition).toEqual({ StringEquals: { "aws:SourceAccount": "123456789012" } });
    const [policy] = ofType(perAz, "aws:iam/rolePolicy:RolePolicy").filter((r) => r.name.endsWith("-flow-logs"));
    const actions = (JSON.parse(String(policy.inputs.policy)) as { Statement: { Action: string[] }[] }).Statement.flatMap((s) => s.Action);
    expect(actions.sort()).toEqual(["logs:CreateLogStream", "logs:DescribeLogGroups", "logs:DescribeLogStreams", "logs:PutLogEvents"]);
    expect(flowLog.dependsOn).toContain(policy.urn);
  });

  it("serves S3 and DynamoDB from gateway endpoints on the private and isolated route tables, never through NAT", () => {
    const endpoints = ofType(perAz, "aws:ec2/vpcEndpoint:VpcEndpoint");
    expect(endpoints.map((e) => e.inputs.serviceName)).toEqual(["com.amazonaws.eu-west-1.s3", "com.amazonaws.eu-west-1.dynamodb"]);
    const privateAndIsolated = ofType(perAz, "aws:ec2/routeTable:RouteTable")
      .filter((t) => !String((t.inputs.tags as Record<string, string>).Name).includes("public"))
      .map((t) => t.id)
      .sort();
    expect(privateAndIsolated).toHaveLength(4);
    for (const endpoint of endpoints) {
      expect(endpoint.inputs.vpcEndpointType).toBe("Gateway");
      expect([...(endpoint.inputs.routeTableIds as string[])].sort()).toEqual(privateAndIsolated);
    }
    // In the VPC's own region: a gateway endpoint reaches only its region's service.
    expect(ofType(virginia, "aws:ec2/vpcEndpoint:VpcEndpoint").map((e) => e.inputs.serviceName)).toEqual(["com.amazonaws.us-east-1.s3", "com.amazonaws.us-east-1.dynamodb"]);
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

describe("RegionalNetwork zone choice", () => {
  it("chooses the first usable zone IDs, skipping the one EKS refuses, whatever the names", async () => {
    expect(zoneIdsOf(virginia, "private")).toEqual(["use1-az1", "use1-az2", "use1-az4"]);
    const component = cloud.resources.find((r) => r.type === "platform:network:RegionalNetwork" && r.name === "va")!;
    // The plan reads this: which zones, and why use1-az3 is not among them.
    expect(component.outputs.zoneChoice).toBe("use1-az1 (us-east-1c), use1-az2 (us-east-1d), use1-az4 (us-east-1a) — first by zone ID; not used: use1-az3: EKS refuses control-plane subnets there");
    expect(component.outputs.availabilityZones).toEqual(["us-east-1c", "us-east-1d", "us-east-1a"]);
  });

  it("uses pinned zone IDs in the order listed and as many AZs as pinned", () => {
    expect(zoneIdsOf(pinned, "public")).toEqual(["use1-az6", "use1-az5"]);
    expect(ofType(pinned, "aws:ec2/natGateway:NatGateway")).toHaveLength(2);
  });
});
