/**
 * EKS support windows: a cluster whose Kubernetes version nears or has passed the end of its
 * standard support is about to change, by AWS's hand or on the bill. Advisory: nothing is wrong
 * with the resource itself; the deadline is the upgrade runbook's (docs/runbooks/upgrade-kubernetes.md).
 *
 * The rule reads the day from the clock (or PLAN_TODAY, which the test suite fixes), so its
 * verdict on one program changes when a date passes; that is the point (a plan says what holds
 * today). The `today` threshold fixes the day for one run, or to judge a plan as of another day.
 */
import { integer, Threshold } from "../config";
import {
  EKS_EXTENDED_CLUSTER_HOUR_USD,
  EKS_STANDARD_CLUSTER_HOUR_USD,
  EKS_VERSIONS,
  eksSupportStatus,
  nextEksVersion,
  parseUtcDay,
  supportJudgementDay,
  type EksSupportStatus,
} from "../../components/lib/eks-versions";
import { EksClusterProps, TYPES } from "./aws-types";
import { describe, knownString, read, resourceRule, UNKNOWN } from "./kit";

const RUNBOOK = "docs/runbooks/upgrade-kubernetes.md";
const TABLE = "components/lib/eks-versions.ts";
const price = (usd: number) => `$${usd.toFixed(2)}`;
const BILLED = `billed ${price(EKS_EXTENDED_CLUSTER_HOUR_USD)} instead of ${price(EKS_STANDARD_CLUSTER_HOUR_USD)} per cluster hour`;

const todayThreshold: Threshold = {
  type: "string",
  pattern: "^(\\d{4}-\\d{2}-\\d{2})?$",
  default: "",
  description: "Day (YYYY-MM-DD, UTC) the support dates are compared with; empty = PLAN_TODAY's day when that variable is set, else the clock's. For tests, or to judge a plan as of another day.",
};

/** The day to judge: the configured one, else PLAN_TODAY's or the clock's (supportJudgementDay). */
function dayOf(configured: string): Date {
  if (configured === "") return supportJudgementDay();
  const day = parseUtcDay(configured);
  if (!day) throw new RangeError(`eks-version-in-standard-support: today "${configured}" is not a YYYY-MM-DD day`);
  return day;
}

function inDays(n: number): string {
  return n === 0 ? "today" : n === 1 ? "tomorrow" : `in ${n} days`;
}

/** What happens, for the support type the cluster sends (EXTENDED when it sends none: AWS's default). */
function finding(status: EksSupportStatus, supportType: string, sent: boolean): string {
  const { lifecycle, daysToEndOfStandardSupport: days } = status;
  const next = nextEksVersion(lifecycle.version) ?? "the next minor";
  const policy = sent ? `upgradePolicy ${supportType}` : "no upgradePolicy (AWS then applies EXTENDED)";
  const upgrade = `Upgrade to ${next}, one minor at a time: ${RUNBOOK}.`;
  if (status.phase === "ended") {
    return `runs Kubernetes ${lifecycle.version}, past EKS extended support too (it ended on ${lifecycle.endOfExtendedSupport}): AWS upgrades the control plane itself at any time, whatever the upgrade policy, and creates no new cluster of ${lifecycle.version}. ${upgrade}`;
  }
  if (status.phase === "standard") {
    const when = `whose EKS standard support ends on ${lifecycle.endOfStandardSupport} (${inDays(days)})`;
    if (supportType === "STANDARD") {
      return `runs Kubernetes ${lifecycle.version}, ${when}: with ${policy}, AWS upgrades the control plane to ${next} itself on that date, on AWS's schedule rather than in the runbook's order (add-on and chart pins and node pools stay on ${lifecycle.version}). Upgrade before it: ${RUNBOOK}.`;
    }
    return `runs Kubernetes ${lifecycle.version}, ${when}: with ${policy}, it enters extended support on that date and is ${BILLED} from then until it is upgraded. Upgrade before it: ${RUNBOOK}.`;
  }
  // No count of days here: the message would change every day for as long as the cluster stays.
  const since = `left EKS standard support on ${lifecycle.endOfStandardSupport}`;
  if (supportType === "STANDARD") {
    return `runs Kubernetes ${lifecycle.version}, which ${since}: with ${policy}, AWS upgrades the control plane to ${next} itself from that date, and EKS refuses STANDARD for a cluster already in extended support (one created without upgradePolicy, or with EXTENDED), so updating such a cluster fails. Keep an existing cluster on EXTENDED until it is upgraded (${RUNBOOK}); start a new one on ${next}.`;
  }
  return `runs Kubernetes ${lifecycle.version}, which ${since}: with ${policy}, it is in extended support and ${BILLED} since that date, until it is upgraded; extended support ends on ${lifecycle.endOfExtendedSupport}, when AWS upgrades the control plane itself. ${upgrade} Then set STANDARD.`;
}

export const versionInStandardSupport = resourceRule<EksClusterProps, { warnDaysBefore: number; today: string }>(
  {
    name: "eks-version-in-standard-support",
    description: "An EKS cluster's Kubernetes version is more than a set number of days from the end of its EKS standard support (AWS's release calendar, components/lib/eks-versions.ts): after it AWS upgrades a STANDARD cluster itself, and bills an EXTENDED one (AWS's default) the extended rate.",
    enforcementLevel: "advisory",
    severity: "medium",
    thresholds: {
      warnDaysBefore: integer(60, "Days before the end of standard support from which the rule warns.", { minimum: 0 }),
      today: todayThreshold,
    },
    remediationSteps: `Upgrade the cluster one minor at a time (${RUNBOOK}); with upgradePolicy STANDARD before the date, or keep EXTENDED as a dated exception until the upgrade.`,
  },
  [TYPES.eksCluster],
  (props, { args, report, config }) => {
    // No version: EKS picks its default at creation, and the plan cannot know which.
    const version = knownString(() => props.version);
    if (!version) return;
    const policy = read(() => props.upgradePolicy?.supportType);
    if (policy === UNKNOWN) return;
    const status = eksSupportStatus(version, dayOf(config.today));
    if (!status) {
      const listed = `${EKS_VERSIONS[0].version}-${EKS_VERSIONS[EKS_VERSIONS.length - 1].version}`;
      report(`${describe(args)} runs Kubernetes ${version}, which ${TABLE} does not list (it has ${listed}), so its support dates are not checked: add its row from AWS's EKS release calendar (${RUNBOOK}).`);
      return;
    }
    if (status.phase === "standard" && status.daysToEndOfStandardSupport > config.warnDaysBefore) return;
    const supportType = typeof policy === "string" ? policy : "EXTENDED";
    report(`${describe(args)} ${finding(status, supportType, typeof policy === "string")}`);
  },
);

export const EKS_SUPPORT_POLICIES = [versionInStandardSupport];
