/**
 * Protection: state that cannot be recreated (databases, keys, hosted zones) survives a bad
 * `pulumi up`, a stack deletion and a console click.
 */
import { stringList } from "../config";
import { AuroraClusterProps, GlobalClusterProps, TYPES } from "./aws-types";
import { describe, isSet, read, resourceRule, UNKNOWN } from "./kit";

const STATEFUL_TYPES = [TYPES.auroraCluster, TYPES.globalCluster, TYPES.kmsKey, TYPES.zone];

export const statefulProtected = resourceRule<unknown, { types: string[] }>(
  {
    name: "stateful-resource-protected",
    description: "Aurora clusters, global clusters, KMS keys and hosted zones carry the `protect` resource option, so Pulumi refuses to delete them.",
    enforcementLevel: "mandatory",
    severity: "critical",
    thresholds: { types: stringList(STATEFUL_TYPES, "Resource types that must be protected.") },
    remediationSteps: "Pass { protect: true } in the resource options (add retainOnDelete where the resource must also outlive the stack; it does not stop a replacement).",
  },
  (type, config) => config.types.includes(type),
  (_props, { args, report }) => {
    // `protect` only: retainOnDelete still lets a replacement go ahead (the old resource is
    // abandoned, the program moves to a new, empty one), and the analyzer protocol does not even
    // carry it (AnalyzerResourceOptions has `protect`), so the CLI and the plan judge alike.
    if (!args.opts.protect) report(`${describe(args)} holds state that cannot be recreated but is not protected: set the \`protect\` resource option.`);
  },
);

export const deletionProtection = resourceRule<AuroraClusterProps & GlobalClusterProps>(
  {
    name: "database-deletion-protection",
    description: "Aurora clusters and global clusters have deletionProtection enabled, so the API refuses to delete them.",
    enforcementLevel: "mandatory",
    severity: "critical",
  },
  [TYPES.auroraCluster, TYPES.globalCluster],
  (props, { args, report }) => {
    const enabled = read(() => props.deletionProtection);
    if (enabled !== true && enabled !== UNKNOWN) report(`${describe(args)} has deletionProtection ${enabled === false ? "false" : "unset (default false)"}: set it to true.`);
  },
);

export const auroraFinalSnapshot = resourceRule<AuroraClusterProps>(
  {
    name: "aurora-final-snapshot",
    description: "Deleting an Aurora cluster leaves a final snapshot: skipFinalSnapshot is false and finalSnapshotIdentifier is set (the provider refuses the delete without it).",
    enforcementLevel: "mandatory",
    severity: "high",
  },
  [TYPES.auroraCluster],
  (props, { args, report }) => {
    const skip = read(() => props.skipFinalSnapshot);
    if (skip === true) report(`${describe(args)} sets skipFinalSnapshot: deleting it loses the data for good.`);
    else if (!isSet(() => props.finalSnapshotIdentifier)) report(`${describe(args)} has no finalSnapshotIdentifier: a delete would fail ("FinalSnapshotIdentifier is required when a final snapshot is required").`);
  },
);

export const PROTECTION_POLICIES = [statefulProtected, deletionProtection, auroraFinalSnapshot];
