/**
 * Resource options the engine parses itself (source_eval.go RegisterResource): customTimeouts as
 * Go durations and hideDiffs as property paths, after transforms, with the engine's messages.
 * The parsers are checked against Go's own examples; the engine through runStack, as the plan
 * runs programs.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { isGoDuration, propertyPathError } from "../../tools/fake-cloud/resource-options";
import { Box, failure, run } from "../fixtures/fake-cloud-run";


describe("Go's time.ParseDuration, as the engine parses customTimeouts", () => {
  it("accepts a number and a unit, repeated, fractions, a sign, and a bare 0", () => {
    for (const text of ["30m", "1h30m", "1.5h", "90s", "0", "+0", "-0", "0s", "300ms", "10us", "10\u00b5s", "10\u03bcs", "5ns", ".5h", "5.s", "-1m", "1h0m0s", "2562047h47m16.854775807s"]) {
      expect(isGoDuration(text), text).toBe(true);
    }
  });

  it("refuses a unit Go does not know, a missing unit or number, spaces, and more than int64 nanoseconds", () => {
    for (const text of ["1d", "30min", "1w", "30", "00", "", "-", ".", ".s", "1 h", " 1h", "1h ", "h", "1H", "1.5.h", "2562047h47m16.854775808s", "9223372036854775808ns", "99999999999999999999s"]) {
      expect(isGoDuration(text), text).toBe(false);
    }
    // A negative duration may reach -1<<63 nanoseconds; a positive one stops one short.
    expect(isGoDuration("-9223372036854775808ns")).toBe(true);
  });
});

describe("resource.ParsePropertyPath, as the engine parses hideDiffs", () => {
  it("accepts names, quoted keys, indexes and wildcards", () => {
    for (const path of ["tags", "tags.Name", 'tags["kubernetes.io/role"]', '["key with \\"quotes\\""].x', "rules[0].cidrBlocks", "a[*].b", "a[-1]", "foo-bar", "a.[0]", ""]) {
      expect(propertyPathError(path), path).toBeNull();
    }
  });

  it("refuses what the parser refuses, in its words", () => {
    expect(propertyPathError("tags[0")).toBe("missing closing bracket in array index");
    expect(propertyPathError('tags["Name')).toBe("missing closing quote in property name");
    expect(propertyPathError('tags["Name"')).toBe("missing closing bracket in property access");
    expect(propertyPathError("tags[x]")).toBe('invalid array index: strconv.ParseInt: parsing "x": invalid syntax');
    expect(propertyPathError("a[]")).toBe('invalid array index: strconv.ParseInt: parsing "": invalid syntax');
    expect(propertyPathError("a[99999999999999999999]")).toBe('invalid array index: strconv.ParseInt: parsing "99999999999999999999": value out of range');
    expect(propertyPathError(".tags")).toBe("expected property path to start with a name or index");
    expect(propertyPathError("tags.")).toBe("expected property path to end with a name or index");
  });
});

describe("customTimeouts", () => {
  it("refuse a value Go cannot parse, with the engine's message naming it, on custom resources and components", async () => {
    expect(await failure(run(() => new aws.s3.Bucket("b", {}, { customTimeouts: { create: "1d" } })))).toContain("unable to parse customTimeout Value 1d");
    expect(await failure(run(() => new aws.s3.Bucket("b", {}, { customTimeouts: { create: "30m", update: "30min" } })))).toMatch(/unable to parse customTimeout Value 30min \(customTimeouts\.update takes a Go duration/);
    expect(await failure(run(() => new Box("box", { customTimeouts: { delete: "2 hours" } })))).toContain("unable to parse customTimeout Value 2 hours");
    // In a preview too: the engine parses them before any step.
    expect(await failure(run(() => new aws.s3.Bucket("b", {}, { customTimeouts: { read: "1.5d" } }), true))).toContain("unable to parse customTimeout Value 1.5d");
  });

  it("accept Go durations and empty fields, as the project's components write them", async () => {
    const r = await run(() => {
      new aws.s3.Bucket("b", {}, { customTimeouts: { create: "30m", update: "1h30m", delete: "1.5h" } });
      new aws.s3.Bucket("c", {}, { customTimeouts: { create: "", read: "90s" } });
      new Box("box", { customTimeouts: { create: "15m" } });
    });
    expect(r.cloud.resources.map((x) => x.name)).toEqual(expect.arrayContaining(["b", "c", "box"]));
  });

  it("reach transforms as sent, and are parsed as the transforms leave them", async () => {
    const seen: Record<string, pulumi.CustomTimeouts | undefined> = {};
    await run(() => {
      pulumi.runtime.registerResourceTransform((args) => {
        seen[args.name] = args.opts.customTimeouts;
        return args.name === "fixed" ? { props: args.props, opts: { ...args.opts, customTimeouts: { create: "24h" } } } : undefined;
      });
      new aws.s3.Bucket("sent", {}, { customTimeouts: { create: "30m" } });
      new aws.s3.Bucket("fixed", {}, { customTimeouts: { create: "1d" } });
    });
    expect(seen.sent).toMatchObject({ create: "30m" });
    const broken = await failure(run(() => {
      pulumi.runtime.registerResourceTransform((args) => ({ props: args.props, opts: { ...args.opts, customTimeouts: { update: "1w" } } }));
      new aws.s3.Bucket("b", {});
    }));
    expect(broken).toContain("unable to parse customTimeout Value 1w");
  });
});

describe("hideDiffs", () => {
  it("refuse a path the engine cannot parse, with its index and the parser's message", async () => {
    expect(await failure(run(() => new aws.s3.Bucket("b", {}, { hideDiffs: ["tags[0"] })))).toMatch(/0: missing closing bracket in array index \(hideDiffs\[0\] is "tags\[0"/);
    expect(await failure(run(() => new Box("box", { hideDiffs: ["tags", 'tags["Name'] })))).toContain("1: missing closing quote in property name");
  });

  it("accept the paths the engine parses", async () => {
    const r = await run(() => new aws.s3.Bucket("b", {}, { hideDiffs: ["tags", 'tags["kubernetes.io/role"]', "lifecycleRules[0].expiration", "grants[*]"] }));
    expect(r.cloud.resources.some((x) => x.name === "b")).toBe(true);
  });

  it("stay on the options a transform leaves alone, and are gone from options it returns (the SDK's callback does not copy them)", async () => {
    const untouched = await failure(run(() => {
      pulumi.runtime.registerResourceTransform(() => undefined);
      new aws.s3.Bucket("b", {}, { hideDiffs: ["tags[0"] });
    }));
    expect(untouched).toContain("0: missing closing bracket in array index");
    await run(() => {
      pulumi.runtime.registerResourceTransform((args) => ({ props: args.props, opts: args.opts }));
      new aws.s3.Bucket("b", {}, { hideDiffs: ["tags[0"] });
    });
  });
});
