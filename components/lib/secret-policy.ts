/**
 * Resource policies of the secrets the global stack owns (the Aurora master credentials, the
 * cache AUTH token): who may read the value, and who may change what protects it. No resources
 * here; the components only attach what this decides.
 */

/**
 * Actions that change the secret's protection or its value. Reserved to the deployers: anyone
 * else with Secrets Manager write and kms:Decrypt (PowerUserAccess, say) could otherwise remove or
 * rewrite the resource policy and then read the value (PutResourcePolicy, DeleteResourcePolicy),
 * take a replica out of the primary's policy (StopReplicationToReplica makes it a standalone
 * secret) or add a region whose copy they control (ReplicateSecretToRegions,
 * RemoveRegionsFromReplication), or put a value of their own where every client reads it
 * (PutSecretValue, UpdateSecret, UpdateSecretVersionStage; RotateSecret, whose function would).
 */
export const SECRET_PROTECTION_ACTIONS = [
  "secretsmanager:PutResourcePolicy",
  "secretsmanager:DeleteResourcePolicy",
  "secretsmanager:StopReplicationToReplica",
  "secretsmanager:ReplicateSecretToRegions",
  "secretsmanager:RemoveRegionsFromReplication",
  "secretsmanager:PutSecretValue",
  "secretsmanager:UpdateSecret",
  "secretsmanager:UpdateSecretVersionStage",
  "secretsmanager:RotateSecret",
] as const;

export interface SecretAccess {
  /**
   * `aws:PrincipalArn` patterns (`StringNotLike`: `*` and `?` work; an assumed role's ARN is the
   * role's) that may read the value. Every other principal of the account is denied
   * GetSecretValue, whatever its IAM policies allow.
   */
  readonly readers: readonly string[];
  /**
   * The identities that deploy (the deploy role, operators deploying by hand): the only ones that
   * may change the policy, the replicas and the value (`SECRET_PROTECTION_ACTIONS`). Each must be
   * a reader too: the deploy writes the value and the provider reads it back.
   */
  readonly deployers: readonly string[];
}

/**
 * The secret's resource policy: two Deny statements, no Allow (IAM policies still grant; these
 * only take away). Deny rather than an allow list keeps the deploy's everyday calls
 * (DescribeSecret, GetResourcePolicy, TagResource) working, and a Deny whose condition names the
 * deployers cannot lock them out, on the first deploy (the policy is written after the secret, by
 * them) or any later one. Secrets Manager copies the policy to every replica.
 */
export function secretAccessPolicy(access: SecretAccess): object {
  if (access.deployers.length === 0) {
    throw new Error("secret policy: deployers is empty; name at least the identity that deploys (platform:deployIdentityArn), or no deploy could change the secret again");
  }
  if (access.readers.length === 0) {
    throw new Error("secret policy: readers is empty; name at least the identity that writes the secret's value (it reads it back)");
  }
  const notReading = access.deployers.filter((d) => !access.readers.includes(d));
  if (notReading.length > 0) {
    throw new Error(`secret policy: deployers ${notReading.join(", ")} are not among the readers; add them to the readers (a deploy writes the value and the provider reads it back)`);
  }
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "OnlyNamedReadersGetTheValue",
        Effect: "Deny",
        Principal: "*",
        Action: "secretsmanager:GetSecretValue",
        Resource: "*",
        Condition: { StringNotLike: { "aws:PrincipalArn": [...new Set(access.readers)] } },
      },
      {
        Sid: "OnlyDeployersChangePolicyReplicasOrValue",
        Effect: "Deny",
        Principal: "*",
        Action: [...SECRET_PROTECTION_ACTIONS],
        Resource: "*",
        Condition: { StringNotLike: { "aws:PrincipalArn": [...new Set(access.deployers)] } },
      },
    ],
  };
}

/**
 * The policy a component's `secretReaderPrincipalArns` and `secretDeployerPrincipalArns` ask for:
 * none when neither is given, refused when only one is (readers alone leave the policy open to
 * rewriting by anyone with Secrets Manager write access).
 */
export function secretAccessPolicyOf(args: { secretReaderPrincipalArns?: readonly string[]; secretDeployerPrincipalArns?: readonly string[] }): object | undefined {
  const { secretReaderPrincipalArns: readers, secretDeployerPrincipalArns: deployers } = args;
  if (readers === undefined && deployers === undefined) return undefined;
  if (readers === undefined || deployers === undefined) {
    const [given, missing] = readers === undefined ? ["secretDeployerPrincipalArns", "secretReaderPrincipalArns"] : ["secretReaderPrincipalArns", "secretDeployerPrincipalArns"];
    throw new Error(`${given} is given without ${missing}: the secret's policy needs both (readers alone would let anyone with Secrets Manager write access rewrite it and read the value); give ${missing} too, or neither for no policy`);
  }
  return secretAccessPolicy({ readers, deployers });
}
