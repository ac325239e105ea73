/**
 * What the engine checks of a request for a provider before it finds one (source_eval.go): the
 * version, parsed with blang/semver's Parse for every custom resource (after its transforms), a
 * read without a provider and every invoke (`parseProviderRequest`), and for a provider resource
 * its own; and `envVarMappings`, which only a provider resource may carry. The parser is checked
 * against blang/semver v3.5.1's rules and messages; the engine through runStack, as the plan runs
 * programs.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { defaultProviderName } from "../../tools/fake-cloud/engine";
import { parseSemver } from "../../tools/fake-cloud/semver";
import { Box, failure, run } from "../fixtures/fake-cloud-run";


describe("blang/semver Parse, as the engine parses versions", () => {
  it("accepts major.minor.patch with a prerelease and build metadata", () => {
    for (const text of ["7.47.0", "0.0.0", "1.2.3-alpha", "1.2.3-alpha.1", "1.2.3-0", "1.2.3-a-b.c", "1.2.3+build.5", "1.2.3-rc.1+sha.abc-d", "18446744073709551615.0.0"]) {
      expect(typeof parseSemver(text), text).toBe("object");
    }
  });

  it("refuses a `v` prefix, missing parts, leading zeroes and empty identifiers, with blang's messages", () => {
    const cases: [string, string][] = [
      ["v7.47.0", 'Invalid character(s) found in major number "v7"'],
      ["", "Version string empty"],
      ["7.47", "No Major.Minor.Patch elements found"],
      ["7.x.0", 'Invalid character(s) found in minor number "x"'],
      ["07.1.0", 'Major number must not contain leading zeroes "07"'],
      ["1.2.03", 'Patch number must not contain leading zeroes "03"'],
      ["1.2.3.4", 'Invalid character(s) found in patch number "3.4"'],
      [".2.3", 'strconv.ParseUint: parsing "": invalid syntax'],
      ["18446744073709551616.0.0", 'strconv.ParseUint: parsing "18446744073709551616": value out of range'],
      ["1.2.3-", "Prerelease is empty"],
      ["1.2.3-01", 'Numeric PreRelease version must not contain leading zeroes "01"'],
      ["1.2.3-a_b", 'Invalid character(s) found in prerelease "a_b"'],
      ["1.2.3+", "Build meta data is empty"],
      ["1.2.3+a_b", 'Invalid character(s) found in build meta data "a_b"'],
    ];
    for (const [text, message] of cases) expect(parseSemver(text), text).toBe(message);
  });

  it("names default providers from the parsed version", () => {
    expect(defaultProviderName("7.47.0")).toBe("default_7_47_0");
    expect(defaultProviderName("4.0.0-alpha.1+build.5")).toBe("default_4_0_0_alpha_1_build_5");
    expect(defaultProviderName("")).toBe("default");
    expect(() => defaultProviderName("v7.47.0")).toThrow(/major number "v7"/);
  });
});

describe("a provider request's version", () => {
  const V = 'Invalid character(s) found in major number "v7"';

  it("fails a custom resource, with or without a provider of its own, with the engine's message", async () => {
    expect(await failure(run(() => void new aws.s3.Bucket("b", {}, { version: "v7.47.0" })))).toContain(`parse provider request: ${V}`);
    expect(await failure(run(() => {
      const provider = new aws.Provider("p", { region: "eu-west-1" });
      new aws.s3.Bucket("b", {}, { provider, version: "v7.47.0" });
    }))).toContain(`parse provider request: ${V}`);
    // A component's version reaches no provider request.
    await expect(run(() => void new Box("box", { version: "v7.47.0" } as pulumi.ComponentResourceOptions))).resolves.toBeDefined();
  });

  it("is the one the transforms leave, for the check and for the default provider's name", async () => {
    const setVersion = (version: string) => () => pulumi.runtime.registerResourceTransform((args) => (args.type === "aws:s3/bucket:Bucket" ? { props: args.props, opts: { ...args.opts, version } } : undefined));
    expect(await failure(run(() => {
      setVersion("v1.0.0")();
      new aws.s3.Bucket("b");
    }))).toContain('parse provider request: Invalid character(s) found in major number "v1"');
    const r = await run(() => {
      setVersion("7.0.0")();
      new aws.s3.Bucket("b");
    });
    const bucket = r.cloud.resources.find((x) => x.name === "b")!;
    expect(bucket.provider).toBe("urn:pulumi:dev::proj::pulumi:providers:aws::default_7_0_0");
  });

  it("fails a read without a provider, not one through a provider (which the engine does not parse)", async () => {
    expect(await failure(run(() => void aws.ec2.Vpc.get("v", "vpc-1", undefined, { version: "v7.47.0" })))).toContain(V);
    await expect(run(() => {
      const provider = new aws.Provider("p", { region: "eu-west-1" });
      aws.ec2.Vpc.get("v", "vpc-1", undefined, { provider, version: "v7.47.0" });
    })).resolves.toBeDefined();
  });

  it("fails every invoke, one given a provider too", async () => {
    expect(await failure(run(async () => void (await aws.getAvailabilityZones({}, { version: "v7.47.0" }))))).toContain(V);
    expect(await failure(run(async () => {
      const provider = new aws.Provider("p", { region: "eu-west-1" });
      await aws.getAvailabilityZones({}, { provider, version: "v7.47.0" });
    }))).toContain(V);
  });

  it("of a provider resource fails with the engine's `passed invalid version`, in a preview too", async () => {
    for (const preview of [false, true]) {
      expect(await failure(run(() => void new aws.Provider("p", { region: "eu-west-1" }, { version: "7.47" }), preview))).toContain(
        "ResourceMonitor.RegisterResource(pulumi:providers:aws,p): passed invalid version: No Major.Minor.Patch elements found",
      );
    }
  });
});

describe("envVarMappings", () => {
  const MESSAGE = "envVarMappings can only be used with provider resources";

  it("is refused on a custom resource and on a component, as the engine refuses it", async () => {
    expect(await failure(run(() => void new aws.s3.Bucket("b", {}, { envVarMappings: { MY_REGION: "AWS_REGION" } })))).toContain(MESSAGE);
    expect(await failure(run(() => void new Box("box", { envVarMappings: { MY_REGION: "AWS_REGION" } })))).toContain(MESSAGE);
  });

  it("is taken on a provider resource", async () => {
    await expect(run(() => void new aws.Provider("p", { region: "eu-west-1" }, { envVarMappings: { MY_REGION: "AWS_REGION" } }))).resolves.toBeDefined();
  });
});
