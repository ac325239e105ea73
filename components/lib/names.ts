/**
 * Physical names for resources whose AWS name has a short cap (load balancers and target groups
 * 32, IAM roles 64). Pulumi auto-names a resource `<logical name>-<7 random characters>` and
 * fails the update when that exceeds the cap; logical names here are `<env>-<region>-<part>`,
 * which for a 20-character environment in a 14-character region is already 35 characters.
 */
import { createHash } from "crypto";

/** What Pulumi's auto-name adds to the logical name: "-" and 7 random characters. */
export const AUTONAME_SUFFIX_LENGTH = 8;

export interface PhysicalNameOptions {
  /**
   * Every input whose change replaces the resource, joined into one string. A replacement then
   * gets a new name, so create-before-delete does not collide with the old resource (the
   * guarantee auto-naming gives).
   * @default ""
   */
  salt?: string;
  /** A prefix AWS refuses (ELB: "internal-"); a name starting with it is always rewritten. */
  reservedPrefix?: string;
}

/**
 * The explicit name to give a resource whose AWS name is capped at `maxLength`, or undefined
 * when Pulumi's auto-name fits (so resources that deploy today keep their names). Otherwise the
 * logical name cut to fit, plus 7 hex characters of a hash of the full logical name and `salt`,
 * so two long names that share their beginning still differ.
 */
export function physicalName(logicalName: string, maxLength: number, options: PhysicalNameOptions = {}): string | undefined {
  const reserved = options.reservedPrefix !== undefined && logicalName.toLowerCase().startsWith(options.reservedPrefix);
  if (!reserved && logicalName.length + AUTONAME_SUFFIX_LENGTH <= maxLength) return undefined;
  const base = reserved ? `x-${logicalName}` : logicalName;
  const hash = createHash("sha256").update(`${logicalName}\0${options.salt ?? ""}`).digest("hex").slice(0, AUTONAME_SUFFIX_LENGTH - 1);
  return `${base.slice(0, maxLength - AUTONAME_SUFFIX_LENGTH).replace(/-+$/, "")}-${hash}`;
}

/** Load balancer and target group names: at most 32 characters, never starting with "internal-". */
export const ELB_NAME_MAX_LENGTH = 32;
export const ELB_RESERVED_PREFIX = "internal-";
/** IAM role names: at most 64 characters. */
export const IAM_ROLE_NAME_MAX_LENGTH = 64;
