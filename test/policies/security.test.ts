import { describe, expect, it } from "vitest";
import { STACK_TAGS } from "../../policies/arguments";
import { secretsMasked, SECRETS_MASKED_TAG } from "../../policies/config";
import { evaluateStack, PolicyConfig, Violation } from "../../policies/evaluate";
import { environment, GlobalSlice, holdSecret, ofPolicy, patch, recorded, RegionSlice } from "./fixtures";
import { conditionNarrows, publicStatementProblem } from "../../policies/rules/security-network";
import { isCredentialName, plaintextCredentials } from "../../policies/rules/security";

function run(policy: string, breakIt: (slice: RegionSlice, global: GlobalSlice) => void = () => undefined, config: PolicyConfig = {}): Violation[] {
  const env = environment();
  breakIt(env.primary, env.global);
  const [global, primary] = env.stacks();
  return ofPolicy([...evaluateStack(global, config), ...evaluateStack(primary, config)], policy);
}

const messages = (vs: Violation[]) => vs.map((v) => v.message);
/** The primary slice's stack with more resources, each made from the slice. */
const withExtra = (...make: ((s: RegionSlice) => ReturnType<typeof recorded>)[]) => (s: RegionSlice) => {
  const all = s.all;
  const added = make.map((m) => m(s));
  s.all = () => [...all(), ...added];
};
const template = (s: RegionSlice) => s.launchTemplate.inputs as Record<string, Record<string, unknown>>;

describe("launch-template-imdsv2", () => {
  it("passes required tokens with hop limit 1", () => {
    expect(run("launch-template-imdsv2")).toEqual([]);
  });

  it("fails httpTokens going back to optional", () => {
    expect(messages(run("launch-template-imdsv2", (s) => (template(s).metadataOptions.httpTokens = "optional")))).toEqual([expect.stringContaining("allows IMDSv1 (httpTokens optional)")]);
  });

  it("fails a missing metadataOptions twice: tokens and an unset hop limit", () => {
    expect(messages(run("launch-template-imdsv2", (s) => patch(s.launchTemplate, { metadataOptions: undefined })))).toEqual([
      expect.stringContaining("unset, default optional"),
      expect.stringContaining("AMI default, 2 on AL2023"),
    ]);
  });

  it("allows hop limit 2 only when configured", () => {
    const two = (s: RegionSlice) => (template(s).metadataOptions.httpPutResponseHopLimit = 2);
    expect(messages(run("launch-template-imdsv2", two))).toEqual([expect.stringContaining("at most 1")]);
    expect(run("launch-template-imdsv2", two, { "launch-template-imdsv2": { maxHopLimit: 2 } })).toEqual([]);
    expect(() => run("launch-template-imdsv2", two, { "launch-template-imdsv2": { maxHopLimit: 3 } })).toThrow(/maxHopLimit: must be <= 2/);
  });
});

describe("launch-template-encrypted-volumes", () => {
  it("passes an encrypted root volume", () => {
    expect(run("launch-template-encrypted-volumes")).toEqual([]);
  });

  it("fails an unencrypted volume and a template that declares none", () => {
    const unencrypted = (s: RegionSlice) => patch(s.launchTemplate, { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 100, encrypted: "false" } }] });
    expect(messages(run("launch-template-encrypted-volumes", unencrypted))).toEqual([expect.stringContaining("/dev/xvda is not encrypted")]);
    expect(messages(run("launch-template-encrypted-volumes", (s) => patch(s.launchTemplate, { blockDeviceMappings: undefined })))).toEqual([expect.stringContaining("declares no EBS volume")]);
  });
});

describe("launch-template-no-public-ip", () => {
  it("passes interfaces without public IPs", () => {
    expect(run("launch-template-no-public-ip")).toEqual([]);
  });

  it("fails associatePublicIpAddress \"true\"", () => {
    expect(run("launch-template-no-public-ip", (s) => patch(s.launchTemplate, { networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "true" }] }))).toHaveLength(1);
  });
});

describe("the launch-template rules on instances and volumes declared on their own", () => {
  const o = { stack: "prod-us-east-1", region: "us-east-1" };
  const hardened = { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 }, rootBlockDevice: { encrypted: true }, associatePublicIpAddress: false };
  const rules = ["launch-template-imdsv2", "launch-template-encrypted-volumes", "launch-template-no-public-ip"];
  const runAll = (extra: (s: RegionSlice) => ReturnType<typeof recorded>) => rules.flatMap((rule) => messages(run(rule, withExtra(extra))));

  it("passes a hardened instance, an instance that leaves it to its launch template, and an encrypted volume", () => {
    expect(runAll(() => recorded("aws:ec2/instance:Instance", "bastion", { ami: "ami-1", instanceType: "t3.micro", ...hardened }, o))).toEqual([]);
    expect(runAll(() => recorded("aws:ec2/instance:Instance", "from-template", { launchTemplate: { id: "lt-1", version: "$Latest" } }, o))).toEqual([]);
    expect(runAll(() => recorded("aws:ebs/volume:Volume", "data", { availabilityZone: "us-east-1a", size: 10, encrypted: true }, o))).toEqual([]);
  });

  it("fails an instance with IMDSv1, an unencrypted or undeclared root volume, an unencrypted extra volume or a public IP", () => {
    expect(runAll(() => recorded("aws:ec2/instance:Instance", "bare", { ami: "ami-1", instanceType: "t3.micro" }, o))).toEqual([
      expect.stringContaining("allows IMDSv1 (httpTokens unset, default optional)"),
      expect.stringContaining("metadata hop limit unset"),
      expect.stringContaining("declares no root volume"),
    ]);
    expect(runAll(() => recorded("aws:ec2/instance:Instance", "open", {
      ...hardened,
      metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 1 },
      rootBlockDevice: { encrypted: false },
      ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: false }],
      associatePublicIpAddress: true,
    }, o))).toEqual([
      expect.stringContaining("allows IMDSv1 (httpTokens optional)"),
      expect.stringContaining("root volume is not encrypted"),
      expect.stringContaining("volume /dev/sdf is not encrypted"),
      expect.stringContaining("associates a public IP address"),
    ]);
    // A launch template fills only what the instance leaves unset: what it sets is judged.
    expect(runAll(() => recorded("aws:ec2/instance:Instance", "override", { launchTemplate: { id: "lt-1" }, metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 1 } }, o))).toEqual([
      expect.stringContaining("allows IMDSv1 (httpTokens optional)"),
    ]);
  });

  it("fails an EBS volume that is not encrypted, or leaves it to the account default", () => {
    expect(runAll(() => recorded("aws:ebs/volume:Volume", "plain", { availabilityZone: "us-east-1a", size: 10, encrypted: false }, o))).toEqual([expect.stringContaining("is not encrypted: set encrypted to true")]);
    expect(runAll(() => recorded("aws:ebs/volume:Volume", "implicit", { availabilityZone: "us-east-1a", size: 10 }, o))).toEqual([expect.stringContaining("encrypted unset")]);
  });
});

describe("node-group-launch-template", () => {
  const o = { stack: "prod-us-east-1", region: "us-east-1" };
  const group = (extra: Record<string, unknown>) => () => recorded("aws:eks/nodeGroup:NodeGroup", "ng", { clusterName: "c", nodeRoleArn: "r", subnetIds: ["a"], scalingConfig: { minSize: 1, maxSize: 3, desiredSize: 2 }, ...extra }, o);

  it("passes the fixture's node groups and a group restricting SSH to a bastion's security group", () => {
    expect(run("node-group-launch-template")).toEqual([]);
    expect(run("node-group-launch-template", withExtra(group({ launchTemplate: { id: "lt-1", version: "1" }, remoteAccess: { ec2SshKey: "ops", sourceSecurityGroupIds: ["sg-bastion"] } })))).toEqual([]);
  });

  it("passes, at a preview, a bastion's security group created in the same change (its id still unknown)", () => {
    const env = environment();
    withExtra(group({ launchTemplate: { id: "lt-1", version: "1" }, remoteAccess: { ec2SshKey: "ops", sourceSecurityGroupIds: [{ __pulumiUnknown: true }] } }))(env.primary);
    expect(ofPolicy(evaluateStack(env.stacks()[1], {}, { asServer: true }), "node-group-launch-template")).toEqual([]);
  });

  it("fails SSH with an empty list of source security groups: EKS opens it as if unset", () => {
    expect(messages(run("node-group-launch-template", withExtra(group({ launchTemplate: { id: "lt-1", version: "1" }, remoteAccess: { ec2SshKey: "ops", sourceSecurityGroupIds: [] } }))))).toEqual([
      expect.stringContaining("opens SSH (RDP on Windows) on every node to 0.0.0.0/0"),
    ]);
  });

  it("fails a group on EKS's generated template, and SSH open to the internet", () => {
    expect(messages(run("node-group-launch-template", withExtra(group({ remoteAccess: { ec2SshKey: "ops" } }))))).toEqual([
      expect.stringContaining("has no launch template"),
      expect.stringContaining("opens SSH (RDP on Windows) on every node to 0.0.0.0/0"),
    ]);
  });
});

describe("eks-control-plane-logging", () => {
  it("passes all five log types", () => {
    expect(run("eks-control-plane-logging")).toEqual([]);
  });

  it("fails and names the missing types", () => {
    expect(messages(run("eks-control-plane-logging", (s) => patch(s.eks, { enabledClusterLogTypes: ["api", "audit"] })))).toEqual([
      expect.stringContaining("does not log authenticator, controllerManager, scheduler"),
    ]);
  });
});

describe("eks-secrets-encryption", () => {
  it("passes KMS envelope encryption of secrets", () => {
    expect(run("eks-secrets-encryption")).toEqual([]);
  });

  it("fails without encryptionConfig", () => {
    expect(run("eks-secrets-encryption", (s) => patch(s.eks, { encryptionConfig: undefined }))).toHaveLength(1);
  });
});

describe("eks-endpoint-not-public", () => {
  const vpcConfig = (s: RegionSlice, extra: Record<string, unknown>) => patch(s.eks, { vpcConfig: { subnetIds: s.privateSubnets.map((x) => x.id), ...extra } });

  it("passes a private endpoint and a public one limited to listed CIDRs", () => {
    expect(run("eks-endpoint-not-public")).toEqual([]);
    expect(run("eks-endpoint-not-public", (s) => vpcConfig(s, { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] }))).toEqual([]);
  });

  it("fails AWS's default (public, 0.0.0.0/0) and an explicit 0.0.0.0/0", () => {
    expect(messages(run("eks-endpoint-not-public", (s) => vpcConfig(s, {})))).toEqual([expect.stringContaining("no publicAccessCidrs")]);
    expect(messages(run("eks-endpoint-not-public", (s) => vpcConfig(s, { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] })))).toEqual([expect.stringContaining("open to the internet (0.0.0.0/0)")]);
  });

  it("fails the same door opened in pieces: 0.0.0.0/1 and 128.0.0.0/1", () => {
    expect(messages(run("eks-endpoint-not-public", (s) => vpcConfig(s, { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/1", "128.0.0.0/1"] })))).toEqual([expect.stringContaining("open to most of the internet")]);
    expect(run("eks-endpoint-not-public", (s) => vpcConfig(s, { endpointPublicAccess: true, publicAccessCidrs: ["10.0.0.0/8"] }))).toEqual([]);
  });
});

describe("aurora-encrypted-with-customer-key", () => {
  it("passes a cluster encrypted with its own key and an encrypted global cluster", () => {
    expect(run("aurora-encrypted-with-customer-key")).toEqual([]);
  });

  it("fails the AWS-managed key, unencrypted storage and an unencrypted global cluster", () => {
    expect(messages(run("aurora-encrypted-with-customer-key", (s) => patch(s.db, { kmsKeyId: undefined })))).toEqual([expect.stringContaining("AWS-managed RDS key")]);
    expect(messages(run("aurora-encrypted-with-customer-key", (s) => patch(s.db, { storageEncrypted: false })))).toEqual([expect.stringContaining("does not encrypt its storage")]);
    expect(messages(run("aurora-encrypted-with-customer-key", (_s, g) => patch(g.globalCluster, { storageEncrypted: undefined })))).toEqual([expect.stringContaining("db-global")]);
  });

  it("fails a key of another region, which RDS refuses when it creates the cluster", () => {
    const foreign = (s: Parameters<Parameters<typeof run>[1] & object>[0]) => patch(s.db, { kmsKeyId: "arn:aws:kms:ap-south-1:123456789012:key/0f1e2d3c" });
    expect(messages(run("aurora-encrypted-with-customer-key", foreign))).toEqual([expect.stringMatching(/names a KMS key in ap-south-1: a cluster can only use a key of its own region/)]);
  });

  it("fails the AWS-managed key named by its alias, plain or as an alias ARN, naming the value", () => {
    for (const kmsKeyId of ["alias/aws/rds", "arn:aws:kms:us-east-1:111122223333:alias/aws/rds"]) {
      expect(messages(run("aurora-encrypted-with-customer-key", (s) => patch(s.db, { kmsKeyId })))).toEqual([
        expect.stringContaining(`sets kmsKeyId to "${kmsKeyId}", the AWS-managed key alias/aws/rds`),
      ]);
    }
    expect(messages(run("aurora-encrypted-with-customer-key", (s) => patch(s.db, { kmsKeyId: "alias/aws/rds" })))[0]).toMatch(/set kmsKeyId to a customer-managed key in its region\.$/);
    // A customer's own alias is fine.
    expect(run("aurora-encrypted-with-customer-key", (s) => patch(s.db, { kmsKeyId: "arn:aws:kms:us-east-1:123456789012:alias/prod-aurora" }))).toEqual([]);
  });
});

describe("aurora-iam-authentication", () => {
  it("passes IAM authentication", () => {
    expect(run("aurora-iam-authentication")).toEqual([]);
  });

  it("fails without it", () => {
    expect(run("aurora-iam-authentication", (s) => patch(s.db, { iamDatabaseAuthenticationEnabled: undefined }))).toHaveLength(1);
  });
});

describe("aurora-backup-retention", () => {
  it("passes 14 days", () => {
    expect(run("aurora-backup-retention")).toEqual([]);
  });

  it("fails AWS's 1-day default and a configured minimum above the setting", () => {
    expect(messages(run("aurora-backup-retention", (s) => patch(s.db, { backupRetentionPeriod: undefined })))).toEqual([expect.stringContaining("1 day(s); keep at least 7")]);
    expect(run("aurora-backup-retention", () => undefined, { "aurora-backup-retention": { minRetentionDays: 21 } })).toHaveLength(1);
  });
});

describe("aurora-instance-not-public", () => {
  it("passes private instances", () => {
    expect(run("aurora-instance-not-public")).toEqual([]);
  });

  it("fails a publicly accessible instance", () => {
    expect(run("aurora-instance-not-public", (s) => patch(s.dbInstances[0], { publiclyAccessible: true })).map((v) => v.urn?.split("::").pop())).toEqual(["db-0"]);
  });
});

describe("load balancer baseline", () => {
  it("passes deletion protection, access logs and header dropping", () => {
    for (const policy of ["load-balancer-deletion-protection", "load-balancer-access-logs", "load-balancer-drop-invalid-headers"]) expect(run(policy)).toEqual([]);
  });

  it("fails each one when unset", () => {
    expect(run("load-balancer-deletion-protection", (s) => patch(s.alb, { enableDeletionProtection: undefined }))).toHaveLength(1);
    expect(messages(run("load-balancer-access-logs", (s) => patch(s.alb, { accessLogs: { bucket: "logs" } })))).toEqual([expect.stringContaining("writes no access logs")]);
    expect(run("load-balancer-drop-invalid-headers", (s) => patch(s.alb, { dropInvalidHeaderFields: false }))).toHaveLength(1);
  });

  it("does not ask a network load balancer to drop HTTP headers", () => {
    expect(run("load-balancer-drop-invalid-headers", (s) => patch(s.alb, { loadBalancerType: "network", dropInvalidHeaderFields: undefined }))).toEqual([]);
  });
});

describe("listener-https-only", () => {
  it("passes HTTPS and an HTTP listener that redirects to HTTPS", () => {
    expect(run("listener-https-only")).toEqual([]);
  });

  it("fails an HTTP listener that forwards, or redirects without switching to HTTPS", () => {
    expect(messages(run("listener-https-only", (s) => patch(s.http, { defaultActions: [{ type: "forward", targetGroupArn: "tg" }] })))).toEqual([expect.stringContaining("plain HTTP on port 80")]);
    expect(run("listener-https-only", (s) => patch(s.http, { defaultActions: [{ type: "redirect", redirect: { statusCode: "HTTP_301" } }] }))).toHaveLength(1);
    // The provider takes the protocol in any case.
    expect(messages(run("listener-https-only", (s) => patch(s.http, { protocol: "http", defaultActions: [{ type: "forward", targetGroupArn: "tg" }] })))).toEqual([expect.stringContaining("plain HTTP on port 80")]);
  });

  it("fails an HTTPS listener whose security policy still accepts TLS 1.0 or 1.1, unset included (ELB's default is 2016-08)", () => {
    expect(messages(run("listener-https-only", (s) => patch(s.https, { sslPolicy: undefined })))).toEqual([expect.stringMatching(/unset \(ELBSecurityPolicy-2016-08\), which accepts TLS below 1\.2/)]);
    for (const old of ["ELBSecurityPolicy-2016-08", "ELBSecurityPolicy-TLS-1-1-2017-01", "ELBSecurityPolicy-TLS13-1-1-2021-06", "ELBSecurityPolicy-FS-2018-06"]) {
      expect(run("listener-https-only", (s) => patch(s.https, { sslPolicy: old })), old).toHaveLength(1);
    }
    for (const modern of ["ELBSecurityPolicy-TLS13-1-3-2021-06", "ELBSecurityPolicy-TLS-1-2-Ext-2018-06", "ELBSecurityPolicy-FS-1-2-Res-2020-10", "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04"]) {
      expect(run("listener-https-only", (s) => patch(s.https, { sslPolicy: modern })), modern).toEqual([]);
    }
  });
});

describe("http-listener-rules-redirect", () => {
  const withRule = (actions: unknown[], on: "http" | "https") => (s: RegionSlice) => {
    const listener = on === "http" ? s.http : s.https;
    const rule = { ...recorded("aws:lb/listenerRule:ListenerRule", `${on}-rule`, { listenerArn: listener.outputs.arn, priority: 10, actions, conditions: [{ pathPattern: { values: ["/api/*"] } }] }, { stack: "prod-us-east-1", region: "us-east-1" }), propertyDependencies: { listenerArn: [listener.urn] } };
    const all = s.all;
    s.all = () => [...all(), rule];
  };

  it("passes redirects on the HTTP listener and forwarding on the HTTPS one", () => {
    expect(run("http-listener-rules-redirect", withRule([{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }], "http"))).toEqual([]);
    expect(run("http-listener-rules-redirect", withRule([{ type: "forward", targetGroupArn: "tg" }], "https"))).toEqual([]);
  });

  it("fails a rule that forwards on the plain HTTP listener, whatever its default action", () => {
    expect(messages(run("http-listener-rules-redirect", withRule([{ type: "forward", targetGroupArn: "tg" }], "http")))).toEqual([expect.stringMatching(/on plain HTTP listener .* does not redirect to HTTPS/)]);
  });
});

describe("load-balancer-https-listener", () => {
  it("passes an ALB with HTTPS on 443", () => {
    expect(run("load-balancer-https-listener")).toEqual([]);
  });

  it("fails an ALB without it", () => {
    expect(run("load-balancer-https-listener", (s) => {
      s.https = patch(s.https, { port: 8443 });
    }).map((v) => v.urn?.split("::").pop())).toEqual(["ingress"]);
  });
});

describe("vpc-flow-logs", () => {
  it("passes a VPC with a flow log", () => {
    expect(run("vpc-flow-logs")).toEqual([]);
  });

  it("fails a VPC whose flow log watches something else", () => {
    expect(run("vpc-flow-logs", (s) => patch(s.flowLog, { vpcId: undefined, subnetId: s.privateSubnets[0].id }))).toHaveLength(1);
  });
});

describe("kms-key-rotation", () => {
  it("passes a rotating symmetric key and skips an asymmetric one (DNSSEC signing)", () => {
    expect(run("kms-key-rotation")).toEqual([]);
    // Keys of a custom key store cannot rotate automatically.
    expect(run("kms-key-rotation", (s) => patch(s.key, { enableKeyRotation: false, customKeyStoreId: "cks-1234567890abcdef0" }))).toEqual([]);
    expect(run("kms-key-rotation", (s) => patch(s.key, { enableKeyRotation: undefined, customerMasterKeySpec: "ECC_NIST_P256", keyUsage: "SIGN_VERIFY" }))).toEqual([]);
  });

  it("fails a symmetric key without rotation or with too long a period", () => {
    expect(run("kms-key-rotation", (s) => patch(s.key, { enableKeyRotation: false }))).toHaveLength(1);
    expect(messages(run("kms-key-rotation", (s) => patch(s.key, { rotationPeriodInDays: 730 })))).toEqual([expect.stringContaining("every 730 days; at most 365")]);
  });
});

describe("no-plaintext-secrets", () => {
  const lambda = (variables: Record<string, string>) => (s: RegionSlice) => {
    const fn = recorded("aws:lambda/function:Function", "rotator", { role: "arn:aws:iam::123456789012:role/rotator", environment: { variables } }, { stack: "prod-us-east-1", region: s.region });
    s.all = ((all) => () => [...all(), fn])(s.all);
  };

  it("passes secrets, and references that only name a secret", () => {
    expect(run("no-plaintext-secrets")).toEqual([]);
    expect(run("no-plaintext-secrets", lambda({ DB_PASSWORD: "[secret]", DB_SECRET: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db", LOG_LEVEL: "info" }))).toEqual([]);
  });

  it("fails a plaintext credential at any depth, named in any case", () => {
    expect(messages(run("no-plaintext-secrets", lambda({ DB_PASSWORD: "hunter2", API_TOKEN: "t0ken" })))).toEqual([
      expect.stringContaining("environment.variables.DB_PASSWORD in plaintext"),
      expect.stringContaining("environment.variables.API_TOKEN in plaintext"),
    ]);
  });

  it("judges secretness from the masks, though the harness holds the secrets' values for the other rules", () => {
    // As the fake cloud records a secret variable: the whole `environment` property secret.
    const secretLambda = (s: RegionSlice) => {
      const fn = holdSecret(recorded("aws:lambda/function:Function", "secret-rotator", { role: "arn:aws:iam::123456789012:role/rotator" }, { stack: "prod-us-east-1", region: s.region }), "environment", { variables: { DB_PASSWORD: "hunter2" } });
      s.all = ((all) => () => [...all(), fn])(s.all);
    };
    expect(run("no-plaintext-secrets", secretLambda)).toEqual([]);
    // Its stand-in for the engine: secretness is not visible there, so it does not run.
    const env = environment();
    secretLambda(env.primary);
    lambda({ API_TOKEN: "t0ken" })(env.primary);
    expect(ofPolicy(evaluateStack(env.stacks()[1], {}, { asServer: true }), "no-plaintext-secrets")).toEqual([]);
    expect(messages(ofPolicy(evaluateStack(env.stacks()[1]), "no-plaintext-secrets"))).toEqual([expect.stringContaining("environment.variables.API_TOKEN in plaintext")]);
  });

  it("trusts only the harness's own mark, not a stack tag anyone can set on a real stack", () => {
    // `pulumi stack tag set platform:secrets-masked true`: the engine hands policies the backend's tags.
    expect(secretsMasked(new Map([[SECRETS_MASKED_TAG, "true"]]))).toBe(false);
    expect(secretsMasked(STACK_TAGS)).toBe(true);
    expect(secretsMasked(new Map())).toBe(false);
  });

  it("fails a credential-named { name, value } pair, as a container's env writes it, and passes references and names of secrets", () => {
    const deployment = (env: unknown[]) => (s: RegionSlice) => {
      const d = recorded("kubernetes:apps/v1:Deployment", "app", { metadata: { name: "app" }, spec: { template: { spec: { containers: [{ name: "app", image: "app:1", env }] } } } }, { stack: "prod-us-east-1", region: s.region });
      s.all = ((all) => () => [...all(), d])(s.all);
    };
    expect(messages(run("no-plaintext-secrets", deployment([{ name: "LOG_LEVEL", value: "info" }, { name: "DB_PASSWORD", value: "hunter2" }, { name: "api-token", value: "t0ken" }])))).toEqual([
      expect.stringContaining("receives spec.template.spec.containers[0].env[1].value (name DB_PASSWORD) in plaintext: pass it as a Pulumi secret"),
      expect.stringContaining("containers[0].env[2].value (name api-token) in plaintext"),
    ]);
    // The reference service's own variables (components/service.ts, the data tier's binding) name
    // secrets by ARN; a secret's name, a file path, a secretKeyRef, a mask or an empty value hold none.
    expect(run("no-plaintext-secrets", deployment([
      { name: "DB_SECRET_ARN", value: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db" },
      { name: "CACHE_AUTH_SECRET_ARN", value: "arn:aws:secretsmanager:us-east-1:123456789012:secret:cache" },
      { name: "DB_SECRET_NAME", value: "prod/db/master" },
      { name: "DB_PASSWORD_FILE", value: "/var/run/secrets/db" },
      { name: "DB_IAM_USER", value: "app" },
      { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } },
      { name: "API_TOKEN", value: "[secret]" },
      { name: "CLIENT_SECRET", value: "" },
    ]))).toEqual([]);
    expect(["DB_PASSWORD", "client-secret", "GITHUB_TOKEN", "db_secret_arn", "CACHE_AUTH_SECRET_ARN", "DB_SECRET_NAME"].map(isCredentialName)).toEqual([true, true, true, false, false, false]);
    expect(plaintextCredentials({ name: "DB_PASSWORD", value: "hunter2" }, "", [])).toEqual(["value (name DB_PASSWORD)"]);
  });

  it("fails credentials in a provider's inputs", () => {
    const provider = (s: RegionSlice) => {
      const p = recorded("pulumi:providers:aws", "static-keys", { region: s.region, accessKey: "AKIAEXAMPLE", secretKey: "wJalrXUtnFEMI" }, { stack: "prod-us-east-1", region: s.region });
      s.all = ((all) => () => [...all(), p])(s.all);
    };
    expect(messages(run("no-plaintext-secrets", provider))).toEqual([expect.stringContaining("secretKey in plaintext")]);
  });
});

describe("security-group-no-world-ingress", () => {
  const o = { stack: "prod-us-east-1", region: "us-east-1" };
  const group = (name: string, inputs: Record<string, unknown> = {}) => () => recorded("aws:ec2/securityGroup:SecurityGroup", name, { vpcId: "vpc-1", ...inputs }, { ...o, id: `sg-${name}` });
  const balancer = (securityGroups: string[], internal = false) => () => recorded("aws:lb/loadBalancer:LoadBalancer", "public", { loadBalancerType: "application", internal, securityGroups, enableDeletionProtection: true, dropInvalidHeaderFields: true, accessLogs: { bucket: "logs", enabled: true } }, o);
  const vpcRule = (name: string, securityGroupId: string, inputs: Record<string, unknown>) => () => recorded("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", name, { securityGroupId, ipProtocol: "tcp", ...inputs }, o);

  it("lets the internet reach an internet-facing load balancer's group on 80 and 443, in each of the three ways to write a rule", () => {
    expect(run("security-group-no-world-ingress", withExtra(
      group("alb"),
      group("alb-inline", { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }, { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["10.0.0.0/16"] }] }),
      balancer(["sg-alb", "sg-alb-inline"]),
      vpcRule("alb-https", "sg-alb", { fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" }),
      () => recorded("aws:ec2/securityGroupRule:SecurityGroupRule", "alb-http", { type: "ingress", securityGroupId: "sg-alb", protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] }, o),
      // Egress to the internet is not its business.
      () => recorded("aws:ec2/securityGroupRule:SecurityGroupRule", "out", { type: "egress", securityGroupId: "sg-alb", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }, o),
    ))).toEqual([]);
  });

  it("fails SSH, every port, or a range open to the internet, naming the rule", () => {
    const found = messages(run("security-group-no-world-ingress", withExtra(
      vpcRule("ssh", "sg-nodes", { fromPort: 22, toPort: 22, cidrIpv6: "::/0" }),
      () => recorded("aws:ec2/securityGroupRule:SecurityGroupRule", "everything", { type: "ingress", securityGroupId: "sg-other", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }, o),
      group("range", { ingress: [{ protocol: "tcp", fromPort: 80, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }] }),
    )));
    expect(found).toEqual([
      expect.stringMatching(/range \(ec2\.SecurityGroup\) ingress\[0\] admits 0\.0\.0\.0\/0 on tcp 80-443: only 80 and 443 may face the internet/),
      expect.stringMatching(/^ssh \(vpc\.SecurityGroupIngressRule\) admits ::\/0 on tcp 22: only 80 and 443 may face the internet, on an internet-facing load balancer's security group/),
      expect.stringMatching(/^everything \(ec2\.SecurityGroupRule\) admits 0\.0\.0\.0\/0 on every port and protocol: /),
    ]);
  });

  it("fails the internet in pieces: CIDRs of one group that add up to it on a port, across rules", () => {
    const found = messages(run("security-group-no-world-ingress", withExtra(
      group("db"),
      // Each a /8 at most (not open alone), together more: on one port, and through every port.
      vpcRule("db-a", "sg-db", { fromPort: 5432, toPort: 5432, cidrIpv4: "11.0.0.0/8" }),
      () => recorded("aws:ec2/securityGroupRule:SecurityGroupRule", "db-b", { type: "ingress", securityGroupId: "sg-db", protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["12.0.0.0/8"] }, o),
      vpcRule("db-v6", "sg-db", { fromPort: 5432, toPort: 5432, cidrIpv6: "2000::/13" }),
      group("v6", { ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, ipv6CidrBlocks: ["2008::/13", "2010::/13"] }] }),
      vpcRule("v6-more", "sg-v6", { fromPort: 22, toPort: 22, cidrIpv6: "2018::/13" }),
      // Pieces on ports of their own, and private ranges however many: not the internet.
      group("cache", { ingress: [
        { protocol: "tcp", fromPort: 6379, toPort: 6379, cidrBlocks: ["11.0.0.0/8"] },
        { protocol: "tcp", fromPort: 6380, toPort: 6380, cidrBlocks: ["12.0.0.0/8"] },
        { protocol: "tcp", fromPort: 6379, toPort: 6379, cidrBlocks: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"], ipv6CidrBlocks: ["fd00::/8"] },
      ] }),
    )));
    const pieces = "which with the group's other rules on those ports adds up to more than a /8 of IPv4 or a /12 of IPv6 (the internet in pieces): only 80 and 443 may face the internet";
    expect(found).toHaveLength(4);
    expect(found).toEqual(expect.arrayContaining([
      `v6 (ec2.SecurityGroup) ingress[0] admits 2008::/13 and 2010::/13 on tcp 22, ${pieces}, on an internet-facing load balancer's security group; admit the clients' own CIDRs, another security group or a prefix list instead.`,
      expect.stringContaining(`db-b (ec2.SecurityGroupRule) admits 12.0.0.0/8 on every port and protocol, ${pieces}`),
      expect.stringContaining(`db-a (vpc.SecurityGroupIngressRule) admits 11.0.0.0/8 on tcp 5432, ${pieces}`),
      expect.stringContaining(`v6-more (vpc.SecurityGroupIngressRule) admits 2018::/13 on tcp 22, ${pieces}`),
    ]));
    // 2000::/13 alone on 5432: 12.0.0.0/8 on every port is IPv4, and a /13 is no /12.
    expect(found.join("\n")).not.toContain("db-v6");
  });

  it("exempts 80 and 443 only on an internet-facing load balancer's group: 443 on a database's, or an internal one's, fails", () => {
    const found = messages(run("security-group-no-world-ingress", withExtra(
      group("db"),
      group("internal-lb"),
      balancer(["sg-internal-lb"], true),
      vpcRule("db-https", "sg-db", { fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" }),
      vpcRule("internal-https", "sg-internal-lb", { fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" }),
      vpcRule("db-https-pieces", "sg-other", { fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/1" }),
      vpcRule("db-https-pieces-2", "sg-other", { fromPort: 443, toPort: 443, cidrIpv4: "128.0.0.0/1" }),
    )));
    expect(found).toEqual([
      expect.stringMatching(/^db-https \(vpc\.SecurityGroupIngressRule\) admits 0\.0\.0\.0\/0 on tcp 443: only an internet-facing load balancer's security group may admit the internet, and no internet-facing load balancer of this stack carries db \(ec2\.SecurityGroup\);/),
      expect.stringMatching(/^internal-https .* no internet-facing load balancer of this stack carries internal-lb/),
      expect.stringMatching(/^db-https-pieces .* carries security group sg-other;/),
      expect.stringMatching(/^db-https-pieces-2 /),
    ]);
  });
});

describe("s3-not-public", () => {
  const o = { stack: "prod-us-east-1", region: "us-east-1" };
  const policy = (statements: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

  it("passes a fully closed public access block and policies for named principals, narrowed anyone, or a TLS-only deny", () => {
    expect(run("s3-not-public", withExtra(
      () => recorded("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "logs", { bucket: "logs", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, o),
      () => recorded("aws:s3/bucketPolicy:BucketPolicy", "logs", { bucket: "logs", policy: policy([
        { Effect: "Allow", Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" }, Action: "s3:PutObject", Resource: "arn:aws:s3:::logs/*" },
        { Effect: "Allow", Principal: { AWS: "*" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::logs/*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } } },
        { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "arn:aws:s3:::logs/*", Condition: { Bool: { "aws:SecureTransport": "false" } } },
      ]) }, o),
    ))).toEqual([]);
  });

  it("fails a public access block with a setting off, and a policy allowing anyone without a condition naming who", () => {
    expect(messages(run("s3-not-public", withExtra(
      () => recorded("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "site", { bucket: "site", blockPublicAcls: true, blockPublicPolicy: false, ignorePublicAcls: true, restrictPublicBuckets: false }, o),
      () => recorded("aws:s3/bucketPolicy:BucketPolicy", "site", { bucket: "site", policy: policy([{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::site/*", Condition: { Bool: { "aws:SecureTransport": "true" } } }]) }, o),
    )))).toEqual([
      expect.stringMatching(/leaves blockPublicPolicy, restrictPublicBuckets off/),
      expect.stringMatching(/allows anyone \(statement 0, Principal "\*"\) without a condition naming who/),
    ]);
    // The policy input may be a document object rather than JSON text.
    expect(run("s3-not-public", withExtra(() => recorded("aws:s3/bucketPolicy:BucketPolicy", "object", { bucket: "site", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::site/*" }] } }, o)))).toHaveLength(1);
  });
});

describe("s3-not-public's judgement of a statement", () => {
  const toAnyone = (Condition?: unknown) => ({ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::site/*", ...(Condition ? { Condition } : {}) });

  it("takes a positive operator on a narrowing key with fixed values as naming who", () => {
    for (const condition of [
      { StringEquals: { "aws:SourceAccount": "123456789012" } },
      { ArnLike: { "aws:SourceArn": "arn:aws:cloudfront::123456789012:distribution/E2ABC" } },
      { StringEquals: { "aws:PrincipalOrgID": ["o-abc123"] }, Bool: { "aws:SecureTransport": "true" } },
      { IpAddress: { "aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"] } },
    ]) expect(publicStatementProblem(toAnyone(condition), 0)).toBeUndefined();
  });

  it("refuses negations, IfExists, Null, set qualifiers, wildcards and variables, and an internet-wide aws:SourceIp", () => {
    for (const condition of [
      { StringNotEquals: { "aws:SourceAccount": "123456789012" } },
      { StringLike: { "aws:PrincipalArn": "*" } },
      { ArnLike: { "aws:SourceArn": "arn:aws:cloudfront::*:distribution/*" } },
      { StringEquals: { "aws:PrincipalAccount": "${aws:PrincipalAccount}" } },
      { StringEqualsIfExists: { "aws:SourceAccount": "123456789012" } },
      { Null: { "aws:SourceAccount": "false" } },
      { "ForAllValues:StringEquals": { "aws:SourceVpce": ["vpce-1"] } },
      { StringEquals: { "aws:SourceAccount": [] } },
      { IpAddress: { "aws:SourceIp": ["0.0.0.0/1", "128.0.0.0/1"] } },
      { Bool: { "aws:SecureTransport": "true" } },
    ]) expect(publicStatementProblem(toAnyone(condition), 3)).toMatch(/^allows anyone \(statement 3, Principal "\*"\) without a condition naming who \(none of its conditions, .+, names one\): the bucket is public/);
    expect(publicStatementProblem(toAnyone(), 0)).toMatch(/without a condition naming who: the bucket is public\. Name the principals/);
    expect(conditionNarrows({ StringEquals: { "aws:SourceAccount": "123456789012" }, StringNotEquals: { "aws:SourceAccount": "1" } })).toBe(true);
  });

  it("takes \"*\" in any principal field as anyone, and Allow with NotPrincipal as public whatever its condition", () => {
    expect(publicStatementProblem({ Effect: "Allow", Principal: { AWS: ["arn:aws:iam::123456789012:root", "*"] } }, 0)).toMatch(/allows anyone/);
    expect(publicStatementProblem({ Effect: "Allow", Principal: { CanonicalUser: "*" } }, 0)).toMatch(/allows anyone/);
    expect(publicStatementProblem({ Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::123456789012:root" }, Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } }, 1))
      .toBe('allows everyone but its NotPrincipal (statement 1, Effect "Allow" with NotPrincipal): the bucket is public. Name who may call with Principal instead.');
    expect(publicStatementProblem({ Effect: "Deny", NotPrincipal: { AWS: "arn:aws:iam::123456789012:root" } }, 0)).toBeUndefined();
    expect(publicStatementProblem({ Effect: "Allow", Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" } }, 0)).toBeUndefined();
  });

  it("reports such a bucket policy in the stack", () => {
    const o = { stack: "prod-us-east-1", region: "us-east-1" };
    const policy = JSON.stringify({ Version: "2012-10-17", Statement: [toAnyone({ StringNotEquals: { "aws:SourceAccount": "123456789012" } })] });
    expect(messages(run("s3-not-public", withExtra(() => recorded("aws:s3/bucketPolicy:BucketPolicy", "negated", { bucket: "site", policy }, o))))).toEqual([
      expect.stringMatching(/^negated \(s3\.BucketPolicy\) allows anyone \(statement 0, Principal "\*"\) without a condition naming who \(none of its conditions, StringNotEquals, names one\)/),
    ]);
  });
});

describe("messaging-encrypted", () => {
  const o = { stack: "prod-us-east-1", region: "us-east-1" };

  it("passes a topic with a KMS key and queues on SSE-SQS (the default) or a key", () => {
    expect(run("messaging-encrypted", withExtra(
      () => recorded("aws:sns/topic:Topic", "alarms", { kmsMasterKeyId: "arn:aws:kms:us-east-1:123456789012:key/abc" }, o),
      () => recorded("aws:sqs/queue:Queue", "events", {}, o),
      () => recorded("aws:sqs/queue:Queue", "keyed", { sqsManagedSseEnabled: false, kmsMasterKeyId: "alias/queue" }, o),
    ))).toEqual([]);
  });

  it("fails a topic without a key (SNS encrypts nothing by default) and a queue with SSE-SQS turned off", () => {
    expect(messages(run("messaging-encrypted", withExtra(
      () => recorded("aws:sns/topic:Topic", "plain", {}, o),
      () => recorded("aws:sqs/queue:Queue", "plain", { sqsManagedSseEnabled: false }, o),
    )))).toEqual([expect.stringMatching(/plain .*is not encrypted: set kmsMasterKeyId/), expect.stringMatching(/turns SSE-SQS off without a KMS key/)]);
  });

  it("fails a topic on the AWS-managed SNS key, by alias or alias ARN: CloudWatch cannot publish with it", () => {
    const managed = ["alias/aws/sns", "arn:aws:kms:us-east-1:111122223333:alias/aws/sns"];
    const violations = messages(run("messaging-encrypted", withExtra(...managed.map((kmsMasterKeyId, i) => () => recorded("aws:sns/topic:Topic", `managed-${i}`, { kmsMasterKeyId }, o)))));
    expect(violations).toEqual(managed.map((key) => expect.stringContaining(`sets kmsMasterKeyId to "${key}", the AWS-managed key alias/aws/sns`)));
    for (const v of violations) expect(v).toMatch(/cloudwatch\.amazonaws\.com.*Set kmsMasterKeyId to a customer-managed key/);
    // A queue may keep AWS's SQS key (any KMS key or SSE-SQS is fine there), a topic its own alias.
    expect(run("messaging-encrypted", withExtra(
      () => recorded("aws:sqs/queue:Queue", "managed", { kmsMasterKeyId: "alias/aws/sqs" }, o),
      () => recorded("aws:sns/topic:Topic", "own", { kmsMasterKeyId: "alias/alarms" }, o),
    ))).toEqual([]);
  });
});

describe("secrets-encrypted-with-customer-key", () => {
  const o = { stack: "prod", region: "us-east-1" };
  const secret = (inputs: Record<string, unknown>) => () => recorded("aws:secretsmanager/secret:Secret", "master", { name: "db/master", ...inputs }, o);
  const key = (region: string) => `arn:aws:kms:${region}:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

  it("passes a secret and its replicas on customer keys", () => {
    expect(run("secrets-encrypted-with-customer-key", withExtra(secret({ kmsKeyId: key("us-east-1"), replicas: [{ region: "eu-west-1", kmsKeyId: key("eu-west-1") }] })))).toEqual([]);
  });

  it("fails a secret without a key and a replica without one, naming the replica's region and index", () => {
    expect(messages(run("secrets-encrypted-with-customer-key", withExtra(secret({ replicas: [{ region: "eu-west-1", kmsKeyId: key("eu-west-1") }, { region: "us-west-2" }] }))))).toEqual([
      expect.stringContaining("names no kmsKeyId, so Secrets Manager uses aws/secretsmanager"),
      expect.stringMatching(/replica in us-west-2 names no kmsKeyId .* replicas\[1\]\.kmsKeyId/),
    ]);
  });

  it("fails aws/secretsmanager named by alias, on the secret or a replica", () => {
    expect(messages(run("secrets-encrypted-with-customer-key", withExtra(secret({ kmsKeyId: "alias/aws/secretsmanager", replicas: [{ region: "eu-west-1", kmsKeyId: "arn:aws:kms:eu-west-1:111122223333:alias/aws/secretsmanager" }] }))))).toEqual([
      expect.stringContaining("the AWS-managed key alias/aws/secretsmanager"),
      expect.stringMatching(/replica in eu-west-1 uses the AWS-managed key alias\/aws\/secretsmanager/),
    ]);
  });
});
