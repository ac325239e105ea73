/** scripts/replacement-table/add-types.ts: types the committed table lacks, from a partial snapshot, never overwriting. */
import { describe, expect, it } from "vitest";
import { missingRules } from "../../../scripts/replacement-table/add-types";
import type { ReplacementTable, TypeRule } from "../../../tools/plan/replacement/table";

const rule = (source: string, replaceOn: string[]): TypeRule => ({ source, replaceOn, mayReplaceOn: [], keptWhenUnset: [], complete: true });
const table: ReplacementTable = { generatedBy: "g", generated: "2026-01-01", providers: {}, types: { "aws:amp/workspace:Workspace": rule("aws_prometheus_workspace (sdkv2)", ["region"]) } };

describe("missingRules", () => {
  const found = { "aws:amp/workspace:Workspace": rule("newer", ["region", "kmsKeyArn"]), "aws:amp/workspaceConfiguration:WorkspaceConfiguration": rule("aws_prometheus_workspace_configuration (framework, f.go)", ["region", "workspaceId"]) };

  it("adds a missing type and says where it came from", () => {
    expect(missingRules(table, found, ["aws:amp/workspaceConfiguration:WorkspaceConfiguration"], "upstream@abc")).toEqual({
      "aws:amp/workspaceConfiguration:WorkspaceConfiguration": rule("aws_prometheus_workspace_configuration (framework, f.go); added from upstream@abc", ["region", "workspaceId"]),
    });
  });

  it("never replaces an entry the full snapshot produced", () => {
    expect(missingRules(table, found, ["aws:amp/workspace:Workspace"], "upstream@abc")).toEqual({});
  });

  it("refuses a type the partial snapshot does not hold", () => {
    expect(() => missingRules(table, found, ["aws:grafana/workspaceServiceAccount:WorkspaceServiceAccount"], "x")).toThrow(/no resource for it/);
  });
});
