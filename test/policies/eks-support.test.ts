/**
 * eks-version-in-standard-support through the offline harness (never constructing the
 * PolicyPack), on fixed days through its `today` threshold: the rule itself reads the clock.
 */
import { describe, expect, it } from "vitest";
import { evaluateStack, PolicyConfigError, Violation } from "../../policies/evaluate";
import { ofPolicy, PRIMARY, recorded } from "./fixtures";

const POLICY = "eks-version-in-standard-support";
const o = { stack: "prod-us-east-1", region: PRIMARY };

function run(inputs: Record<string, unknown>, today: string, thresholds: Record<string, unknown> = {}): Violation[] {
  const cluster = recorded("aws:eks/cluster:Cluster", "cluster", inputs, o);
  return ofPolicy(evaluateStack({ stack: o.stack, role: "region", region: PRIMARY, resources: [cluster] }, { [POLICY]: { today, ...thresholds } }), POLICY);
}

const messages = (vs: Violation[]) => vs.map((v) => `${v.enforcementLevel}: ${v.message}`);
const standard = (version: string) => ({ version, upgradePolicy: { supportType: "STANDARD" } });
const extended = (version: string) => ({ version, upgradePolicy: { supportType: "EXTENDED" } });

describe("eks-version-in-standard-support", () => {
  it("is quiet while the end of standard support is more than 60 days away", () => {
    expect(run(standard("1.35"), "2027-01-25")).toEqual([]);
    expect(run(extended("1.35"), "2026-12-03")).toEqual([]);
  });

  it("warns within 60 days: STANDARD, AWS upgrades the control plane itself on that date", () => {
    expect(messages(run(standard("1.35"), "2027-01-26"))).toEqual([
      "advisory: cluster (eks.Cluster) runs Kubernetes 1.35, whose EKS standard support ends on 2027-03-27 (in 60 days): with upgradePolicy STANDARD, AWS upgrades the control plane to the next minor itself on that date, on AWS's schedule rather than in the runbook's order (add-on and chart pins and node pools stay on 1.35). Upgrade before it: docs/runbooks/upgrade-kubernetes.md.",
    ]);
  });

  it("warns within 60 days: EXTENDED (or no upgradePolicy, AWS's default), billed the extended rate from that date", () => {
    expect(messages(run(extended("1.34"), "2026-11-01"))).toEqual([
      "advisory: cluster (eks.Cluster) runs Kubernetes 1.34, whose EKS standard support ends on 2026-12-02 (in 31 days): with upgradePolicy EXTENDED, it enters extended support on that date and is billed $0.60 instead of $0.10 per cluster hour from then until it is upgraded. Upgrade before it: docs/runbooks/upgrade-kubernetes.md.",
    ]);
    expect(messages(run({ version: "1.34" }, "2026-12-01"))).toEqual([expect.stringContaining("ends on 2026-12-02 (tomorrow): with no upgradePolicy (AWS then applies EXTENDED), it enters extended support on that date and is billed $0.60")]);
  });

  it("warns past the date: EXTENDED is billed the extended rate since then, until the upgrade", () => {
    expect(messages(run(extended("1.34"), "2026-12-03"))).toEqual([
      "advisory: cluster (eks.Cluster) runs Kubernetes 1.34, which left EKS standard support on 2026-12-02: with upgradePolicy EXTENDED, it is in extended support and billed $0.60 instead of $0.10 per cluster hour since that date, until it is upgraded; extended support ends on 2027-12-02, when AWS upgrades the control plane itself. Upgrade to 1.35, one minor at a time: docs/runbooks/upgrade-kubernetes.md. Then set STANDARD.",
    ]);
  });

  it("warns past the date: STANDARD has AWS upgrade the control plane, and EKS refuses it for a cluster already in extended support", () => {
    expect(messages(run(standard("1.34"), "2026-12-10"))).toEqual([expect.stringMatching(/^advisory: cluster \(eks\.Cluster\) runs Kubernetes 1\.34, which left EKS standard support on 2026-12-02: with upgradePolicy STANDARD, AWS upgrades the control plane to 1\.35 itself from that date, and EKS refuses STANDARD for a cluster already in extended support .*Keep an existing cluster on EXTENDED until it is upgraded \(docs\/runbooks\/upgrade-kubernetes\.md\); start a new one on 1\.35\.$/)]);
  });

  it("past extended support, says AWS upgrades whatever the policy", () => {
    expect(messages(run(extended("1.31"), "2026-12-03"))).toEqual([expect.stringMatching(/runs Kubernetes 1\.31, past EKS extended support too \(it ended on 2026-11-26\): AWS upgrades the control plane itself at any time.*Upgrade to 1\.32/)]);
  });

  it("asks for the table's row when a version has no dates, and leaves a cluster without a version (EKS's default) alone", () => {
    expect(messages(run(standard("1.36"), "2026-12-03"))).toEqual([expect.stringMatching(/runs Kubernetes 1\.36, which components\/lib\/eks-versions\.ts does not list \(it has 1\.29-1\.35\), so its support dates are not checked: add its row/)]);
    expect(run({ upgradePolicy: { supportType: "STANDARD" } }, "2026-12-03")).toEqual([]);
  });

  it("takes its window from the config, and refuses a day that is not YYYY-MM-DD", () => {
    expect(run(standard("1.35"), "2027-01-25", { warnDaysBefore: 90 })).toHaveLength(1);
    expect(run(standard("1.35"), "2027-03-26", { warnDaysBefore: 0 })).toEqual([]);
    expect(run(standard("1.35"), "2027-03-27", { warnDaysBefore: 0 })).toHaveLength(1);
    expect(() => run(standard("1.35"), "27 March 2027")).toThrow(PolicyConfigError);
  });

  it("reads the clock without a configured day", () => {
    const cluster = recorded("aws:eks/cluster:Cluster", "cluster", standard("1.29"), o);
    // 1.29's extended support ended on 2026-03-23: past it on any day this test runs.
    const found = ofPolicy(evaluateStack({ stack: o.stack, role: "region", region: PRIMARY, resources: [cluster] }), POLICY);
    expect(found.map((v) => v.message)).toEqual([expect.stringContaining("past EKS extended support too (it ended on 2026-03-23)")]);
  });
});
