/**
 * The fake engine against engine behaviour that Pulumi documents (URNs, aliases, duplicate names,
 * unknowns in a preview, secrets, transforms, default providers, providers passed to components,
 * option inheritance), each program run through runStack in its own runtime store, as the plan
 * runs stacks. Expected URNs are written out by hand from the documented format
 * `urn:pulumi:<stack>::<project>::<parent type chain>$<type>::<name>` (no root Stack type).
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { describe, expect, it } from "vitest";
import { aliasToUrn, defaultProviderName, engineUrn } from "../../tools/fake-cloud/engine";
import type { RecordedResource } from "../../tools/fake-cloud";
import { runStack, StackRun } from "../../tools/fake-cloud/run";

class Outer extends pulumi.ComponentResource {
  constructor(name: string, build: (parent: pulumi.ComponentResource) => void, opts?: pulumi.ComponentResourceOptions) {
    super("test:index:Outer", name, {}, opts);
    build(this);
    this.registerOutputs({});
  }
}

class Inner extends pulumi.ComponentResource {
  constructor(name: string, build: (parent: pulumi.ComponentResource) => void, opts?: pulumi.ComponentResourceOptions) {
    super("test:index:Inner", name, {}, opts);
    build(this);
    this.registerOutputs({});
  }
}

function run(program: () => unknown, options: { preview?: boolean; config?: Record<string, unknown>; stack?: string; stackOutputs?: Record<string, Record<string, unknown>> } = {}): Promise<StackRun> {
  return runStack({ stack: options.stack ?? "dev", project: "proj", config: { "aws:region": "eu-west-1", ...options.config }, preview: options.preview, stackOutputs: options.stackOutputs, load: () => program });
}

const byName = (r: StackRun, name: string, type?: string): RecordedResource => {
  const found = r.cloud.resources.filter((x) => x.name === name && (!type || x.type === type));
  expect(found, `${type ?? ""} ${name}`).toHaveLength(1);
  return found[0];
};

const failure = (promise: Promise<unknown>) => promise.then(() => { throw new Error("expected the run to fail"); }, (err: Error) => err.message);

describe("URNs", () => {
  it("chain every ancestor's type and leave out the root stack's", async () => {
    const r = await run(() => {
      new Outer("outer", (o) => new Inner("inner", (i) => new aws.s3.Bucket("logs", {}, { parent: i }), { parent: o }));
      new aws.s3.Bucket("top");
    });
    expect(byName(r, "proj-dev").urn).toBe("urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev");
    expect(byName(r, "outer").urn).toBe("urn:pulumi:dev::proj::test:index:Outer::outer");
    expect(byName(r, "inner").urn).toBe("urn:pulumi:dev::proj::test:index:Outer$test:index:Inner::inner");
    expect(byName(r, "logs").urn).toBe("urn:pulumi:dev::proj::test:index:Outer$test:index:Inner$aws:s3/bucket:Bucket::logs");
    expect(byName(r, "top").urn).toBe("urn:pulumi:dev::proj::aws:s3/bucket:Bucket::top");
    expect(byName(r, "logs").parent).toBe(byName(r, "inner").urn);
    expect(byName(r, "top").parent).toBe(byName(r, "proj-dev").urn);
  });

  it("are built by one function for resources and aliases alike", () => {
    const outer = "urn:pulumi:dev::proj::test:index:Outer::outer";
    expect(engineUrn("dev", "proj", "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev", "aws:s3/bucket:Bucket", "b")).toBe("urn:pulumi:dev::proj::aws:s3/bucket:Bucket::b");
    expect(engineUrn("dev", "proj", outer, "aws:s3/bucket:Bucket", "b")).toBe("urn:pulumi:dev::proj::test:index:Outer$aws:s3/bucket:Bucket::b");
    const bucket = { type: "aws:s3/bucket:Bucket", name: "b", parent: outer };
    expect(aliasToUrn({ name: "old" }, bucket, "dev", "proj")).toBe("urn:pulumi:dev::proj::test:index:Outer$aws:s3/bucket:Bucket::old");
    expect(aliasToUrn({ noParent: true }, bucket, "dev", "proj")).toBe("urn:pulumi:dev::proj::aws:s3/bucket:Bucket::b");
    expect(aliasToUrn({ stack: "prod", project: "p2", noParent: true, type: "aws:s3/bucketV2:BucketV2" }, bucket, "dev", "proj")).toBe("urn:pulumi:prod::p2::aws:s3/bucketV2:BucketV2::b");
    expect(defaultProviderName("7.47.0")).toBe("default_7_47_0");
    expect(defaultProviderName("4.0.0-alpha.1+build.5")).toBe("default_4_0_0_alpha_1_build_5");
    expect(defaultProviderName("")).toBe("default");
  });
});

describe("the stack's identity", () => {
  it("answers getOrganization() as a backend does: the organization given, else the diy backend's \"organization\"", async () => {
    const identity = () => ({ stack: pulumi.getStack(), project: pulumi.getProject(), organization: pulumi.getOrganization() });
    expect((await run(identity)).outputs).toEqual({ stack: "dev", project: "proj", organization: "organization" });
    const owned = await runStack({ stack: "dev", project: "proj", organization: "acme", config: { "aws:region": "eu-west-1" }, load: () => identity });
    expect(owned.outputs).toEqual({ stack: "dev", project: "proj", organization: "acme" });
  });
});

describe("aliases", () => {
  it("are recorded as the URNs the engine resolves them to", async () => {
    const r = await run(() => {
      new Outer("outer", (o) => {
        new aws.sqs.Queue("renamed", {}, { parent: o, aliases: [{ name: "old" }] });
        new aws.sqs.Queue("moved", {}, { parent: o, aliases: [{ parent: pulumi.rootStackResource }] });
        // The provider SDK's own type alias (Bucket was BucketV2), listed once as the engine does.
        new aws.s3.Bucket("logs", {}, { parent: o });
      });
    });
    expect(byName(r, "renamed").aliases).toEqual(["urn:pulumi:dev::proj::test:index:Outer$aws:sqs/queue:Queue::old"]);
    expect(byName(r, "moved").aliases).toEqual(["urn:pulumi:dev::proj::aws:sqs/queue:Queue::moved"]);
    expect(byName(r, "logs").aliases).toEqual(["urn:pulumi:dev::proj::test:index:Outer$aws:s3/bucketV2:BucketV2::logs"]);
  });
});

describe("duplicate names", () => {
  it("fail the run with the engine's message when type, parent and name repeat", async () => {
    const message = await failure(run(() => {
      new aws.s3.Bucket("logs");
      new aws.s3.Bucket("logs");
    }));
    expect(message).toContain("Duplicate resource URN 'urn:pulumi:dev::proj::aws:s3/bucket:Bucket::logs'; try giving it a unique name");
  });

  it("are fine under different parents or types", async () => {
    const r = await run(() => {
      new aws.s3.Bucket("logs");
      new aws.sqs.Queue("logs");
      new Outer("outer", (o) => new aws.s3.Bucket("logs", {}, { parent: o }));
    });
    expect(r.cloud.resources.filter((x) => x.name === "logs")).toHaveLength(3);
  });
});

describe("references the engine checks", () => {
  it("refuses a parent that was never registered", async () => {
    const message = await failure(run(() => new aws.s3.Bucket("orphan", {}, { parent: new pulumi.DependencyResource("urn:pulumi:dev::proj::test:index:Outer::missing") })));
    expect(message).toContain("could not find parent resource urn:pulumi:dev::proj::test:index:Outer::missing");
  });

  it("refuses a custom resource or read whose type is no pkg:module:Name token, and lets a component's be anything", async () => {
    class Odd extends pulumi.CustomResource {
      constructor(name: string, type: string, opts?: pulumi.CustomResourceOptions) {
        super(type, name, {}, opts);
      }
    }
    expect(await failure(run(() => new Odd("x", "notatoken")))).toContain("Type 'notatoken' is not a valid type token (must have format '*:*:*')");
    expect(await failure(run(() => new Odd("y", "pkg:Name", { id: "existing" })))).toContain("Type 'pkg:Name' is not a valid type token");
    const r = await run(() => new pulumi.ComponentResource("anything", "c", {}));
    expect(byName(r, "c").type).toBe("anything");
  });

  it("refuses a provider reference that names no provider", async () => {
    const message = await failure(run(() => new aws.s3.Bucket("b", {}, { provider: new pulumi.DependencyProviderResource("urn:pulumi:dev::proj::pulumi:providers:aws::ghost::id-1") })));
    expect(message).toContain("unknown provider 'urn:pulumi:dev::proj::pulumi:providers:aws::ghost::id-1' for resource 'urn:pulumi:dev::proj::aws:s3/bucket:Bucket::b'");
  });
});

describe("unknowns in a preview of a new stack", () => {
  it("leave ids and computed outputs unknown, keep inputs and auto-names, and skip applies on unknowns", async () => {
    const seen: string[] = [];
    const r = await run(() => {
      const vpc = new aws.ec2.Vpc("app", { cidrBlock: "10.0.0.0/16" });
      vpc.id.apply((id) => seen.push(`id ${id}`));
      vpc.arn.apply((arn) => seen.push(`arn ${arn}`));
      vpc.cidrBlock.apply((cidr) => seen.push(`cidr ${cidr}`));
      const group = new aws.ec2.SecurityGroup("web", { vpcId: vpc.id });
      group.name.apply((name) => seen.push(`name ${name}`));
      seen.push(`dry run ${pulumi.runtime.isDryRun()}`);
    }, { preview: true });
    expect(seen).toEqual(expect.arrayContaining(["dry run true", "cidr 10.0.0.0/16"]));
    expect(seen.some((s) => s.startsWith("name web-"))).toBe(true);
    expect(seen.filter((s) => s.startsWith("id ") || s.startsWith("arn "))).toEqual([]);
    expect(byName(r, "web").propertyDependencies?.vpcId).toEqual([byName(r, "app").urn]);
    // Recorded as the engine's preview state holds them (what stack policies get): the computed
    // outputs unknown, not absent; the inputs and the auto-name known; no id yet.
    const app = byName(r, "app");
    expect(app.id).toBeNull();
    expect(app.outputs.arn).toEqual({ __pulumiUnknown: true });
    expect(app.outputs.defaultSecurityGroupId).toEqual({ __pulumiUnknown: true });
    expect(app.outputs.cidrBlock).toBe("10.0.0.0/16");
    expect(byName(r, "web").outputs.id ?? byName(r, "web").outputs.arn).toEqual({ __pulumiUnknown: true });
    expect(byName(r, "web").outputs.name).toMatch(/^web-/);
  });

  it("know the name pulumi-kubernetes gives an unnamed object in Check, and leave a named or generateName one alone", async () => {
    for (const preview of [true, false]) {
      const seen: Record<string, unknown> = {};
      const r = await run(() => {
        const provider = new k8s.Provider("cluster", { kubeconfig: "{}" });
        const unnamed = new k8s.core.v1.Namespace("apps", { metadata: { labels: { team: "web" } } }, { provider });
        const named = new k8s.core.v1.Namespace("named", { metadata: { name: "payments" } }, { provider });
        const generated = new k8s.core.v1.ConfigMap("gen", { metadata: { generateName: "gen-" }, data: { a: "b" } }, { provider });
        unnamed.metadata.name.apply((n) => (seen.unnamed = n));
        named.metadata.name.apply((n) => (seen.named = n));
        generated.metadata.apply((m) => (seen.generated = m?.name));
      }, { preview });
      expect(seen.unnamed, `preview ${preview}`).toMatch(/^apps-[0-9a-f]{8}$/);
      expect(seen.named).toBe("payments");
      expect(seen.generated).toBeUndefined();
      expect(byName(r, "apps", "kubernetes:core/v1:Namespace").outputs.metadata).toMatchObject({ name: seen.unnamed, labels: { team: "web" }, annotations: { "pulumi.com/autonamed": "true" } });
    }
  });

  it("name an object whose whole metadata is secret, and keep it secret", async () => {
    for (const preview of [true, false]) {
      const seen: Record<string, unknown> = {};
      const r = await run(() => {
        const provider = new k8s.Provider("cluster", { kubeconfig: "{}" });
        const ns = new k8s.core.v1.Namespace("hidden", { metadata: pulumi.secret({ labels: { team: "web" } }) }, { provider });
        pulumi.all([ns.metadata.name, pulumi.isSecret(ns.metadata)]).apply(([n, secret]) => Object.assign(seen, { n, secret }));
      }, { preview });
      expect(seen.n, `preview ${preview}`).toMatch(/^hidden-[0-9a-f]{8}$/);
      expect(seen.secret).toBe(true);
      expect(byName(r, "hidden").outputs.metadata).toBe("[secret]");
    }
  });

  it("give no auto-name to a patch, nor in a preview to metadata that is not known yet", async () => {
    const r = await run(() => {
      const provider = new k8s.Provider("cluster", { kubeconfig: "{}" });
      new k8s.core.v1.ConfigMapPatch("patch", { data: { a: "b" } }, { provider });
      const vpc = new aws.ec2.Vpc("app", { cidrBlock: "10.0.0.0/16" });
      new k8s.core.v1.Namespace("later", { metadata: vpc.id.apply((id) => ({ labels: { vpc: id } })) }, { provider });
    }, { preview: true });
    expect(byName(r, "patch").outputs.metadata ?? {}).not.toHaveProperty("name");
    expect(byName(r, "later").outputs.metadata).not.toHaveProperty("name");
  });

  it("leave a provider whose config is not known yet unconfigured: its resources get no auto-name and no outputs, its invokes and reads answer nothing", async () => {
    const seen: Record<string, unknown> = {};
    const r = await run(async () => {
      const cluster = new aws.eks.Cluster("eks", { roleArn: "arn:aws:iam::123456789012:role/eks", vpcConfig: { subnetIds: ["subnet-a", "subnet-b"] } });
      // As components/eks.ts builds it: the kubeconfig from the cluster's endpoint, unknown in a preview of a new stack.
      const provider = new k8s.Provider("cluster", { kubeconfig: cluster.endpoint.apply((endpoint) => JSON.stringify({ server: endpoint })) });
      const ns = new k8s.core.v1.Namespace("apps", { metadata: { labels: { team: "web" } } }, { provider });
      ns.metadata.name.apply((n) => (seen.name = n));
      ns.metadata.apply((m) => (seen.labels = m?.labels));
      const lookup = new aws.Provider("lookup", { region: "eu-west-1", assumeRoles: [{ roleArn: cluster.arn.apply((arn) => `${arn}-reader`) }] });
      seen.zones = (await aws.getAvailabilityZones({ state: "available" }, { provider: lookup })).names;
    }, { preview: true });
    // A real preview shows them as unknown: nothing ran on them.
    expect(seen).not.toHaveProperty("name");
    expect(seen).not.toHaveProperty("labels");
    expect(seen.zones).toBeUndefined();
    // The engine's state of the namespace holds no properties (what stack policies see in that preview).
    expect(byName(r, "apps", "kubernetes:core/v1:Namespace").outputs).toEqual({});
    // With the values known (pulumi up), the same program is configured and answered.
    const known = await run(() => {
      const cluster = new aws.eks.Cluster("eks", { roleArn: "arn:aws:iam::123456789012:role/eks", vpcConfig: { subnetIds: ["subnet-a", "subnet-b"] } });
      const provider = new k8s.Provider("cluster", { kubeconfig: cluster.endpoint.apply((endpoint) => JSON.stringify({ server: endpoint })) });
      new k8s.core.v1.Namespace("apps", { metadata: { labels: { team: "web" } } }, { provider });
    });
    expect((byName(known, "apps", "kubernetes:core/v1:Namespace").outputs.metadata as { name: string }).name).toMatch(/^apps-[0-9a-f]{8}$/);
  });

  it("send no read whose id is not known yet to the provider: its outputs are empty, as ReadStep.Apply leaves them", async () => {
    const seen: Record<string, unknown> = {};
    const r = await run(() => {
      const vpc = new aws.ec2.Vpc("app", { cidrBlock: "10.0.0.0/16" });
      // Looked up by the id of a VPC the preview has not created: the SDK sends the unknown id.
      const looked = aws.ec2.Vpc.get("looked", vpc.id);
      looked.arn.apply((arn) => (seen.arn = arn));
    }, { preview: true });
    expect(seen).not.toHaveProperty("arn");
    const looked = byName(r, "looked");
    expect([looked.read, looked.outputs, looked.id, looked.region]).toEqual([true, {}, null, "eu-west-1"]);
    // Known once the VPC exists (pulumi up): the provider reads it.
    const known = await run(() => {
      const vpc = new aws.ec2.Vpc("app", { cidrBlock: "10.0.0.0/16" });
      aws.ec2.Vpc.get("looked", vpc.id).arn.apply((arn) => (seen.arn = arn));
    });
    expect(seen.arn).toMatch(/^arn:aws:ec2:eu-west-1:/);
    expect(byName(known, "looked").outputs).not.toEqual({});
  });

  it("accept resource hooks (the engine keeps them; a plan runs no operation they would follow)", async () => {
    const r = await run(() => {
      const hook = new pulumi.ResourceHook("notify", () => undefined);
      new aws.ec2.Vpc("app", { cidrBlock: "10.0.0.0/16" }, { hooks: { afterCreate: [hook] } });
    });
    expect(byName(r, "app").type).toBe("aws:ec2/vpc:Vpc");
  });

  it("refuse a remote (multi-language) component instead of planning it empty", async () => {
    class Remote extends pulumi.ComponentResource {
      constructor(name: string) {
        super("pkg:index:Widget", name, {}, {}, true);
      }
    }
    await expect(run(() => new Remote("w"))).rejects.toThrow(/pkg:index:Widget resource 'w' is a component of a provider package.*cannot construct it/);
  });

  it("refuse an alias string that is no URN (a name), as the engine parses alias URNs", async () => {
    await expect(run(() => new aws.sqs.Queue("q", {}, { aliases: ["old-name"] }))).rejects.toThrow(/invalid alias URN: invalid URN "old-name"/);
    await expect(run(() => new aws.sqs.Queue("q", {}, { aliases: ["urn:pulumi:dev::proj::aws:sqs/queue:Queue::old"] }))).resolves.toBeDefined();
  });

  it("record an explicit provider's version among its inputs, as the engine's state holds it, and refuse a read without an id", async () => {
    const r = await run(() => new aws.Provider("p", { region: "us-west-2" }));
    expect(byName(r, "p", "pulumi:providers:aws").inputs.version).toBe(require("@pulumi/aws/package.json").version);
    await expect(run(() => aws.ec2.Vpc.get("v", pulumi.output("")))).rejects.toThrow(/Expected an ID for urn:pulumi:dev::proj::aws:ec2\/vpc:Vpc::v/);
  });

  it("refuse an invoke given a provider of another package, as the engine refuses the provider", async () => {
    await expect(run(async () => {
      const provider = new k8s.Provider("cluster", { kubeconfig: "{}" });
      await aws.getAvailabilityZones({ state: "available" }, { provider: provider as unknown as aws.Provider });
    })).rejects.toThrow(/package aws.*kubernetes provider/);
  });

  it("refuse an Aurora orderable-instance lookup that matches both storage types, as the provider does, with its message", async () => {
    const lookup = (storageType?: string) => run(async () => {
      await aws.rds.getOrderableDbInstance({ engine: "aurora-postgresql", engineVersion: "16.6", instanceClass: "db.r7g.large", ...(storageType ? { storageType } : {}) });
    });
    await expect(lookup()).rejects.toThrow(/getOrderableDbInstance: reading RDS Orderable DB Instance: multiple \(2\) RDS DB Instance Classes/);
    await expect(lookup("aurora")).resolves.toBeDefined();
  });

  it("answer reads and invokes with known values, as a real preview does", async () => {
    let zones: string[] = [];
    await run(async () => {
      zones = (await aws.getAvailabilityZones({ state: "available" })).names;
    }, { preview: true });
    expect(zones.length).toBeGreaterThanOrEqual(3);
  });

  it("run every apply once the values are known", async () => {
    const seen: string[] = [];
    await run(() => {
      const vpc = new aws.ec2.Vpc("app", { cidrBlock: "10.0.0.0/16" });
      vpc.id.apply((id) => seen.push(id));
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/^vpc-/);
  });
});

describe("programs that cannot finish", () => {
  it("are stopped once nothing is left to resolve what they wait for", async () => {
    const message = await failure(run(() => {
      // An input that never resolves: the registration, and the program, wait forever.
      new aws.s3.Bucket("stuck", { bucket: new Promise<string>(() => undefined) });
    }));
    expect(message).toMatch(/^the program never finishes/);
  });
});

describe("secrets", () => {
  it("are masked in inputs and outputs and stay secret through the engine", async () => {
    let secretOutput: boolean | undefined;
    const r = await run(async () => {
      const password = new random.RandomPassword("db", { length: 20 });
      const user = new aws.iam.User("u", { name: "u", tags: { note: pulumi.secret("hidden") } });
      secretOutput = await pulumi.isSecret(password.result);
      return { user: user.name };
    });
    expect(secretOutput).toBe(true);
    expect(byName(r, "db").outputs.result).toBe("[secret]");
    expect(byName(r, "u").inputs.tags).toBe("[secret]");
  });
});

describe("transforms", () => {
  it("run the resource's own, then each ancestor's, then the stack's, and may set options", async () => {
    const tag = (label: string) => (args: pulumi.ResourceTransformArgs): pulumi.ResourceTransformResult | undefined => {
      if (args.type !== "aws:s3/bucket:Bucket") return undefined;
      const tags = { ...(args.props.tags as Record<string, string> | undefined) };
      tags.order = `${tags.order ?? ""}${label}`;
      return { props: { ...args.props, tags }, opts: label === "stack" ? { ...args.opts, protect: true } : args.opts };
    };
    const r = await run(() => {
      pulumi.runtime.registerResourceTransform(tag("stack"));
      new Outer("outer", (o) => new Inner("inner", (i) => new aws.s3.Bucket("b", {}, { parent: i, transforms: [tag("own")] }), { parent: o, transforms: [tag("inner")] }), { transforms: [tag("outer")] });
    });
    expect((byName(r, "b").inputs.tags as Record<string, string>).order).toBe("owninnerouterstack");
    expect(byName(r, "b").protect).toBe(true);
  });

  it("see replaceOnChanges and deleteBeforeReplace as sent, and what they return for them is recorded", async () => {
    const seen: pulumi.CustomResourceOptions[] = [];
    const r = await run(() => {
      pulumi.runtime.registerResourceTransform((args) => {
        seen.push(args.opts as pulumi.CustomResourceOptions);
        return args.name === "changed" ? { props: args.props, opts: { ...args.opts, replaceOnChanges: ["tags.*"], deleteBeforeReplace: true } } : undefined;
      });
      new aws.s3.Bucket("sent", {}, { replaceOnChanges: ["bucket"], deleteBeforeReplace: true });
      new aws.s3.Bucket("changed", {}, { replaceOnChanges: ["bucket"] });
    });
    expect(seen.find((o) => o.replaceOnChanges?.includes("bucket") && o.deleteBeforeReplace)).toBeDefined();
    expect([byName(r, "sent").replaceOnChanges, byName(r, "sent").deleteBeforeReplace]).toEqual([["bucket"], true]);
    expect([byName(r, "changed").replaceOnChanges, byName(r, "changed").deleteBeforeReplace]).toEqual([["tags.*"], true]);
  });
});

describe("imports (the import option)", () => {
  const ADOPTED = "vpc-0123456789abcdef0";

  it("are read from the provider in a preview too (ImportStep): the id given and the outputs are known, and recorded with the import id", async () => {
    const seen: Record<string, unknown> = {};
    const r = await run(() => {
      const adopted = new aws.ec2.Vpc("adopted", { cidrBlock: "10.0.0.0/16" }, { import: ADOPTED });
      adopted.id.apply((id) => (seen.id = id));
      adopted.arn.apply((arn) => (seen.arn = arn));
      const fresh = new aws.ec2.Vpc("fresh", { cidrBlock: "10.1.0.0/16" });
      fresh.id.apply((id) => (seen.freshId = id));
    }, { preview: true });
    expect(seen.id).toBe(ADOPTED);
    expect(seen.arn).toMatch(/^arn:aws:ec2:eu-west-1:/);
    expect(seen).not.toHaveProperty("freshId");
    expect(byName(r, "adopted")).toMatchObject({ id: ADOPTED, importId: ADOPTED });
    expect(byName(r, "fresh")).not.toHaveProperty("importId");
    // A read is no import, though the engine reads it by an id too.
    const read = await run(() => aws.ec2.Vpc.get("looked", ADOPTED), { preview: true });
    expect(byName(read, "looked")).not.toHaveProperty("importId");
  });

  it("take the import id a transform sets (source_eval.go takes opts.Import after the transforms)", async () => {
    const seen: (string | undefined)[] = [];
    const r = await run(() => {
      pulumi.runtime.registerResourceTransform((args) => {
        seen.push((args.opts as pulumi.CustomResourceOptions).import);
        return args.name === "adopted" ? { props: args.props, opts: { ...args.opts, import: ADOPTED } } : undefined;
      });
      new aws.ec2.Vpc("adopted", { cidrBlock: "10.0.0.0/16" });
      new aws.ec2.Vpc("given", { cidrBlock: "10.1.0.0/16" }, { import: "vpc-given" });
    });
    expect(seen).toContain("vpc-given");
    expect(byName(r, "adopted")).toMatchObject({ id: ADOPTED, importId: ADOPTED });
    expect(byName(r, "given")).toMatchObject({ id: "vpc-given", importId: "vpc-given" });
  });

  it("through a provider a preview could not configure keep the id given and answer no outputs, as its Read answers empty bags", async () => {
    const r = await run(() => {
      const cluster = new aws.eks.Cluster("eks", { roleArn: "arn:aws:iam::123456789012:role/eks", vpcConfig: { subnetIds: ["subnet-a", "subnet-b"] } });
      const provider = new k8s.Provider("cluster", { kubeconfig: cluster.endpoint.apply((endpoint) => JSON.stringify({ server: endpoint })) });
      new k8s.core.v1.Namespace("apps", { metadata: { name: "apps" } }, { provider, import: "apps" });
    }, { preview: true });
    expect(byName(r, "apps", "kubernetes:core/v1:Namespace")).toMatchObject({ id: "apps", importId: "apps", outputs: {} });
  });
});

describe("replaceOnChanges and deleteBeforeReplace", () => {
  it("are recorded from the request, and not inherited from the parent (inheritFromParent leaves them)", async () => {
    const r = await run(() => {
      new Outer("outer", (o) => {
        new aws.s3.Bucket("child", {}, { parent: o });
        new aws.s3.Bucket("own", {}, { parent: o, replaceOnChanges: ["tags.Name", "*"], deleteBeforeReplace: false });
      }, { replaceOnChanges: ["bucket"], deleteBeforeReplace: true } as pulumi.ComponentResourceOptions);
    });
    expect([byName(r, "child").replaceOnChanges, byName(r, "child").deleteBeforeReplace]).toEqual([[], false]);
    expect([byName(r, "own").replaceOnChanges, byName(r, "own").deleteBeforeReplace]).toEqual([["tags.Name", "*"], false]);
  });
});

describe("providers", () => {
  it("register the default provider once per package, from the stack's config, and point resources and invokes at it", async () => {
    const r = await run(async () => {
      await aws.getCallerIdentity({});
      new aws.s3.Bucket("a");
      new aws.s3.Bucket("b");
    }, { config: { "aws:region": "ap-southeast-2", "aws:skipMetadataApiCheck": "false" } });
    const defaults = r.cloud.resources.filter((x) => x.type === "pulumi:providers:aws");
    expect(defaults.map((d) => d.urn)).toEqual([`urn:pulumi:dev::proj::pulumi:providers:aws::default_${(aws as unknown as { version?: string }).version ?? require("@pulumi/aws/package.json").version.replace(/\./g, "_")}`.replace(/default_(\d+)\.(\d+)\.(\d+)/, "default_$1_$2_$3")]);
    expect(defaults[0].inputs).toMatchObject({ region: "ap-southeast-2", skipMetadataApiCheck: "false" });
    expect(defaults[0].parent).toBeNull();
    // Registered before its first user (here the invoke), as in the engine's state.
    expect(r.cloud.resources.indexOf(defaults[0])).toBeLessThan(r.cloud.resources.indexOf(byName(r, "a")));
    for (const name of ["a", "b"]) {
      expect(byName(r, name).provider).toBe(defaults[0].urn);
      expect(byName(r, name).region).toBe("ap-southeast-2");
    }
  });

  it("are registered for a read too (a StackReference gets the pulumi package's)", async () => {
    const r = await run(() => {
      aws.ec2.Vpc.get("shared", "vpc-0123456789abcdef0");
      new pulumi.StackReference("org/proj/prod");
    }, { stack: "reader", stackOutputs: { prod: { vpcId: "vpc-0123456789abcdef0" } } });
    // The provider reads the resource the program names: its id is the one given.
    expect(r.cloud.resources.find((x) => x.name === "shared")!.id).toBe("vpc-0123456789abcdef0");
    expect(r.cloud.resources.map((x) => x.urn)).toEqual([
      "urn:pulumi:reader::proj::pulumi:pulumi:Stack::proj-reader",
      expect.stringMatching(/^urn:pulumi:reader::proj::pulumi:providers:aws::default_\d+_\d+_\d+$/),
      "urn:pulumi:reader::proj::aws:ec2/vpc:Vpc::shared",
      "urn:pulumi:reader::proj::pulumi:providers:pulumi::default",
      "urn:pulumi:reader::proj::pulumi:pulumi:StackReference::org/proj/prod",
    ]);
    expect(byName(r, "shared").read).toBe(true);
    expect(byName(r, "org/proj/prod").provider).toBe("urn:pulumi:reader::proj::pulumi:providers:pulumi::default");
    expect(byName(r, "org/proj/prod").outputs.outputs).toEqual({ vpcId: "vpc-0123456789abcdef0" });
  });

  it("answer a StackReference named <organization>/<project>/<stack>, whatever the organization", async () => {
    const seen: unknown[] = [];
    await run(() => {
      for (const name of ["acme/proj/prod", "organization/proj/prod"]) new pulumi.StackReference(name).getOutput("vpcId").apply((id) => seen.push([name, id]));
    }, { stackOutputs: { prod: { vpcId: "vpc-1" } } });
    expect(seen).toEqual([["acme/proj/prod", "vpc-1"], ["organization/proj/prod", "vpc-1"]]);
  });

  it("refuse a StackReference named `prod` or `org/prod`, as Pulumi Cloud refuses it, in a preview too", async () => {
    for (const preview of [false, true]) {
      for (const name of ["prod", "acme/prod"]) {
        const message = await failure(run(() => void new pulumi.StackReference(name), { stackOutputs: { prod: { vpcId: "vpc-1" } }, preview }));
        expect(message, name).toContain(`a stack reference's name should be of the form '<organization>/<project>/<stack>' (Pulumi Cloud refuses "${name}")`);
      }
    }
  });

  it("refuse a StackReference to a stack the plan does not have, as the backend's `unknown stack`, naming the stacks it has", async () => {
    const outputs = { stackOutputs: { prod: { vpcId: "vpc-1" }, "prod-us-east-1": {} } };
    for (const name of ["acme/proj/staging", "acme/other/prod"]) {
      const message = await failure(run(() => void new pulumi.StackReference(name), outputs));
      expect(message, name).toContain(`unknown stack "${name}": the offline plan has only the outputs of the stacks of project proj it planned before this one (prod, prod-us-east-1) and cannot read a stack outside the plan`);
    }
    // With none given (a program planned alone), every reference is refused.
    expect(await failure(run(() => void new pulumi.StackReference("organization/proj/prod")))).toMatch(/unknown stack "organization\/proj\/prod": .*\(none\)/);
  });

  it("answer a StackReference with the other stack's outputs, its secrets kept secret and named", async () => {
    const exporter = await run(() => ({ endpoint: "db.example.com", password: pulumi.secret("hunter2-not-a-real-one"), nested: { token: pulumi.secret("t0ken") } }), { stack: "prod" });
    // What the backend keeps: values, secrets still wrapped; what the plan shows: secrets masked.
    expect(exporter.cloud.stackOutputs).toEqual({ endpoint: "db.example.com", password: "[secret]", nested: "[secret]" });
    expect(JSON.stringify(exporter.cloud.exportedOutputs)).toContain("hunter2-not-a-real-one");
    const seen: Record<string, unknown> = {};
    const reader = await runStack({
      stack: "dev", project: "proj", config: { "aws:region": "eu-west-1" }, stackOutputs: { prod: JSON.parse(JSON.stringify(exporter.cloud.exportedOutputs)) },
      load: () => () => {
        const ref = new pulumi.StackReference("organization/proj/prod");
        const password = ref.getOutput("password");
        return pulumi.all([pulumi.isSecret(password), pulumi.isSecret(ref.getOutput("endpoint")), ref.getOutputDetails("password"), ref.getOutputDetails("endpoint"), ref.requireOutputValue("password").then(() => "no error", (e: Error) => e.message)])
          .apply(([passwordSecret, endpointSecret, passwordDetails, endpointDetails, plainValue]) => Object.assign(seen, { passwordSecret, endpointSecret, passwordDetails, endpointDetails, plainValue }))
          .apply(() => ({}));
      },
    });
    // The engine's builtin provider lists every output holding a secret, sorted (readStackReference).
    const ref = byName(reader, "organization/proj/prod", "pulumi:pulumi:StackReference");
    expect(ref.outputs.secretOutputNames).toEqual(["nested", "password"]);
    expect(ref.outputs.outputs).toEqual({ endpoint: "db.example.com", password: "[secret]", nested: { token: "[secret]" } });
    expect(JSON.stringify(reader.cloud.resources)).not.toContain("hunter2");
    expect(seen).toMatchObject({
      passwordSecret: true,
      endpointSecret: false,
      passwordDetails: { secretValue: "hunter2-not-a-real-one" },
      endpointDetails: { value: "db.example.com" },
    });
    expect(seen.plainValue).toMatch(/secret/i);
  });

  it("passed to a component reach its children of that package, and only those", async () => {
    const r = await run(() => {
      const west = new aws.Provider("west", { region: "us-west-2" });
      new Outer("single", (o) => {
        new aws.s3.Bucket("in-west", {}, { parent: o });
        new random.RandomId("id", { byteLength: 4 }, { parent: o });
      }, { provider: west });
      new Outer("mapped", (o) => new Inner("inner", (i) => new aws.s3.Bucket("deep", {}, { parent: i }), { parent: o }), { providers: { aws: west } });
    });
    const west = byName(r, "west", "pulumi:providers:aws");
    expect(west.urn).toBe("urn:pulumi:dev::proj::pulumi:providers:aws::west");
    for (const name of ["in-west", "deep"]) {
      expect(byName(r, name).provider).toBe(west.urn);
      expect(byName(r, name).region).toBe("us-west-2");
    }
    expect(byName(r, "id").provider).toMatch(/::pulumi:providers:random::default_/);
  });

  it("of another package on a custom resource fail the run", async () => {
    const message = await failure(run(() => {
      const passwords = new random.Provider("passwords");
      new aws.s3.Bucket("b", {}, { provider: passwords as unknown as pulumi.ProviderResource });
    }));
    expect(message).toMatch(/resource 'urn:pulumi:dev::proj::aws:s3\/bucket:Bucket::b' \(package aws\) was given the random provider/);
  });
});

describe("pulumi:disable-default-providers", () => {
  const disable = (value: unknown) => ({ config: { "pulumi:disable-default-providers": value } });

  it("refuses a resource of a listed package without a provider, with the engine's message naming it", async () => {
    const message = await failure(run(() => {
      new aws.s3.Bucket("b");
    }, disable(["random", " aws "])));
    expect(message).toContain("Default provider for 'aws' disabled. 'urn:pulumi:dev::proj::aws:s3/bucket:Bucket::b' must use an explicit provider.");
  });

  it("refuses an invoke and a read the same way, as the engine words them", async () => {
    const invoke = await failure(run(async () => {
      await aws.getCallerIdentity({});
    }, disable(["*"])));
    expect(invoke).toContain("Invoke: Default provider for 'aws' disabled. 'aws:index/getCallerIdentity:getCallerIdentity' must use an explicit provider.");
    const read = await failure(run(() => {
      aws.ec2.Vpc.get("shared", "vpc-0123456789abcdef0");
    }, disable(["aws"])));
    expect(read).toContain("Default provider for 'aws:ec2/vpc:Vpc' disabled. 'aws:ec2/vpc:Vpc' must use an explicit provider.");
  });

  it("lets explicit providers, other packages and the pulumi package's default through, and registers no denied default", async () => {
    const r = await run(() => {
      const west = new aws.Provider("west", { region: "us-west-2" });
      new aws.s3.Bucket("explicit", {}, { provider: west });
      new random.RandomId("id", { byteLength: 4 });
      new pulumi.StackReference("organization/proj/prod");
    }, { ...disable(["aws"]), stackOutputs: { prod: {} } });
    expect(byName(r, "explicit").region).toBe("us-west-2");
    expect(r.cloud.resources.filter((x) => x.type.startsWith("pulumi:providers:")).map((x) => x.name).sort()).toEqual(["default", expect.stringMatching(/^default_/), "west"]);
    expect(r.cloud.resources.some((x) => x.type === "pulumi:providers:aws" && x.name.startsWith("default"))).toBe(false);
  });

  it("denies nothing when empty, and fails a value that is no list of names, naming the key and the fix", async () => {
    await run(() => {
      new aws.s3.Bucket("b");
    }, disable(""));
    expect(await failure(run(() => {
      new aws.s3.Bucket("b");
    }, disable("aws")))).toMatch(/Failed to parse aws: .*pulumi:disable-default-providers takes a list of package names or "\*"/);
    expect(await failure(run(() => {
      new aws.s3.Bucket("b");
    }, disable([1])))).toContain("pulumi:disable-default-providers[0] must be a string");
  });
});

describe("options inherited from the parent, as the engine does", () => {
  it("protect and retainOnDelete flow from a component to its children unless they set their own", async () => {
    const r = await run(() => {
      new Outer("kept", (o) => {
        new aws.s3.Bucket("inherits", {}, { parent: o });
        new aws.s3.Bucket("overrides", {}, { parent: o, protect: false, retainOnDelete: false });
      }, { protect: true, retainOnDelete: true });
    });
    expect([byName(r, "inherits").protect, byName(r, "inherits").retainOnDelete]).toEqual([true, true]);
    expect([byName(r, "overrides").protect, byName(r, "overrides").retainOnDelete]).toEqual([false, false]);
  });
});

describe("stacks in one process", () => {
  it("do not see each other's stack transforms, config, globals or resources", async () => {
    const program = async () => {
      const marker = (globalThis as Record<string, unknown>).__engineTestMarker;
      if (pulumi.getStack() === "first") {
        (globalThis as Record<string, unknown>).__engineTestMarker = "set by first";
        pulumi.runtime.registerResourceTransform((args) => ({ props: { ...args.props, tags: { leaked: "yes" } }, opts: args.opts }));
        pulumi.runtime.setConfig("app:only", "first");
      }
      new aws.s3.Bucket("b");
      return { only: new pulumi.Config("app").get("only") ?? null, marker: marker ?? null, region: new pulumi.Config("aws").require("region") };
    };
    const first = await run(program, { stack: "first", config: { "aws:region": "us-east-1" } });
    const second = await run(program, { stack: "second", config: { "aws:region": "eu-central-1" } });
    expect(byName(first, "b").inputs.tags).toEqual({ leaked: "yes" });
    expect(byName(second, "b").inputs.tags).toBeUndefined();
    expect(second.outputs).toMatchObject({ only: null, region: "eu-central-1" });
    expect(second.outputs.marker).toBeNull();
    expect((globalThis as Record<string, unknown>).__engineTestMarker).toBeUndefined();
    expect(second.cloud.resources.every((x) => x.urn.startsWith("urn:pulumi:second::"))).toBe(true);
    expect(byName(second, "b").region).toBe("eu-central-1");
  });

  it("take turns when started together, each with its own resources", async () => {
    const program = () => {
      new aws.s3.Bucket(`only-${pulumi.getStack()}`);
      return {};
    };
    const [a, b] = await Promise.all([run(program, { stack: "a" }), run(program, { stack: "b" })]);
    expect(a.cloud.resources.filter((r) => r.type === "aws:s3/bucket:Bucket").map((r) => r.name)).toEqual(["only-a"]);
    expect(b.cloud.resources.filter((r) => r.type === "aws:s3/bucket:Bucket").map((r) => r.name)).toEqual(["only-b"]);
  });

  it("leave the process's own runtime store as they found it (a test file's mocks and config)", async () => {
    pulumi.runtime.setConfig("app:outside", "kept");
    await run(() => ({ seen: new pulumi.Config("app").get("outside") ?? null }), { stack: "inner" });
    expect(new pulumi.Config("app").get("outside")).toBe("kept");
  });
});

describe("encrypted config (secure: values)", () => {
  it("reaches the program as a stand-in marked secret, never as the ciphertext: the plan cannot decrypt, the CLI would hand over plaintext", async () => {
    const seen: Record<string, unknown> = {};
    await run(() => {
      const config = new pulumi.Config("app");
      seen.raw = config.get("token");
      const secret = config.requireSecret("token");
      pulumi.all([secret, pulumi.isSecret(secret)]).apply(([value, isSecret]) => Object.assign(seen, { value, isSecret }));
      seen.nested = config.requireObject<{ user: string; password: string }>("db");
    }, { config: { "app:token": { secure: "v1:AAABAKx0" }, "app:db": { user: "app", password: { secure: "v1:AAABAKx1" } } } });
    expect(seen.raw).toBe("[secret]");
    expect(seen.value).toBe("[secret]");
    expect(seen.isSecret).toBe(true);
    expect(seen.nested).toEqual({ user: "app", password: "[secret]" });
  });
});
