import { describe, expect, it } from "vitest";
import { SECRET_PROTECTION_ACTIONS, secretAccessPolicy, secretAccessPolicyOf } from "../../components/lib/secret-policy";

const DEPLOY = "arn:aws:iam::123456789012:role/platform-deploy";
const ADMIN = "arn:aws:iam::123456789012:role/platform-admin";
const PODS = "arn:aws:iam::123456789012:role/prod-us-east-1-pods-???????";

type Statement = { Sid: string; Effect: string; Principal: string; Action: string | string[]; Resource: string; Condition: { StringNotLike: { "aws:PrincipalArn": string[] } } };
const statements = (policy: object) => (policy as { Statement: Statement[] }).Statement;

/** Would the policy deny `action` to `principalArn`? (StringNotLike on aws:PrincipalArn, `*` and `?` wildcards.) */
function denies(policy: object, action: string, principalArn: string): boolean {
  const like = (pattern: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`).test(principalArn);
  return statements(policy).some((st) => st.Effect === "Deny" && [st.Action].flat().includes(action) && !st.Condition.StringNotLike["aws:PrincipalArn"].some(like));
}

describe("secret resource policy", () => {
  const policy = secretAccessPolicy({ readers: [DEPLOY, ADMIN, PODS], deployers: [DEPLOY, ADMIN] });
  const powerUser = "arn:aws:iam::123456789012:role/AWSReservedSSO_PowerUserAccess_0123456789abcdef";
  const pod = "arn:aws:iam::123456789012:role/prod-us-east-1-pods-1a2b3c4";

  it("closes every way around the readers' list to anyone but the deployers: policy, replicas, value", () => {
    for (const action of [
      "secretsmanager:PutResourcePolicy", "secretsmanager:DeleteResourcePolicy", "secretsmanager:StopReplicationToReplica",
      "secretsmanager:ReplicateSecretToRegions", "secretsmanager:RemoveRegionsFromReplication", "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecret",
    ]) {
      expect(SECRET_PROTECTION_ACTIONS).toContain(action);
      expect(denies(policy, action, powerUser), `${action} by a power user`).toBe(true);
      expect(denies(policy, action, pod), `${action} by a pod, a reader`).toBe(true);
    }
    expect(denies(policy, "secretsmanager:GetSecretValue", powerUser)).toBe(true);
    expect(denies(policy, "secretsmanager:GetSecretValue", pod)).toBe(false);
  });

  it("leaves the deployers every action a deploy makes: creating the policy, adding and removing replicas, a rotated value, reading it back", () => {
    for (const deployer of [DEPLOY, ADMIN]) {
      for (const action of [...SECRET_PROTECTION_ACTIONS, "secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy", "secretsmanager:TagResource"]) {
        expect(denies(policy, action, deployer), `${action} by ${deployer}`).toBe(false);
      }
    }
  });

  it("refuses lists that would lock the deploy out", () => {
    expect(() => secretAccessPolicy({ readers: [DEPLOY], deployers: [] })).toThrow(/deployers is empty; name at least the identity that deploys/);
    expect(() => secretAccessPolicy({ readers: [], deployers: [DEPLOY] })).toThrow(/readers is empty; name at least the identity that writes/);
    expect(() => secretAccessPolicy({ readers: [ADMIN], deployers: [DEPLOY] })).toThrow(/deployers arn:aws:iam::123456789012:role\/platform-deploy are not among the readers; add them to the readers/);
  });

  it("writes a policy for both lists, none for neither, and refuses readers alone", () => {
    expect(secretAccessPolicyOf({})).toBeUndefined();
    expect(secretAccessPolicyOf({ secretReaderPrincipalArns: [DEPLOY], secretDeployerPrincipalArns: [DEPLOY] })).toEqual(secretAccessPolicy({ readers: [DEPLOY], deployers: [DEPLOY] }));
    expect(() => secretAccessPolicyOf({ secretReaderPrincipalArns: [DEPLOY] })).toThrow(/secretReaderPrincipalArns is given without secretDeployerPrincipalArns/);
    expect(() => secretAccessPolicyOf({ secretDeployerPrincipalArns: [DEPLOY] })).toThrow(/secretDeployerPrincipalArns is given without secretReaderPrincipalArns/);
  });
});
