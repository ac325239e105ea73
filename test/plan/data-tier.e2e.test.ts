/**
 * The data and edge tier end to end through `npm run plan` (a spawned CLI, as reviewers run it):
 * the staging example with all three pieces plans clean in every region; and, through the same
 * CLI in this process, a program that lost a table replica or point-in-time recovery is stopped
 * with exit 1. The reference service of
 * every region gets the data tier: its variables and, in a policy of its own, its IAM statements.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { beforeAll, describe, expect, it } from "vitest";
import type { PlanDocument } from "../../tools/plan/model";
import { validatePlan } from "../../tools/plan/schema";
import { HIDDEN_ORIGINS } from "../../tools/plan/topology";
import { sharedRun, type SharedRun } from "../shared-plan";
import { PROGRAM_CONFIG } from "../shared-runs";
import { planInProcess } from "./run-in-process";
import { temporaryDirectories } from "./temp-dirs";

const STACK_FRAME = /^\s+at .+[:(]/m;

const tempDir = temporaryDirectories();
const ofType = (doc: PlanDocument, stack: string, type: string) => doc.stacks.find((s) => s.stack === stack)!.resources.filter((r) => r.type === type);

describe("the staging example (examples/data-tier): tables, cache and edge in every region", () => {
  let run: SharedRun;
  let doc: PlanDocument;
  const regions = ["us-east-1", "us-east-2", "us-west-2"];

  beforeAll(async () => {
    // A shared run (test/shared-runs.ts): the docs test reads its stack outputs too.
    run = await sharedRun("staging");
    doc = run.document;
  }, 240_000);

  it("plans with exit 0, no violation, a plan JSON the schema accepts", () => {
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(doc.summary.violations).toEqual({ mandatory: 0, advisory: 0 });
    expect(validatePlan(doc)).toEqual([]);
  });

  it("prices every data-tier resource: tables with their replicas, every cache member (secondaries at the datastore's node type), CloudFront and WAF", () => {
    expect(doc.cost!.unpriced).toEqual([]);
    const types = new Set(doc.cost!.lines.map((l) => l.type));
    for (const type of ["aws:dynamodb/table:Table", "aws:elasticache/replicationGroup:ReplicationGroup", "aws:cloudfront/distribution:Distribution", "aws:wafv2/webAcl:WebAcl"]) expect(types).toContain(type);
  });

  it("holds every table's replica in every region, and says so in resilience.dataTier", () => {
    expect(doc.resilience.dataTier.tableReplicasByRegion).toEqual(Object.fromEntries(regions.map((r) => [r, 3])));
    expect(doc.resilience.dataTier.tables.every((t) => t.missingRegions.length === 0 && t.pointInTimeRecovery && t.deletionProtection)).toBe(true);
    // Tables in the order the engine registers them (the provisioned catalog, whose table waits
    // for its home region's key only, comes first).
    expect(run.stdout).toMatch(/DynamoDB global tables +staging-catalog \(eventual, provisioned\) in us-east-1, us-east-2, us-west-2; PITR, deletion-protected;/);
    expect(run.stdout).toMatch(/staging-orders \(strong, on-demand\) in us-east-1, us-east-2, us-west-2/);
  });

  it("gives the provisioned catalog its replicas as TableReplica resources created after the home region's write auto scaling", () => {
    const resources = doc.stacks.find((s) => s.stack === "staging")!.resources;
    const [table] = resources.filter((r) => r.type === "aws:dynamodb/table:Table" && r.inputs.name === "staging-catalog");
    expect(table.inputs).not.toHaveProperty("replicas");
    expect(table.ignoreChanges).toContain("replicas");
    const writePolicies = resources.filter((r) => r.type === "aws:appautoscaling/policy:Policy" && r.parent === table.parent && r.region === "us-east-1" && String(r.inputs.scalableDimension).endsWith(":WriteCapacityUnits"));
    expect(writePolicies).toHaveLength(2);
    const replicas = resources.filter((r) => r.type === "aws:dynamodb/tableReplica:TableReplica" && r.parent === table.parent);
    expect(replicas.map((r) => r.region)).toEqual(["us-east-2", "us-west-2"]);
    for (const replica of replicas) {
      expect(replica.inputs).toMatchObject({ globalTableArn: table.outputs.arn, pointInTimeRecovery: true, deletionProtectionEnabled: true });
      expect(replica.protect).toBe(true);
      for (const policy of writePolicies) expect(replica.dependsOn).toContain(policy.urn);
    }
    // On-demand tables keep their inline replicas.
    const [sessions] = resources.filter((r) => r.type === "aws:dynamodb/table:Table" && r.inputs.name === "staging-sessions");
    expect((sessions.inputs.replicas as { regionName: string }[]).map((r) => r.regionName)).toEqual(["us-east-2", "us-west-2"]);
    // Priced as its table is billed: provisioned, with replicated write capacity.
    expect(doc.cost!.lines.filter((l) => l.type === "aws:dynamodb/tableReplica:TableReplica").map((l) => l.item)).toContain("dynamodb.provisioned.replicated-wcu-hour");
  });

  it("has a cache member in every region: the home region's creates the datastore, the others join it with the prefixed id its stack exports", () => {
    const home = doc.stacks.find((s) => s.stack === "staging-us-east-1")!;
    const id = home.outputs.cacheGlobalReplicationGroupId as string;
    expect(id).toMatch(/^[a-j]{5}-staging-cache$/);
    for (const region of ["us-east-2", "us-west-2"]) {
      const [group] = ofType(doc, `staging-${region}`, "aws:elasticache/replicationGroup:ReplicationGroup");
      expect(group.inputs.globalReplicationGroupId).toBe(id);
      expect(ofType(doc, `staging-${region}`, "pulumi:pulumi:StackReference").map((r) => r.inputs.name)).toContain("organization/platform/staging-us-east-1");
    }
    expect(doc.resilience.dataTier.cache).toMatchObject({ missingRegions: [], members: regions.map((region, i) => expect.objectContaining({ region, role: i === 0 ? "primary" : "secondary", multiAz: true })) });
  });

  it("puts CloudFront with a WAF in front of the latency-routed name and binds every region's workload to its local copies", () => {
    // The origins carry the origin-verify secret in a custom header, so the engine keeps the whole
    // `origins` property secret and the plan masks it: the figure says they are hidden rather
    // than naming them (or showing none), and the policies still judge them (see
    // test/plan/secret-values.e2e.test.ts).
    expect(doc.resilience.dataTier.edge).toEqual([expect.objectContaining({ aliases: ["www.staging.example.com"], webAcl: true, origins: [HIDDEN_ORIGINS] })]);
    expect(run.stdout).toMatch(/edge +CloudFront www\.staging\.example\.com: WAF, viewers redirect-to-https \(TLSv1\.2_2021\), origins \(hidden: the origins property holds a secret\);/);
    const [distribution] = ofType(doc, "staging", "aws:cloudfront/distribution:Distribution");
    expect(distribution.inputs.origins).toBe("[secret]");
    for (const region of regions) {
      const env = doc.stacks.find((s) => s.stack === `staging-${region}`)!.outputs.dataBindingEnv as Record<string, string>;
      expect(env).toMatchObject({ AWS_REGION: region, DYNAMODB_TABLE_ORDERS: "staging-orders", CACHE_TLS: "true" });
      expect(env.CACHE_HOST).toContain(`staging-${region}-cache`);
      expect(env.CACHE_AUTH_SECRET_ARN).toContain(`:secretsmanager:${region}:`);
    }
  });

  it("lets only the edge use the regional ALBs: a secret the global stack generates and exports as a secret, required by every region's HTTPS listener but on the health check", () => {
    const global = doc.stacks.find((s) => s.stack === "staging")!;
    expect(global.outputs.edgeOriginVerifyValues).toBe("[secret]");
    expect(ofType(doc, "staging", "random:index/randomPassword:RandomPassword").filter((r) => r.name.startsWith("staging-origin-verify-")).map((r) => r.name).sort()).toEqual(["staging-origin-verify-1", "staging-origin-verify-2"]);
    for (const region of regions) {
      const stack = `staging-${region}`;
      const [https] = ofType(doc, stack, "aws:lb/listener:Listener").filter((l) => l.inputs.protocol === "HTTPS");
      // The listener still forwards by default; the lock is the last rule, created after the two
      // that forward (and deleted before them).
      expect(https.inputs.defaultActions).toEqual([{ type: "forward", targetGroupArn: expect.any(String) }]);
      const rules = ofType(doc, stack, "aws:lb/listenerRule:ListenerRule").sort((a, b) => Number(a.inputs.priority) - Number(b.inputs.priority));
      expect(rules.map((r) => [r.inputs.priority, r.inputs.conditions])).toEqual([
        [1, [{ pathPattern: { values: ["/healthz"] } }]],
        // The header's values, read from the global stack: secret across the StackReference.
        [2, "[secret]"],
        [50_000, [{ pathPattern: { values: ["/*"] } }]],
      ]);
      expect(rules[2].inputs.actions).toEqual([{ type: "fixed-response", fixedResponse: { statusCode: "403", contentType: "text/plain", messageBody: "Forbidden" } }]);
      expect(rules[2].dependsOn).toEqual(expect.arrayContaining([rules[0].urn, rules[1].urn]));
      for (const rule of rules) expect(rule.inputs.listenerArn).toBe(https.outputs.arn);
      // Still a complete serving path: the rules forward to the target group the service is bound to.
      expect(doc.resilience.servingPath.regions.find((r) => r.region === region)).toMatchObject({ complete: true });
    }
  });

  it("gives every region's pods the binding's variables next to the database's, and their role the binding's statements in a policy the Deployment waits for", () => {
    for (const region of regions) {
      const stack = `staging-${region}`;
      const binding = doc.stacks.find((s) => s.stack === stack)!.outputs.dataBindingEnv as Record<string, string>;
      const [deployment] = ofType(doc, stack, "kubernetes:apps/v1:Deployment").filter((r) => r.name === `${stack}-deployment`);
      type Container = { env: { name: string; value: string }[] };
      const container = (deployment.inputs.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers[0];
      const env = Object.fromEntries(container.env.map((e) => [e.name, e.value]));
      expect(Object.keys(binding)).toEqual(expect.arrayContaining(["DYNAMODB_TABLE_SESSIONS", "DYNAMODB_TABLE_ORDERS", "DYNAMODB_TABLE_CATALOG", "CACHE_HOST", "CACHE_READER_HOST", "CACHE_PORT", "CACHE_TLS", "CACHE_AUTH_SECRET_ARN"]));
      expect(env).toMatchObject(binding);
      expect(env).toMatchObject({ AWS_REGION: region, DB_ENGINE: "aurora-postgresql" });
      expect(env.CACHE_HOST).toContain(`staging-${region}-cache`);

      const [role] = ofType(doc, stack, "aws:iam/role:Role").filter((r) => r.name === `${stack}-pods`);
      const [policy] = ofType(doc, stack, "aws:iam/rolePolicy:RolePolicy").filter((r) => r.name === `${stack}-data`);
      expect(policy.inputs.role).toBe(role.id);
      type Statement = { Sid: string; Resource: string[] };
      const statements = (JSON.parse(policy.inputs.policy as string) as { Statement: Statement[] }).Statement;
      expect(statements.map((st) => st.Sid)).toEqual(["DynamoDbItems", "DynamoDbStreams", "DynamoDbTableKeys", "CacheAuthToken", "CacheAuthTokenKey"]);
      // This region's copies only.
      expect(statements.find((st) => st.Sid === "DynamoDbItems")!.Resource).toContain(`arn:aws:dynamodb:${region}:123456789012:table/staging-orders`);
      expect(statements.find((st) => st.Sid === "CacheAuthToken")!.Resource).toEqual([env.CACHE_AUTH_SECRET_ARN]);
      // Pods never start without the permissions: the Deployment waits for the policy.
      expect(deployment.dependsOn).toContain(policy.urn);
    }
  });
});

describe("a program that lost a table replica and point-in-time recovery", () => {
  it("exits 1 with the two data-tier violations, on the broken tables only", async () => {
    const out = join(tempDir("data-tier-broken-"), "broken.json");
    // The CLI in-process (test/plan/run-in-process.ts): the staging run above is the spawned one.
    const run = await planInProcess("--program", "test/plan/fixtures/data-tier-broken-program.ts", "--config-file", PROGRAM_CONFIG, "--json", out);
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const doc = JSON.parse(readFileSync(out, "utf8")) as PlanDocument;
    const data = doc.stacks[0].violations.filter((v) => v.policy.startsWith("dynamodb-"));
    expect(data.map((v) => `${v.policy} ${v.urn?.split("::").pop()} ${v.enforcementLevel}`).sort()).toEqual([
      "dynamodb-global-table-every-region carts-table mandatory",
      "dynamodb-point-in-time-recovery events mandatory",
    ]);
    expect(run.stdout).toContain("MANDATORY  dynamodb-global-table-every-region: carts-table (dynamodb.Table) has replicas in us-east-1, us-west-2 but none in eu-west-1");
    expect(run.stdout).toContain("MANDATORY  dynamodb-point-in-time-recovery: events (dynamodb.Table): the eu-west-1 replica has point-in-time recovery off");
    expect(doc.resilience.dataTier.tables.find((t) => t.name === "carts-table")!.missingRegions).toEqual(["eu-west-1"]);
  }, 240_000);
});
