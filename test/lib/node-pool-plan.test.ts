import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parse } from "yaml";
import {
  checkInstanceTypes,
  checkNodeGroupRelease,
  defaultCpuTargetPercent,
  eksAl2023AmiParameter,
  isArmInstanceType,
  nodeadmUserData,
  planNodeCapacity,
} from "../../components/lib/node-pool-plan";

describe("planNodeCapacity", () => {
  it("defaults to one node per AZ, an on-demand floor, and room to grow", () => {
    expect(planNodeCapacity({ azCount: 3 })).toEqual({ minSize: 3, desiredSize: 3, maxSize: 9, onDemandBaseCapacity: 3, onDemandPercentageAboveBase: 50 });
  });

  it("always yields min <= desired <= max, min >= AZ count, and an on-demand base covering the floor by default", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 10 }), (azCount, extraDesired, extraMax) => {
      const minSize = azCount + (extraDesired % 3);
      const plan = planNodeCapacity({ azCount, minSize, desiredSize: minSize + extraDesired, maxSize: minSize + extraDesired + extraMax });
      expect(plan.minSize).toBeGreaterThanOrEqual(azCount);
      expect(plan.minSize).toBeLessThanOrEqual(plan.desiredSize);
      expect(plan.desiredSize).toBeLessThanOrEqual(plan.maxSize);
      expect(plan.onDemandBaseCapacity).toBe(plan.minSize);
    }));
  });

  it("refuses a floor below the AZ count unless explicitly allowed", () => {
    expect(() => planNodeCapacity({ azCount: 3, minSize: 2 })).toThrow(/below the AZ count 3/);
    expect(planNodeCapacity({ azCount: 3, minSize: 2, allowFewerNodesThanAzs: true }).minSize).toBe(2);
  });

  it("refuses inconsistent or non-integer sizes and shares", () => {
    expect(() => planNodeCapacity({ azCount: 3, desiredSize: 2 })).toThrow(/minSize <= desiredSize/);
    expect(() => planNodeCapacity({ azCount: 3, maxSize: 2 })).toThrow(/minSize <= desiredSize/);
    expect(() => planNodeCapacity({ azCount: 3, minSize: 3.5 })).toThrow(/integer/);
    expect(() => planNodeCapacity({ azCount: 3, onDemandPercentageAboveBase: 101 })).toThrow(/0 to 100/);
    expect(() => planNodeCapacity({ azCount: 0 })).toThrow(/azCount/);
  });
});

describe("defaultCpuTargetPercent", () => {
  it("keeps the survivors of one AZ loss at or below 100 % CPU", () => {
    for (let n = 2; n <= 6; n++) expect((defaultCpuTargetPercent(n) * n) / (n - 1)).toBeLessThanOrEqual(100);
    expect(defaultCpuTargetPercent(3)).toBe(60);
    expect(defaultCpuTargetPercent(2)).toBe(50);
  });
});

describe("instance types", () => {
  it("accepts several types of one size", () => {
    expect(() => checkInstanceTypes(["m7i.xlarge", "m6i.xlarge", "m7a.xlarge", "m7i-flex.xlarge"])).not.toThrow();
  });
  it("tells Graviton families from x86 ones", () => {
    for (const arm of ["m7g.large", "c7gn.large", "t4g.large", "r6gd.large", "im4gn.large", "is4gen.large", "g5g.xlarge", "a1.large"]) expect(isArmInstanceType(arm), arm).toBe(true);
    for (const x86 of ["m7i.large", "m7a.large", "g5.xlarge", "c6in.large", "r7iz.large", "m7i-flex.large"]) expect(isArmInstanceType(x86), x86).toBe(false);
  });
  it("refuses empty, duplicate, mixed-size, arm64 and malformed lists", () => {
    expect(() => checkInstanceTypes([])).toThrow(/empty/);
    expect(() => checkInstanceTypes(["m7i.xlarge", "m7i.xlarge"])).toThrow(/more than once/);
    expect(() => checkInstanceTypes(["m7i.xlarge", "m7i.large"])).toThrow(/mixes sizes/);
    expect(() => checkInstanceTypes(["c7g.xlarge"])).toThrow(/arm64/);
    expect(() => checkInstanceTypes(["xlarge"])).toThrow(/not an EC2 instance type/);
  });
});

describe("checkNodeGroupRelease (a managed node group's AMI release)", () => {
  it("accepts <major.minor.patch>-<date> of the node group's own minor", () => {
    expect(() => checkNodeGroupRelease("1.34.2-20260714", "1.34")).not.toThrow();
    expect(() => checkNodeGroupRelease("1.35.10-20261001", "1.35")).not.toThrow();
  });

  it("refuses the other spellings of a release: the AMI tag, a date alone, no patch, `recommended`", () => {
    for (const release of ["v20260714", "20260714", "1.34-20260714", "1.34.2", "1.34.2-v20260714", "recommended", ""]) {
      expect(() => checkNodeGroupRelease(release, "1.34"), release).toThrow(/is not an EKS AMI release version: use <Kubernetes major\.minor\.patch>-<date> such as 1\.34\.2-20260714/);
    }
  });

  it("refuses a release of another minor, naming the field, both minors and the fix", () => {
    expect(() => checkNodeGroupRelease("1.33.5-20260714", "1.34", "nodeGroupReleaseVersion")).toThrow(
      /^nodeGroupReleaseVersion "1\.33\.5-20260714" is an AMI release of Kubernetes 1\.33, but the node group runs 1\.34: .*Pick a 1\.34\.<patch>-<date> release .*same change as the Kubernetes version$/,
    );
    // A minor that only shares a prefix is another minor.
    expect(() => checkNodeGroupRelease("1.3.4-20260714", "1.34")).toThrow(/is not an EKS AMI release version/);
    fc.assert(fc.property(fc.integer({ min: 10, max: 99 }), fc.integer({ min: 10, max: 99 }), (a, b) => {
      const accepted = (() => { try { checkNodeGroupRelease(`1.${a}.0-20260714`, `1.${b}`); return true; } catch { return false; } })();
      return accepted === (a === b);
    }));
  });
});

describe("AL2023 AMI parameter and nodeadm user data", () => {
  it("points at one release's x86_64 standard image of the version, the parameter that never moves", () => {
    expect(eksAl2023AmiParameter("1.34", "v20260714")).toBe("/aws/service/eks/optimized-ami/1.34/amazon-linux-2023/x86_64/standard/amazon-eks-node-al2023-x86_64-standard-1.34-v20260714/image_id");
    expect(() => eksAl2023AmiParameter("latest", "v20260714")).toThrow(/major.minor/);
    expect(() => eksAl2023AmiParameter("1.34", "20260714")).toThrow(/release such as v20260714/);
    expect(() => eksAl2023AmiParameter("1.34", "v2026-07-14")).toThrow(/release such as v20260714/);
  });

  it("follows the recommended image only when asked by name", () => {
    expect(eksAl2023AmiParameter("1.34", "recommended")).toBe("/aws/service/eks/optimized-ami/1.34/amazon-linux-2023/x86_64/standard/recommended/image_id");
  });

  it("wraps a NodeConfig in one MIME part that round-trips, whatever the values", () => {
    fc.assert(fc.property(fc.string({ minLength: 1 }), fc.webUrl(), fc.base64String({ minLength: 4 }), (name, endpoint, ca) => {
      const doc = nodeadmUserData({ name, apiServerEndpoint: endpoint, certificateAuthority: ca, cidr: "10.100.0.0/16" });
      const boundary = /boundary="([^"]+)"/.exec(doc)![1];
      const [, part, end] = doc.split(`--${boundary}`);
      expect(end.trim()).toBe("--");
      const [headers, ...body] = part.split("\n\n");
      expect(headers.trim()).toBe("Content-Type: application/node.eks.aws");
      expect(parse(body.join("\n\n")).spec.cluster).toEqual({ name, apiServerEndpoint: endpoint, certificateAuthority: ca, cidr: "10.100.0.0/16" });
    }), { numRuns: 50 });
  });
});
