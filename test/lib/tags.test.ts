import { describe, expect, it } from "vitest";
import { componentOfParentUrn, isTaggable, withPlatformTags } from "../../components/lib/tags";
import { scanTaggableTypes } from "../../tools/taggable-types";
import committed from "../../components/lib/taggable-types.json";

const tags = { environment: "prod", owner: "team", costCenter: "cc-1", defaultRegion: "us-east-1" };

describe("platform tags", () => {
  it("knows the taggable types of the installed provider (regenerate: npx tsx tools/taggable-types.ts --write)", () => {
    expect(committed).toEqual(scanTaggableTypes());
    expect(isTaggable("aws:ec2/vpc:Vpc")).toBe(true);
    expect(isTaggable("aws:ec2/route:Route")).toBe(false);
  });

  it("adds environment, region, owner, cost centre and component, keeping the resource's own tags", () => {
    const props = withPlatformTags("aws:ec2/vpc:Vpc", { cidrBlock: "10.0.0.0/16", tags: { Name: "vpc", owner: "db-team" } }, tags, "RegionalNetwork");
    expect(props.tags).toEqual({ environment: "prod", owner: "db-team", "cost-center": "cc-1", "managed-by": "pulumi", region: "us-east-1", component: "RegionalNetwork", Name: "vpc" });
  });

  it("takes the region from the resource's own region input (provider v7) before the stack's", () => {
    expect((withPlatformTags("aws:sns/topic:Topic", { region: "us-west-2" }, tags).tags as Record<string, string>).region).toBe("us-west-2");
  });

  it("propagates tags to instances for Auto Scaling groups (list-shaped tags)", () => {
    const props = withPlatformTags("aws:autoscaling/group:Group", { tags: [{ key: "Name", value: "nodes", propagateAtLaunch: true }] }, tags);
    expect(props.tags).toContainEqual({ key: "environment", value: "prod", propagateAtLaunch: true });
    expect(props.tags).toContainEqual({ key: "Name", value: "nodes", propagateAtLaunch: true });
  });

  it("leaves untaggable types alone", () => {
    const props = { routeTableId: "rtb-1" };
    expect(withPlatformTags("aws:ec2/route:Route", props, tags)).toBe(props);
  });

  it("names the innermost platform component of a parent URN", () => {
    expect(componentOfParentUrn("urn:pulumi:s::p::platform:region:Region$platform:network:RegionalNetwork::prod-us-east-1")).toBe("RegionalNetwork");
    expect(componentOfParentUrn("urn:pulumi:s::p::pulumi:pulumi:Stack::p-s")).toBeUndefined();
  });
});
