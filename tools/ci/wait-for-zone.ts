/**
 * The gate between the global wave and the primary region: the environment's hosted zone must
 * answer on the public internet before any region asks ACM to validate certificates through it
 * (CertificateValidation would otherwise wait out its timeout and fail the wave). With
 * dnsParentZoneName the global stack wrote the delegation and this only waits for it to be
 * visible; with dnsManualDelegation it waits for someone to add it, and says what to add.
 *
 *   npx tsx tools/ci/wait-for-zone.ts --outputs global-outputs.json [--timeout-minutes 30] [--interval-seconds 20]
 *
 * `--outputs` is `pulumi stack output --json` of the global stack (zoneName, nameServers,
 * dnsDelegation). Exit 0 once public resolvers answer the zone's NS query with its own name
 * servers; exit 1 on timeout, with the records to add; exit 2 on bad input.
 */
import { Resolver } from "dns/promises";
import { gateArgs, pollUntil, type Observation, type PollOptions } from "./poll";

/** Resolvers outside any one provider: the question is whether the internet sees the delegation. */
export const PUBLIC_RESOLVERS = ["1.1.1.1", "8.8.8.8", "9.9.9.9"];

export interface ZoneTarget {
  readonly zoneName: string;
  readonly nameServers: string[];
  readonly mode: string;
  readonly parentZoneName?: string;
}

const normalise = (name: string) => name.trim().toLowerCase().replace(/\.$/, "");

/** What the global stack's outputs say about the zone; throws a message naming what is missing. */
export function zoneTarget(outputs: Record<string, unknown>): ZoneTarget {
  const delegation = (outputs.dnsDelegation ?? {}) as { mode?: string; zoneName?: string; parentZoneName?: string };
  const zoneName = typeof outputs.zoneName === "string" ? outputs.zoneName : delegation.zoneName;
  const nameServers = Array.isArray(outputs.nameServers) ? outputs.nameServers.filter((n): n is string => typeof n === "string") : [];
  if (!zoneName || nameServers.length === 0) throw new Error("the global stack's outputs have no zoneName and nameServers; run `pulumi up` of the global stack first");
  return { zoneName: normalise(zoneName), nameServers: nameServers.map(normalise), mode: delegation.mode ?? "unknown", ...(delegation.parentZoneName ? { parentZoneName: delegation.parentZoneName } : {}) };
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
  const resolver = new Resolver();
  resolver.setServers(PUBLIC_RESOLVERS);
  console.error(`waiting up to ${timeoutMinutes} min for ${target.zoneName} (delegation: ${target.mode}) to answer with ${target.nameServers.join(", ")}`);
  const result = await waitForZone(target, (name) => resolver.resolveNs(name), { timeoutSeconds: timeoutMinutes * 60, intervalSeconds });
  if (result.done) {
    console.log(`${target.zoneName} answers: the regions can validate their certificates`);
    return 0;
  }
  console.error(`::error::${delegationHelp(target, result.last, timeoutMinutes).replace(/\n/g, "%0A")}`);
  return 1;
}

if (require.main === module) void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
