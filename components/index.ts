/**
 * The components, for programs that compose their own environment:
 *   import { Region, GlobalDatabase, GlobalTraffic } from "<package>/components";
 * Each takes args and an optional provider, and never reads stack config.
 */
export { RegionalNetwork, type RegionalNetworkArgs, type NatGatewayMode } from "./network";
export { EksCluster, type EksClusterArgs } from "./eks";
export { ClusterAddons, type ClusterAddonsArgs } from "./cluster-addons";
export { NodePool, type NodePoolArgs } from "./node-pool";
export { NodeTerminationHandler, type NodeTerminationHandlerArgs } from "./node-termination-handler";
export { RegionalIngress, type RegionalIngressArgs } from "./ingress";
export { GlobalDatabase, RegionalDatabase, type GlobalDatabaseArgs, type RegionalDatabaseArgs } from "./database";
export { GlobalTraffic, type GlobalTrafficArgs } from "./global-traffic";
export { RegionalEndpoint, type RegionalEndpointArgs } from "./regional-endpoint";
export { RegionalService, type RegionalServiceArgs, type ServiceDatabase, type ServiceTargetGroup } from "./service";
export { Region, type RegionArgs, type RegionObservabilityArgs } from "./region";
export {
  GlobalTable, GlobalCache, RegionalCache, GlobalEdge, dataTierBinding, policyDocument, mergeBindings,
  type GlobalTableArgs, type GlobalCacheArgs, type RegionalCacheArgs, type GlobalEdgeArgs, type DataTierBinding, type PolicyStatement, type TableDefinition,
} from "./data";
export { RegionalObservability, GlobalObservability, ManagedPrometheus, SyntheticProbe, type RegionalObservabilityArgs, type GlobalObservabilityArgs, type MonitoringObjectives } from "./observability";
export { tagTransform, type PlatformTags } from "./lib/tags";
export { worstCaseDnsFailoverSeconds } from "./lib/failover";
