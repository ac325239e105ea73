import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { type AuroraEngine, assertAuroraEngine, enginePort, parameterGroupFamily, passwordKeepers, rdsIdentifier } from "../lib/aurora";
import { secretAccessPolicyOf } from "../lib/secret-policy";
import { secretKeysPerRegion } from "../regional-keys";

/**
 * Characters RDS accepts in a master password: printable ASCII except "/", "@", '"' and space.
 * This subset also survives connection strings and shells without quoting surprises.
 */
export const MASTER_PASSWORD_SPECIALS = "!#%*()-_=+[]{}<>:?";

/** What the primary member needs to be created with; hand `GlobalDatabase.masterCredentials` over. */
export interface MasterCredentials {
  username: pulumi.Input<string>;
  /** Secret. */
  password: pulumi.Input<string>;
  databaseName: pulumi.Input<string>;
  /**
   * The Secrets Manager secret the primary member publishes the credentials to, once its writer
   * has the password (`GlobalDatabase.secretArn`). Absent: the member publishes nothing.
   */
  secretArn?: pulumi.Input<string>;
  /** `host` in the published secret: the global writer endpoint (`GlobalDatabase.writerEndpoint`). */
  host?: pulumi.Input<string>;
}

export interface GlobalDatabaseArgs {
  engine: AuroraEngine;
  /**
   * Engine version of the whole global database, e.g. "16.6" or "8.0.mysql_aurora.3.05.2".
   * Upgrades happen HERE and only here: the provider upgrades the members through the global
   * cluster (minor: secondaries first; major: only through the global cluster). The members
   * ignore their own `engineVersion` after creation.
   */
  engineVersion: string;
  /**
   * Global cluster identifier.
   * @default derived from the component name (lower case, hyphens)
   */
  identifier?: string;
  /**
   * Deletion protection of the global cluster. Turning it off is the first step of a deliberate teardown.
   * @default true
   */
  deletionProtection?: boolean;
  /**
   * Database created on the primary at creation (create-only: the members ignore later changes).
   * @default "app"
   */
  databaseName?: string;
  /**
   * Master user name (create-only, like databaseName).
   * @default "app_admin"
   */
  masterUsername?: string;
  /**
   * Name of the Secrets Manager secret holding {username, password, engine, host, port, dbname}.
   * @default "<identifier>/master"
   */
  secretName?: string;
  /**
   * Regions the secret is replicated to, so applications read it locally and still can when this
   * stack's region is down: every region of the environment except this stack's own.
   * @default [] (no replicas)
   */
  secretReplicaRegions?: string[];
  /**
   * Generation of the master password. Raise it by one to rotate: a new password is generated
   * here, the primary member applies it to the writer, and only then publishes it to the secret
   * (see `RegionalDatabase`). Any change rotates (lowering it too). Managed master passwords
   * (Secrets Manager) are not available for global clusters, hence this.
   * @default 0 (the password generated at creation)
   */
  masterPasswordRotation?: number;
  /**
   * KMS key ARN per replica region, for keys managed elsewhere. A replica needs a key in ITS
   * region; a region without an entry gets a customer managed key created here. Never the AWS
   * managed `aws/secretsmanager` key (what a replica naming no key gets): its key policy cannot be
   * narrowed, so GetSecretValue alone would read the superuser's password there.
   * @default {} (a key created here for every replica region)
   */
  secretReplicaKmsKeyArns?: Record<string, string>;
  /**
   * Who may read the secret's value: `aws:PrincipalArn` patterns (`StringNotLike`, so `*` and `?`
   * work). The secret's resource policy, which Secrets Manager copies to every replica, denies
   * GetSecretValue to every other principal of the account, whatever their IAM policies allow.
   * Name the identity that writes the value (the primary member's deploy: the provider reads the
   * version back) or every deploy of the primary region fails. Given with
   * `secretDeployerPrincipalArns`, or neither.
   * @default undefined — no resource policy: IAM policies alone decide
   */
  secretReaderPrincipalArns?: string[];
  /**
   * The identities that deploy (`aws:PrincipalArn` patterns, each also a reader): the only ones
   * the policy lets change the policy, the replicas or the value (`SECRET_PROTECTION_ACTIONS`,
   * components/lib/secret-policy.ts). Anyone else able to would escape the readers' list. Name
   * every identity that runs this stack or the primary region's (which writes the value), or
   * their next deploy that changes the secret fails with AccessDenied.
   * @default undefined — only with secretReaderPrincipalArns undefined
   */
  secretDeployerPrincipalArns?: string[];
  tags?: Record<string, string>;
}

/**
 * The Aurora global cluster plus the database's master credentials, owned by the global stack.
 *
 * The password and the secret live here, not in the primary member, because the primary ROLE
 * moves: after a switchover or failover the stacks make another region primary, and credentials
 * created by "whoever is primary" would be regenerated (a new password) and the old secret
 * deleted. Owned by the global database, they survive any number of role changes; the secret's
 * `host` is the global writer endpoint, which follows the writer across switchovers and failovers.
 *
 * The secret's VALUE is not written here: the global stack deploys first (wave 1), and a rotated
 * password published then would reach every application before the writer has it (wave 2),
 * failing every new connection in between. The primary member writes it, after its cluster took
 * the password (`RegionalDatabase`, `masterCredentials.secretArn`).
 */
export class GlobalDatabase extends pulumi.ComponentResource {
  readonly globalClusterIdentifier: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
  readonly engine: AuroraEngine;
  readonly engineVersion: string;
  readonly port: number;
  /** Global writer endpoint: always resolves to the writer of the current primary region. */
  readonly writerEndpoint: pulumi.Output<string>;
  /** For the primary member (`RegionalDatabaseArgs.masterCredentials`); the password is secret. */
  readonly masterCredentials: { username: pulumi.Output<string>; password: pulumi.Output<string>; databaseName: pulumi.Output<string>; secretArn: pulumi.Output<string>; host: pulumi.Output<string> };
  readonly secretArn: pulumi.Output<string>;
  readonly secretName: pulumi.Output<string>;
  /** Key of the secret in this stack's region. */
  readonly kmsKeyArn: pulumi.Output<string>;

  constructor(name: string, args: GlobalDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    assertAuroraEngine(args.engine);
    parameterGroupFamily(args.engine, args.engineVersion); // refuses a malformed version early
    passwordKeepers(args.masterPasswordRotation ?? 0); // refuses a negative or fractional rotation early
    const replicaRegions = args.secretReplicaRegions ?? [];
    if (new Set(replicaRegions).size !== replicaRegions.length) {
      throw new Error(`secretReplicaRegions lists a region twice: ${replicaRegions.join(", ")}`);
    }
    for (const region of Object.keys(args.secretReplicaKmsKeyArns ?? {})) {
      if (!replicaRegions.includes(region)) throw new Error(`secretReplicaKmsKeyArns names ${region}, which is not in secretReplicaRegions`);
    }
    // Refuses empty or inconsistent lists early: they would lock the deploy out of the secret.
    const secretPolicy = secretAccessPolicyOf(args);
    super("platform:database:GlobalDatabase", name, {}, opts);
    const identifier = args.identifier ?? rdsIdentifier(name, 255);
    const parent = { parent: this };
    const tags = args.tags;

    const globalCluster = new aws.rds.GlobalCluster(`${name}-global`, {
      globalClusterIdentifier: identifier,
      engine: args.engine,
      engineVersion: args.engineVersion,
      storageEncrypted: true,
      deletionProtection: args.deletionProtection ?? true,
      tags,
    }, { parent: this, protect: true });

    const key = new aws.kms.Key(`${name}-secret`, {
      description: `Master credentials secret of the ${identifier} global database`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      tags,
    }, { parent: this, protect: true });
    new aws.kms.Alias(`${name}-secret`, { name: `alias/${identifier}-secret`, targetKeyId: key.keyId }, parent);

    const keepers = passwordKeepers(args.masterPasswordRotation ?? 0);
    const password = new random.RandomPassword(`${name}-master`, {
      ...(keepers ? { keepers } : {}),
      length: 32,
      special: true,
      overrideSpecial: MASTER_PASSWORD_SPECIALS,
      minLower: 2,
      minUpper: 2,
      minNumeric: 2,
      minSpecial: 2,
    }, parent);

    const created = secretKeysPerRegion(`${name}-secret`, replicaRegions.filter((region) => !args.secretReplicaKmsKeyArns?.[region]), {
      description: (region) => `Master credentials secret of the ${identifier} global database: the ${region} replica`,
      tags,
      parent: this,
    });
    const replicaKeys: Record<string, pulumi.Output<string>> = {};
    for (const region of replicaRegions) replicaKeys[region] = created[region] ?? pulumi.output(args.secretReplicaKmsKeyArns![region]);

    // Provider trap: a replica's identity in the provider's set is its region AND its key, so a new
    // kmsKeyId removes the replica (RemoveRegionsFromReplication) and adds it again
    // (ReplicateSecretToRegions) within one update, never in place. Until the new replica is
    // InSync, GetSecretValue in that region answers ResourceNotFoundException: pods started then
    // with serviceDatabaseCredentials master-secret fail to read it. It happens in wave 1 (the
    // global stack), before any regional stack; docs/runbooks/aurora-global-database.md ("Replica
    // keys") says how to deploy it.
    const secret = new aws.secretsmanager.Secret(`${name}-master`, {
      name: args.secretName ?? `${identifier}/master`,
      description: `Master credentials of the ${identifier} Aurora global database (host: global writer endpoint)`,
      kmsKeyId: key.arn,
      recoveryWindowInDays: 30,
      replicas: replicaRegions.map((region) => ({ region, kmsKeyId: replicaKeys[region] })),
      tags,
    }, parent);

    if (secretPolicy !== undefined) {
      // Written after the secret (it needs its ARN), by the deploy, which the policy names: a first
      // deploy cannot lock it out. Secrets Manager copies the policy to every replica.
      new aws.secretsmanager.SecretPolicy(`${name}-master`, {
        secretArn: secret.arn,
        blockPublicPolicy: true,
        policy: JSON.stringify(secretPolicy),
      }, parent);
    }

    this.port = enginePort(args.engine);
    const databaseName = args.databaseName ?? "app";
    const masterUsername = args.masterUsername ?? "app_admin";

    this.globalClusterIdentifier = globalCluster.globalClusterIdentifier;
    this.arn = globalCluster.arn;
    this.engine = args.engine;
    this.engineVersion = args.engineVersion;
    this.writerEndpoint = globalCluster.endpoint;
    this.masterCredentials = {
      username: pulumi.output(masterUsername),
      password: pulumi.secret(password.result),
      databaseName: pulumi.output(databaseName),
      secretArn: secret.arn,
      host: globalCluster.endpoint,
    };
    this.secretArn = secret.arn;
    this.secretName = secret.name;
    this.kmsKeyArn = key.arn;

    this.registerOutputs({
      globalClusterIdentifier: this.globalClusterIdentifier,
      arn: this.arn,
      engine: this.engine,
      engineVersion: this.engineVersion,
      writerEndpoint: this.writerEndpoint,
      secretArn: this.secretArn,
      secretName: this.secretName,
    });
  }
}
