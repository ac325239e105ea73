/**
 * Resource type tokens and the property shapes the rules read, taken from @pulumi/aws's own
 * typings so a misspelt property name fails `tsc` (and the pack's start-up type check).
 *
 * Type-only imports of single modules: the pack runner type-checks with ts-node at start-up,
 * and the @pulumi/aws index would pull in every service's typings.
 */
import type { Unwrap } from "@pulumi/pulumi";
import type { GroupArgs } from "@pulumi/aws/autoscaling/group";
import type { ClusterArgs as EksClusterArgs } from "@pulumi/aws/eks/cluster";
import type { NodeGroupArgs } from "@pulumi/aws/eks/nodeGroup";
import type { ClusterArgs as RdsClusterArgs } from "@pulumi/aws/rds/cluster";
import type { ClusterInstanceArgs } from "@pulumi/aws/rds/clusterInstance";
import type { GlobalClusterArgs } from "@pulumi/aws/rds/globalCluster";
import type { LaunchTemplateArgs } from "@pulumi/aws/ec2/launchTemplate";
import type { InstanceArgs } from "@pulumi/aws/ec2/instance";
import type { VolumeArgs } from "@pulumi/aws/ebs/volume";
import type { SubnetArgs } from "@pulumi/aws/ec2/subnet";
import type { NatGatewayArgs } from "@pulumi/aws/ec2/natGateway";
import type { LoadBalancerArgs } from "@pulumi/aws/lb/loadBalancer";
import type { ListenerArgs } from "@pulumi/aws/lb/listener";
import type { KeyArgs } from "@pulumi/aws/kms/key";
import type { SecretArgs } from "@pulumi/aws/secretsmanager/secret";
import type { RecordArgs } from "@pulumi/aws/route53/record";
import type { HealthCheckArgs } from "@pulumi/aws/route53/healthCheck";

export const TYPES = {
  asg: "aws:autoscaling/group:Group",
  asgAttachment: "aws:autoscaling/attachment:Attachment",
  asgTrafficSourceAttachment: "aws:autoscaling/trafficSourceAttachment:TrafficSourceAttachment",
  eksCluster: "aws:eks/cluster:Cluster",
  nodeGroup: "aws:eks/nodeGroup:NodeGroup",
  auroraCluster: "aws:rds/cluster:Cluster",
  auroraInstance: "aws:rds/clusterInstance:ClusterInstance",
  globalCluster: "aws:rds/globalCluster:GlobalCluster",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  launchConfiguration: "aws:ec2/launchConfiguration:LaunchConfiguration",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  /** The EC2 namespace's rule (ingress or egress by `type`). */
  securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egressRule: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  vpcCidrAssociation: "aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation",
  instance: "aws:ec2/instance:Instance",
  ebsVolume: "aws:ebs/volume:Volume",
  vpc: "aws:ec2/vpc:Vpc",
  subnet: "aws:ec2/subnet:Subnet",
  natGateway: "aws:ec2/natGateway:NatGateway",
  flowLog: "aws:ec2/flowLog:FlowLog",
  kmsKey: "aws:kms/key:Key",
  secret: "aws:secretsmanager/secret:Secret",
  zone: "aws:route53/zone:Zone",
  record: "aws:route53/record:Record",
  healthCheck: "aws:route53/healthCheck:HealthCheck",
  webAcl: "aws:wafv2/webAcl:WebAcl",
  webAclAssociation: "aws:wafv2/webAclAssociation:WebAclAssociation",
  stack: "pulumi:pulumi:Stack",
} as const;

/** `aws.alb.*` are aliases of `aws.lb.*` with their own type tokens. */
export const LOAD_BALANCER_TYPES = ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"] as const;
export const LISTENER_TYPES = ["aws:lb/listener:Listener", "aws:alb/listener:Listener"] as const;
export const LISTENER_RULE_TYPES = ["aws:lb/listenerRule:ListenerRule", "aws:alb/listenerRule:ListenerRule"] as const;
export const TARGET_GROUP_TYPES = ["aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"] as const;

/** Types whose region is where an environment actually runs (global and DNS resources are not). */
export const WORKLOAD_TYPES: readonly string[] = [TYPES.vpc, TYPES.eksCluster, TYPES.asg, TYPES.nodeGroup, TYPES.auroraCluster, ...LOAD_BALANCER_TYPES];

export type AsgProps = Unwrap<GroupArgs>;
export type EksClusterProps = Unwrap<EksClusterArgs>;
export type NodeGroupProps = Unwrap<NodeGroupArgs>;
export type AuroraClusterProps = Unwrap<RdsClusterArgs>;
export type AuroraInstanceProps = Unwrap<ClusterInstanceArgs>;
export type GlobalClusterProps = Unwrap<GlobalClusterArgs>;
export type LaunchTemplateProps = Unwrap<LaunchTemplateArgs>;
export type InstanceProps = Unwrap<InstanceArgs>;
export type EbsVolumeProps = Unwrap<VolumeArgs>;
export type SubnetProps = Unwrap<SubnetArgs>;
export type NatGatewayProps = Unwrap<NatGatewayArgs>;
export type LoadBalancerProps = Unwrap<LoadBalancerArgs>;
export type ListenerProps = Unwrap<ListenerArgs>;
export type KmsKeyProps = Unwrap<KeyArgs>;
export type SecretProps = Unwrap<SecretArgs>;
export type RecordProps = Unwrap<RecordArgs>;
export type HealthCheckProps = Unwrap<HealthCheckArgs>;
