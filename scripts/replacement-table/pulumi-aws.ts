/**
 * Terraform names → Pulumi names, read from the installed `@pulumi/aws` package itself (its
 * `__pulumiType` tokens, its `XArgs` interfaces and `types/input.d.ts`), so the table uses exactly
 * the type tokens and input property names of the version the project depends on.
 *
 * Token matching follows pulumi-aws's naming: `aws_<prefix>_<rest>` → `aws:<module>/<rest in
 * camelCase>:<Rest in PascalCase>`, where the module is learned per Terraform service package from
 * the unambiguous matches. The few resources whose Pulumi name is not derived from the Terraform
 * name are listed in NAME_EXCEPTIONS.
 */
import { existsSync, readdirSync, readFileSync } from "fs";
import { join } from "path";

/** Pulumi names that pulumi-aws chose by hand (provider/resources.go), not derivable. */
export const NAME_EXCEPTIONS: Readonly<Record<string, string[]>> = {
  aws_lb: ["aws:lb/loadBalancer:LoadBalancer"],
  aws_alb: ["aws:alb/loadBalancer:LoadBalancer"],
  aws_elb: ["aws:elb/loadBalancer:LoadBalancer"],
  aws_cloudtrail: ["aws:cloudtrail/trail:Trail"],
  aws_iam_openid_connect_provider: ["aws:iam/openIdConnectProvider:OpenIdConnectProvider"],
  aws_s3_object: ["aws:s3/bucketObjectv2:BucketObjectv2"],
  aws_s3_bucket_replication_configuration: ["aws:s3/bucketReplicationConfig:BucketReplicationConfig"],
  aws_route53_hosted_zone_dnssec: ["aws:route53/hostedZoneDnsSec:HostedZoneDnsSec"],
  aws_codepipeline: ["aws:codepipeline/pipeline:Pipeline"],
  aws_codedeploy_app: ["aws:codedeploy/application:Application"],
  aws_network_interface_sg_attachment: ["aws:ec2/networkInterfaceSecurityGroupAttachment:NetworkInterfaceSecurityGroupAttachment"],
  aws_db_instance: ["aws:rds/instance:Instance"],
  aws_db_instance_role_association: ["aws:rds/roleAssociation:RoleAssociation"],
  aws_sqs_queue_redrive_policy: ["aws:sqs/redrivePolicy:RedrivePolicy"],
  aws_sqs_queue_redrive_allow_policy: ["aws:sqs/redriveAllowPolicy:RedriveAllowPolicy"],
  aws_sns_topic_data_protection_policy: ["aws:sns/dataProtectionPolicy:DataProtectionPolicy"],
  aws_autoscaling_group_tag: ["aws:autoscaling/tag:Tag"],
  aws_config_config_rule: ["aws:cfg/rule:Rule"],
  aws_config_configuration_recorder: ["aws:cfg/recorder:Recorder"],
  aws_config_configuration_recorder_status: ["aws:cfg/recorderStatus:RecorderStatus"],
  aws_appsync_datasource: ["aws:appsync/dataSource:DataSource"],
  aws_appsync_graphql_api: ["aws:appsync/graphQLApi:GraphQLApi"],
  aws_api_gateway_gateway_response: ["aws:apigateway/response:Response"],
  // pulumi-aws keeps deprecated `V2` aliases of the S3 bucket resources: same schema, same rule.
  aws_s3_bucket: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
  aws_s3_bucket_acl: ["aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2"],
  aws_s3_bucket_accelerate_configuration: ["aws:s3/bucketAccelerateConfiguration:BucketAccelerateConfiguration", "aws:s3/bucketAccelerateConfigurationV2:BucketAccelerateConfigurationV2"],
  aws_s3_bucket_cors_configuration: ["aws:s3/bucketCorsConfiguration:BucketCorsConfiguration", "aws:s3/bucketCorsConfigurationV2:BucketCorsConfigurationV2"],
  aws_s3_bucket_lifecycle_configuration: ["aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"],
  aws_s3_bucket_logging: ["aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"],
  aws_s3_bucket_object_lock_configuration: ["aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2"],
  aws_s3_bucket_request_payment_configuration: ["aws:s3/bucketRequestPaymentConfiguration:BucketRequestPaymentConfiguration", "aws:s3/bucketRequestPaymentConfigurationV2:BucketRequestPaymentConfigurationV2"],
  aws_s3_bucket_server_side_encryption_configuration: ["aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"],
  aws_s3_bucket_versioning: ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"],
  aws_s3_bucket_website_configuration: ["aws:s3/bucketWebsiteConfiguration:BucketWebsiteConfiguration", "aws:s3/bucketWebsiteConfigurationV2:BucketWebsiteConfigurationV2"],
};

export interface PulumiResourceType {
  token: string;
  module: string;
  name: string;
  /** Input property name → nested input type name (`ClusterVpcConfig`) or null for plain values. */
  inputs: Map<string, string | null>;
}

export interface PulumiAwsPackage {
  version: string;
  types: Map<string, PulumiResourceType>;
  /** `module.TypeName` → property name → nested type name (types/input.d.ts). */
  nested: Map<string, Map<string, string | null>>;
}

const PROPERTY = /^\s+(?:readonly\s+)?(\w+)\??:\s*(.*);\s*$/;

function properties(body: string, module: string): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const line of body.split("\n")) {
    const match = PROPERTY.exec(line);
    if (!match) continue;
    const nested = new RegExp(`inputs\\.${module}\\.(\\w+)`).exec(match[2]) ?? /inputs\.(\w+)\.(\w+)/.exec(match[2]);
    out.set(match[1], nested ? `${nested.length === 3 ? nested[1] : module}.${nested[nested.length - 1]}` : null);
  }
  return out;
}

function interfaceBody(src: string, name: string, indent = ""): string | null {
  const start = src.indexOf(`${indent}${indent ? "" : "export "}interface ${name} {`);
  if (start < 0) return null;
  const end = src.indexOf(`\n${indent}}`, start);
  return src.slice(start, end);
}

/** Resource types, their inputs and nested input types of an installed @pulumi/aws. */
export function readPulumiAws(packageDir: string): PulumiAwsPackage {
  const version = (JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { version: string }).version;
  const types = new Map<string, PulumiResourceType>();
  for (const module of readdirSync(packageDir, { withFileTypes: true })) {
    if (!module.isDirectory() || module.name === "types" || module.name === "node_modules" || module.name === "config") continue;
    const dir = join(packageDir, module.name);
    for (const file of readdirSync(dir)) {
      if (!file.endsWith(".js")) continue;
      const js = readFileSync(join(dir, file), "utf8");
      const token = /static __pulumiType = '(aws:[^']+)'/.exec(js)?.[1];
      if (!token) continue;
      const [, moduleName, name] = /^aws:([^/]+)\/[^:]+:(\w+)$/.exec(token) ?? [];
      if (!moduleName) continue;
      const dts = join(dir, file.replace(/\.js$/, ".d.ts"));
      const body = existsSync(dts) ? interfaceBody(readFileSync(dts, "utf8"), `${name}Args`) : null;
      types.set(token, { token, module: moduleName, name, inputs: body ? properties(body, moduleName) : new Map() });
    }
  }
  const nested = new Map<string, Map<string, string | null>>();
  const input = readFileSync(join(packageDir, "types", "input.d.ts"), "utf8");
  const namespaceRe = /^export declare namespace (\w+) \{$/gm;
  const starts = [...input.matchAll(namespaceRe)].map((m) => ({ module: m[1], index: m.index ?? 0 }));
  starts.forEach((start, i) => {
    const text = input.slice(start.index, starts[i + 1]?.index ?? input.length);
    for (const m of text.matchAll(/^ {4}interface (\w+) \{$/gm)) {
      const body = interfaceBody(text.slice(m.index ?? 0), m[1], "    ");
      if (body) nested.set(`${start.module}.${m[1]}`, properties(body.replace(/^ {4}/gm, ""), start.module));
    }
  });
  return { version, types, nested };
}

function pascal(snake: string): string {
  return snake.split("_").map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("");
}

/** Terraform attribute name in Pulumi's camelCase (`subnet_ids` → `subnetIds`). */
export function camel(snake: string): string {
  const p = pascal(snake);
  return p.charAt(0).toLowerCase() + p.slice(1);
}

/** Tokens a Terraform resource is exposed as. `service` is its service package directory. */
export class TokenMatcher {
  private readonly byName = new Map<string, PulumiResourceType[]>();
  private readonly moduleVotes = new Map<string, Map<string, number>>();

  constructor(private readonly pkg: PulumiAwsPackage) {
    for (const type of pkg.types.values()) {
      const list = this.byName.get(type.name) ?? [];
      list.push(type);
      this.byName.set(type.name, list);
    }
  }

  private candidates(tfName: string): { prefix: string; suffix: string; types: PulumiResourceType[] }[] {
    const segments = tfName.replace(/^aws_/, "").split("_");
    const out: { prefix: string; suffix: string; types: PulumiResourceType[] }[] = [];
    for (let k = 0; k < segments.length; k++) {
      const suffix = segments.slice(k).join("_");
      const types = (this.byName.get(pascal(suffix)) ?? []).filter((t) => t.token.startsWith(`aws:${t.module}/${camel(suffix)}:`));
      if (types.length) out.push({ prefix: segments.slice(0, k).join("_"), suffix, types });
    }
    return out;
  }

  private readonly prefixModules = new Map<string, Set<string>>();

  /** First pass: Terraform service package and name prefix → Pulumi module, from names matching one way only. */
  learn(resources: { name: string; service: string }[]): void {
    for (const r of resources) {
      const first = this.candidates(r.name)[0];
      // Only one-word prefixes (a service name such as `db` or `lb`) teach a module.
      if (!first || first.types.length !== 1 || first.prefix.includes("_")) continue;
      const module = first.types[0].module;
      const votes = this.moduleVotes.get(r.service) ?? new Map<string, number>();
      votes.set(module, (votes.get(module) ?? 0) + 1);
      this.moduleVotes.set(r.service, votes);
      const modules = this.prefixModules.get(first.prefix) ?? new Set<string>();
      modules.add(module);
      this.prefixModules.set(first.prefix, modules);
    }
  }

  /** Whether a token's module fits the Terraform name prefix stripped to reach it. */
  private fits(type: PulumiResourceType, prefix: string, service: string): boolean {
    if (type.module === prefix.replace(/_/g, "")) return true;
    if (prefix === "") return type.module === service || (this.moduleVotes.get(service)?.has(type.module) ?? false);
    return this.prefixModules.get(prefix)?.has(type.module) ?? false;
  }

  /** Tokens of a Terraform resource, with the length of the name they matched (longer is surer). */
  tokens(tfName: string, service: string): { token: string; score: number }[] {
    const exception = NAME_EXCEPTIONS[tfName];
    if (exception) return exception.filter((t) => this.pkg.types.has(t)).map((token) => ({ token, score: 1000 }));
    for (const { prefix, suffix, types } of this.candidates(tfName)) {
      const fitting = types.filter((t) => this.fits(t, prefix, service));
      if (fitting.length) return fitting.map((t) => ({ token: t.token, score: 100 - prefix.length + suffix.length }));
    }
    return [];
  }
}

/**
 * A Terraform attribute path in Pulumi's names for one resource type, checked against its Args:
 * camelCase, and the plural the bridge gives list blocks (`rule` → `rules`). Null when a segment
 * is not an input of that name.
 */
export function pulumiPath(pkg: PulumiAwsPackage, type: PulumiResourceType, tfPath: string): string | null {
  let props: Map<string, string | null> | undefined = type.inputs;
  const out: string[] = [];
  for (const segment of tfPath.split(".")) {
    if (!props) return null;
    const c = camel(segment);
    // camelCase; the plural the bridge gives list blocks; pulumi-aws's renames of `<x>_id` to
    // `<x>` and `<resource>_name` to `name` (e.g. a metric alarm's `alarm_name`).
    const options = [c, `${c}s`, `${c}es`, c.replace(/y$/, "ies"), ...(out.length === 0 ? [c.replace(/Id$/, ""), ...(/Name$/.test(c) ? ["name"] : [])] : [])];
    const name = options.find((n) => n.length > 0 && props!.has(n));
    if (!name) return null;
    out.push(name);
    const nested: string | null | undefined = props.get(name);
    props = nested ? pkg.nested.get(nested) : undefined;
  }
  return out.join(".");
}
