/**
 * AWS name caps against the longest names the config allows: a 20-character environment (the
 * maximum) in 14-character regions, with every optional resource switched on. Pulumi auto-names
 * `<logical name>-<7 random characters>` and the update fails when that breaks the cap, so
 * every capped name, given or auto, must fit.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { stringify } from "yaml";
import { readStackConfig } from "../../tools/fake-cloud/run";
import { resolveEnvironment } from "../../tools/plan/inputs";
import type { PlanDocument, PlanResource } from "../../tools/plan/model";
import { plan } from "../../tools/plan/plan";

const ENVIRONMENT = "abcdefghij-klmnopqrs";
/** Type → [the property that carries the AWS name, its cap]. */
const CAPS: Record<string, [string, number]> = {
  "aws:lb/loadBalancer:LoadBalancer": ["name", 32],
  "aws:lb/targetGroup:TargetGroup": ["name", 32],
  "aws:iam/role:Role": ["name", 64],
  "aws:rds/cluster:Cluster": ["clusterIdentifier", 63],
  "aws:rds/clusterInstance:ClusterInstance": ["identifier", 63],
  "aws:rds/globalCluster:GlobalCluster": ["globalClusterIdentifier", 63],
  "aws:s3/bucket:Bucket": ["bucket", 63],
  "aws:route53recoverycontrol/cluster:Cluster": ["name", 64],
  "aws:route53recoverycontrol/controlPanel:ControlPanel": ["name", 64],
  "aws:route53recoverycontrol/routingControl:RoutingControl": ["name", 64],
  "aws:route53recoverycontrol/safetyRule:SafetyRule": ["name", 64],
  "aws:eks/cluster:Cluster": ["name", 100],
};

let doc: PlanDocument;

beforeAll(async () => {
  const root = join(__dirname, "..", "..");
  const config = readStackConfig(join(root, "Pulumi.prod.yaml"));
  const dir = mkdtempSync(join(tmpdir(), "naming-limits-"));
  try {
    const file = join(dir, `Pulumi.${ENVIRONMENT}.yaml`);
    writeFileSync(file, stringify({
      config: {
        ...config,
        "aws:region": "ap-southeast-2",
        "platform:regions": ["ap-southeast-2", "ap-northeast-3"],
        "platform:vpcCidrs": ["10.10.0.0/16", "10.20.0.0/16"],
        "platform:globalPeakNodes": 24,
        "platform:dnsQueryLogging": true,
        "platform:dnsDnssec": true,
      },
    }));
    doc = await plan(resolveEnvironment({ env: ENVIRONMENT, envGiven: true, configFile: file }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);

/** The name AWS receives: the given one, or Pulumi's auto-name. */
function effectiveName(r: PlanResource, property: string): string {
  const given = r.inputs[property];
  return typeof given === "string" ? given : `${r.name}-abcdef0`;
}

describe("names of the longest environment the config allows", () => {
  it("plans", () => {
    expect(doc.stacks.map((s) => s.stack)).toEqual([ENVIRONMENT, `${ENVIRONMENT}-ap-southeast-2`, `${ENVIRONMENT}-ap-northeast-3`]);
  });

  it("fit every AWS name cap", () => {
    const checked = doc.stacks.flatMap((s) => s.resources).filter((r) => r.type in CAPS);
    expect(checked.filter((r) => r.type === "aws:lb/targetGroup:TargetGroup")).toHaveLength(2);
    const tooLong = checked
      .map((r) => ({ type: r.type, name: effectiveName(r, CAPS[r.type][0]), cap: CAPS[r.type][1] }))
      .filter((n) => n.name.length > n.cap);
    expect(tooLong).toEqual([]);
  });

  it("gives load balancers and target groups names ELB accepts, distinct per region", () => {
    for (const type of ["aws:lb/loadBalancer:LoadBalancer", "aws:lb/targetGroup:TargetGroup"]) {
      const names = doc.stacks.flatMap((s) => s.resources).filter((r) => r.type === type).map((r) => effectiveName(r, "name"));
      expect(names).toHaveLength(2);
      for (const name of names) expect(name).toMatch(/^(?!internal-)(?!-)[A-Za-z0-9-]{1,32}(?<!-)$/);
      expect(new Set(names).size).toBe(2);
    }
  });
});
