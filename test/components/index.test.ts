import { describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import * as components from "../../components";

describe("components entry point", () => {
  it("exposes every component as a Pulumi ComponentResource class", () => {
    const classes = ["RegionalNetwork", "EksCluster", "ClusterAddons", "NodePool", "RegionalIngress", "GlobalDatabase", "RegionalDatabase", "GlobalTraffic", "RegionalEndpoint", "RegionalService", "Region", "RegionalObservability", "GlobalObservability", "ManagedPrometheus", "SyntheticProbe"] as const;
    for (const name of classes) {
      const cls = components[name] as unknown as { prototype: object };
      expect(Object.getPrototypeOf(cls.prototype), name).toBe(pulumi.ComponentResource.prototype);
    }
  });
});
