/**
 * What a transform callback is handed where a property holds a secret or an unknown: the engine
 * unmarshals RegisterResource's properties with UpgradeToOutputValues and marshals them for the
 * callback with KeepOutputValues (source_eval.go), so each secret and unknown, at any depth,
 * reaches the callback as a `pulumi.Output` where it stands; what a callback returns comes back
 * as secrets and unknowns again (the next callback of a chain gets those), and the engine
 * downgrades the output values left after the chain.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import { describe, expect, it } from "vitest";
import { tagTransform } from "../../components/lib/tags";
import type { RecordedResource } from "../../tools/fake-cloud";
import type { StackRun } from "../../tools/fake-cloud/run";
import { run } from "../fixtures/fake-cloud-run";

const byName = (r: StackRun, name: string): RecordedResource => r.cloud.resources.find((x) => x.name === name)!;

const PLATFORM = { environment: "dev", owner: "team", "cost-center": "cc-1", "managed-by": "pulumi", region: "eu-west-1" };
const platformTags = () => pulumi.runtime.registerResourceTransform(tagTransform({ environment: "dev", owner: "team", costCenter: "cc-1", defaultRegion: "eu-west-1" }));

describe("transforms and secrets", () => {
  it("a stack transform that merges tags keeps them all when one tag value is secret, as under the engine", async () => {
    const r = await run(() => {
      platformTags();
      new aws.s3.Bucket("b", { tags: { Name: "b", token: pulumi.secret("s3cr3t") } });
    });
    // The plan records a property that holds a secret masked whole (as the SDK deserializes it);
    // its plain value is what the policies get.
    expect(byName(r, "b").secretInputs?.tags).toEqual({ ...PLATFORM, Name: "b", token: "s3cr3t" });
  });

  it("hands the callback a nested secret as a secret Output where it stands, the rest plain", async () => {
    const seen: Record<string, unknown>[] = [];
    await run(() => {
      pulumi.runtime.registerResourceTransform((args) => {
        if (args.type === "aws:s3/bucket:Bucket") seen.push(args.props.tags as Record<string, unknown>);
        return undefined;
      });
      new aws.s3.Bucket("b", { tags: { Name: "b", token: pulumi.secret("s3cr3t") } });
    });
    expect(seen).toHaveLength(1);
    expect(seen[0].Name).toBe("b");
    expect(pulumi.Output.isInstance(seen[0].token)).toBe(true);
    const token = seen[0].token as unknown as { isSecret: Promise<boolean>; promise(): Promise<unknown> };
    expect(await token.isSecret).toBe(true);
    expect(await token.promise()).toBe("s3cr3t");
  });

  it("leaves the properties as sent when every callback returns nothing", async () => {
    const r = await run(() => {
      pulumi.runtime.registerResourceTransform(() => undefined);
      new aws.s3.Bucket("b", { tags: { Name: "b", token: pulumi.secret("s3cr3t") } });
    });
    expect(byName(r, "b").secretInputs?.tags).toEqual({ Name: "b", token: "s3cr3t" });
  });

  it("gives the next callback of a chain what the previous one returned, secrets no longer output values (as the engine re-marshals them)", async () => {
    const seen: unknown[] = [];
    class Box extends pulumi.ComponentResource {
      constructor(name: string, opts: pulumi.ComponentResourceOptions) {
        super("test:index:Box", name, {}, opts);
        new aws.s3.Bucket("b", { tags: { Name: "b", token: pulumi.secret("s3cr3t") } }, { parent: this });
        this.registerOutputs({});
      }
    }
    await run(() => {
      pulumi.runtime.registerResourceTransform((args) => {
        if (args.type === "aws:s3/bucket:Bucket") seen.push(args.props.tags);
        return undefined;
      });
      // The component's transform runs first and returns the properties it got.
      new Box("box", { transforms: [(args) => ({ props: args.props, opts: args.opts })] });
    });
    // The SDK's callback deserializes a nested secret by wrapping the whole top-level property.
    expect(seen).toHaveLength(1);
    expect((seen[0] as Record<string, unknown>)[rpc.specialSigKey]).toBe(rpc.specialSecretSig);
  });
});

describe("transforms and unknowns in a preview", () => {
  it("hands the callback an unknown as an Output that is not known, and records it unknown", async () => {
    const known: boolean[] = [];
    const r = await run(() => {
      pulumi.runtime.registerResourceTransform(async (args) => {
        if (args.type !== "aws:ec2/securityGroup:SecurityGroup") return undefined;
        const vpcId = args.props.vpcId as pulumi.Output<string>;
        known.push(pulumi.Output.isInstance(vpcId) && (await (vpcId as unknown as { isKnown: Promise<boolean> }).isKnown));
        return { props: { ...args.props, description: "web" }, opts: args.opts };
      });
      const vpc = new aws.ec2.Vpc("app", { cidrBlock: "10.0.0.0/16" });
      new aws.ec2.SecurityGroup("web", { vpcId: vpc.id });
    }, true);
    expect(known).toEqual([false]);
    expect(byName(r, "web").inputs).toMatchObject({ vpcId: { __pulumiUnknown: true }, description: "web" });
  });
});
