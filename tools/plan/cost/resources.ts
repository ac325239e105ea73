/** Plan resources as the cost model reads them (known values: the plan's second, known-values run). */
import type { CostResource } from "../../../policies/cost";
import type { PlanStack } from "../model";

/** Outputs and inputs other resources use to refer to a resource. */
const ID_FIELDS = ["id", "arn", "name", "bucket", "clusterIdentifier", "replicationGroupId", "globalClusterIdentifier"];

function idsOf(resource: PlanStack["resources"][number]): string[] {
  const values = [resource.id, ...ID_FIELDS.flatMap((field) => [resource.outputs[field], resource.inputs[field]])];
  return [...new Set(values.filter((v): v is string => typeof v === "string" && v.length > 2))];
}

export function costResources(stacks: readonly Pick<PlanStack, "stack" | "region" | "resources">[]): CostResource[] {
  return stacks.flatMap((stack) =>
    stack.resources
      // Reads (StackReference, `X.get`) are not created, and components are not cloud resources.
      .filter((r) => r.custom && !r.read)
      .map((r) => ({
        urn: r.urn,
        type: r.type,
        name: r.name,
        stack: stack.stack,
        region: r.region ?? stack.region,
        inputs: r.inputs,
        ids: idsOf(r),
        // Recorded by the engine workstream's fake cloud; absent in older plans.
        dependencies: (r as { propertyDependencies?: Record<string, string[]> }).propertyDependencies ?? {},
      })),
  );
}
