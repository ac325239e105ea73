import { describe, expect, it } from "vitest";
import { diffLines } from "../../tools/plan/describe";
import { aliasUrn, diffPlans } from "../../tools/plan/diff";
import type { PlanDocument } from "../../tools/plan/model";
import { validatePlan } from "../../tools/plan/schema";
import { isStateful } from "../../tools/plan/stateful";
import { auroraCluster, network, planOf, planStack, resource } from "./resources";

const REGIONS = ["us-east-1", "us-west-2", "eu-west-1"];

/** prod as the design has it: a global stack and one stack per region, each with a network and an Aurora member. */
function environment(regions: string[]): PlanDocument {
  const global = planStack("prod", "global", "us-east-1", [
    resource("aws:rds/globalCluster:GlobalCluster", "prod-global", { globalClusterIdentifier: "prod-global", engine: "aurora-postgresql" }, { stack: "prod", protect: true }),
    resource("aws:route53/zone:Zone", "prod-zone", { name: "prod.example.com" }, { stack: "prod", protect: true }),
  ]);
  const regional = regions.map((region, i) => {
    const stack = `prod-${region}`;
    return planStack(stack, "region", region, [
      ...network(stack, region, ["a", "b", "c"], ["a", "b", "c"], stack),
      ...auroraCluster(`${stack}-db`, region, i === 0 ? "primary" : "secondary", ["a", "b"], stack),
    ]);
  });
  return planOf("prod", [global, ...regional], { regions });
}

function withResource(plan: PlanDocument, stack: string, name: string, change: (r: PlanDocument["stacks"][number]["resources"][number]) => void): PlanDocument {
  const copy = structuredClone(plan);
  change(copy.stacks.find((s) => s.stack === stack)!.resources.find((r) => r.name === name)!);
  return copy;
}

describe("diff of two plans", () => {
  const base = environment(REGIONS);

  it("hand-made plans are valid plan JSON", () => {
    expect(validatePlan(base)).toEqual([]);
  });

  it("finds nothing between a plan and itself", () => {
    const diff = diffPlans(base, structuredClone(base));
    expect([diff.added, diff.removed, diff.changed, diff.dataLossRisks, diff.regions.added, diff.regions.removed]).toEqual([[], [], [], [], [], []]);
  });

  it("flags the database member of a removed region as a data-loss risk, and the region as removed", () => {
    const diff = diffPlans(base, environment(["us-east-1", "us-west-2"]));
    expect(diff.regions).toEqual({ added: [], removed: ["eu-west-1"] });
    expect(diff.removed.every((r) => r.stack === "prod-eu-west-1")).toBe(true);
    expect(diff.removed).toHaveLength(base.stacks.find((s) => s.stack === "prod-eu-west-1")!.resources.length);
    expect(diff.dataLossRisks).toEqual([
      expect.objectContaining({ change: "removed", type: "aws:rds/cluster:Cluster", stack: "prod-eu-west-1", region: "eu-west-1", protect: true, message: expect.stringContaining("DELETED") }),
    ]);
  });

  it("reports a region added without any risk", () => {
    const diff = diffPlans(environment(["us-east-1", "us-west-2"]), base);
    expect(diff.regions.added).toEqual(["eu-west-1"]);
    expect(diff.dataLossRisks).toEqual([]);
  });

  it("treats a change of a replace-forcing input of a stateful resource as a replacement", () => {
    const diff = diffPlans(base, withResource(base, "prod-us-east-1", "prod-us-east-1-db", (r) => (r.inputs.storageEncrypted = false)));
    expect(diff.changed.filter((c) => c.inputs.length).map((c) => [c.type, c.inputs, c.replaceReasons])).toEqual([["aws:rds/cluster:Cluster", ["storageEncrypted"], ["storageEncrypted"]]]);
    // Its instances name the cluster by its id, unknown until the new cluster exists: replaced too.
    const instances = diff.actions.filter((a) => a.type === "aws:rds/clusterInstance:ClusterInstance");
    expect(instances.map((a) => [a.action, a.because, a.chain.map((s) => s.name)])).toEqual([
      ["replace", ["clusterIdentifier"], ["prod-us-east-1-db", "prod-us-east-1-db-1"]],
      ["replace", ["clusterIdentifier"], ["prod-us-east-1-db", "prod-us-east-1-db-2"]],
    ]);
    expect(diff.dataLossRisks).toEqual([expect.objectContaining({ change: "replaced", message: expect.stringContaining("REPLACED (storageEncrypted)") })]);
  });

  it("treats an in-place change (backup retention) as a plain change", () => {
    const diff = diffPlans(base, withResource(base, "prod-us-east-1", "prod-us-east-1-db", (r) => (r.inputs.backupRetentionPeriod = 21)));
    expect(diff.changed.map((c) => [c.urn.split("::").pop(), c.inputs, c.replaceReasons])).toEqual([["prod-us-east-1-db", ["backupRetentionPeriod"], []]]);
    expect(diff.dataLossRisks).toEqual([]);
  });

  it("treats a move to another region as a replacement", () => {
    const moved = withResource(base, "prod", "prod-zone", (r) => (r.region = "us-west-2"));
    expect(diffPlans(base, moved).dataLossRisks).toEqual([expect.objectContaining({ change: "replaced", message: expect.stringContaining("region us-east-1 → us-west-2") })]);
  });

  it("counts a rename without an alias as remove + add, and one with an alias as a change", () => {
    const rename = (aliases: string[]) =>
      withResource(base, "prod", "prod-zone", (r) => {
        r.name = "zone";
        r.urn = r.urn.replace(/::prod-zone$/, "::zone");
        r.aliases = aliases;
      });
    const bare = diffPlans(base, rename([]));
    expect([bare.added.length, bare.removed.length, bare.dataLossRisks.map((d) => d.change)]).toEqual([1, 1, ["removed"]]);
    const aliased = diffPlans(base, rename(["name=prod-zone"]));
    expect([aliased.added.length, aliased.removed.length, aliased.dataLossRisks.length]).toEqual([0, 0, 0]);
    expect(aliased.changed[0].renamedFrom).toMatch(/::prod-zone$/);
  });

  it("creates and deletes nothing for a read under a new name (a StackReference, in a plan JSON without read marks too)", () => {
    const withRef = (name: string) => {
      const copy = structuredClone(base);
      copy.stacks.find((s) => s.stack === "prod-us-east-1")!.resources.push(resource("pulumi:pulumi:StackReference", name, { name }, { stack: "prod-us-east-1", region: null, id: name }));
      return copy;
    };
    const diff = diffPlans(withRef("prod"), withRef("acme/platform/prod"));
    expect([diff.added.length, diff.removed.length]).toEqual([1, 1]);
    expect(diff.actions).toEqual([]);
  });

  it("lets the children of a component renamed with an alias follow it, as the engine derives their aliases", () => {
    // A component with a child named after it and a grandchild, under a component type.
    const tree = (component: string, aliases: string[]) => {
      const urn = (chain: string, name: string) => `urn:pulumi:prod::platform::${chain}::${name}`;
      const parent = { ...resource("platform:database:Store", component, {}, { stack: "prod" }), custom: false, id: null, aliases };
      const cluster = { ...resource("aws:rds/cluster:Cluster", `${component}-cluster`, { engine: "aurora-postgresql" }, { stack: "prod", protect: true }), urn: urn("platform:database:Store$aws:rds/cluster:Cluster", `${component}-cluster`), parent: parent.urn };
      const instance = { ...resource("aws:rds/clusterInstance:ClusterInstance", `${component}-cluster-1`, { instanceClass: "db.r7g.large" }, { stack: "prod" }), urn: urn("platform:database:Store$aws:rds/cluster:Cluster$aws:rds/clusterInstance:ClusterInstance", `${component}-cluster-1`), parent: cluster.urn };
      return planOf("prod", [planStack("prod", "global", "us-east-1", [parent, cluster, instance])], { regions: ["us-east-1"] });
    };
    const renamed = diffPlans(tree("orders", []), tree("sales", ["name=orders"]));
    expect([renamed.added, renamed.removed, renamed.dataLossRisks]).toEqual([[], [], []]);
    // The grandchild follows its renamed parent in turn (named after it: orders-cluster-1).
    expect(renamed.changed.map((c) => c.renamedFrom?.replace(/^.*::/, ""))).toEqual(["orders", "orders-cluster", "orders-cluster-1"]);
    // Without the component's alias, everything under it is removed and created anew.
    const bare = diffPlans(tree("orders", []), tree("sales", []));
    expect([bare.added.length, bare.removed.length, bare.dataLossRisks.map((d) => d.type)]).toEqual([3, 3, ["aws:rds/cluster:Cluster"]]);
  });

  it("reports violations that are new since the base and counts resolved ones", () => {
    const violation = (policy: string, urn: string | null) => ({ policy, enforcementLevel: "mandatory" as const, urn, message: `${policy} broke` });
    const clean = structuredClone(base);
    for (const stack of clean.stacks) stack.violations = [];
    const before = structuredClone(clean);
    before.stacks[0].violations = [violation("old-rule", null)];
    const after = structuredClone(clean);
    after.stacks[1].violations = [violation("new-rule", after.stacks[1].resources[0].urn)];
    const diff = diffPlans(before, after);
    expect(diff.newViolations.map((v) => [v.policy, v.stack])).toEqual([["new-rule", "prod-us-east-1"]]);
    expect(diff.resolvedViolations).toBe(1);
  });
});

describe("what AWS refuses in place, protection and other environments", () => {
  const base = environment(REGIONS);
  const stack = "prod-us-east-1";
  function region(azs: string[], clusterAzs: string[]): PlanDocument {
    const net = network(stack, "us-east-1", azs, azs, stack);
    const eks = resource("aws:eks/cluster:Cluster", `${stack}-cluster`, { name: `${stack}-cluster`, vpcConfig: { subnetIds: clusterAzs.map((s) => `subnet-${stack}-${s}`) } }, { stack });
    return planOf("prod", [planStack(stack, "region", "us-east-1", [...net, eks])], { regions: ["us-east-1"] });
  }

  it("refuses control-plane subnets in an AZ the EKS cluster was not created in", () => {
    const diff = diffPlans(region(["a", "b", "c"], ["a", "b", "c"]), region(["a", "b", "c", "d"], ["a", "b", "c", "d"]));
    expect(diff.actions.find((a) => a.type === "aws:eks/cluster:Cluster")?.action).toBe("update");
    expect(diff.refusals.map((r) => [r.type, r.message])).toEqual([["aws:eks/cluster:Cluster", expect.stringContaining("us-east-1d, an AZ the cluster was not created in")]]);
    // Subnets of the original AZs only (here one fewer): accepted.
    expect(diffPlans(region(["a", "b", "c", "d"], ["a", "b", "c"]), region(["a", "b", "c", "d"], ["a", "b"])).refusals).toEqual([]);
  });

  it("says when a replacement deletes first because the program asks (deleteBeforeReplace)", () => {
    const replaced = (deleteFirst: boolean) =>
      diffPlans(base, withResource(base, "prod", "prod-zone", (r) => {
        r.inputs.name = "prod2.example.com";
        r.deleteBeforeReplace = deleteFirst;
      }));
    const first = replaced(true);
    expect(first.actions.find((a) => a.name === "prod-zone")).toMatchObject({ action: "replace", deleteFirst: true });
    expect(diffLines(first)).toContainEqual("delete first: aws:route53/zone:Zone prod-zone is replaced with deleteBeforeReplace: Pulumi deletes the old one before creating the new one (a gap while neither exists)");
    const plain = replaced(false);
    expect(plain.actions.find((a) => a.name === "prod-zone")).not.toHaveProperty("deleteFirst");
    expect(diffLines(plain).some((l) => l.startsWith("delete first:"))).toBe(false);
    expect(validatePlan({ ...base, diff: first } as PlanDocument)).toEqual([]);
  });

  it("says that `pulumi up` stops at a protected resource it would replace", () => {
    const diff = diffPlans(base, withResource(base, "prod", "prod-zone", (r) => (r.inputs.name = "prod2.example.com")));
    expect(diff.actions.find((a) => a.name === "prod-zone")).toMatchObject({ action: "replace", protect: true, because: ["name"] });
    expect(diffLines(diff)).toContainEqual(expect.stringMatching(/^PROTECTED: `pulumi up` stops at aws:route53\/zone:Zone prod-zone/));
  });

  it("compares two environments by their settings, not resource by resource", () => {
    const staging = structuredClone(base);
    staging.environment = "staging";
    const diff = diffPlans(base, staging);
    expect(diff.otherEnvironment).toEqual({ base: "prod", current: "staging" });
    expect([diff.added, diff.removed, diff.actions, diff.dataLossRisks]).toEqual([[], [], [], []]);
    expect(diffLines(diff)[0]).toMatch(/^different environments: base prod, current staging/);
  });

  it("keeps the diff inside the plan JSON schema", () => {
    const diff = diffPlans(base, withResource(base, "prod-us-east-1", "prod-us-east-1-db", (r) => (r.inputs.storageEncrypted = false)));
    expect(validatePlan({ ...base, diff })).toEqual([]);
  });
});

describe("resources with the import option", () => {
  const base = environment(REGIONS);
  const BUCKET = "aws:s3/bucket:Bucket";
  const withBucket = (plan: PlanDocument, importId: string | undefined, id = importId ?? "logs-id") => {
    const copy = structuredClone(plan);
    copy.stacks.find((s) => s.stack === "prod")!.resources.push({ ...resource(BUCKET, "logs", { bucket: "prod-logs" }, { stack: "prod", id }), ...(importId ? { importId } : {}) });
    return copy;
  };

  it("are imported, not created, when the base lacks them (the engine's ImportStep), and said so", () => {
    const diff = diffPlans(base, withBucket(base, "prod-logs"));
    expect(diff.actions).toEqual([expect.objectContaining({ name: "logs", action: "import", because: ["import prod-logs"], stateful: true })]);
    expect(diff.dataLossRisks).toEqual([]);
    expect(diffLines(diff)[0]).toMatch(/0 updated in place, 1 imported$/);
    expect(diffLines(diff)).toContainEqual(expect.stringMatching(/^import: aws:s3\/bucket:Bucket logs \(stack prod\) is imported by id prod-logs, not created: `pulumi preview` reads it from the provider and fails if it does not exist/));
    expect(validatePlan({ ...withBucket(base, "prod-logs"), diff })).toEqual([]);
    // Without the option the same resource is created.
    expect(diffPlans(base, withBucket(base, undefined)).actions).toEqual([expect.objectContaining({ name: "logs", action: "create", because: [] })]);
  });

  it("change nothing once imported under the same id, in the base as here", () => {
    const imported = withBucket(base, "prod-logs");
    expect(diffPlans(imported, structuredClone(imported)).actions).toEqual([]);
    // A deployed resource whose id is the import id, written without the option: the engine compares ids (oldImportID != goal.ID).
    const deployed = withBucket(base, undefined, "prod-logs");
    const diff = diffPlans(deployed, imported);
    expect(diff.actions).toEqual([]);
    expect(diff.changed).toEqual([expect.objectContaining({ options: ["importId"] })]);
  });

  it("that a change would replace: `pulumi up` refuses while the import option stays (a preview only warns)", () => {
    const imported = withBucket(base, "prod-logs");
    const renamed = withResource(imported, "prod", "logs", (r) => (r.inputs.bucket = "prod-logs-2"));
    const diff = diffPlans(imported, renamed);
    expect(diff.actions.map((a) => [a.name, a.action])).toEqual([["logs", "replace"]]);
    expect(diff.refusals).toEqual([expect.objectContaining({ name: "logs", by: "engine", message: expect.stringContaining("previously-imported resources that still specify an ID may not be replaced") })]);
    expect(diffLines(diff)).toContainEqual(expect.stringMatching(/^REFUSED BY PULUMI: aws:s3\/bucket:Bucket logs \(stack prod\) still has the import option \(id prod-logs\) and would be replaced \(bucket\)/));
    expect(validatePlan({ ...renamed, diff })).toEqual([]);
    // Without the option the replacement goes ahead (a data-loss risk, not a refusal).
    const plain = withBucket(base, undefined, "prod-logs");
    expect(diffPlans(plain, withResource(plain, "prod", "logs", (r) => (r.inputs.bucket = "prod-logs-2"))).refusals).toEqual([]);
  });

  it("replace another resource under their URN (ImportReplacementStep): its data is lost unless it was only read", () => {
    const diff = diffPlans(withBucket(base, undefined, "logs-created"), withBucket(base, "prod-logs"));
    expect(diff.actions).toEqual([expect.objectContaining({ name: "logs", action: "import-replace", because: ["import prod-logs"] })]);
    expect(diff.dataLossRisks).toEqual([expect.objectContaining({ change: "replaced", message: expect.stringContaining("would be REPLACED by an imported resource (import prod-logs) and lose") })]);
    const read = withBucket(base, undefined, "prod-logs");
    read.stacks.find((s) => s.stack === "prod")!.resources.find((r) => r.name === "logs")!.read = true;
    const adopted = diffPlans(read, withBucket(base, "prod-logs"));
    expect(adopted.actions.map((a) => a.action)).toEqual(["import-replace"]);
    expect(adopted.dataLossRisks).toEqual([]);
  });
});

describe("stateful types and aliases", () => {
  it("covers the types a region's loss or a careless rename can destroy", () => {
    for (const type of ["aws:rds/cluster:Cluster", "aws:rds/globalCluster:GlobalCluster", "aws:kms/key:Key", "aws:route53/zone:Zone", "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws:secretsmanager/secret:Secret"]) {
      expect(isStateful(type)).toBe(true);
    }
    expect(isStateful("aws:ec2/vpc:Vpc")).toBe(false);
  });

  it("resolves alias specs as the engine builds URNs (full parent type chain, no root stack type)", () => {
    const r = resource("aws:kms/key:Key", "new-name", {}, { stack: "prod" });
    expect(aliasUrn("name=old-name", r)).toBe("urn:pulumi:prod::platform::aws:kms/key:Key::old-name");
    const parent = "urn:pulumi:prod::platform::platform:region:Region$platform:db:Database::db";
    expect(aliasUrn(`name=old-name,parent=${parent}`, r)).toBe("urn:pulumi:prod::platform::platform:region:Region$platform:db:Database$aws:kms/key:Key::old-name");
    expect(aliasUrn("noParent", { ...r, parent })).toBe("urn:pulumi:prod::platform::aws:kms/key:Key::new-name");
    expect(aliasUrn("urn:pulumi:x::p::t::n", r)).toBe("urn:pulumi:x::p::t::n");
  });
});
