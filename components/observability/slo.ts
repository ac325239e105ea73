/**
 * Service-level objectives and multi-window, multi-burn-rate alerting (Google SRE Workbook,
 * "Alerting on SLOs"), fitted to CloudWatch's alarm limits. Pure arithmetic, no resources.
 *
 * The error budget of an objective is 100 % − objective (99.9 % → 0.1 % of requests may fail).
 * The burn rate is how fast the budget is spent: error rate ÷ budget. At burn rate 1 the budget
 * lasts exactly the SLO window (30 days); burning at B for W minutes spends B × W ÷ (30 × 1440)
 * of it. A pair of alarms pages when both a long window (is it significant?) and a short window
 * (is it still happening?) burn faster than B; the short window makes the page reset quickly
 * once the problem is fixed.
 */

/** One burn-rate alert: both windows must exceed the burn rate. */
export interface BurnRateWindow {
  readonly name: "fast" | "slow" | "ticket";
  readonly longMinutes: number;
  readonly shortMinutes: number;
  readonly burnRate: number;
  /** `page` wakes someone; `ticket` is for working hours. */
  readonly severity: "page" | "ticket";
}

/**
 * The workbook's recommendation for a 30-day window, with the ticket window shortened: the
 * workbook's third alert uses 3 days at burn rate 1 (10 % of the budget), but a CloudWatch alarm
 * looks at most one day back (period × evaluation periods ≤ 86 400 s), so it becomes 1 day at
 * burn rate 3, which spends the same 10 % of a 30-day budget.
 */
export const BURN_RATE_WINDOWS: readonly BurnRateWindow[] = [
  { name: "fast", longMinutes: 60, shortMinutes: 5, burnRate: 14.4, severity: "page" },
  { name: "slow", longMinutes: 360, shortMinutes: 30, burnRate: 6, severity: "page" },
  { name: "ticket", longMinutes: 1440, shortMinutes: 120, burnRate: 3, severity: "ticket" },
];

/**
 * Longest look-back of one metric alarm: period × evaluation periods ≤ one day (PutMetricAlarm;
 * newer API revisions allow seven days for hour-long periods, one day holds everywhere).
 */
export const MAX_ALARM_WINDOW_SECONDS = 86_400;
/** Metrics (not expressions) one metric-math alarm may use. */
export const MAX_METRICS_PER_ALARM = 10;
/** Periods an alarm accepts: 10, 20 and 30 s (high resolution) or a whole number of minutes. */
export const HIGH_RESOLUTION_PERIODS: readonly number[] = [10, 20, 30];

/** The error budget, in percent of requests: 100 − objective. */
export function errorBudgetPercent(objectivePercent: number): number {
  if (!(objectivePercent > 0 && objectivePercent < 100)) throw new RangeError(`an objective must be between 0 and 100 % exclusive (got ${objectivePercent})`);
  return round(100 - objectivePercent);
}

/** Share of a `sloWindowDays` budget (in percent) spent by burning at `burnRate` for `minutes`. */
export function budgetSpentPercent(burnRate: number, minutes: number, sloWindowDays: number): number {
  return round((burnRate * minutes * 100) / (sloWindowDays * 1440));
}

/**
 * The error rate (percent of requests) at which a window burns at `burnRate`. Above 100 % the
 * alarm could never fire: the objective is too loose for that burn rate.
 */
export function errorRateThresholdPercent(objectivePercent: number, burnRate: number): number {
  const threshold = round(burnRate * errorBudgetPercent(objectivePercent));
  if (threshold >= 100) {
    throw new RangeError(`an objective of ${objectivePercent} % leaves a ${errorBudgetPercent(objectivePercent)} % budget; burning it ${burnRate}× means more than 100 % errors, so the alarm could never fire (use an objective above ${round(100 - 100 / burnRate)} %)`);
  }
  return threshold;
}

/**
 * Latency SLI as CloudWatch's percentile rank: PR(:t) is the percentage of requests answered in
 * at most t seconds. The window burns at `burnRate` when PR drops to 100 − burnRate × budget.
 */
export function latencyRankThresholdPercent(objectivePercent: number, burnRate: number): number {
  return round(100 - errorRateThresholdPercent(objectivePercent, burnRate));
}

/** CloudWatch's percentile-rank statistic for "answered within `thresholdMs`" (TargetResponseTime is in seconds). */
export function percentileRankStatistic(thresholdMs: number): string {
  if (!(Number.isFinite(thresholdMs) && thresholdMs > 0)) throw new RangeError(`a latency threshold must be a positive number of milliseconds (got ${thresholdMs})`);
  return `PR(:${round(thresholdMs / 1000)})`;
}

export interface AlarmWindow {
  readonly period: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
}

/**
 * Refuses an alarm CloudWatch would refuse (or evaluate differently than intended): a period
 * that is neither high resolution nor whole minutes, a look-back over one day, more data points
 * to alarm than periods evaluated.
 */
export function checkAlarmWindow(window: AlarmWindow, what = "alarm"): AlarmWindow {
  const { period, evaluationPeriods, datapointsToAlarm } = window;
  if (!Number.isInteger(period) || period <= 0 || (!HIGH_RESOLUTION_PERIODS.includes(period) && period % 60 !== 0)) {
    throw new RangeError(`${what}: period ${period} s is not 10, 20, 30 or a multiple of 60`);
  }
  if (!Number.isInteger(evaluationPeriods) || evaluationPeriods < 1) throw new RangeError(`${what}: evaluationPeriods must be a whole number ≥ 1 (got ${evaluationPeriods})`);
  if (period * evaluationPeriods > MAX_ALARM_WINDOW_SECONDS) {
    throw new RangeError(`${what}: period ${period} s × ${evaluationPeriods} evaluation periods = ${period * evaluationPeriods} s exceeds CloudWatch's one-day limit (${MAX_ALARM_WINDOW_SECONDS} s)`);
  }
  if (!Number.isInteger(datapointsToAlarm) || datapointsToAlarm < 1 || datapointsToAlarm > evaluationPeriods) {
    throw new RangeError(`${what}: datapointsToAlarm ${datapointsToAlarm} must be 1 to evaluationPeriods (${evaluationPeriods})`);
  }
  return window;
}

/**
 * A window of `minutes` as one alarm period: the alarm's sliding window (CloudWatch's default
 * evaluation window) then covers exactly the last `minutes` on every evaluation.
 */
export function windowAsSinglePeriod(minutes: number, what = "alarm"): AlarmWindow {
  return checkAlarmWindow({ period: minutes * 60, evaluationPeriods: 1, datapointsToAlarm: 1 }, what);
}

/** Refuses a metric-math alarm with more metrics than CloudWatch allows. */
export function checkMetricCount(metrics: number, what = "alarm"): void {
  if (metrics > MAX_METRICS_PER_ALARM) throw new RangeError(`${what}: ${metrics} metrics; a metric-math alarm may use at most ${MAX_METRICS_PER_ALARM}`);
}

export interface BurnRateAlarmPlan {
  readonly window: BurnRateWindow;
  /** Percentage of the SLO window's budget one long window at the burn rate spends. */
  readonly budgetSpentPercent: number;
  readonly long: AlarmWindow;
  readonly short: AlarmWindow;
  /** Availability: error-rate threshold (≥). Latency: percentile-rank threshold (≤). */
  readonly threshold: number;
}

/** The alarm pairs of one SLI for every burn-rate window. */
export function burnRateAlarmPlans(sli: "availability" | "latency", objectivePercent: number, sloWindowDays: number): BurnRateAlarmPlan[] {
  return BURN_RATE_WINDOWS.map((window) => ({
    window,
    budgetSpentPercent: budgetSpentPercent(window.burnRate, window.longMinutes, sloWindowDays),
    long: windowAsSinglePeriod(window.longMinutes, `${sli} ${window.name} long window`),
    short: windowAsSinglePeriod(window.shortMinutes, `${sli} ${window.name} short window`),
    threshold: sli === "availability" ? errorRateThresholdPercent(objectivePercent, window.burnRate) : latencyRankThresholdPercent(objectivePercent, window.burnRate),
  }));
}

/** The loosest objective every burn-rate window can still alarm on: burn × budget < 100 %. */
export function loosestObjectivePercent(windows: readonly BurnRateWindow[] = BURN_RATE_WINDOWS): number {
  return round(100 - 100 / Math.max(...windows.map((w) => w.burnRate)));
}

/** Rounds away binary noise (0.1 × 14.4 = 1.4400000000000002) to a readable threshold. */
function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
