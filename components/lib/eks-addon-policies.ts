/**
 * IAM policy documents for the Helm-installed cluster add-ons, as plain functions of the
 * partition, region, account and cluster name.
 */
import { AUTOSCALER_CLUSTER_TAG_VALUE, autoscalerClusterTagKey, clusterTagKey, type PolicyDocument } from "./eks";

export interface PolicyScope {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly clusterName: string;
}

/**
 * cluster-autoscaler, least privilege (after the policy in the autoscaler's AWS README):
 * reads everywhere (these Describe calls support no resource-level scoping), writes only on
 * Auto Scaling groups that carry this cluster's tag, so it can never resize or terminate another
 * cluster's nodes, even in the same account and region.
 */
export function clusterAutoscalerPolicy(s: PolicyScope): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "Discover",
        Effect: "Allow",
        Action: [
          "autoscaling:DescribeAutoScalingGroups",
          "autoscaling:DescribeAutoScalingInstances",
          "autoscaling:DescribeLaunchConfigurations",
          "autoscaling:DescribeScalingActivities",
          "autoscaling:DescribeTags",
          "ec2:DescribeImages",
          "ec2:DescribeInstanceTypes",
          "ec2:DescribeLaunchTemplateVersions",
          "ec2:GetInstanceTypesFromInstanceRequirements",
        ],
        Resource: "*",
      },
      {
        // Only for managed node groups of this cluster (scale-from-zero templates).
        Sid: "DescribeOwnNodegroups",
        Effect: "Allow",
        Action: ["eks:DescribeNodegroup"],
        Resource: `arn:${s.partition}:eks:${s.region}:${s.accountId}:nodegroup/${s.clusterName}/*/*`,
      },
      {
        Sid: "ScaleOwnGroups",
        Effect: "Allow",
        Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
        Resource: "*",
        Condition: { StringEquals: { [`aws:ResourceTag/${autoscalerClusterTagKey(s.clusterName)}`]: AUTOSCALER_CLUSTER_TAG_VALUE } },
      },
    ],
  };
}

/**
 * Tag of a target group the platform binds to a Service (TargetGroupBinding); its value is the
 * cluster whose AWS Load Balancer Controller may register targets with it.
 */
export const BINDABLE_TARGET_GROUP_TAG = "platform/bind-cluster";

/**
 * Who the controller may register targets with. Upstream allows every target group of the account,
 * which is what lets a TargetGroupBinding point any of them at any Service. For a cluster whose
 * platform target groups carry BINDABLE_TARGET_GROUP_TAG, registration is limited to those and to
 * the target groups the controller created for this cluster itself (Ingress/Service load
 * balancers). By tag, not by ARN: a replaced target group (a new port) and the one it replaces
 * are both bound while the Deployment rolls (each pod gets a readiness gate per binding), so a
 * policy naming only the new ARN denied the old binding's registrations and deregistrations, and
 * the rollout and the old binding's finalizer hung.
 */
function registerTargets(s: { clusterName?: string; bindTaggedTargetGroups?: boolean }, elb: (resource: string) => string): Record<string, unknown>[] {
  const actions = ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"];
  if (!s.bindTaggedTargetGroups || !s.clusterName) return [{ Sid: "RegisterTargets", Effect: "Allow", Action: actions, Resource: elb("targetgroup/*/*") }];
  return [
    {
      Sid: "RegisterPlatformTargets",
      Effect: "Allow",
      Action: actions,
      Resource: elb("targetgroup/*/*"),
      Condition: { StringEquals: { [`aws:ResourceTag/${BINDABLE_TARGET_GROUP_TAG}`]: s.clusterName } },
    },
    {
      Sid: "RegisterOwnTargets",
      Effect: "Allow",
      Action: actions,
      Resource: elb("targetgroup/*/*"),
      Condition: { StringEquals: { [`aws:ResourceTag/${LBC_TAG}`]: s.clusterName } },
    },
  ];
}

/** Tag the AWS Load Balancer Controller puts on everything it creates. */
const LBC_TAG = "elbv2.k8s.aws/cluster";

/**
 * Which security groups the controller may open (ingress rules). Upstream allows every group of
 * the account ("*", no condition), so a compromised controller pod could open the database's or
 * the cache's group to anything. Here only this cluster's: the groups tagged for its nodes
 * (clusterTagKey, ./eks: the node pool's own group and the cluster security group EKS creates),
 * where its backend rules go for target-type instance or ip behind a load balancer it created,
 * and the groups it created for this cluster itself (LBC_TAG: its load balancers' frontend groups,
 * its shared backend group), as upstream's newer statement does for its own groups. The database
 * and cache groups carry neither tag, and the controller can put neither on a group it did not
 * create (TagNewSecurityGroups, RetagOwnSecurityGroups). The platform itself needs none of this:
 * its TargetGroupBinding has no `spec.networking` (the node group's rule for the ALB is Pulumi's)
 * and its ALB is Pulumi's, not the controller's.
 * Without the cluster's name the groups cannot be told apart and upstream's statement stays;
 * ClusterAddons passes the name whenever the platform binds target groups (Region always does).
 */
function securityGroupIngress(clusterName: string | undefined): Record<string, unknown>[] {
  const actions = ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"];
  if (!clusterName) return [{ Sid: "ManageSecurityGroupRules", Effect: "Allow", Action: actions, Resource: "*" }];
  return [
    {
      Sid: "ManageClusterNodeSecurityGroupRules",
      Effect: "Allow",
      Action: actions,
      Resource: "*",
      Condition: { Null: { [`aws:ResourceTag/${clusterTagKey(clusterName)}`]: "false" } },
    },
    {
      Sid: "ManageOwnSecurityGroupRules",
      Effect: "Allow",
      Action: actions,
      Resource: "*",
      Condition: { StringEquals: { [`aws:ResourceTag/${LBC_TAG}`]: clusterName } },
    },
  ];
}

/**
 * Which listeners and rules the controller may create, change and delete. Upstream allows every
 * listener and rule of the account ("*", no condition), so the controller's credentials (Pod
 * Identity, kube-system/aws-load-balancer-controller: anyone with root on a node running a
 * replica) could rewrite or delete the platform's HTTPS listener and its rules, the origin-verify
 * catch-all included, in every region. Here only those carrying this cluster's LBC_TAG: the
 * controller tags each listener and rule it creates with it (feature gate ListenerRulesTagging, on
 * by default since v2.x; the chart pinned is 3.x) and CreateListener is authorized on the load
 * balancer, CreateRule on the listener, which carry it when the controller made them. The platform's
 * ALB, listeners and rules are Pulumi's and carry no such tag (RegionalIngress, tagTransform), and
 * the controller may add it only when it creates a listener or rule, never to an existing one.
 * Cost: a listener or rule a controller created untagged (before the gate) can no longer be changed
 * by it; nothing of the platform's is one. Without the cluster's name, any controller's tag.
 */
function listenersAndRules(clusterName: string | undefined, elb: (resource: string) => string): Record<string, unknown>[] {
  const ownTag = `aws:ResourceTag/${LBC_TAG}`;
  const owned = clusterName ? { StringEquals: { [ownTag]: clusterName } } : { Null: { [ownTag]: "false" } };
  // Tags a request may never carry on an existing listener or rule: LBC_TAG (it would make one the
  // controller's) and, as every AddTags here, the platform's binding tag.
  const neverRetag = { [`aws:RequestTag/${LBC_TAG}`]: "true", [`aws:RequestTag/${BINDABLE_TARGET_GROUP_TAG}`]: "true" };
  const listenersAndRulesArns = [elb("listener/net/*/*/*"), elb("listener/app/*/*/*"), elb("listener-rule/net/*/*/*"), elb("listener-rule/app/*/*/*")];
  const createAction = { "elasticloadbalancing:CreateAction": ["CreateListener", "CreateRule"] };
  return [
    {
      Sid: "ManageOwnListenersAndRules",
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:CreateListener",
        "elasticloadbalancing:DeleteListener",
        "elasticloadbalancing:CreateRule",
        "elasticloadbalancing:DeleteRule",
        "elasticloadbalancing:ModifyListener",
        "elasticloadbalancing:ModifyListenerAttributes",
        "elasticloadbalancing:AddListenerCertificates",
        "elasticloadbalancing:RemoveListenerCertificates",
        "elasticloadbalancing:ModifyRule",
        // Reorders the rules of an Ingress group (listener_rule_synthesizer.go).
        "elasticloadbalancing:SetRulePriorities",
      ],
      Resource: "*",
      Condition: owned,
    },
    {
      // A create call that carries tags also needs AddTags on the new listener or rule: without
      // this CreateListener is denied, and an Ingress or an NLB Service is left with a load
      // balancer and no listener. Only at creation, so the tag never lands on an existing one.
      Sid: "TagNewListenersAndRules",
      Effect: "Allow",
      Action: ["elasticloadbalancing:AddTags"],
      Resource: listenersAndRulesArns,
      // As every AddTags here: never the platform's binding tag.
      Condition: clusterName
        ? { StringEquals: { ...createAction, [`aws:RequestTag/${LBC_TAG}`]: clusterName }, Null: { [`aws:RequestTag/${BINDABLE_TARGET_GROUP_TAG}`]: "true" } }
        : { StringEquals: createAction, Null: { [`aws:RequestTag/${LBC_TAG}`]: "false", [`aws:RequestTag/${BINDABLE_TARGET_GROUP_TAG}`]: "true" } },
    },
    {
      Sid: "RetagOwnListenersAndRules",
      Effect: "Allow",
      Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
      Resource: listenersAndRulesArns,
      Condition: clusterName ? { ...owned, Null: neverRetag } : { Null: { [ownTag]: "false", ...neverRetag } },
    },
  ];
}

/**
 * AWS Load Balancer Controller, a documented subset of the upstream `iam_policy.json`:
 * ALBs and NLBs for Ingress and Service objects, their target groups, listeners, rules and
 * security groups, ACM certificates. It changes and deletes only what carries the tag it puts on
 * what it creates (`elbv2.k8s.aws/cluster`): load balancers, target groups and security groups with
 * any cluster's value, as upstream; listeners and rules with this cluster's (listenersAndRules).
 * Beyond those it may open this cluster's node security groups (securityGroupIngress) and register
 * targets with the platform's bindable target groups (registerTargets); without the cluster's name
 * (or bindTaggedTargetGroups) those two stay upstream's grants on every group of the account.
 *
 * Left out, so the matching features are off in the chart values as well:
 * - WAF Classic / WAFv2 association and Shield Advanced (`enableWaf`, `enableWafv2`, `enableShield`: false);
 * - Cognito authentication on listeners (`cognito-idp:DescribeUserPoolClient`);
 * - IAM server certificates (`iam:ListServerCertificates`, `iam:GetServerCertificate`): ACM only;
 * - Outposts customer-owned IP pools, IPAM pools and ELB capacity reservations.
 */
export function awsLoadBalancerControllerPolicy(s: Pick<PolicyScope, "partition"> & { clusterName?: string; bindTaggedTargetGroups?: boolean }): PolicyDocument {
  const elb = (resource: string) => `arn:${s.partition}:elasticloadbalancing:*:*:${resource}`;
  const ownedByController = { Null: { [`aws:ResourceTag/${LBC_TAG}`]: "false" } };
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ServiceLinkedRole",
        Effect: "Allow",
        Action: ["iam:CreateServiceLinkedRole"],
        Resource: "*",
        Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
      },
      {
        Sid: "Describe",
        Effect: "Allow",
        Action: [
          "ec2:DescribeAccountAttributes",
          "ec2:DescribeAddresses",
          "ec2:DescribeAvailabilityZones",
          "ec2:DescribeInternetGateways",
          "ec2:DescribeVpcs",
          "ec2:DescribeVpcPeeringConnections",
          "ec2:DescribeSubnets",
          "ec2:DescribeSecurityGroups",
          "ec2:DescribeInstances",
          "ec2:DescribeNetworkInterfaces",
          "ec2:DescribeTags",
          "ec2:DescribeRouteTables",
          "ec2:GetSecurityGroupsForVpc",
          "elasticloadbalancing:DescribeLoadBalancers",
          "elasticloadbalancing:DescribeLoadBalancerAttributes",
          "elasticloadbalancing:DescribeListeners",
          "elasticloadbalancing:DescribeListenerCertificates",
          "elasticloadbalancing:DescribeListenerAttributes",
          "elasticloadbalancing:DescribeSSLPolicies",
          "elasticloadbalancing:DescribeRules",
          "elasticloadbalancing:DescribeTargetGroups",
          "elasticloadbalancing:DescribeTargetGroupAttributes",
          "elasticloadbalancing:DescribeTargetHealth",
          "elasticloadbalancing:DescribeTags",
          "elasticloadbalancing:DescribeTrustStores",
          "acm:ListCertificates",
          "acm:DescribeCertificate",
        ],
        Resource: "*",
      },
      {
        Sid: "CreateSecurityGroups",
        Effect: "Allow",
        Action: ["ec2:CreateSecurityGroup"],
        Resource: "*",
      },
      {
        Sid: "TagNewSecurityGroups",
        Effect: "Allow",
        Action: ["ec2:CreateTags"],
        Resource: `arn:${s.partition}:ec2:*:*:security-group/*`,
        Condition: { StringEquals: { "ec2:CreateAction": "CreateSecurityGroup" }, Null: { [`aws:RequestTag/${LBC_TAG}`]: "false" } },
      },
      {
        Sid: "RetagOwnSecurityGroups",
        Effect: "Allow",
        Action: ["ec2:CreateTags", "ec2:DeleteTags"],
        Resource: `arn:${s.partition}:ec2:*:*:security-group/*`,
        Condition: { Null: { [`aws:RequestTag/${LBC_TAG}`]: "true", [`aws:RequestTag/${BINDABLE_TARGET_GROUP_TAG}`]: "true", [`aws:ResourceTag/${LBC_TAG}`]: "false" } },
      },
      ...securityGroupIngress(s.clusterName),
      {
        Sid: "DeleteOwnSecurityGroups",
        Effect: "Allow",
        Action: ["ec2:DeleteSecurityGroup"],
        Resource: "*",
        Condition: ownedByController,
      },
      {
        Sid: "CreateTaggedLoadBalancers",
        Effect: "Allow",
        Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
        Resource: "*",
        Condition: { Null: { [`aws:RequestTag/${LBC_TAG}`]: "false" } },
      },
      ...listenersAndRules(s.clusterName, elb),
      {
        Sid: "TagOnCreate",
        Effect: "Allow",
        Action: ["elasticloadbalancing:AddTags"],
        Resource: [elb("targetgroup/*/*"), elb("loadbalancer/net/*/*"), elb("loadbalancer/app/*/*")],
        Condition: {
          StringEquals: { "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"] },
          // Never the platform's binding tag: it would make the target group registrable by a cluster's controller.
          Null: { [`aws:RequestTag/${LBC_TAG}`]: "false", [`aws:RequestTag/${BINDABLE_TARGET_GROUP_TAG}`]: "true" },
        },
      },
      {
        Sid: "RetagOwnLoadBalancers",
        Effect: "Allow",
        Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
        Resource: [elb("targetgroup/*/*"), elb("loadbalancer/net/*/*"), elb("loadbalancer/app/*/*")],
        Condition: { Null: { [`aws:RequestTag/${LBC_TAG}`]: "true", [`aws:RequestTag/${BINDABLE_TARGET_GROUP_TAG}`]: "true", [`aws:ResourceTag/${LBC_TAG}`]: "false" } },
      },
      {
        Sid: "ModifyOwnLoadBalancers",
        Effect: "Allow",
        Action: [
          "elasticloadbalancing:ModifyLoadBalancerAttributes",
          "elasticloadbalancing:SetIpAddressType",
          "elasticloadbalancing:SetSecurityGroups",
          "elasticloadbalancing:SetSubnets",
          "elasticloadbalancing:DeleteLoadBalancer",
          "elasticloadbalancing:ModifyTargetGroup",
          "elasticloadbalancing:ModifyTargetGroupAttributes",
          "elasticloadbalancing:DeleteTargetGroup",
        ],
        Resource: "*",
        Condition: ownedByController,
      },
      ...registerTargets(s, elb),
    ],
  };
}
