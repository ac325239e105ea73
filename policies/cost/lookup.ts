/**
 * Reading resource inputs without trusting their shape, and following references between
 * resources: through the engine's property dependencies when recorded, else by the id, ARN or
 * name the value carries (literal ids from config or a stack reference leave no dependency).
 */
import type { CostResource } from "./model";

export function str(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 ? value : null;
}
export function num(value: unknown): number | null {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return null;
}
export function bool(value: unknown): boolean | null {
  if (typeof value === "boolean") return value;
  if (value === "true" || value === "false") return value === "true";
  return null;
}
export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
export function record(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
/** `record(a)[b]...` along a path. */
export function at(value: unknown, ...path: string[]): unknown {
  return path.reduce<unknown>((v, key) => record(v)[key], value);
}

/** ARNs of log groups are written with and without the ":*" suffix. */
const normalize = (id: string) => id.replace(/:\*$/, "");

/** An index of one estimate's resources (built per call: no shared state). */
export class ResourceLookup {
  private readonly byUrn = new Map<string, CostResource>();
  private readonly byId = new Map<string, CostResource[]>();
  private readonly byType = new Map<string, CostResource[]>();

  constructor(readonly resources: readonly CostResource[]) {
    for (const r of resources) {
      this.byUrn.set(r.urn, r);
      this.byType.set(r.type, [...(this.byType.get(r.type) ?? []), r]);
      for (const id of new Set(r.ids.map(normalize))) this.byId.set(id, [...(this.byId.get(id) ?? []), r]);
    }
  }

  ofType(...types: string[]): CostResource[] {
    return types.flatMap((t) => this.byType.get(t) ?? []);
  }

  /**
   * Resources of `types` that `from`'s input `property` refers to: its recorded dependencies of
   * those types, else those whose id, ARN or name equals `value` (one of `values`).
   */
  referenced(from: CostResource, property: string, value: unknown, types: readonly string[]): CostResource[] {
    const viaDependencies = (from.dependencies[property] ?? []).map((urn) => this.byUrn.get(urn)).filter((r): r is CostResource => !!r && types.includes(r.type));
    if (viaDependencies.length > 0) return [...new Set(viaDependencies)];
    const values = (Array.isArray(value) ? value : [value]).map(str).filter((v): v is string => v !== null).map(normalize);
    return [...new Set(values.flatMap((v) => this.byId.get(v) ?? []).filter((r) => types.includes(r.type)))];
  }

  /** Resources of `types` whose input `property` (read with `valueOf`) refers to `target`. */
  referencing(types: readonly string[], property: string, target: CostResource, valueOf: (r: CostResource) => unknown): CostResource[] {
    return this.ofType(...types).filter((r) => this.referenced(r, property, valueOf(r), [target.type]).some((t) => t.urn === target.urn));
  }
}
