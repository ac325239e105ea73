/**
 * Who watches which region from outside it: a synthetic probe in one region of another region's
 * own load balancer, paging the watcher's topic. A region's own alarms evaluate in that region,
 * and the Route 53 alarms (out of rotation) in us-east-1 only, where Route 53 publishes its
 * metrics; so when a region's CloudWatch or SNS fails, or the region is lost, what reports it must
 * live elsewhere. Pure: the stacks declare the probes from these results, the deploy waves order
 * the stacks by them.
 *
 * - Every secondary watches the primary (regions[0]): its loss is the one that matters most, and
 *   the secondaries deploy after it, so their probes never page for a primary not yet built.
 * - The Route 53 home region (us-east-1), when it is a member but not the primary, is watched too:
 *   its loss takes its own alarms and every DNS alarm with it, and nothing else probes it. Its
 *   watcher is the secondary listed after it (wrapping around), which must deploy after it
 *   (`watchedStacksFirst`) so that its probe never pages for a region not yet built; in a
 *   two-region environment the only other region is the primary, which deploys first.
 * The primary watches nobody else, and the other secondaries do not watch each other: they deploy
 * side by side.
 */
import { ROUTE53_HOME_REGION } from "./dns";

export interface WatchAssignment {
  readonly watcher: string;
  readonly watched: string;
  /** `primary`: every secondary watches it; `route53-home`: us-east-1 as a secondary, whose loss silences the DNS alarms. */
  readonly reason: "primary" | "route53-home";
}

/** Every watch of an environment, the primary's first, in the order of `regions`. */
export function watchAssignments(regions: readonly string[]): WatchAssignment[] {
  if (regions.length < 2) return [];
  const [primary, ...secondaries] = regions;
  const watches: WatchAssignment[] = secondaries.map((watcher) => ({ watcher, watched: primary, reason: "primary" }));
  const home = secondaries.indexOf(ROUTE53_HOME_REGION);
  if (home >= 0) {
    const others = [...secondaries.slice(home + 1), ...secondaries.slice(0, home)];
    watches.push({ watcher: others[0] ?? primary, watched: ROUTE53_HOME_REGION, reason: "route53-home" });
  }
  return watches;
}

/** The regions `region` probes from outside, primary first (empty: it watches nobody). */
export function watchedRegions(regions: readonly string[], region: string): string[] {
  return watchAssignments(regions).filter((w) => w.watcher === region).map((w) => w.watched);
}

/**
 * Regions whose stacks must deploy before `region`'s, because it probes them: the watched
 * regions other than the primary (which always deploys first). A probe of a region not yet built
 * fails at once and pages.
 */
export function watchedStacksFirst(regions: readonly string[], region: string): string[] {
  if (region === regions[0]) return [];
  return watchedRegions(regions, region).filter((r) => r !== regions[0]);
}

