/** Arguments of `RegionalDatabase`: the whole surface, with every default, in one place. */
import type * as pulumi from "@pulumi/pulumi";
import type { AuroraEngine } from "../lib/aurora";
import type { MasterCredentials } from "./global";

export type DatabaseRole = "primary" | "secondary";

export interface ReaderAutoscaling {
  /** Most readers Application Auto Scaling may run (primary ≤ 15, secondary ≤ 16). */
  maxCapacity: number;
  /**
   * Average reader CPU the target-tracking policy holds.
   * @default 70
   */
  targetCpuPercent?: number;
}

export interface RegionalDatabaseArgs {
  /**
   * `primary`: the member that takes writes (created with the master credentials).
   * `secondary`: a read-only member in another region (created with NO credentials, NO database
   * name and NO replicationSourceIdentifier: it gets everything from the global cluster).
   */
  role: DatabaseRole;
  /** `GlobalDatabase.globalClusterIdentifier` (across stacks: from the global stack's outputs). */
  globalClusterIdentifier: pulumi.Input<string>;
  engine: AuroraEngine;
  /** Must equal the global cluster's version at creation; ignored afterwards (upgrade through GlobalDatabase). */
  engineVersion: string;
  /** Memory-optimized class (db.r6g/db.r7g/db.r8g ...): global databases reject burstable db.t*. */
  instanceClass: string;
  /**
   * Instances of this member, placed round-robin over distinct AZs. Primary: writer + readers;
   * secondary: readers only. At most 16.
   * @default 2
   */
  instanceCount?: number;
  /**
   * Allow `instanceCount: 1` (dev only): an AZ loss then takes this member down.
   * @default false
   */
  allowSingleInstance?: boolean;
  vpcId: pulumi.Input<string>;
  /** The isolated subnets of every AZ of the region (the DB subnet group). */
  subnetIds: pulumi.Input<string>[];
  /** The AZs of those subnets; instances go to distinct AZs from this list, in its order. */
  availabilityZones: pulumi.Input<string[]>;
  /** Only these security groups (e.g. the node pool's) reach the engine port. At least one. */
  clientSecurityGroupIds: pulumi.Input<string>[];
  /**
   * Cluster identifier.
   * @default derived from the component name
   */
  clusterIdentifier?: string;
  /**
   * Automated backup retention, 7 to 35 days.
   * @default 14
   */
  backupRetentionDays?: number;
  /**
   * Daily backup window, UTC, at least 30 minutes; must not overlap the maintenance window.
   * @default "03:00-04:00"
   */
  preferredBackupWindow?: string;
  /**
   * Weekly maintenance window, UTC.
   * @default "sun:05:00-sun:06:00"
   */
  preferredMaintenanceWindow?: string;
  /**
   * Weekly maintenance window of each instance (index i for instance i + 1), UTC: OS updates are
   * applied in the instance's own window. Give them apart, readers first, so a region's
   * instances are never patched together. @default AWS's (a random 30 minutes of the region's
   * night, on a random day)
   */
  instanceMaintenanceWindows?: string[];
  /**
   * Primary only (required there, refused on a secondary): `GlobalDatabase.masterCredentials`.
   * Username and database name are create-only; the password is applied on every update.
   */
  masterCredentials?: MasterCredentials;
  /**
   * aurora-postgresql only: `rds.global_db_rpo` in seconds (≥ 20). Commits on the primary BLOCK
   * while no secondary is within this lag. Give it to every member (only the primary's value is
   * enforced) so the target survives a switchover.
   * @default undefined (off)
   */
  globalRpoSeconds?: number;
  /**
   * The engine version of a planned **major** upgrade (e.g. "17.4" while `engineVersion` is
   * "16.6"). A major upgrade goes through the global cluster, and AWS then resets every member to
   * the new version's *default* parameter groups (ModifyGlobalCluster takes no parameter group);
   * this member's stack re-attaches its own. Set ahead of the upgrade, the target family's cluster
   * parameter group exists before it, so the re-attach is a plain association, not a creation, and
   * a parameter the new family refuses fails the preparation, not the upgrade. Refused with
   * `globalRpoSeconds` (a non-zero rds.global_db_rpo blocks major upgrades).
   * @default undefined (one parameter group, of `engineVersion`'s family)
   */
  upgradeTargetEngineVersion?: string;
  /**
   * Secondary only: forward writes to the primary (`enableGlobalWriteForwarding`).
   * aurora-postgresql needs a version that supports it (16+ per AWS; check your version).
   * @default false
   */
  writeForwarding?: boolean;
  /**
   * Reader autoscaling through Application Auto Scaling (target tracking on reader CPU). The
   * minimum is the readers this component creates. Readers added by it are not in Pulumi's
   * state and get no explicit AZ. Primary clusters only in a global database: Aurora does not
   * support Auto Scaling on secondary clusters (Aurora User Guide, global database limitations).
   * @default undefined (off)
   */
  readerAutoscaling?: ReaderAutoscaling;
  /**
   * Enhanced monitoring interval: 1, 5, 10, 15, 30 or 60 seconds; 0 turns it off (scanners flag that).
   * @default 60
   */
  monitoringIntervalSeconds?: number;
  /**
   * Performance Insights retention: 7 (free) or a multiple of 31 up to 731 days.
   * @default 7
   */
  performanceInsightsRetentionDays?: number;
  /**
   * Extra cluster parameters (name → value, applied "pending-reboot" when static). They cannot
   * turn TLS-only connections off: `rds.force_ssl` other than "1" or `require_secure_transport`
   * other than ON is refused.
   * @default {} (on top of TLS-only connections and, for aurora-mysql, audit logging)
   */
  clusterParameters?: Record<string, string>;
  /**
   * Single-stack mode, secondaries only: the primary member (or its cluster and instances).
   * A secondary can only join after the primary cluster has joined the global cluster and has
   * its writer; within one stack nothing else orders them. Across stacks the deploy order
   * global → primary → secondaries guarantees it.
   * @default [] (no extra dependency)
   */
  dependsOnPrimary?: pulumi.Input<pulumi.Resource>[];
  tags?: Record<string, string>;
}
