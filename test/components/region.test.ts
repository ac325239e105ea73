/**
 * The Region component as a regional stack builds it: prod's global stack without ARC, then its
 * us-west-2 stack reading the global stack's outputs, as the deploy waves run them.
 * Resources are found by type and name, never by URN.
 */
import { join } from "path";
import { beforeAll, describe, expect, it } from "vitest";
import { readStackConfig, runStack, type StackRun } from "../../tools/fake-cloud/run";
import type { RecordedResource } from "../../tools/fake-cloud";

const root = join(__dirname, "..", "..");
const load = () => import("../../stacks/main").then((m) => m.main);
const REGION = "us-west-2";
const STACK = `prod-${REGION}`;

let regional: StackRun;

beforeAll(async () => {
  // Without routing controls nothing holds a new region's records back but their order.
  const config = { ...readStackConfig(join(root, "Pulumi.prod.yaml")), "platform:arcEnabled": false };
  const global = await runStack({ stack: "prod", config, load });
  // As the plan hands them on: values, secrets still wrapped (tools/plan/stack.ts).
  const exported = JSON.parse(JSON.stringify(global.cloud.exportedOutputs)) as Record<string, unknown>;
  regional = await runStack({ stack: STACK, config: { "aws:region": REGION, "platform:environmentStack": "prod" }, stackOutputs: { prod: exported }, load });
}, 120_000);

function one(type: string, name: string): RecordedResource {
  const found = regional.cloud.resources.filter((r) => r.type === type && r.name === name);
  expect(found, `${type} ${name}`).toHaveLength(1);
  return found[0];
}

/** The custom resources under a component, at any depth. */
function customsUnder(component: RecordedResource): RecordedResource[] {
  const below = regional.cloud.resources.filter((r) => r.parent === component.urn);
  return below.flatMap((r) => (r.custom ? [r] : customsUnder(r)));
}

describe("Region (arcEnabled false)", () => {
  it("registers its DNS endpoint after its database and service, so its latency record cannot take traffic before they are up", () => {
    const endpoint = one("platform:dns:RegionalEndpoint", STACK);
    const database = customsUnder(one("platform:database:RegionalDatabase", STACK));
    const service = customsUnder(one("platform:service:RegionalService", STACK));
    expect(database.some((r) => r.type === "aws:rds/cluster:Cluster")).toBe(true);
    expect(database.some((r) => r.type === "aws:rds/clusterInstance:ClusterInstance")).toBe(true);
    expect(service.some((r) => r.type.startsWith("kubernetes:apps/v1:Deployment"))).toBe(true);
    // A component's dependsOn on a component is the custom resources under it (the SDK's
    // getAllTransitivelyReferencedResourceURNs); the endpoint's children register only once it has.
    expect(endpoint.dependsOn).toEqual(expect.arrayContaining([...database, ...service].map((r) => r.urn)));
    const records = customsUnder(endpoint).filter((r) => r.type === "aws:route53/record:Record");
    expect(records.length).toBeGreaterThan(0);
    const order = regional.cloud.resources.map((r) => r.urn);
    const lastOfDatabaseAndService = Math.max(...[...database, ...service].map((r) => order.indexOf(r.urn)));
    for (const record of records) expect(order.indexOf(record.urn)).toBeGreaterThan(lastOfDatabaseAndService);
  });

  it("lets the pods sign in with IAM on this region's cluster only, the one their writer and reader hosts belong to", () => {
    const database = customsUnder(one("platform:database:RegionalDatabase", STACK));
    const cluster = database.find((r) => r.type === "aws:rds/cluster:Cluster")!;
    const service = customsUnder(one("platform:service:RegionalService", STACK));
    const policies = service.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy").map((r) => JSON.parse(String(r.inputs.policy)) as { Statement: Record<string, unknown>[] });
    const connect = policies.flatMap((p) => p.Statement).filter((st) => st.Action === "rds-db:connect");
    expect(connect).toHaveLength(1);
    expect(connect[0].Resource).toBe(`arn:aws:rds-db:${REGION}:123456789012:dbuser:${String(cluster.outputs.clusterResourceId)}/app`);
    expect(String(cluster.outputs.clusterResourceId)).toMatch(/^cluster-[A-Z0-9]+$/);
  });
});
