/**
 * `--diff` against deployed state: `pulumi stack export` files (deployment version 3) read into
 * a base the diff compares by engine URNs. Exports are made from the state format's documented
 * fields: a hand-written one (secrets, a read, a resource pending deletion, provider references
 * with ids) and exports written from the shared prod plan, as a deployed prod would look.
 * And the other base --diff takes, a plan written with --json. End to end (`npm run plan --
 * --diff <directory of exports>`): test/plan/cli.test.ts.
 */
import { mkdirSync, writeFileSync } from "fs";
import { join } from "path";
import { beforeAll, describe, expect, it } from "vitest";
import { diffPlans } from "../../tools/plan/diff";
import type { PlanDocument } from "../../tools/plan/model";
import { programInputs, readDiffBase, stackFromExport } from "../../tools/plan/state-export";
import { readFileSync } from "fs";
import { sharedProdPlan } from "../shared-plan";
import { writeExports } from "./exports";
import { temporaryDirectories } from "./temp-dirs";

const fixture = join(__dirname, "fixtures", "exports", "prod-us-east-1.json");
const tempDir = temporaryDirectories();

let prod: PlanDocument;
let prodJson: string;
beforeAll(async () => {
  const shared = await sharedProdPlan();
  prod = shared.document;
  prodJson = join(shared.dir, "plan.json");
}, 180_000);

describe("a stack export", () => {
  it("becomes a plan stack: engine URNs, provider references without ids, options, property dependencies, secrets masked", () => {
    const stack = stackFromExport(JSON.parse(readFileSync(fixture, "utf8")), fixture);
    expect([stack.stack, stack.role, stack.region]).toEqual(["prod-us-east-1", "region", "us-east-1"]);
    // The resource pending deletion (the old half of a replacement) is not deployed state.
    expect(stack.resources.filter((r) => r.type === "aws:rds/clusterInstance:ClusterInstance").map((r) => r.id)).toEqual(["prod-us-east-1-1"]);
    const cluster = stack.resources.find((r) => r.type === "aws:rds/cluster:Cluster")!;
    expect(cluster).toMatchObject({
      name: "prod-us-east-1-cluster",
      provider: "urn:pulumi:prod-us-east-1::platform::pulumi:providers:aws::default_7_47_0",
      region: "us-east-1",
      protect: true,
      retainOnDelete: true,
      ignoreChanges: ["masterPassword"],
      propertyDependencies: { clusterIdentifier: [], masterPassword: ["urn:pulumi:prod-us-east-1::platform::pulumi:pulumi:StackReference::prod"] },
    });
    expect(cluster.inputs.masterPassword).toBe("[secret]");
    expect(cluster.outputs.masterPassword).toBe("[secret]");
    expect(stack.resources.find((r) => r.type === "pulumi:pulumi:StackReference")!.read).toBe(true);
    expect(stack.resources.find((r) => r.type === "platform:region:Region")!.region).toBeNull();
    expect(stack.outputs).toEqual({ region: "us-east-1", role: "primary" });
  });
});

describe("a stack's role, read from its export", () => {
  type Exported = Parameters<typeof stackFromExport>[0];
  const exportWith = (stack: string, outputs: Record<string, unknown>, extra: NonNullable<Exported["deployment"]["resources"]> = []): Exported => ({
    version: 3,
    deployment: { resources: [{ urn: `urn:pulumi:${stack}::platform::pulumi:pulumi:Stack::platform-${stack}`, custom: false, type: "pulumi:pulumi:Stack", outputs }, ...extra] },
  });

  it("is global for the stack that exports the environment's settings, region for one that reads it", () => {
    const global = prod.stacks.find((s) => s.role === "global")!;
    expect(stackFromExport(exportWith(global.stack, { environment: global.outputs.environment }), "global.json").role).toBe("global");
    const reference = { urn: "urn:pulumi:prod-us-east-1::platform::pulumi:pulumi:StackReference::prod", custom: true, id: "prod", type: "pulumi:pulumi:StackReference", inputs: { name: "prod" }, outputs: {} };
    expect(stackFromExport(exportWith("prod-us-east-1", {}, [reference]), "region.json").role).toBe("region");
  });

  it("keeps an imported resource's import id (importID), not a read's", () => {
    const imported = { urn: "urn:pulumi:dev::platform::aws:s3/bucket:Bucket::logs", custom: true, id: "dev-logs", type: "aws:s3/bucket:Bucket", importID: "dev-logs", inputs: {}, outputs: {} };
    const read = { urn: "urn:pulumi:dev::platform::aws:s3/bucket:Bucket::seen", custom: true, id: "other", type: "aws:s3/bucket:Bucket", external: true, importID: "other", inputs: {}, outputs: {} };
    const stack = stackFromExport(exportWith("dev", {}, [imported, read]), "dev.json");
    expect(stack.resources.find((r) => r.name === "logs")!.importId).toBe("dev-logs");
    expect(stack.resources.find((r) => r.name === "seen")).not.toHaveProperty("importId");
  });

  it("is region for a program of its own (--program), the role the plan gives it (a diff saw a region added)", () => {
    const stack = stackFromExport(exportWith("dev", { url: "https://dev.example.com" }), "dev.json");
    expect(stack.role).toBe("region");
  });
});

describe("a state's checked inputs, made the program's again", () => {
  it("drops what pulumi-aws defaulted, listed in __defaults at the top and in nested blocks", () => {
    const checked = {
      __defaults: ["name"],
      name: "web-3f2a1b9",
      vpcId: "vpc-1",
      description: "web",
      ingress: [{ __defaults: ["self", "ipv6CidrBlocks"], self: false, ipv6CidrBlocks: [], fromPort: 443, toPort: 443, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] }],
      tags: { team: "web" },
    };
    expect(programInputs("aws:ec2/securityGroup:SecurityGroup", checked)).toEqual({
      vpcId: "vpc-1",
      description: "web",
      ingress: [{ fromPort: 443, toPort: 443, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] }],
      tags: { team: "web" },
    });
    // A name the program set is no default: it stays.
    expect(programInputs("aws:s3/bucket:Bucket", { __defaults: [], bucket: "logs" })).toEqual({ bucket: "logs" });
  });

  it("drops pulumi-kubernetes's auto-name, and the metadata it alone made", () => {
    const autonamed = { "pulumi.com/autonamed": "true" };
    expect(programInputs("kubernetes:core/v1:Namespace", { apiVersion: "v1", kind: "Namespace", metadata: { name: "none-1a2b3c4d", annotations: autonamed } })).toEqual({ apiVersion: "v1", kind: "Namespace" });
    expect(programInputs("kubernetes:core/v1:Namespace", { metadata: { name: "apps-1a2b3c4d", labels: { team: "web" }, annotations: { ...autonamed, owner: "x" } } })).toEqual({ metadata: { labels: { team: "web" }, annotations: { owner: "x" } } });
    expect(programInputs("kubernetes:core/v1:Namespace", { metadata: { name: "payments" } })).toEqual({ metadata: { name: "payments" } });
  });
});

describe("--diff against exports of what is deployed", () => {
  it("finds nothing to change when the plan is what was deployed", () => {
    const base = readDiffBase(writeExports(tempDir("exports-same-"), prod));
    expect(base.stacks.map((s) => [s.stack, s.role, s.region])).toEqual(prod.stacks.map((s) => [s.stack, s.role, s.region]));
    const diff = diffPlans(base, prod);
    expect([diff.added, diff.removed, diff.changed, diff.dataLossRisks]).toEqual([[], [], [], []]);
    expect(diff.regions).toEqual({ added: [], removed: [] });
    const bindings = (plan: PlanDocument) => plan.stacks.flatMap((s) => s.resources.filter((r) => r.type.endsWith(":TargetGroupBinding")).map((r) => r.replaceOnChanges));
    expect(bindings(base)).toEqual(bindings(prod));
    expect(bindings(base)[0]).toEqual(["spec.targetGroupARN", "spec.targetType"]);
  });

  it("matches by URN: a drifted input, a resource not yet deployed, a deployed one the branch drops", () => {
    const dir = writeExports(tempDir("exports-drift-"), prod, (stack, exported) => {
      if (stack !== "prod-eu-west-1") return;
      const resources = exported.deployment.resources;
      const cluster = resources.find((r) => r.type === "aws:rds/cluster:Cluster")!;
      cluster.inputs = { ...(cluster.inputs as object), engineVersion: "16.4" };
      const topic = resources.findIndex((r) => r.type === "aws:ec2/vpc:Vpc");
      resources.splice(topic, 1);
      resources.push({ urn: "urn:pulumi:prod-eu-west-1::platform::aws:s3/bucket:Bucket::legacy-logs", custom: true, id: "legacy-logs", type: "aws:s3/bucket:Bucket", inputs: {}, outputs: {}, protect: true });
    });
    const diff = diffPlans(readDiffBase(dir), prod);
    const cluster = prod.stacks.find((s) => s.stack === "prod-eu-west-1")!.resources.find((r) => r.type === "aws:rds/cluster:Cluster")!;
    expect(diff.changed.map((c) => [c.urn, c.inputs])).toEqual([[cluster.urn, ["engineVersion"]]]);
    expect(diff.added.map((a) => a.type)).toEqual(["aws:ec2/vpc:Vpc"]);
    expect(diff.removed.map((r) => r.urn)).toEqual(["urn:pulumi:prod-eu-west-1::platform::aws:s3/bucket:Bucket::legacy-logs"]);
    expect(diff.dataLossRisks.map((r) => [r.change, r.type, r.protect])).toEqual([["removed", "aws:s3/bucket:Bucket", true]]);
  });

  it("takes a plan written with --json as it is (the PR workflow's base), and refuses one of another version or shape", () => {
    // Taken as written, not read as an export.
    expect(readDiffBase(prodJson)).toEqual(prod);
    const dir = tempDir("plan-base-bad-");
    writeFileSync(join(dir, "v2.json"), JSON.stringify({ ...prod, version: 2 }));
    expect(() => readDiffBase(join(dir, "v2.json"))).toThrow(/is not a version 1 plan \(version: 2\); write the base again with this tool's --json/);
    writeFileSync(join(dir, "shape.json"), JSON.stringify({ ...prod, stacks: "none" }));
    expect(() => readDiffBase(join(dir, "shape.json"))).toThrow(/does not match tools\/plan\/plan\.schema\.json/);
  });

  it("refuses what is not an export, with the fix", () => {
    const dir = tempDir("exports-bad-");
    writeFileSync(join(dir, "old.json"), JSON.stringify({ version: 2, deployment: { resources: [] } }));
    expect(() => readDiffBase(join(dir, "old.json"))).toThrow(/deployment version 2; this tool reads version 3/);
    mkdirSync(join(dir, "empty"));
    expect(() => readDiffBase(join(dir, "empty"))).toThrow(/holds no \.json files; put one `pulumi stack export` per stack there/);
    writeFileSync(join(dir, "empty", "notes.json"), JSON.stringify({ hello: "world" }));
    expect(() => readDiffBase(join(dir, "empty"))).toThrow(/is not a `pulumi stack export` file/);
  });
});
