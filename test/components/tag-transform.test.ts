import { beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { installFakeCloud, settle, type FakeCloud } from "../../tools/fake-cloud";
import { tagTransform } from "../../components/lib/tags";

let cloud: FakeCloud;

beforeAll(async () => {
  cloud = await installFakeCloud({ stack: "tags", region: "eu-west-1" });
  pulumi.runtime.registerResourceTransform(tagTransform({ environment: "dev", owner: "o", costCenter: "c", defaultRegion: "eu-west-1" }));
  const { RegionalNetwork } = await import("../../components/network");
  const aws = await import("@pulumi/aws");
  new RegionalNetwork("net", { cidrBlock: "10.1.0.0/20", azCount: 2, natGateways: "single" });
  // A subtree tagged by a component-level transform, as single-stack programs do per region.
  class Wrapper extends pulumi.ComponentResource {
    constructor(name: string, opts: pulumi.ComponentResourceOptions) {
      super("platform:test:Wrapper", name, {}, opts);
      new aws.sns.Topic(`${name}-topic`, {}, { parent: this });
    }
  }
  new Wrapper("w", { transforms: [tagTransform({ environment: "dev", owner: "o", costCenter: "c", region: "ap-south-1" })] });
  await settle();
});

describe("tag transform under the fake cloud (which applies transforms as the engine does)", () => {
  it("tags every taggable resource of a stack, with the component it belongs to", () => {
    const vpc = cloud.ofType("aws:ec2/vpc:Vpc")[0];
    expect(vpc.inputs.tags).toMatchObject({ environment: "dev", region: "eu-west-1", component: "RegionalNetwork", Name: "net-vpc" });
    const untagged = cloud.resources.filter((r) => r.custom && r.type.startsWith("aws:") && r.type !== "aws:ec2/route:Route" && r.type !== "aws:ec2/routeTableAssociation:RouteTableAssociation" && r.type !== "aws:iam/rolePolicy:RolePolicy" && !r.inputs.tags);
    expect(untagged.map((r) => r.type)).toEqual([]);
  });

  it("applies a component's transforms to its children, innermost first", () => {
    const topic = cloud.ofType("aws:sns/topic:Topic")[0];
    expect(topic.inputs.tags).toMatchObject({ region: "ap-south-1", component: "Wrapper" });
  });
});
