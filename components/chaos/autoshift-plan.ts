/**
 * Zonal autoshift decisions as plain values: which alarms judge and which block the weekly
 * practice runs, and the format of the windows and dates practice runs must avoid
 * (`Mon:00:00-Mon:08:00`, `2026-12-24`, as ARC zonal shift takes them).
 */

/**
 * Outcome alarms: a practice run (traffic moved away from one AZ for about 30 minutes) FAILS when
 * one goes to ALARM. What users feel: errors, latency, no healthy target. Metric alarms only:
 * AWS documents CloudWatch alarms for practice runs without saying composites work.
 */
export const AUTOSHIFT_OUTCOME_ALARMS = ["error-rate", "latency-p99", "no-healthy-targets"] as const;
/**
 * Blocking alarms: no practice run starts (and a running one stops) while one is in ALARM. Losing
 * an AZ on purpose is unwise while nodes are saturated or the region lacks failover headroom.
 */
export const AUTOSHIFT_BLOCKING_ALARMS = ["node-cpu", "capacity-headroom"] as const;

const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** Problem with a blocked window (`Day:HH:MM-Day:HH:MM`, UTC), or undefined when it is one. */
export function blockedWindowProblem(window: string): string | undefined {
  const m = /^([A-Z][a-z]{2}):(\d{2}):(\d{2})-([A-Z][a-z]{2}):(\d{2}):(\d{2})$/.exec(window);
  if (!m) return "must be Day:HH:MM-Day:HH:MM in UTC, e.g. Mon:00:00-Mon:08:00";
  const [, d1, h1, m1, d2, h2, m2] = m;
  for (const d of [d1, d2]) if (!DAYS.includes(d)) return `day "${d}" is not one of ${DAYS.join(", ")}`;
  for (const [h, min] of [[h1, m1], [h2, m2]]) if (Number(h) > 23 || Number(min) > 59) return `${h}:${min} is not a time of day`;
  const start = DAYS.indexOf(d1) * 1440 + Number(h1) * 60 + Number(m1);
  const end = DAYS.indexOf(d2) * 1440 + Number(h2) * 60 + Number(m2);
  if (start === end) return "starts and ends at the same time";
  return undefined;
}

/** Problem with a blocked date (`YYYY-MM-DD`), or undefined. */
export function blockedDateProblem(date: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return "must be YYYY-MM-DD, e.g. 2026-12-24";
  const parsed = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) return "is not a calendar date";
  return undefined;
}
