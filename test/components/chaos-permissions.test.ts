/** The FIS role's policy for the actions a region's experiments use (components/chaos/permissions.ts). */
import { describe, expect, it } from "vitest";
import { fisRolePolicy, type FisRoleScope } from "../../components/chaos/permissions";
import type { ExperimentSpec } from "../../components/chaos/experiments";

const scope: FisRoleScope = { partition: "aws", region: "us-east-1", accountId: "123456789012", vpcId: "vpc-0abc", clusterTagKey: "kubernetes.io/cluster/prod-us-east-1", clusterArn: "arn:aws:eks:us-east-1:123456789012:cluster/prod-us-east-1" };
const using = (...actionIds: string[]) => [{ actions: actionIds.map((actionId) => ({ actionId })) }] as unknown as ExperimentSpec[];
const statementsFor = (...actionIds: string[]) => fisRolePolicy(using(...actionIds), scope).Statement as { Sid: string; Action: string | string[]; Resource: string | string[]; Condition?: Record<string, Record<string, string>> }[];
const granting = (statements: ReturnType<typeof statementsFor>, action: string) => statements.filter((s) => [s.Action].flat().includes(action));

describe("FIS role policy", () => {
  it("lets the cross-region cut move the VPC's gateway endpoints: no ec2:Vpc condition on vpc-endpoint (the key does not exist for it), the route tables pinned to the VPC", () => {
    const modify = granting(statementsFor("aws:network:route-table-disrupt-cross-region-connectivity"), "ec2:ModifyVpcEndpoint");
    const onEndpoints = modify.filter((s) => [s.Resource].flat().some((r) => r.includes(":vpc-endpoint/")));
    expect(onEndpoints).toHaveLength(1);
    expect(onEndpoints[0].Condition).toBeUndefined();
    const onRouteTables = modify.filter((s) => [s.Resource].flat().some((r) => r.includes(":route-table/")));
    expect(onRouteTables.map((s) => s.Condition)).toEqual([{ ArnEquals: { "ec2:Vpc": "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0abc" } }]);
  });

  it("gives the AZ network cut every read its action lists, without the cross-region statements", () => {
    const statements = statementsFor("aws:network:disrupt-connectivity");
    expect(granting(statements, "ec2:GetManagedPrefixListEntries")).toHaveLength(1);
    expect(granting(statements, "ec2:ModifyVpcEndpoint")).toEqual([]);
  });
});
