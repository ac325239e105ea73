/**
 * `pulumi stack export` files (deployment version 3) written from a plan's stacks, as the
 * deployed stacks would export them after `pulumi up`: what `--diff <directory>` reads
 * (tools/plan/state-export.ts). Shared by the state-export and CLI tests.
 */
import { mkdirSync, writeFileSync } from "fs";
import { join } from "path";
import type { PlanDocument, PlanStack } from "../../tools/plan/model";

/**
 * A resource's inputs as the state keeps them: the provider's checked inputs. pulumi-aws (a
 * Terraform-bridged provider) adds the names it generated and lists them in `__defaults`;
 * pulumi-kubernetes writes an unnamed object's generated name and its `pulumi.com/autonamed`
 * annotation into metadata.
 */
function checkedInputs(r: PlanStack["resources"][number]): Record<string, unknown> {
  if (r.type.startsWith("aws:")) {
    const generated = r.inputs.name === undefined && typeof r.outputs.name === "string" && r.custom;
    return { ...r.inputs, ...(generated ? { name: r.outputs.name } : {}), __defaults: generated ? ["name"] : [] };
  }
  const metadata = r.outputs.metadata as { annotations?: Record<string, unknown> } | undefined;
  if (r.type.startsWith("kubernetes:") && metadata?.annotations?.["pulumi.com/autonamed"] === "true") return { ...r.inputs, metadata };
  return r.inputs;
}

/** A stack of a plan as `pulumi stack export` would write it after `pulumi up`. */
export function exportOf(stack: PlanStack): unknown {
  return {
    version: 3,
    deployment: {
      manifest: { time: "2026-11-30T12:00:00Z", magic: "test", version: "v3.248.0" },
      resources: stack.resources.map((r) => ({
        urn: r.urn,
        custom: r.custom,
        ...(r.id ? { id: r.id } : {}),
        type: r.type,
        inputs: checkedInputs(r),
        outputs: r.outputs,
        ...(r.parent ? { parent: r.parent } : {}),
        ...(r.provider ? { provider: `${r.provider}::0b9f3e1c-7d6a-4c55-8e21-5f4a3b2c1d0e` } : {}),
        ...(r.protect ? { protect: true } : {}),
        ...(r.retainOnDelete ? { retainOnDelete: true } : {}),
        ...(r.ignoreChanges.length ? { ignoreChanges: r.ignoreChanges } : {}),
        // The state keeps the last deployment's replaceOnChanges (ResourceV3), not deleteBeforeReplace.
        ...(r.replaceOnChanges?.length ? { replaceOnChanges: r.replaceOnChanges } : {}),
        ...(r.aliases.length ? { aliases: r.aliases } : {}),
        dependencies: r.dependsOn,
        propertyDependencies: r.propertyDependencies ?? {},
        ...(r.type === "pulumi:pulumi:StackReference" ? { external: true } : {}),
      })),
    },
  };
}

export function writeExports(dir: string, plan: PlanDocument, edit: (stack: string, exported: { deployment: { resources: Record<string, unknown>[] } }) => void = () => undefined): string {
  mkdirSync(dir, { recursive: true });
  for (const stack of plan.stacks) {
    const exported = exportOf(stack) as { deployment: { resources: Record<string, unknown>[] } };
    edit(stack.stack, exported);
    writeFileSync(join(dir, `${stack.stack}.json`), JSON.stringify(exported));
  }
  return dir;
}
