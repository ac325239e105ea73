import { describe, expect, it } from "vitest";
import {
  daysBetween,
  EKS_VERSIONS,
  eksSupportStatus,
  eksVersionLifecycle,
  nextEksVersion,
  parseUtcDay,
  standardSupportLapsedProblem,
  supportJudgementDay,
  utcDay,
} from "../../components/lib/eks-versions";

const at = (iso: string) => new Date(iso);

describe("the EKS version table", () => {
  it("holds AWS's release calendar for 1.29-1.34 and endoflife.date's end dates for 1.35, oldest first", () => {
    expect(EKS_VERSIONS.map((v) => v.version)).toEqual(["1.29", "1.30", "1.31", "1.32", "1.33", "1.34", "1.35"]);
    expect(eksVersionLifecycle("1.34")).toEqual({ version: "1.34", eksRelease: "2025-10-02", endOfStandardSupport: "2026-12-02", endOfExtendedSupport: "2027-12-02", source: "aws-release-calendar" });
    expect(eksVersionLifecycle("1.31")).toMatchObject({ endOfStandardSupport: "2025-11-26", endOfExtendedSupport: "2026-11-26" });
    expect(eksVersionLifecycle("1.35")).toEqual({ version: "1.35", endOfStandardSupport: "2027-03-27", endOfExtendedSupport: "2028-03-27", source: "endoflife.date" });
    expect(eksVersionLifecycle("1.36")).toBeUndefined();
  });

  it("is consistent: days that parse, 14 months of standard then 12 of extended support (to the day), each row after the last", () => {
    const monthsApart = (a: string, b: string) => (Number(b.slice(0, 4)) - Number(a.slice(0, 4))) * 12 + Number(b.slice(5, 7)) - Number(a.slice(5, 7));
    EKS_VERSIONS.forEach((v, i) => {
      for (const day of [v.eksRelease, v.endOfStandardSupport, v.endOfExtendedSupport]) if (day !== undefined) expect(parseUtcDay(day), `${v.version} ${day}`).toBeDefined();
      if (v.eksRelease) expect(monthsApart(v.eksRelease, v.endOfStandardSupport), v.version).toBe(14);
      expect(monthsApart(v.endOfStandardSupport, v.endOfExtendedSupport), v.version).toBe(12);
      expect(v.endOfExtendedSupport.slice(8), v.version).toBe(v.endOfStandardSupport.slice(8));
      if (i > 0) {
        expect(Number(v.version.split(".")[1]), v.version).toBe(Number(EKS_VERSIONS[i - 1].version.split(".")[1]) + 1);
        expect(v.endOfStandardSupport > EKS_VERSIONS[i - 1].endOfStandardSupport, v.version).toBe(true);
      }
    });
  });

  it("names the next minor, the one step an upgrade may take", () => {
    expect(nextEksVersion("1.34")).toBe("1.35");
    expect(nextEksVersion("1.35")).toBeUndefined();
    expect(nextEksVersion("1.20")).toBeUndefined();
  });
});

describe("days", () => {
  it("reads instants as UTC days, and refuses what is not a day", () => {
    expect(utcDay(at("2026-12-01T23:59:59Z"))).toBe("2026-12-01");
    expect(utcDay(at("2026-12-01T20:00:00-05:00"))).toBe("2026-12-02");
    expect(() => utcDay(new Date("nonsense"))).toThrow(RangeError);
    expect(parseUtcDay("2026-12-02")?.toISOString()).toBe("2026-12-02T00:00:00.000Z");
    for (const text of ["2026-02-30", "2026-12-2", "", "02/12/2026"]) expect(parseUtcDay(text), text).toBeUndefined();
    expect(daysBetween("2026-12-03", "2027-03-27")).toBe(114);
    expect(daysBetween("2026-12-03", "2026-12-02")).toBe(-1);
  });
});

describe("eksSupportStatus", () => {
  it("moves to extended support at the start of the end-of-standard-support day (UTC), and to ended at the end of extended support", () => {
    expect(eksSupportStatus("1.34", at("2026-12-01T23:59:59Z"))).toMatchObject({ phase: "standard", today: "2026-12-01", daysToEndOfStandardSupport: 1 });
    expect(eksSupportStatus("1.34", at("2026-12-02T00:00:00Z"))).toMatchObject({ phase: "extended", daysToEndOfStandardSupport: 0 });
    expect(eksSupportStatus("1.34", at("2026-12-03T09:00:00Z"))).toMatchObject({ phase: "extended", daysToEndOfStandardSupport: -1 });
    expect(eksSupportStatus("1.34", at("2027-12-02T00:00:00Z"))).toMatchObject({ phase: "ended" });
    expect(eksSupportStatus("1.35", at("2026-12-03T09:00:00Z"))).toMatchObject({ phase: "standard", daysToEndOfStandardSupport: 114 });
    expect(eksSupportStatus("1.36", at("2026-12-03T09:00:00Z"))).toBeUndefined();
  });
});

describe("standardSupportLapsedProblem", () => {
  it("has nothing against STANDARD before the date, or against EXTENDED at any time, or a version without dates", () => {
    expect(standardSupportLapsedProblem("1.34", "STANDARD", at("2026-12-01T23:00:00Z"))).toBeUndefined();
    expect(standardSupportLapsedProblem("1.34", "EXTENDED", at("2026-12-03T00:00:00Z"))).toBeUndefined();
    expect(standardSupportLapsedProblem("1.99", "STANDARD", at("2026-12-03T00:00:00Z"))).toBeUndefined();
  });

  it("refuses STANDARD from the date, with both settings, the values, the date and the fix", () => {
    const message = standardSupportLapsedProblem("1.34", "STANDARD", at("2026-12-02T00:00:00Z"))!;
    expect(message).toMatch(/^with kubernetesVersion "1\.34" is refused: 1\.34 left EKS standard support on 2026-12-02 \(AWS's EKS release calendar, components\/lib\/eks-versions\.ts\)\./);
    expect(message).toContain("EKS refuses to switch it to STANDARD");
    expect(message).toContain("Fix: set eksSupportType: EXTENDED as a dated exception (billed $0.60 instead of $0.10 per cluster hour from 2026-12-02), then upgrade kubernetesVersion to 1.35 following docs/runbooks/upgrade-kubernetes.md, then set eksSupportType back to STANDARD");
  });

  it("names the settings as the caller spells them", () => {
    expect(standardSupportLapsedProblem("1.34", "STANDARD", at("2026-12-03T00:00:00Z"), { version: "version", supportType: "supportType" })).toMatch(/^with version "1\.34" .*set supportType: EXTENDED/);
  });

  it("past extended support, says the control plane is upgraded whatever the support type", () => {
    expect(standardSupportLapsedProblem("1.31", "STANDARD", at("2026-12-03T00:00:00Z"))).toMatch(/^with kubernetesVersion "1\.31": 1\.31 is past EKS extended support too \(it ended on 2026-11-26.*Upgrade kubernetesVersion to 1\.32/);
  });
});

describe("the day support windows are judged on (supportJudgementDay)", () => {
  it("is PLAN_TODAY's day when set, the clock's when unset or empty", () => {
    expect(utcDay(supportJudgementDay({ PLAN_TODAY: "2027-01-26" }))).toBe("2027-01-26");
    const before = Date.now();
    const clock = supportJudgementDay({}).getTime();
    expect(clock).toBeGreaterThanOrEqual(before);
    expect(supportJudgementDay({ PLAN_TODAY: "" }).getTime()).toBeGreaterThanOrEqual(before);
  });

  it("refuses a PLAN_TODAY that is no day, naming the variable, the value and the fix", () => {
    expect(() => supportJudgementDay({ PLAN_TODAY: "2026-13-01" })).toThrow(/PLAN_TODAY is "2026-13-01", which is not a YYYY-MM-DD day; give one .* or unset it/);
  });

  it("is fixed for the test suite, so no test starts failing when a support date passes", () => {
    expect(process.env.PLAN_TODAY).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
