import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { planSubnets } from "./lib/cidr";
import { chooseZones, dbClassLookupFailed, describeZoneChoice, orderableLookupFoundNothing, type ZoneChoice } from "./lib/zones";

export type NatGatewayMode = "perAz" | "single";

export interface RegionalNetworkArgs {
  /** VPC CIDR block, /16 to /20. Subnets are cut from it by `planSubnets`. */
  cidrBlock: string;
  /**
   * Availability zones to span (ignored when `availabilityZoneIds` pins them).
   * @default 3
   */
  azCount?: number;
  /**
   * Zone IDs (e.g. `use1-az1`) to use. AZ names differ per account, zone IDs do not; after the
   * first deployment, pinning the IDs the plan shows keeps the subnets where they are whatever
   * the region's zones do later.
   * @default the first `azCount` usable zones of the region, by zone ID (see `chooseZones`)
   */
  availabilityZoneIds?: string[];
  /**
   * Zone IDs never to use, on top of those EKS refuses (`EKS_UNSUPPORTED_ZONE_IDS`).
   * @default []
   */
  excludedAvailabilityZoneIds?: string[];
  /**
   * What every chosen zone must offer: at least one of these node instance types, and this
   * database class. Zones lacking them are skipped (or refused when pinned).
   * @default nothing checked
   */
  zoneRequirements?: {
    instanceTypes?: string[];
    /** `storageType` as the cluster's: Aurora lists each class once per storage type. @default "aurora" (Standard) for Aurora engines */
    database?: { engine: string; engineVersion: string; instanceClass: string; storageType?: string };
  };
  /**
   * `"perAz"`: one NAT gateway per AZ, each AZ's private subnet routes through its own, so an AZ
   * loss never cuts the others off. `"single"`: one NAT gateway for all AZs, cheaper, and a
   * single point of failure; for dev only, and it has to be asked for.
   * @default "perAz"
   */
  natGateways?: NatGatewayMode;
  /**
   * Retention of the VPC flow log group, in days (a CloudWatch Logs retention value).
   * @default 90
   */
  flowLogRetentionDays?: number;
}

export interface AzSubnets {
  readonly availabilityZone: pulumi.Output<string>;
  readonly availabilityZoneId: pulumi.Output<string>;
  readonly publicSubnetId: pulumi.Output<string>;
  readonly privateSubnetId: pulumi.Output<string>;
  readonly isolatedSubnetId: pulumi.Output<string>;
}

/** AWS services with gateway VPC endpoints (`com.amazonaws.<region>.<service>`); the VPC gets one for each. */
export const GATEWAY_ENDPOINT_SERVICES = ["s3", "dynamodb"] as const;

/**
 * A VPC across N availability zones with three subnet tiers in every AZ:
 * public (load balancers, NAT gateways), private (nodes; egress through NAT) and isolated
 * (databases; no route to the internet). Flow logs go to CloudWatch Logs; S3 and DynamoDB traffic
 * from the private and isolated tiers stays on their gateway endpoints, never through NAT.
 */
export class RegionalNetwork extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly cidrBlock: string;
  readonly azCount: number;
  /** AZ names of the chosen zones (in this account), in subnet order. */
  readonly availabilityZones: pulumi.Output<string[]>;
  /** Zone IDs of the chosen zones, in subnet order. */
  readonly availabilityZoneIds: pulumi.Output<string[]>;
  /** The choice with the zones left out and why. */
  readonly zoneChoice: pulumi.Output<ZoneChoice>;
  readonly publicSubnetIds: pulumi.Output<string>[];
  readonly privateSubnetIds: pulumi.Output<string>[];
  readonly isolatedSubnetIds: pulumi.Output<string>[];
  /** Subnets grouped by AZ, in AZ order. */
  readonly subnetsByAz: AzSubnets[];
  readonly natGatewayIds: pulumi.Output<string>[];
  /** Public IPv4 addresses of the NAT gateways: where the private tier's requests to the internet come from. */
  readonly natPublicIps: pulumi.Output<string>[];
  readonly privateRouteTableIds: pulumi.Output<string>[];
  readonly flowLogGroupName: pulumi.Output<string>;

  constructor(name: string, args: RegionalNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:network:RegionalNetwork", name, {}, opts);
    const pinned = args.availabilityZoneIds?.length ? [...new Set(args.availabilityZoneIds)] : undefined;
    const azCount = pinned?.length ?? args.azCount ?? 3;
    const natMode = args.natGateways ?? "perAz";
    const plan = planSubnets(args.cidrBlock, azCount);
    const parent = { parent: this };

    // Every zone the account has in the region (no `state` filter: a zone that is impaired today
    // must not drop out of the list and move the subnets on the next deploy). Local Zones and
    // Wavelength Zones are opt-in, so they are left out.
    const zones = aws.getAvailabilityZonesOutput({ filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] }, parent);
    const instanceTypes = args.zoneRequirements?.instanceTypes;
    const offerings = instanceTypes?.length
      ? aws.ec2.getInstanceTypeOfferingsOutput({ locationType: "availability-zone-id", filters: [{ name: "instance-type", values: instanceTypes }] }, parent).locations
      : undefined;
    const database = args.zoneRequirements?.database;
    // Without a storage type, Aurora's two rows per class (Standard and I/O-Optimized) make the
    // provider refuse the lookup ("multiple (2) RDS DB Instance Classes ... match"), and with it
    // every regional stack. The promise form, to catch its refusal: the lookup asks for the exact
    // engine version, which RDS stops offering after its end of life (dbClassLookupFailed).
    const orderable = database
      ? pulumi.output(aws.rds.getOrderableDbInstance({ ...database, storageType: database.storageType ?? (database.engine.startsWith("aurora") ? "aurora" : undefined) }, parent)
          .then((answer) => ({ names: answer.availabilityZones, error: undefined }), (err: unknown) => {
            // Only "nothing matched" means the version is gone; any other failure fails as it is.
            const message = err instanceof Error ? err.message : String(err);
            if (!orderableLookupFoundNothing(message)) throw err;
            return { names: undefined, error: message };
          }))
      : undefined;
    const choice = pulumi.all([zones, offerings, orderable]).apply(([z, offeredIds, db]) => {
      if (database && db?.error !== undefined) {
        // Pinned zones go on unchecked, with a warning; unpinned ones fail here, saying the fix.
        pulumi.log.warn(dbClassLookupFailed({ region: z.region, ...database, pinned: pinned !== undefined, error: db.error }), this);
      }
      return chooseZones({
        region: z.region,
        names: z.names,
        zoneIds: z.zoneIds,
        count: azCount,
        pinned,
        excluded: args.excludedAvailabilityZoneIds,
        instanceTypeZoneIds: offeredIds,
        // The orderable-instance answer names AZs; this account's map turns them into zone IDs.
        dbClassZoneIds: db?.names?.map((name) => z.zoneIds[z.names.indexOf(name)]).filter((id): id is string => id !== undefined),
        instanceTypes,
        dbInstanceClass: database?.instanceClass,
      });
    });
    const azNames = choice.apply((c) => c.zones.map((zone) => zone.name));
    const azIds = choice.apply((c) => c.zones.map((zone) => zone.id));

    const vpc = new aws.ec2.Vpc(`${name}-vpc`, {
      cidrBlock: args.cidrBlock,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: `${name}-vpc` },
    }, parent);

    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: { Name: `${name}-igw` } }, parent);

    const publicRouteTable = new aws.ec2.RouteTable(`${name}-public`, { vpcId: vpc.id, tags: { Name: `${name}-public` } }, parent);
    // Routes as separate resources: mixing inline `routes` with aws.ec2.Route makes the two fight.
    new aws.ec2.Route(`${name}-public-default`, {
      routeTableId: publicRouteTable.id,
      destinationCidrBlock: "0.0.0.0/0",
      gatewayId: igw.id,
    }, parent);
    const isolatedRouteTable = new aws.ec2.RouteTable(`${name}-isolated`, { vpcId: vpc.id, tags: { Name: `${name}-isolated` } }, parent);

    const subnetsByAz: AzSubnets[] = [];
    const natGateways: aws.ec2.NatGateway[] = [];
    const natAddresses: aws.ec2.Eip[] = [];
    const privateRouteTables: aws.ec2.RouteTable[] = [];

    plan.forEach((cidrs, i) => {
      const az = azNames.apply((names) => names[i]);
      // Subnets are placed by zone ID: the same physical zone whatever the account's name map.
      const azId = azIds.apply((ids) => ids[i]);
      const suffix = `${i + 1}`;
      const publicSubnet = new aws.ec2.Subnet(`${name}-public-${suffix}`, {
        vpcId: vpc.id,
        cidrBlock: cidrs.public,
        availabilityZoneId: azId,
        // Nothing in the public tier needs an automatic public IP: NAT gateways use EIPs, ALBs their own.
        mapPublicIpOnLaunch: false,
        tags: { Name: `${name}-public-${suffix}`, tier: "public", "kubernetes.io/role/elb": "1" },
      }, parent);
      const privateSubnet = new aws.ec2.Subnet(`${name}-private-${suffix}`, {
        vpcId: vpc.id,
        cidrBlock: cidrs.private,
        availabilityZoneId: azId,
        tags: { Name: `${name}-private-${suffix}`, tier: "private", "kubernetes.io/role/internal-elb": "1" },
      }, parent);
      const isolatedSubnet = new aws.ec2.Subnet(`${name}-isolated-${suffix}`, {
        vpcId: vpc.id,
        cidrBlock: cidrs.isolated,
        availabilityZoneId: azId,
        tags: { Name: `${name}-isolated-${suffix}`, tier: "isolated" },
      }, parent);

      new aws.ec2.RouteTableAssociation(`${name}-public-${suffix}`, { subnetId: publicSubnet.id, routeTableId: publicRouteTable.id }, parent);
      new aws.ec2.RouteTableAssociation(`${name}-isolated-${suffix}`, { subnetId: isolatedSubnet.id, routeTableId: isolatedRouteTable.id }, parent);

      if (natMode === "perAz" || i === 0) {
        const eip = new aws.ec2.Eip(`${name}-nat-${suffix}`, { domain: "vpc", tags: { Name: `${name}-nat-${suffix}` } }, parent);
        natAddresses.push(eip);
        natGateways.push(new aws.ec2.NatGateway(`${name}-nat-${suffix}`, {
          allocationId: eip.id,
          subnetId: publicSubnet.id,
          connectivityType: "public",
          tags: { Name: `${name}-nat-${suffix}` },
        }, { parent: this, dependsOn: [igw] }));
      }
      // Each AZ's private tier leaves through the NAT gateway in the same AZ (perAz mode), so
      // losing an AZ takes only its own egress with it.
      const nat = natMode === "perAz" ? natGateways[i] : natGateways[0];
      const privateRouteTable = new aws.ec2.RouteTable(`${name}-private-${suffix}`, { vpcId: vpc.id, tags: { Name: `${name}-private-${suffix}` } }, parent);
      new aws.ec2.Route(`${name}-private-${suffix}-default`, {
        routeTableId: privateRouteTable.id,
        destinationCidrBlock: "0.0.0.0/0",
        natGatewayId: nat.id,
      }, parent);
      new aws.ec2.RouteTableAssociation(`${name}-private-${suffix}`, { subnetId: privateSubnet.id, routeTableId: privateRouteTable.id }, parent);
      privateRouteTables.push(privateRouteTable);

      subnetsByAz.push({
        availabilityZone: az,
        availabilityZoneId: azId,
        publicSubnetId: publicSubnet.id,
        privateSubnetId: privateSubnet.id,
        isolatedSubnetId: isolatedSubnet.id,
      });
    });

    // Gateway endpoints for the two services that have them: free (no hourly or per-GB charge),
    // and S3 and DynamoDB traffic of the private and isolated tiers stays off the NAT gateways
    // (their per-GB processing charge, and their AZ: a region's calls to its DynamoDB replica keep
    // working while an AZ's NAT gateway is down). A gateway endpoint reaches its own region's
    // service only, which is all the workloads call (the data binding points them at the local
    // replica). DynamoDB Streams has interface endpoints only: stream readers still leave through
    // NAT. [VPC PrivateLink guide, Gateway endpoints; DynamoDB developer guide, AWS PrivateLink for
    // DynamoDB Streams]
    const region = aws.getRegionOutput({}, parent);
    const gatewayRouteTableIds = [...privateRouteTables.map((t) => t.id), isolatedRouteTable.id];
    for (const service of GATEWAY_ENDPOINT_SERVICES) {
      new aws.ec2.VpcEndpoint(`${name}-${service}`, {
        vpcId: vpc.id,
        serviceName: pulumi.interpolate`com.amazonaws.${region.region}.${service}`,
        vpcEndpointType: "Gateway",
        routeTableIds: gatewayRouteTableIds,
        tags: { Name: `${name}-${service}` },
      }, parent);
    }

    const flowLogGroup = new aws.cloudwatch.LogGroup(`${name}-flow-logs`, {
      retentionInDays: args.flowLogRetentionDays ?? 90,
    }, parent);
    // The role as the VPC user guide gives it ("IAM role for publishing flow logs to CloudWatch
    // Logs"): the service only for this account (confused deputy), and at least the actions it
    // lists, DescribeLogGroups among them (it cannot be scoped to one group). Missing ones do not
    // fail the deploy: the flow log shows "Access error" and delivers nothing.
    const accountId = aws.getCallerIdentityOutput({}, parent).accountId;
    const flowLogRole = new aws.iam.Role(`${name}-flow-logs`, {
      assumeRolePolicy: accountId.apply((account) => JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "vpc-flow-logs.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": account } } }],
      })),
    }, parent);
    const flowLogPolicy = new aws.iam.RolePolicy(`${name}-flow-logs`, {
      role: flowLogRole.id,
      policy: flowLogGroup.arn.apply((arn) => JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource: [arn, `${arn}:*`] },
          { Effect: "Allow", Action: ["logs:DescribeLogGroups"], Resource: "*" },
        ],
      })),
    }, parent);
    // After its permissions: created first, the flow log starts with an access error.
    new aws.ec2.FlowLog(`${name}-flow-log`, {
      vpcId: vpc.id,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: flowLogGroup.arn,
      iamRoleArn: flowLogRole.arn,
      maxAggregationInterval: 60,
    }, { ...parent, dependsOn: [flowLogPolicy] });

    this.vpcId = vpc.id;
    this.cidrBlock = args.cidrBlock;
    this.azCount = azCount;
    this.availabilityZones = azNames;
    this.availabilityZoneIds = azIds;
    this.zoneChoice = choice;
    this.subnetsByAz = subnetsByAz;
    this.publicSubnetIds = subnetsByAz.map((s) => s.publicSubnetId);
    this.privateSubnetIds = subnetsByAz.map((s) => s.privateSubnetId);
    this.isolatedSubnetIds = subnetsByAz.map((s) => s.isolatedSubnetId);
    this.natGatewayIds = natGateways.map((n) => n.id);
    this.natPublicIps = natAddresses.map((eip) => eip.publicIp);
    this.privateRouteTableIds = privateRouteTables.map((t) => t.id);
    this.flowLogGroupName = flowLogGroup.name;

    this.registerOutputs({
      vpcId: this.vpcId,
      availabilityZones: this.availabilityZones,
      availabilityZoneIds: this.availabilityZoneIds,
      // Read by the plan: which zones, and why others were left out.
      zoneChoice: choice.apply(describeZoneChoice),
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
      isolatedSubnetIds: this.isolatedSubnetIds,
      natGatewayIds: this.natGatewayIds,
    });
  }
}
