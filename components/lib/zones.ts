/**
 * Availability-zone choice by zone ID.
 *
 * AZ *names* (us-east-1a) are shuffled per AWS account; zone *IDs* (use1-az1) name the same
 * physical zone in every account. Everything that is a property of a physical zone (EKS refusing
 * control-plane subnets there, an instance family or DB class missing) is therefore stated by ID,
 * and the choice is made by ID. Ordering by ID also keeps the choice stable: AWS numbers new zones
 * after the existing ones, so a zone added to a region never displaces one already in use.
 */

/** Zone-ID prefix of each region (the part before "-az<N>"). */
export const ZONE_ID_PREFIXES: Readonly<Record<string, string>> = {
  "us-east-1": "use1",
  "us-east-2": "use2",
  "us-west-1": "usw1",
  "us-west-2": "usw2",
  "af-south-1": "afs1",
  "ap-east-1": "ape1",
  "ap-south-1": "aps1",
  "ap-south-2": "aps2",
  "ap-southeast-1": "apse1",
  "ap-southeast-2": "apse2",
  "ap-southeast-3": "apse3",
  "ap-southeast-4": "apse4",
  "ap-southeast-5": "apse5",
  "ap-southeast-7": "apse7",
  "ap-northeast-1": "apne1",
  "ap-northeast-2": "apne2",
  "ap-northeast-3": "apne3",
  "ca-central-1": "cac1",
  "ca-west-1": "caw1",
  "eu-central-1": "euc1",
  "eu-central-2": "euc2",
  "eu-west-1": "euw1",
  "eu-west-2": "euw2",
  "eu-west-3": "euw3",
  "eu-south-1": "eus1",
  "eu-south-2": "eus2",
  "eu-north-1": "eun1",
  "il-central-1": "ilc1",
  "me-south-1": "mes1",
  "me-central-1": "mec1",
  "mx-central-1": "mxc1",
  "sa-east-1": "sae1",
};

/**
 * Zone IDs where EKS refuses control-plane subnets (CreateCluster: UnsupportedAvailabilityZoneException).
 * Source: the EKS subnet requirements, as recorded in shared/design/aws-facts.md. More can be
 * excluded per environment (`excludedAvailabilityZoneIds`).
 */
export const EKS_UNSUPPORTED_ZONE_IDS: readonly string[] = ["use1-az3", "usw1-az2", "cac1-az3"];

const ZONE_ID = /^([a-z]+[0-9]+)-az([0-9]+)$/;

/** The region a zone ID belongs to, or undefined when its prefix is not a known region's. */
export function regionOfZoneId(zoneId: string): string | undefined {
  const prefix = ZONE_ID.exec(zoneId)?.[1];
  return Object.keys(ZONE_ID_PREFIXES).find((region) => ZONE_ID_PREFIXES[region] === prefix);
}

export function isZoneId(text: string): boolean {
  return ZONE_ID.test(text);
}

/** Orders zone IDs by their number (use1-az2 before use1-az10). */
export function compareZoneIds(a: string, b: string): number {
  const [, pa = a, na = "0"] = ZONE_ID.exec(a) ?? [];
  const [, pb = b, nb = "0"] = ZONE_ID.exec(b) ?? [];
  return pa.localeCompare(pb) || Number(na) - Number(nb);
}

export interface Zone {
  readonly name: string;
  readonly id: string;
}

export interface SkippedZone extends Zone {
  readonly reason: string;
}

export interface ZoneChoiceInput {
  readonly region: string;
  /** What `getAvailabilityZones` answers: `names[i]` is the zone with ID `zoneIds[i]` in this account. */
  readonly names: readonly string[];
  readonly zoneIds: readonly string[];
  /** How many zones to use (ignored when `pinned` is given: the pins are the choice). */
  readonly count: number;
  /** Zone IDs the environment pins; every one must be available and usable. */
  readonly pinned?: readonly string[];
  /** Further zone IDs to avoid, on top of those EKS refuses. */
  readonly excluded?: readonly string[];
  /** Zone IDs offering at least one of the node instance types; undefined when not checked. */
  readonly instanceTypeZoneIds?: readonly string[];
  /** Zone IDs offering the database instance class; undefined when not checked. */
  readonly dbClassZoneIds?: readonly string[];
  /** For messages: what the two offering checks were about. */
  readonly instanceTypes?: readonly string[];
  readonly dbInstanceClass?: string;
}

export interface ZoneChoice {
  /** The zones to use, in zone-ID order (subnet N goes to zone N). */
  readonly zones: Zone[];
  /** Available zones that cannot be used, each with the reason. */
  readonly skipped: SkippedZone[];
  /** Usable zones beyond those chosen (more than azCount, or not pinned). */
  readonly spare: Zone[];
  readonly pinned: boolean;
}

/** One line for the plan and the stack outputs: what was chosen and why others were not. */
export function describeZoneChoice(choice: ZoneChoice): string {
  const chosen = choice.zones.map((z) => `${z.id} (${z.name})`).join(", ");
  const how = choice.pinned ? "pinned by availabilityZoneIds" : "first by zone ID";
  const skipped = choice.skipped.map((z) => `${z.id}: ${z.reason}`).join("; ");
  return `${chosen} — ${how}${skipped ? `; not used: ${skipped}` : ""}`;
}

/** Why a zone cannot be used, or undefined when it can. */
function unusable(input: ZoneChoiceInput, id: string): string | undefined {
  if (EKS_UNSUPPORTED_ZONE_IDS.includes(id)) return "EKS refuses control-plane subnets there";
  if (input.excluded?.includes(id)) return "listed in excludedAvailabilityZoneIds";
  if (input.instanceTypeZoneIds && !input.instanceTypeZoneIds.includes(id)) {
    return `offers none of the node instance types${input.instanceTypes?.length ? ` (${input.instanceTypes.join(", ")})` : ""}`;
  }
  if (input.dbClassZoneIds && !input.dbClassZoneIds.includes(id)) return `does not offer the database class${input.dbInstanceClass ? ` ${input.dbInstanceClass}` : ""}`;
  return undefined;
}

/**
 * Chooses the zones of a region by zone ID: the pinned ones in the order listed, or else the
 * first `count` usable ones in zone-ID order. Throws a RangeError naming the region, the zones and the fix when the
 * choice cannot be made.
 */
export function chooseZones(input: ZoneChoiceInput): ZoneChoice {
  if (input.names.length !== input.zoneIds.length) {
    throw new RangeError(`${input.region}: getAvailabilityZones answered ${input.names.length} name(s) but ${input.zoneIds.length} zone ID(s)`);
  }
  const byId = new Map<string, Zone>();
  input.zoneIds.forEach((id, i) => byId.set(id, { id, name: input.names[i] }));
  const available = [...byId.values()].sort((a, b) => compareZoneIds(a.id, b.id));
  const skipped: SkippedZone[] = [];
  const usable: Zone[] = [];
  for (const zone of available) {
    const reason = unusable(input, zone.id);
    if (reason) skipped.push({ ...zone, reason });
    else usable.push(zone);
  }

  if (input.pinned && input.pinned.length > 0) {
    const problems: string[] = [];
    for (const id of new Set(input.pinned)) {
      const zone = byId.get(id);
      if (!zone) problems.push(`${id} is not an available zone of ${input.region} (available: ${available.map((z) => z.id).join(", ") || "none"})`);
      else {
        const reason = unusable(input, id);
        if (reason) problems.push(`${id} (${zone.name}) ${reason}`);
      }
    }
    if (problems.length > 0) {
      throw new RangeError(`${input.region}: availabilityZoneIds cannot be used: ${problems.join("; ")}; pin other zones of ${input.region} (usable: ${usable.map((z) => z.id).join(", ") || "none"})`);
    }
    // In the order listed, not sorted: subnets are indexed by position, so a zone added to the
    // list must come last (one sorted in before an existing zone would move that subnet, its NAT
    // gateway and nodes, and hand the EKS control plane a zone it was not created in).
    const pinned = [...new Set(input.pinned)].map((id) => byId.get(id)!);
    return { zones: pinned, skipped, spare: usable.filter((z) => !pinned.includes(z)), pinned: true };
  }

  if (usable.length < input.count) {
    const why = skipped.length ? ` (${skipped.map((z) => `${z.id}: ${z.reason}`).join("; ")})` : "";
    throw new RangeError(
      `${input.region} offers ${usable.length} usable availability zone(s) (${usable.map((z) => z.id).join(", ") || "none"}) but ${input.count} were asked for${why}; ` +
        `lower azCount to ${usable.length}, choose other instance types or classes, or choose another region`,
    );
  }
  const zones = usable.slice(0, input.count);
  return { zones, skipped, spare: usable.slice(input.count), pinned: false };
}

export interface DbClassLookupFailure {
  readonly region: string;
  readonly engine: string;
  /** `dbEngineVersion`, as the lookup asked for it. */
  readonly engineVersion: string;
  readonly instanceClass: string;
  /** Whether the environment pins the zones (`availabilityZoneIds`). */
  readonly pinned: boolean;
  /** The provider's message. */
  readonly error: string;
}

/**
 * Is this the provider's answer that nothing matched the lookup (the version no longer offered),
 * as opposed to a failure to ask (AccessDenied, expired credentials, throttling after retries, an
 * RDS outage)? Only the first means the version is gone; the others must fail as they are, or a
 * pinned environment would skip its class check on a permissions error. The provider's text:
 * "no RDS DB Instance Classes match the criteria; try a different search"
 * (terraform-provider-aws internal/service/rds, orderable instance data source).
 */
export function orderableLookupFoundNothing(error: string): boolean {
  return /no RDS DB Instance Classes match the criteria/i.test(error);
}

/**
 * What a failed database-class lookup (DescribeOrderableDBInstanceOptions by engine *version*)
 * means for the zone choice. RDS stops offering a minor version after its end of life, and the
 * provider then refuses the lookup ("no RDS DB Instance Classes match the criteria") on every
 * preview, while the running cluster (moved by AWS's upgrade) is fine. Pinned zones are the
 * choice: the class check of the pins is then skipped, and the answer is the warning to give.
 * Unpinned zones cannot be chosen without the answer, and choosing them by another version's
 * answer could move the zones and replace the subnets: throws a RangeError naming the version and
 * the fix.
 */
export function dbClassLookupFailed(failure: DbClassLookupFailure): string {
  const lookup = `the lookup of the zones offering ${failure.instanceClass} for ${failure.engine} ${failure.engineVersion} failed (${failure.error})`;
  if (failure.pinned) {
    return `${failure.region}: ${lookup}; the pinned availabilityZoneIds were used without checking that they offer ${failure.instanceClass}. ` +
      `If ${failure.engineVersion} is no longer offered (RDS drops a minor version after its end of life), set platform:dbEngineVersion to the version the cluster runs`;
  }
  throw new RangeError(
    `${failure.region}: cannot choose availability zones: ${lookup}. RDS drops a minor version after its end of life, so platform:dbEngineVersion ` +
      `(${failure.engineVersion}) may no longer be offered. Either pin platform:availabilityZoneIds to the zone IDs in use (the regional stack's output ` +
      `availabilityZoneIds: \`pulumi stack output availabilityZoneIds --stack <environment>-${failure.region}\`, for every region), or set ` +
      `platform:dbEngineVersion to the version the cluster runs (\`aws rds describe-global-clusters --region ${failure.region} --query 'GlobalClusters[].EngineVersion'\`)`,
  );
}
