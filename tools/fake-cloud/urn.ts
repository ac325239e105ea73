/**
 * URNs as the Pulumi engine builds them (pulumi/pulumi `sdk/go/common/resource/urn`,
 * `pkg/resource/deploy` generateURN and collapseAliasToUrn). Pure: the plan's diff and the
 * state-export reader use it without loading the SDK.
 */
export const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/** `urn:pulumi:<stack>::<project>::<qualified type>::<name>` split into its parts. */
export function parseUrn(urn: string): { stack: string; project: string; qualifiedType: string; type: string; name: string } | null {
  const match = /^urn:pulumi:(.*?)::(.*?)::(.*?)::(.*)$/s.exec(urn);
  if (!match) return null;
  return { stack: match[1], project: match[2], qualifiedType: match[3], type: match[3].split("$").pop()!, name: match[4] };
}

/** `deployment.generateURN`: the parent's qualified type chain unless the parent is the root stack. */
export function engineUrn(stack: string, project: string, parentUrn: string | null, type: string, name: string): string {
  const parentType = parentUrn ? parseUrn(parentUrn)?.qualifiedType ?? "" : "";
  const qualified = parentType && parentType !== ROOT_STACK_TYPE ? `${parentType}$${type}` : type;
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

export interface AliasSpec {
  name?: string;
  type?: string;
  stack?: string;
  project?: string;
  /** The alias's parent URN; undefined means "the resource's own parent". */
  parentUrn?: string;
  noParent?: boolean;
}

/**
 * `stepGenerator.collapseAliasToUrn` + `resource.CreateURN`: the URN an alias spec stands for.
 * A parent that is the root stack counts as no parent; a parent prefixes its own URN (its stack
 * and project included) minus the name.
 */
export function aliasToUrn(spec: AliasSpec, resource: { type: string; name: string; parent: string | null }, stack: string, project: string): string {
  const name = spec.name || resource.name;
  const type = spec.type || resource.type;
  let parent = spec.noParent ? null : spec.parentUrn || resource.parent;
  if (parent && parseUrn(parent)?.qualifiedType === ROOT_STACK_TYPE) parent = null;
  if (!parent) return `urn:pulumi:${spec.stack || stack}::${spec.project || project}::${type}::${name}`;
  return `${parent.slice(0, parent.lastIndexOf("::"))}$${type}::${name}`;
}
