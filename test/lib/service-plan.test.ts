import { describe, expect, it } from "vitest";
import { planGracefulShutdown, podRoleArnPattern, podRoleName, referenceServerConfig, regionalSecretArn, servicePolicy, targetGroupBindingGuard } from "../../components/lib/service-plan";

describe("graceful shutdown", () => {
  it("keeps a stopping pod serving longer than the target group drains it, then gives the app its time", () => {
    expect(planGracefulShutdown({ deregistrationDelaySeconds: 30 })).toEqual({ preStopSleepSeconds: 40, terminationGracePeriodSeconds: 55 });
    expect(planGracefulShutdown({ deregistrationDelaySeconds: 0, appShutdownSeconds: 5 })).toEqual({ preStopSleepSeconds: 10, terminationGracePeriodSeconds: 15 });
    expect(() => planGracefulShutdown({ deregistrationDelaySeconds: 4000 })).toThrow(/0 to 3600/);
    expect(() => planGracefulShutdown({ deregistrationDelaySeconds: 30, appShutdownSeconds: 0 })).toThrow(/>= 1/);
  });
});

describe("database wiring", () => {
  it("points at the secret's replica in the service's own region", () => {
    expect(regionalSecretArn("arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/aurora/master-AbC123", "eu-west-1")).toBe("arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/aurora/master-AbC123");
    expect(() => regionalSecretArn("arn:aws:s3:::bucket", "eu-west-1")).toThrow(/not a Secrets Manager secret ARN/);
  });

  it("grants the secret (decrypted through Secrets Manager only) and the IAM database user, nothing when neither is used", () => {
    const secretArn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbC123";
    const policy = servicePolicy({ partition: "aws", region: "eu-west-1", accountId: "123456789012", secretArn, iamDatabaseUser: "app_user", databaseClusterResourceId: "cluster-ABCDEFGHIJKLMNOP0123456789" })!;
    expect(policy.Statement.map((s) => s.Sid)).toEqual(["ReadDatabaseSecret", "DecryptDatabaseSecret", "ConnectAsIamUser"]);
    expect(policy.Statement[1].Condition).toEqual({ StringEquals: { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com", "kms:EncryptionContext:SecretARN": secretArn } });
    expect(servicePolicy({ partition: "aws", region: "eu-west-1", accountId: "123456789012" })).toBeUndefined();
  });

  it("lets the pods sign in as their IAM user on their own region's cluster only, never any cluster of the account", () => {
    const scope = { partition: "aws", region: "eu-west-1", accountId: "123456789012", iamDatabaseUser: "app_user" };
    const policy = servicePolicy({ ...scope, databaseClusterResourceId: "cluster-ABCDEFGHIJKLMNOP0123456789" })!;
    expect(policy.Statement).toEqual([{ Sid: "ConnectAsIamUser", Effect: "Allow", Action: "rds-db:connect", Resource: "arn:aws:rds-db:eu-west-1:123456789012:dbuser:cluster-ABCDEFGHIJKLMNOP0123456789/app_user" }]);
    expect(JSON.stringify(policy)).not.toMatch(/rds-db:\*|dbuser:\*/);
    expect(() => servicePolicy(scope)).toThrow(/databaseClusterResourceId "" is not an Aurora cluster resource id.*pass RegionalDatabase\.clusterResourceId/);
    expect(() => servicePolicy({ ...scope, databaseClusterResourceId: "*" })).toThrow(/databaseClusterResourceId "\*"/);
  });
});

describe("the pods' role name, for a policy written before the role exists", () => {
  it("is Pulumi's auto-name while it fits IAM's 64 characters, the explicit cut name after", () => {
    const scope = { partition: "aws", accountId: "123456789012" };
    expect(podRoleName("prod-us-east-1")).toBeUndefined();
    expect(podRoleArnPattern(scope, "prod-us-east-1")).toBe("arn:aws:iam::123456789012:role/prod-us-east-1-pods-???????");
    const long = `${"x".repeat(50)}-ap-southeast-2`;
    const explicit = podRoleName(long)!;
    expect(explicit.length).toBeLessThanOrEqual(64);
    expect(podRoleArnPattern(scope, long)).toBe(`arn:aws:iam::123456789012:role/${explicit}`);
  });
});

describe("reference server and binding guard", () => {
  it("answers the health path and every other path for any Host", () => {
    const conf = referenceServerConfig({ port: 8080, healthCheckPath: "/healthz", region: "us-east-1" });
    expect(conf).toContain("listen 8080 default_server;");
    expect(conf).toContain("location = /healthz {");
    expect(conf).toContain("reference service in us-east-1");
  });

  it("admits the controller's service account and the platform group only", () => {
    expect(targetGroupBindingGuard({ platformGroup: "platform:deployers", controllerServiceAccount: "lbc", controllerNamespace: "kube-system" })).toBe(
      "request.userInfo.username == 'system:serviceaccount:kube-system:lbc' || (has(request.userInfo.groups) && request.userInfo.groups.exists(g, g == 'platform:deployers'))",
    );
  });
});
