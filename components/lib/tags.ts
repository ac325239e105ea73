/**
 * Tagging every taggable resource once, through a Pulumi transform, instead of by hand in each
 * component. The list of taggable types is generated from the provider's typings
 * (tools/taggable-types.ts), so a type added by a provider upgrade is tagged too.
 */
import * as pulumi from "@pulumi/pulumi";
import { pinnedRegion } from "./regions";
import taggableTypes from "./taggable-types.json";

const TAGGABLE = new Set<string>(taggableTypes);
const ASG_TYPE = "aws:autoscaling/group:Group";

export interface PlatformTags {
  environment: string;
  owner: string;
  costCenter: string;
  /** Fixed region tag (single-stack programs tag each region's subtree); else the resource's `region` input or `defaultRegion`. */
  region?: string;
  defaultRegion?: string;
}

export function isTaggable(type: string): boolean {
  return TAGGABLE.has(type) || type === ASG_TYPE;
}

/** The platform component a resource belongs to: the innermost `platform:` type in its parent's URN. */
export function componentOfParentUrn(parentUrn: string | undefined): string | undefined {
  const qualifiedType = parentUrn?.split("::")[2];
  const platformTypes = qualifiedType?.split("$").filter((t) => t.startsWith("platform:")) ?? [];
  return platformTypes.length ? platformTypes[platformTypes.length - 1].split(":")[2] : undefined;
}

/**
 * Adds the platform tags to a resource's props. Tags the resource sets itself win (a component
 * may know better, e.g. a `Name`), and platform tags never overwrite one another.
 */
export function withPlatformTags(type: string, props: Record<string, unknown>, tags: PlatformTags, component?: string): Record<string, unknown> {
  if (!isTaggable(type)) return props;
  const region = tags.region ?? (typeof props.region === "string" ? props.region : pinnedRegion(type) ?? tags.defaultRegion);
  const platform: Record<string, string> = {
    environment: tags.environment,
    owner: tags.owner,
    "cost-center": tags.costCenter,
    "managed-by": "pulumi",
    ...(region ? { region } : {}),
    ...(component ? { component } : {}),
  };
  if (type === ASG_TYPE) {
    // ASGs take a list of {key, value, propagateAtLaunch}; propagating puts the tags on the instances too.
    const own = (props.tags as { key: string }[] | undefined) ?? [];
    const ownKeys = new Set(own.map((t) => t.key));
    const added = Object.entries(platform).filter(([key]) => !ownKeys.has(key)).map(([key, value]) => ({ key, value, propagateAtLaunch: true }));
    return { ...props, tags: [...own, ...added] };
  }
  return { ...props, tags: { ...platform, ...(props.tags as Record<string, string> | undefined) } };
}

async function urnOf(resource: pulumi.Resource | undefined): Promise<string | undefined> {
  if (!resource) return undefined;
  return new Promise((resolve) => resource.urn.apply((urn) => resolve(urn)));
}

/**
 * A resource transform that tags every taggable resource. Register it once per stack with
 * `pulumi.runtime.registerResourceTransform`, or pass it in a component's `transforms` option to
 * tag that component's subtree (the engine applies a parent's transforms to its children).
 */
export function tagTransform(tags: PlatformTags): pulumi.ResourceTransform {
  return async (args) => {
    if (!args.custom || !isTaggable(args.type)) return undefined;
    const component = componentOfParentUrn(await urnOf(args.opts.parent));
    return { props: withPlatformTags(args.type, args.props as Record<string, unknown>, tags, component), opts: args.opts };
  };
}
