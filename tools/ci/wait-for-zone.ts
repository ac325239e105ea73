/**
 * The gate between the global wave and the primary region: the environment's hosted zone must
 * answer on the public internet before any region asks ACM to validate certificates through it
 * (CertificateValidation would otherwise wait out its timeout and fail the wave). With
 * dnsParentZoneName the global stack wrote the delegation and this only waits for it to be
 * visible; with dnsManualDelegation it waits for someone to add it, and says what to add.
 *
 *   npx tsx tools/ci/wait-for-zone.ts --outputs global-outputs.json [--timeout-minutes 30] [--interval-seconds 20]
 *     [--resolvers 1.1.1.1,8.8.8.8,9.9.9.9 | --resolvers system]
 *
 * `--outputs` is `pulumi stack output --json` of the global stack (zoneName, nameServers,
 * dnsDelegation, dnssecDsRecord with DNSSEC). Exit 0 once the resolvers answer the zone's NS
 * query with its own name servers; exit 1 on timeout, with the records to add; exit 2 on bad
 * input. The default resolvers are public ones, asked directly (UDP and TCP 53 out to the
 * internet); a runner whose network only allows its own resolvers passes `--resolvers system`
 * (those in /etc/resolv.conf, which must themselves resolve public names).
 */
import { Resolver } from "dns/promises";
import { isIP } from "net";
import { gateArgs, option, pollUntil, type Observation, type PollOptions } from "./poll";

/** Resolvers outside any one provider: the question is whether the internet sees the delegation. */
export const PUBLIC_RESOLVERS = ["1.1.1.1", "8.8.8.8", "9.9.9.9"];

export interface ZoneTarget {
  readonly zoneName: string;
  readonly nameServers: string[];
  readonly mode: string;
  readonly parentZoneName?: string;
  /** With DNSSEC: the DS record the parent must hold (not waited for: the zone answers unsigned without it). */
  readonly dsRecord?: string;
}

/**
 * `--resolvers`: a comma-separated list of resolver IP addresses, or `system` for the host's own
 * (undefined); the public ones when absent. A message for exit 2 when it is neither.
 */
export function resolversOption(value: string | undefined): string[] | undefined | { error: string } {
  if (value === undefined) return PUBLIC_RESOLVERS;
  if (value === "system") return undefined;
  const list = value.split(",").map((v) => v.trim()).filter(Boolean);
  const bad = list.filter((v) => isIP(v) === 0);
  if (list.length === 0 || bad.length > 0) return { error: `--resolvers "${value}" must be resolver IP addresses separated by commas (e.g. 1.1.1.1,8.8.8.8) or "system" for the runner's own` };
  return list;
}

const normalise = (name: string) => name.trim().toLowerCase().replace(/\.$/, "");

/** What the global stack's outputs say about the zone; throws a message naming what is missing. */
export function zoneTarget(outputs: Record<string, unknown>): ZoneTarget {
  const delegation = (outputs.dnsDelegation ?? {}) as { mode?: string; zoneName?: string; parentZoneName?: string };
  const zoneName = typeof outputs.zoneName === "string" ? outputs.zoneName : delegation.zoneName;
  const nameServers = Array.isArray(outputs.nameServers) ? outputs.nameServers.filter((n): n is string => typeof n === "string") : [];
  if (!zoneName || nameServers.length === 0) throw new Error("the global stack's outputs have no zoneName and nameServers; run `pulumi up` of the global stack first");
  return {
    zoneName: normalise(zoneName),
    nameServers: nameServers.map(normalise),
    mode: delegation.mode ?? "unknown",
    ...(delegation.parentZoneName ? { parentZoneName: delegation.parentZoneName } : {}),
    ...(typeof outputs.dnssecDsRecord === "string" ? { dsRecord: outputs.dnssecDsRecord } : {}),
  };
}

/** Whether an NS answer is the zone's own name servers (the delegation points at this zone). */
export function answersFor(target: ZoneTarget, answer: readonly string[]): Observation {
  const seen = answer.map(normalise).sort();
  const expected = new Set(target.nameServers);
  const done = seen.length > 0 && seen.every((ns) => expected.has(ns));
  return { done, detail: seen.length ? `NS ${target.zoneName} = ${seen.join(", ")}` : `no NS answer for ${target.zoneName}` };
}

/** The message when the zone never answered: the records to add, and where. */
export function delegationHelp(target: ZoneTarget, last: string, timeoutMinutes: number): string {
  const where = target.mode === "parent-zone"
    ? `The global stack wrote them in ${target.parentZoneName ?? "the parent zone"}; check that the parent zone is the one the registrar delegates to.`
    : `Add them where ${target.zoneName}'s parent is served (the registrar, or the parent zone's account).`;
  return [
    `${target.zoneName} does not answer on the public internet after ${timeoutMinutes} minute(s) (last: ${last}).`,
    `It needs these NS records in its parent: ${target.nameServers.join(", ")}.`,
    where,
    ...(target.dsRecord && target.mode !== "parent-zone" ? [`The zone signs (DNSSEC): once it answers, publish its DS record there too: ${target.dsRecord} (docs/runbooks/dnssec.md).`] : []),
    "Then re-run this job: the primary wave starts once the zone answers (ACM validates every region's certificate through it).",
  ].join("\n");
}

export async function waitForZone(target: ZoneTarget, resolveNs: (name: string) => Promise<string[]>, options: PollOptions): Promise<{ done: boolean; last: string }> {
  return pollUntil(async () => {
    try {
      return answersFor(target, await resolveNs(target.zoneName));
    } catch (err) {
      return { done: false, detail: `${target.zoneName}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
    }
  }, options);
}

async function main(argv: string[]): Promise<number> {
  const args = gateArgs(argv, 30, "wait-for-zone.ts");
  let target: ZoneTarget;
  try {
    if (typeof args === "string") throw new Error(args);
    target = zoneTarget(args.outputs);
  } catch (err) {
    console.error(`wait-for-zone: ${(err as Error).message}`);
    return 2;
  }
  const { timeoutMinutes, intervalSeconds } = args as Exclude<typeof args, string>;
  const servers = resolversOption(option(argv, "--resolvers"));
  if (servers !== undefined && !Array.isArray(servers)) {
    console.error(`wait-for-zone: ${servers.error}`);
    return 2;
  }
  const resolver = new Resolver();
  if (servers) resolver.setServers(servers);
  console.error(`waiting up to ${timeoutMinutes} min for ${target.zoneName} (delegation: ${target.mode}) to answer with ${target.nameServers.join(", ")}, asking ${servers ? servers.join(", ") : `the system's resolvers (${resolver.getServers().join(", ")})`}`);
  const result = await waitForZone(target, (name) => resolver.resolveNs(name), { timeoutSeconds: timeoutMinutes * 60, intervalSeconds });
  if (result.done) {
    console.log(`${target.zoneName} answers: the regions can validate their certificates`);
    if (target.dsRecord && target.mode !== "parent-zone") console.log(`::notice::${target.zoneName} signs (DNSSEC): publish its DS record where it is delegated if not done yet: ${target.dsRecord}`);
    return 0;
  }
  console.error(`::error::${delegationHelp(target, result.last, timeoutMinutes).replace(/\n/g, "%0A")}`);
  return 1;
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
