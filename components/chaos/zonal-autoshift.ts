import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AUTOSHIFT_BLOCKING_ALARM, AUTOSHIFT_OUTCOME_ALARM, blockedDateProblem, blockedWindowProblem } from "./autoshift-plan";

export interface ZonalAutoshiftArgs {
  /** `<environment>-<region>`: the prefix of the observability alarms practice runs read. */
  namePrefix: string;
  /**
   * Resources registered for zonal shift (ALB `enableZonalShift`, EKS `zonalShiftConfig`): each
   * gets autoshift with weekly practice runs. ASGs are not here: the AWS provider cannot set an
   * Auto Scaling group's zonal shift (AvailabilityZoneImpairmentPolicy) yet.
   */
  resources: { name: string; arn: pulumi.Input<string> }[];
  /** Alarm ARNs by name (RegionalObservability.alarmArns). */
  alarmArns: Record<string, pulumi.Input<string>>;
  /**
   * `ENABLED`: AWS moves traffic away from an AZ it sees impaired, and practices weekly.
   * `DISABLED` keeps the practice-run configuration (ARC requires it) without autoshift.
   * @default true
   */
  enabled?: boolean;
  /** UTC windows practice runs must avoid, `Mon:00:00-Mon:08:00`. @default [] */
  blockedWindows?: string[];
  /** Dates practice runs must avoid, `2026-12-24`. @default [] */
  blockedDates?: string[];
}

/**
 * ARC zonal autoshift for a region's load balancer and EKS cluster: when AWS's telemetry sees an
 * AZ impaired, traffic (the ALB's, and in-cluster traffic of the EKS cluster) moves away from it
 * without anyone acting. ARC requires weekly practice runs, which shift one AZ away for about 30
 * minutes: the outcome alarm (the region-impaired composite) judges them, the blocking alarm (the
 * zonal-shift-unsafe composite: saturated nodes, no failover headroom) keeps them from starting.
 */
export class ZonalAutoshift extends pulumi.ComponentResource {
  readonly enabled: boolean;
  readonly configurationIds: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: ZonalAutoshiftArgs, opts?: pulumi.ComponentResourceOptions) {
    const problems = [
      ...(args.blockedWindows ?? []).map((w) => [w, blockedWindowProblem(w)] as const),
      ...(args.blockedDates ?? []).map((d) => [d, blockedDateProblem(d)] as const),
    ].filter(([, p]) => p !== undefined);
    if (problems.length) throw new RangeError(`${name}: ${problems.map(([v, p]) => `"${v}" ${p}`).join("; ")}`);
    const alarm = (key: string) => {
      const arn = args.alarmArns[`${args.namePrefix}-${key}`];
      if (arn === undefined) throw new RangeError(`${name}: no alarm ${args.namePrefix}-${key} for practice runs; compose RegionalObservability first`);
      return { type: "CLOUDWATCH", alarmIdentifier: arn };
    };
    // One of each: ARC refuses more (ControlConditions hold exactly one item).
    const outcomeAlarms = [alarm(AUTOSHIFT_OUTCOME_ALARM)];
    const blockingAlarms = [alarm(AUTOSHIFT_BLOCKING_ALARM)];
    super("platform:chaos:ZonalAutoshift", name, {}, opts);
    this.enabled = args.enabled ?? true;
    this.configurationIds = {};
    for (const resource of args.resources) {
      const configuration = new aws.arczonalshift.ZonalAutoshiftConfiguration(`${name}-${resource.name}`, {
        resourceArn: resource.arn,
        zonalAutoshiftStatus: this.enabled ? "ENABLED" : "DISABLED",
        outcomeAlarms,
        blockingAlarms,
        ...(args.blockedWindows?.length ? { blockedWindows: args.blockedWindows } : {}),
        ...(args.blockedDates?.length ? { blockedDates: args.blockedDates } : {}),
      }, { parent: this });
      this.configurationIds[resource.name] = configuration.id;
    }
    this.registerOutputs({ enabled: this.enabled, configurationIds: this.configurationIds });
  }
}
