import { describe, expect, it } from "vitest";
import {
  BURN_RATE_WINDOWS,
  budgetSpentPercent,
  burnRateAlarmPlans,
  checkAlarmWindow,
  checkMetricCount,
  errorBudgetPercent,
  errorRateThresholdPercent,
  latencyRankThresholdPercent,
  loosestObjectivePercent,
  percentileRankStatistic,
  windowAsSinglePeriod,
} from "../../components/observability/slo";

describe("error budget and burn rate arithmetic", () => {
  it("leaves 100 − objective percent of requests as the budget", () => {
    expect(errorBudgetPercent(99.9)).toBe(0.1);
    expect(errorBudgetPercent(99)).toBe(1);
    expect(() => errorBudgetPercent(100)).toThrow(/between 0 and 100/);
  });

  it("spends 2 %, 5 % and 10 % of a 30-day budget in the fast, slow and ticket windows", () => {
    expect(BURN_RATE_WINDOWS.map((w) => budgetSpentPercent(w.burnRate, w.longMinutes, 30))).toEqual([2, 5, 10]);
    // At burn rate 1 the budget lasts exactly the window.
    expect(budgetSpentPercent(1, 30 * 1440, 30)).toBe(100);
  });

  it("turns a burn rate into the error rate and the percentile rank that cross it", () => {
    expect(BURN_RATE_WINDOWS.map((w) => errorRateThresholdPercent(99.9, w.burnRate))).toEqual([1.44, 0.6, 0.3]);
    expect(BURN_RATE_WINDOWS.map((w) => latencyRankThresholdPercent(99, w.burnRate))).toEqual([85.6, 94, 97]);
  });

  it("refuses an objective so loose that the fastest burn rate would need more than 100 % errors", () => {
    expect(loosestObjectivePercent()).toBeCloseTo(93.055556, 5);
    expect(() => errorRateThresholdPercent(90, 14.4)).toThrow(/could never fire \(use an objective above 93\.055556 %\)/);
  });

  it("writes CloudWatch's percentile-rank statistic in seconds, the unit of TargetResponseTime", () => {
    expect(percentileRankStatistic(300)).toBe("PR(:0.3)");
    expect(percentileRankStatistic(1500)).toBe("PR(:1.5)");
    expect(() => percentileRankStatistic(0)).toThrow(/positive number of milliseconds/);
  });
});

describe("CloudWatch alarm limits", () => {
  it("accepts a one-day look-back and refuses a longer one", () => {
    expect(windowAsSinglePeriod(1440)).toEqual({ period: 86_400, evaluationPeriods: 1, datapointsToAlarm: 1 });
    expect(() => checkAlarmWindow({ period: 3600, evaluationPeriods: 25, datapointsToAlarm: 1 })).toThrow(/90000 s exceeds CloudWatch's one-day limit/);
    expect(() => windowAsSinglePeriod(3 * 1440)).toThrow(/one-day limit/);
  });

  it("accepts only high-resolution periods or whole minutes, and no more data points than periods", () => {
    expect(checkAlarmWindow({ period: 30, evaluationPeriods: 10, datapointsToAlarm: 5 })).toBeTruthy();
    expect(() => checkAlarmWindow({ period: 90, evaluationPeriods: 1, datapointsToAlarm: 1 })).toThrow(/not 10, 20, 30 or a multiple of 60/);
    expect(() => checkAlarmWindow({ period: 60, evaluationPeriods: 3, datapointsToAlarm: 4 })).toThrow(/datapointsToAlarm 4/);
  });

  it("caps a metric-math alarm at ten metrics", () => {
    expect(() => checkMetricCount(10)).not.toThrow();
    expect(() => checkMetricCount(11, "x")).toThrow(/x: 11 metrics/);
  });

  it("plans every burn-rate pair inside the limits, the long window one period of its full length", () => {
    for (const sli of ["availability", "latency"] as const) {
      const plans = burnRateAlarmPlans(sli, sli === "availability" ? 99.9 : 99, 30);
      expect(plans.map((p) => [p.long.period, p.short.period])).toEqual([[3600, 300], [21_600, 1800], [86_400, 7200]]);
      for (const p of plans) expect(p.long.period * p.long.evaluationPeriods).toBeLessThanOrEqual(86_400);
    }
  });
});
