import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { AUTH_TOKEN_SPECIALS } from "../lib/cache";
import { secretAccessPolicyOf } from "../lib/secret-policy";
import { secretKeysPerRegion } from "../regional-keys";

export interface GlobalCacheArgs {
  /** Every region of the environment: the AUTH token secret gets a replica (and a key) in each. */
  regions: string[];
  /** Region of the stack that holds this component (the secret's own region; need not be one of `regions`). */
  homeRegion: string;
  /**
   * Name of the Secrets Manager secret holding {token}.
   * @default "<component name>/cache/auth"
   */
  secretName?: string;
  /**
   * Who may read the token (`aws:PrincipalArn` patterns, `*` and `?` work): the secret's resource
   * policy, copied to every replica, denies GetSecretValue to every other principal of the
   * account. Name the deploy (this component writes the value and the provider reads it back)
   * and every workload that connects (each region's service pods: `dataTierBinding` grants them
   * their region's replica). Given with `secretDeployerPrincipalArns`, or neither.
   * @default undefined — no resource policy: IAM policies alone decide
   */
  secretReaderPrincipalArns?: string[];
  /**
   * The identities that deploy (each also a reader): the only ones that may change the secret's
   * policy, replicas or value (components/lib/secret-policy.ts `SECRET_PROTECTION_ACTIONS`),
   * which includes publishing a rotated token.
   * @default undefined — only with secretReaderPrincipalArns undefined
   */
  secretDeployerPrincipalArns?: string[];
  /** @default {} */
  tags?: Record<string, string>;
}

/**
 * What every member of a cache Global Datastore shares, for the global stack: the AUTH token
 * (generated, never in config) and a Secrets Manager secret holding it, replicated to every
 * region under a customer managed key of that region, so workloads read it locally and still
 * can when another region is down. The datastore's primary member is created with the token
 * (`RegionalCache` `authToken`); secondaries inherit the datastore's security settings.
 *
 * Owned here rather than by the primary member for the reason the Aurora credentials are: the
 * token must outlive any member, and the global stack is deployed first.
 */
export class GlobalCache extends pulumi.ComponentResource {
  /** The AUTH token (secret), for the primary member only. */
  readonly authToken: pulumi.Output<string>;
  /** ARN of the secret in homeRegion (each region's replica differs only in the Region field). */
  readonly authSecretArn: pulumi.Output<string>;
  readonly authSecretName: pulumi.Output<string>;
  /** Key of the secret (replica) in each region. */
  readonly authSecretKmsKeyArns: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: GlobalCacheArgs, opts?: pulumi.ComponentResourceOptions) {
    if (args.regions.length === 0) throw new RangeError(`${name}: regions must list the environment's regions`);
    const secretPolicy = secretAccessPolicyOf(args);
    super("platform:data:GlobalCache", name, {}, opts);
    const tags = args.tags ?? {};

    // The secret's own region may be outside the environment (a global stack elsewhere): it needs a key too.
    this.authSecretKmsKeyArns = secretKeysPerRegion(`${name}-cache-auth`, [...new Set([args.homeRegion, ...args.regions])], {
      description: (region) => `${name}: the cache AUTH token secret in ${region}`,
      tags,
      parent: this,
    });

    // ElastiCache accepts 16-128 printable characters, non-alphanumerics only from ! & # $ ^ < > -.
    // Protected: the members take the token only when created (they ignore authToken afterwards,
    // as a Global Datastore requires), so a regenerated token (a changed argument, `--replace`)
    // would reach the secret and every client, never the datastore, and lock every region out.
    // A rotation puts the new token on the datastore first (docs/data-tier.md).
    const token = new random.RandomPassword(`${name}-cache-auth`, {
      length: 64,
      special: true,
      overrideSpecial: AUTH_TOKEN_SPECIALS,
      minLower: 4,
      minUpper: 4,
      minNumeric: 4,
      minSpecial: 2,
    }, { parent: this, protect: true });

    const secret = new aws.secretsmanager.Secret(`${name}-cache-auth`, {
      region: args.homeRegion,
      name: args.secretName ?? `${name}/cache/auth`,
      description: `AUTH token of the ${name} cache global datastore`,
      kmsKeyId: this.authSecretKmsKeyArns[args.homeRegion],
      recoveryWindowInDays: 30,
      // A replica in the secret's own region is refused; every other region gets one.
      replicas: args.regions.filter((r) => r !== args.homeRegion).map((region) => ({ region, kmsKeyId: this.authSecretKmsKeyArns[region] })),
      tags,
    }, { parent: this });
    new aws.secretsmanager.SecretVersion(`${name}-cache-auth`, {
      region: args.homeRegion,
      secretId: secret.id,
      secretString: pulumi.secret(pulumi.jsonStringify({ token: token.result })),
    }, { parent: this });
    if (secretPolicy !== undefined) {
      // As the Aurora master secret's: written after the secret, by the deploy the policy names.
      new aws.secretsmanager.SecretPolicy(`${name}-cache-auth`, {
        region: args.homeRegion,
        secretArn: secret.arn,
        blockPublicPolicy: true,
        policy: JSON.stringify(secretPolicy),
      }, { parent: this });
    }

    this.authToken = pulumi.secret(token.result);
    this.authSecretArn = secret.arn;
    this.authSecretName = secret.name;
    this.registerOutputs({ authSecretArn: this.authSecretArn, authSecretName: this.authSecretName, authSecretKmsKeyArns: this.authSecretKmsKeyArns });
  }
}
