/**
 * IAM for fault injection, as plain documents: what the FIS experiment role may do (only to this
 * region's resources: its VPC, its cluster's nodes, its Aurora member, its node pool, its
 * automation document), and what the SSM automation that moves the global database's writer may
 * do (the global cluster and every member of it, wherever the writer is now). Statements mirror
 * AWS's managed FIS policies (AWSFaultInjectionSimulator*Access), narrowed from `*` to this
 * environment's resources by ARN, VPC or tag.
 */
import type { AutomationMode, ExperimentSpec } from "./experiments";
import { FIS_ACTIONS } from "./experiments";

export interface PolicyStatementDoc {
  Sid: string;
  Effect: "Allow";
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}
export interface PolicyDoc {
  Version: "2012-10-17";
  Statement: PolicyStatementDoc[];
}

/** Trust policy of a role a service assumes on this account's behalf only (confused-deputy guard). */
export function serviceTrust(service: string, accountId: string): object {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": accountId } } }],
  };
}

export interface FisRoleScope {
  partition: string;
  region: string;
  accountId: string;
  vpcId: string;
  /** `kubernetes.io/cluster/<name>`: the tag of the nodes FIS may terminate. */
  clusterTagKey: string;
  clusterArn: string;
  autoScalingGroupArn?: string;
  databaseClusterArn?: string;
  automation?: { documentName: string; roleArn: string };
  /** The resources the AZ experiments shift traffic away from (zonal autoshift): load balancers, the EKS cluster. */
  zonalShiftResourceArns?: string[];
}

/**
 * IAM's limit on a role's inline policies, together (characters without whitespace). The FIS role
 * has one; past it `pulumi up` fails on PutRolePolicy, so the policy is measured here first.
 */
export const ROLE_INLINE_POLICY_MAX_CHARS = 10_240;

/** The FIS role's permissions for the actions the region's experiments use, and nothing else. */
export function fisRolePolicy(specs: readonly ExperimentSpec[], s: FisRoleScope): PolicyDoc {
  const used = new Set(specs.flatMap((spec) => spec.actions.map((a) => a.actionId)));
  const ec2 = (resource: string) => `arn:${s.partition}:ec2:${s.region}:${s.accountId}:${resource}`;
  const vpc = ec2(`vpc/${s.vpcId}`);
  const statements: PolicyStatementDoc[] = [
    // Targets chosen by tags are resolved through the tagging API; experiment logs are vended logs.
    { Sid: "ResolveTargets", Effect: "Allow", Action: ["tag:GetResources", "ec2:DescribeInstances", "ec2:DescribeSubnets", "ec2:DescribeVpcs"], Resource: "*" },
    { Sid: "DeliverExperimentLogs", Effect: "Allow", Action: ["logs:CreateLogDelivery", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"], Resource: "*" },
  ];
  if (used.has(FIS_ACTIONS.terminateInstances)) {
    // Only this cluster's nodes (the tag NodePool puts on both kinds); nothing is started again,
    // so no grant on the volumes' KMS key is needed as it was for stop/start.
    statements.push({
      Sid: "TerminateThisClustersNodes",
      Effect: "Allow",
      Action: "ec2:TerminateInstances",
      Resource: ec2("instance/*"),
      Condition: { StringEquals: { [`aws:ResourceTag/${s.clusterTagKey}`]: "owned" } },
    });
  }
  if (used.has(FIS_ACTIONS.disruptConnectivity)) {
    // As AWSFaultInjectionSimulatorNetworkAccess, with the VPC pinned: FIS creates a network ACL
    // (tagged managedByFIS) that clones the subnets' own and denies traffic leaving or entering
    // the subnet (scope all; traffic within a subnet still flows), swaps it onto the subnets and
    // swaps the old one back.
    statements.push(
      { Sid: "CreateFisNetworkAcl", Effect: "Allow", Action: "ec2:CreateNetworkAcl", Resource: ec2("network-acl/*"), Condition: { StringEquals: { "aws:RequestTag/managedByFIS": "true" } } },
      { Sid: "CreateFisNetworkAclInVpc", Effect: "Allow", Action: "ec2:CreateNetworkAcl", Resource: vpc },
      { Sid: "TagFisNetworkAcl", Effect: "Allow", Action: "ec2:CreateTags", Resource: ec2("network-acl/*"), Condition: { StringEquals: { "ec2:CreateAction": "CreateNetworkAcl", "aws:RequestTag/managedByFIS": "true" } } },
      { Sid: "FillAndDeleteFisNetworkAcl", Effect: "Allow", Action: ["ec2:CreateNetworkAclEntry", "ec2:DeleteNetworkAcl"], Resource: [ec2("network-acl/*"), vpc], Condition: { StringEquals: { "ec2:ResourceTag/managedByFIS": "true" } } },
      { Sid: "SwapNetworkAclsInVpc", Effect: "Allow", Action: "ec2:ReplaceNetworkAclAssociation", Resource: [ec2("subnet/*"), ec2("network-acl/*")], Condition: { ArnEquals: { "ec2:Vpc": vpc } } },
      // GetManagedPrefixListEntries is in the action's own permission list (FIS actions
      // reference), not only the cross-region action's.
      { Sid: "ReadNetworkAcls", Effect: "Allow", Action: ["ec2:DescribeNetworkAcls", "ec2:DescribeManagedPrefixLists", "ec2:GetManagedPrefixListEntries"], Resource: "*" },
    );
  }
  if (used.has(FIS_ACTIONS.crossRegionConnectivity)) {
    // FIS puts the subnets on a route table of its own (tagged managedByFIS) whose routes to the
    // other region's prefix lists lead nowhere, and restores the old association afterwards.
    statements.push(
      { Sid: "CreateFisRouteTable", Effect: "Allow", Action: "ec2:CreateRouteTable", Resource: ec2("route-table/*"), Condition: { StringEquals: { "aws:RequestTag/managedByFIS": "true" } } },
      { Sid: "CreateFisRouteTableInVpc", Effect: "Allow", Action: "ec2:CreateRouteTable", Resource: vpc },
      { Sid: "TagFisRouting", Effect: "Allow", Action: "ec2:CreateTags", Resource: [ec2("route-table/*"), ec2("prefix-list/*")], Condition: { StringEquals: { "aws:RequestTag/managedByFIS": "true" } } },
      { Sid: "RouteThroughFisRouteTable", Effect: "Allow", Action: ["ec2:CreateRoute", "ec2:AssociateRouteTable", "ec2:DisassociateRouteTable", "ec2:ReplaceRouteTableAssociation"], Resource: [ec2("route-table/*"), ec2("subnet/*")], Condition: { ArnEquals: { "ec2:Vpc": vpc } } },
      { Sid: "DeleteFisRouteTable", Effect: "Allow", Action: "ec2:DeleteRouteTable", Resource: [ec2("route-table/*"), vpc], Condition: { StringEquals: { "ec2:ResourceTag/managedByFIS": "true" } } },
      { Sid: "CreateFisPrefixList", Effect: "Allow", Action: "ec2:CreateManagedPrefixList", Resource: ec2("prefix-list/*"), Condition: { StringEquals: { "aws:RequestTag/managedByFIS": "true" } } },
      { Sid: "ChangeFisPrefixList", Effect: "Allow", Action: ["ec2:ModifyManagedPrefixList", "ec2:DeleteManagedPrefixList"], Resource: ec2("prefix-list/*"), Condition: { StringEquals: { "ec2:ResourceTag/managedByFIS": "true" } } },
      // FIS also moves the VPC's gateway endpoints and places its own network interfaces while
      // the subnets are cut (the action's permissions in the FIS actions reference).
      { Sid: "CreateFisNetworkInterface", Effect: "Allow", Action: "ec2:CreateNetworkInterface", Resource: ec2("network-interface/*"), Condition: { StringEquals: { "aws:RequestTag/managedByFIS": "true" } } },
      { Sid: "CreateFisNetworkInterfaceInVpc", Effect: "Allow", Action: "ec2:CreateNetworkInterface", Resource: [ec2("subnet/*"), ec2("security-group/*")], Condition: { ArnEquals: { "ec2:Vpc": vpc } } },
      { Sid: "TagFisNetworkInterface", Effect: "Allow", Action: "ec2:CreateTags", Resource: ec2("network-interface/*"), Condition: { StringEquals: { "ec2:CreateAction": "CreateNetworkInterface", "aws:RequestTag/managedByFIS": "true" } } },
      { Sid: "DeleteFisNetworkInterface", Effect: "Allow", Action: "ec2:DeleteNetworkInterface", Resource: ec2("network-interface/*"), Condition: { StringEquals: { "ec2:ResourceTag/managedByFIS": "true" } } },
      // The vpc-endpoint resource type has no ec2:Vpc condition key (EC2 service authorization
      // reference): under ArnEquals every endpoint would be denied, so the S3 gateway endpoint on
      // the private route tables could not move and the experiment would fail. Route tables
      // have the key and stay pinned to this VPC.
      { Sid: "MoveVpcEndpoints", Effect: "Allow", Action: "ec2:ModifyVpcEndpoint", Resource: ec2("vpc-endpoint/*") },
      { Sid: "MoveVpcEndpointsRouteTables", Effect: "Allow", Action: "ec2:ModifyVpcEndpoint", Resource: ec2("route-table/*"), Condition: { ArnEquals: { "ec2:Vpc": vpc } } },
      { Sid: "ReadRouting", Effect: "Allow", Action: ["ec2:DescribeRouteTables", "ec2:DescribeManagedPrefixLists", "ec2:GetManagedPrefixListEntries", "ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcPeeringConnections", "ec2:DescribeTransitGatewayAttachments", "ec2:DescribeVpcEndpoints"], Resource: "*" },
    );
  }
  if (used.has(FIS_ACTIONS.asgCapacityError) && s.autoScalingGroupArn) {
    statements.push(
      // InjectApiError has no resource ARN; the action id and the target group's ARN
      // (ec2:FisTargetArns) are its conditions: only this node pool gets the errors.
      { Sid: "InjectCapacityErrors", Effect: "Allow", Action: "ec2:InjectApiError", Resource: "*", Condition: { "ForAnyValue:StringEquals": { "ec2:FisActionId": [FIS_ACTIONS.asgCapacityError] }, "ForAllValues:ArnEquals": { "ec2:FisTargetArns": [s.autoScalingGroupArn] } } },
      { Sid: "ReadNodePool", Effect: "Allow", Action: "autoscaling:DescribeAutoScalingGroups", Resource: "*" },
    );
  }
  if (used.has(FIS_ACTIONS.failoverDbCluster) && s.databaseClusterArn) {
    statements.push(
      { Sid: "FailOverThisRegionsWriter", Effect: "Allow", Action: "rds:FailoverDBCluster", Resource: s.databaseClusterArn },
      // Resolving the target reads the cluster and, for writerAvailabilityZoneIdentifiers, its
      // instances: the writer's AZ is an instance's attribute (AWSFaultInjectionSimulatorRDSAccess
      // grants both reads).
      { Sid: "ReadDatabase", Effect: "Allow", Action: ["rds:DescribeDBClusters", "rds:DescribeDBInstances"], Resource: "*" },
    );
  }
  if ([FIS_ACTIONS.podDelete, FIS_ACTIONS.podCpuStress, FIS_ACTIONS.podNetworkLatency].some((a) => used.has(a))) {
    // The Kubernetes side is the access entry and RBAC the component creates.
    statements.push({ Sid: "ReachThisCluster", Effect: "Allow", Action: "eks:DescribeCluster", Resource: s.clusterArn });
  }
  const shifted = s.zonalShiftResourceArns ?? [];
  if (used.has(FIS_ACTIONS.startZonalAutoshift) && shifted.length) {
    // As AWS's policy for its AZ scenarios: FIS starts, extends and cancels the shift itself (each
    // call expiring in a minute, so a lost experiment cannot leave traffic shifted). Load balancers
    // authorize by resource ARN; EKS clusters (and groups) only through the request's
    // ResourceIdentifier, so theirs is a condition on "*".
    const balancers = shifted.filter((arn) => arn.split(":")[2] === "elasticloadbalancing");
    const others = shifted.filter((arn) => !balancers.includes(arn));
    const shift = ["arc-zonal-shift:StartZonalShift", "arc-zonal-shift:GetManagedResource", "arc-zonal-shift:UpdateZonalShift", "arc-zonal-shift:CancelZonalShift"];
    if (balancers.length) statements.push({ Sid: "ShiftTheLoadBalancersAwayFromTheAz", Effect: "Allow", Action: shift, Resource: balancers });
    if (others.length) statements.push({ Sid: "ShiftTheClusterAwayFromTheAz", Effect: "Allow", Action: shift, Resource: "*", Condition: { StringEquals: { "arc-zonal-shift:ResourceIdentifier": others } } });
    // Resolving the target lists the managed resources (and an Auto Scaling group's tags).
    statements.push({ Sid: "FindZonalShiftResources", Effect: "Allow", Action: ["arc-zonal-shift:ListManagedResources", "autoscaling:DescribeTags"], Resource: "*" });
  }
  if (used.has(FIS_ACTIONS.startAutomation) && s.automation) {
    const ssm = (resource: string) => `arn:${s.partition}:ssm:${s.region}:${s.accountId}:${resource}`;
    statements.push(
      { Sid: "RunTheAutomation", Effect: "Allow", Action: "ssm:StartAutomationExecution", Resource: [ssm(`document/${s.automation.documentName}`), ssm(`automation-definition/${s.automation.documentName}:*`)] },
      { Sid: "FollowTheAutomation", Effect: "Allow", Action: ["ssm:GetAutomationExecution", "ssm:StopAutomationExecution"], Resource: ssm("automation-execution/*") },
      { Sid: "HandTheAutomationItsRole", Effect: "Allow", Action: "iam:PassRole", Resource: s.automation.roleArn, Condition: { StringEquals: { "iam:PassedToService": "ssm.amazonaws.com" } } },
    );
  }
  const policy: PolicyDoc = { Version: "2012-10-17", Statement: statements };
  const size = JSON.stringify(policy).length;
  if (size > ROLE_INLINE_POLICY_MAX_CHARS) throw new RangeError(`the FIS role's policy of ${s.region} is ${size} characters; IAM takes ${ROLE_INLINE_POLICY_MAX_CHARS} per role: merge statements or split the experiments over two roles`);
  return policy;
}

/** ARN of an Aurora (member) cluster. */
export function rdsClusterArn(s: { partition: string; accountId: string }, member: { region: string; clusterIdentifier: string }): string {
  return `arn:${s.partition}:rds:${member.region}:${s.accountId}:cluster:${member.clusterIdentifier}`;
}

/**
 * What the switchover/failover automation may do: move this global database's writer, nothing
 * else; FailoverGlobalCluster (which may lose data) only when `modes` has `failover`.
 */
export function automationRolePolicy(s: { partition: string; accountId: string; globalClusterIdentifier: string; memberClusterArns: string[]; modes?: readonly AutomationMode[] }): PolicyDoc {
  const global = `arn:${s.partition}:rds::${s.accountId}:global-cluster:${s.globalClusterIdentifier}`;
  const moves = (s.modes ?? ["switchover"]).map((mode) => (mode === "switchover" ? "rds:SwitchoverGlobalCluster" : "rds:FailoverGlobalCluster"));
  return {
    Version: "2012-10-17",
    Statement: [
      // Both calls authorize on the global cluster and on the member clusters involved: the
      // target that becomes the writer and the current writer that is demoted, which may be in
      // any region (AWS's sample policy for the global switchover automation grants every
      // member). `memberClusterArns` must therefore list every member, not only this region's.
      { Sid: "MoveTheWriter", Effect: "Allow", Action: moves, Resource: [global, ...new Set(s.memberClusterArns)] },
      // Reading: every member, wherever the writer is now (AWS's sample policy reads with "*").
      { Sid: "WatchTheGlobalCluster", Effect: "Allow", Action: ["rds:DescribeGlobalClusters", "rds:DescribeDBClusters"], Resource: "*" },
    ],
  };
}
