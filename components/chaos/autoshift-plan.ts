/**
 * Zonal autoshift decisions as plain values: which alarms judge and which block the weekly
 * practice runs, and the format of the windows and dates practice runs must avoid
 * (`Mon:00:00-Mon:08:00`, `2026-12-24`, as ARC zonal shift takes them).
 */

/**
 * The outcome alarm: a practice run (traffic moved away from one AZ for about 30 minutes) FAILS
 * when it goes to ALARM. ARC takes exactly one outcome and at most one blocking alarm per
 * configuration (CreatePracticeRunConfiguration: ControlConditions of one item), so both are
 * composites: `region-impaired` is what users feel (errors, latency, no healthy target, the
 * canary failing).
 */
export const AUTOSHIFT_OUTCOME_ALARM = "region-impaired";
/**
 * The blocking alarm: no practice run starts (and a running one stops) while it is in ALARM.
 * `zonal-shift-unsafe` combines saturated nodes and missing failover headroom.
 */
export const AUTOSHIFT_BLOCKING_ALARM = "zonal-shift-unsafe";

const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/**
 * Whether ARC starts no practice run at `instant`: its UTC date is a blocked date, or it falls in a
 * blocked window (UTC, a window may run over the week's end, e.g. `Sun:22:00-Mon:02:00`).
 * Malformed entries block nothing (the component refuses them before they reach ARC).
 */
export function practiceRunsBlockedAt(instant: Date, blocked: { blockedDates?: readonly string[]; blockedWindows?: readonly string[] }): boolean {
  if ((blocked.blockedDates ?? []).includes(instant.toISOString().slice(0, 10))) return true;
  const minute = ((instant.getUTCDay() + 6) % 7) * 1440 + instant.getUTCHours() * 60 + instant.getUTCMinutes();
  return (blocked.blockedWindows ?? []).some((window) => {
    const parsed = parseBlockedWindow(window);
    if (typeof parsed === "string") return false;
    const { start, end } = parsed;
    return start < end ? minute >= start && minute < end : minute >= start || minute < end;
  });
}

/** Problem with a blocked window (`Day:HH:MM-Day:HH:MM`, UTC), or undefined when it is one. */
export function blockedWindowProblem(window: string): string | undefined {
  const parsed = parseBlockedWindow(window);
  return typeof parsed === "string" ? parsed : undefined;
}

/** A blocked window's start and end in minutes of the week (Monday 00:00 is 0), or its problem. */
function parseBlockedWindow(window: string): { start: number; end: number } | string {
  const m = /^([A-Z][a-z]{2}):(\d{2}):(\d{2})-([A-Z][a-z]{2}):(\d{2}):(\d{2})$/.exec(window);
  if (!m) return "must be Day:HH:MM-Day:HH:MM in UTC, e.g. Mon:00:00-Mon:08:00";
  const [, d1, h1, m1, d2, h2, m2] = m;
  for (const d of [d1, d2]) if (!DAYS.includes(d)) return `day "${d}" is not one of ${DAYS.join(", ")}`;
  for (const [h, min] of [[h1, m1], [h2, m2]]) if (Number(h) > 23 || Number(min) > 59) return `${h}:${min} is not a time of day`;
  const start = DAYS.indexOf(d1) * 1440 + Number(h1) * 60 + Number(m1);
  const end = DAYS.indexOf(d2) * 1440 + Number(h2) * 60 + Number(m2);
  if (start === end) return "starts and ends at the same time";
  return { start, end };
}

/** Problem with a blocked date (`YYYY-MM-DD`), or undefined. */
export function blockedDateProblem(date: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return "must be YYYY-MM-DD, e.g. 2026-12-24";
  const parsed = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) return "is not a calendar date";
  return undefined;
}
