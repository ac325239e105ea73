/**
 * The data-tier rules over the compliant two-region fixture environment with a data tier added
 * (a global table and a cache datastore in the global/regional stacks, a distribution in the
 * global stack), broken in one place per test.
 */
import { describe, expect, it } from "vitest";
import type { RecordedResource } from "../../tools/fake-cloud";
import { evaluateEnvironment, evaluateStack, Violation } from "../../policies/evaluate";
import { arnOf, environment, holdSecret, ofPolicy, patch, PRIMARY, recorded, SECONDARY, SETTINGS } from "./fixtures";

const keyArn = (region: string) => `arn:aws:kms:${region}:123456789012:key/k-${region}`;

interface DataTier {
  table: RecordedResource;
  /** A provisioned table as GlobalTable builds it: no inline replicas, a TableReplica per other region. */
  provisionedTable: RecordedResource;
  tableReplica: RecordedResource;
  primaryCache: RecordedResource;
  datastore: RecordedResource;
  secondaryCache: RecordedResource;
  distribution: RecordedResource;
  /** Each region's HTTPS listener rules as RegionalIngress builds them behind the edge: the health check, then the header. */
  edgeRules: Record<string, { health: RecordedResource; verified: RecordedResource }>;
}

function dataTier(): { env: ReturnType<typeof environment>; data: DataTier } {
  const env = environment();
  const global = { stack: "prod", region: PRIMARY };
  const table = recorded("aws:dynamodb/table:Table", "orders", {
    name: "prod-orders",
    region: PRIMARY,
    billingMode: "PAY_PER_REQUEST",
    hashKey: "pk",
    serverSideEncryption: { enabled: true, kmsKeyArn: keyArn(PRIMARY) },
    pointInTimeRecovery: { enabled: true },
    deletionProtectionEnabled: true,
    replicas: [{ regionName: SECONDARY, kmsKeyArn: keyArn(SECONDARY), pointInTimeRecovery: true, deletionProtectionEnabled: true }],
  }, { ...global, protect: true, id: "prod-orders" });
  const catalogArn = `arn:aws:dynamodb:${PRIMARY}:123456789012:table/prod-catalog`;
  const provisionedTable = recorded("aws:dynamodb/table:Table", "catalog", {
    name: "prod-catalog",
    region: PRIMARY,
    billingMode: "PROVISIONED",
    readCapacity: 5,
    writeCapacity: 5,
    hashKey: "sku",
    serverSideEncryption: { enabled: true, kmsKeyArn: keyArn(PRIMARY) },
    pointInTimeRecovery: { enabled: true },
    deletionProtectionEnabled: true,
  }, { ...global, protect: true, id: "prod-catalog", outputs: { arn: catalogArn } });
  const tableReplica = recorded("aws:dynamodb/tableReplica:TableReplica", "catalog-replica", {
    region: SECONDARY,
    globalTableArn: catalogArn,
    kmsKeyArn: keyArn(SECONDARY),
    pointInTimeRecovery: true,
    deletionProtectionEnabled: true,
  }, { stack: "prod", region: SECONDARY, protect: true, id: `prod-catalog:${PRIMARY}` });
  const distribution = recorded("aws:cloudfront/distribution:Distribution", "edge", {
    webAclId: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/1",
    viewerCertificate: { acmCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/c", minimumProtocolVersion: "TLSv1.2_2021", sslSupportMethod: "sni-only" },
    defaultCacheBehavior: { targetOriginId: "app", viewerProtocolPolicy: "redirect-to-https" },
    orderedCacheBehaviors: [{ pathPattern: "/static/*", targetOriginId: "group", viewerProtocolPolicy: "https-only" }],
    origins: [{ originId: "app", domainName: "app.prod.example.com", customOriginConfig: { originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"], httpPort: 80, httpsPort: 443 } }],
  }, { ...global, id: "E123" });
  const member = (region: string, extra: Record<string, unknown>) => recorded("aws:elasticache/replicationGroup:ReplicationGroup", "cache", {
    replicationGroupId: `prod-${region}-cache`,
    numCacheClusters: 2,
    automaticFailoverEnabled: true,
    multiAzEnabled: true,
    kmsKeyId: keyArn(region),
    ...extra,
  }, { stack: `prod-${region}`, region, protect: true, id: `prod-${region}-cache` });
  const primaryCache = member(PRIMARY, { engine: "valkey", atRestEncryptionEnabled: true, transitEncryptionEnabled: true, authToken: "[secret]" });
  const datastore = recorded("aws:elasticache/globalReplicationGroup:GlobalReplicationGroup", "datastore", { globalReplicationGroupIdSuffix: "prod-cache", primaryReplicationGroupId: primaryCache.id },
    { stack: `prod-${PRIMARY}`, region: PRIMARY, protect: true, id: "abcde-prod-cache", outputs: { globalReplicationGroupId: "abcde-prod-cache" } });
  const secondaryCache = member(SECONDARY, { globalReplicationGroupId: "abcde-prod-cache" });

  const add = (slice: { all(): RecordedResource[] }, ...extra: RecordedResource[]) => {
    const all = slice.all.bind(slice);
    slice.all = () => [...all(), ...extra];
  };
  add(env.global, table, provisionedTable, tableReplica, distribution);
  add(env.primary, primaryCache, datastore);
  add(env.secondary, secondaryCache);
  // Behind the edge, each region's listener answers 403 itself and forwards the health check and
  // requests with the origin-verify header (whose values the plan masks with the whole conditions,
  // as the SDK keeps the whole property secret; the policies get the plain conditions).
  const edgeRules: DataTier["edgeRules"] = {};
  for (const slice of [env.primary, env.secondary]) {
    const o = { stack: `prod-${slice.region}`, region: slice.region };
    patch(slice.targetGroup, { healthCheck: { path: "/healthz" } });
    patch(slice.https, { defaultActions: [{ type: "fixed-response", fixedResponse: { statusCode: "403", contentType: "text/plain", messageBody: "Forbidden" } }] });
    const forward = [{ type: "forward", targetGroupArn: arnOf(slice.targetGroup) }];
    const health = recorded("aws:lb/listenerRule:ListenerRule", "https-health", { listenerArn: arnOf(slice.https), priority: 1, conditions: [{ pathPattern: { values: ["/healthz"] } }], actions: forward }, o);
    const verified = holdSecret(recorded("aws:lb/listenerRule:ListenerRule", "https-origin-verified", { listenerArn: arnOf(slice.https), priority: 2, actions: forward }, o), "conditions", [
      { httpHeader: { httpHeaderName: "X-Origin-Verify", values: ["generation-1-secret", "generation-2-secret"] } },
    ]);
    add(slice, health, verified);
    edgeRules[slice.region] = { health, verified };
  }
  return { env, data: { table, provisionedTable, tableReplica, primaryCache, datastore, secondaryCache, distribution, edgeRules } };
}

function all(breakIt: (d: DataTier, env: ReturnType<typeof environment>) => void = () => undefined): Violation[] {
  const { env, data } = dataTier();
  breakIt(data, env);
  const view = env.view(SETTINGS);
  return [...view.stacks.flatMap((s) => evaluateStack(s)), ...evaluateEnvironment(view)];
}
const only = (policy: string, breakIt?: (d: DataTier, env: ReturnType<typeof environment>) => void) => ofPolicy(all(breakIt), policy);
const messages = (vs: Violation[]) => vs.map((v) => v.message);

describe("the data tier as the components build it", () => {
  it("raises nothing", () => {
    expect(all()).toEqual([]);
  });
});

describe("dynamodb-global-table-every-region", () => {
  it("fails a table whose replica in one region was removed, naming the region", () => {
    const vs = only("dynamodb-global-table-every-region", (d) => patch(d.table, { replicas: [] }));
    expect(messages(vs)).toEqual([`orders (dynamodb.Table) has replicas in ${PRIMARY} but none in ${SECONDARY}: add a replica there (the environment runs in ${SECONDARY}, ${PRIMARY}).`]);
    expect(vs[0].enforcementLevel).toBe("mandatory");
    expect(vs[0].urn).toBe(dataTier().data.table.urn);
  });

  it("counts the environment's configured regions even where no stack is planned", () => {
    const vs = ofPolicy(evaluateEnvironment(dataTier().env.view({ ...SETTINGS, regions: [PRIMARY, SECONDARY, "ap-southeast-2"] })), "dynamodb-global-table-every-region");
    expect(messages(vs)).toEqual([expect.stringMatching(/^orders .*none in ap-southeast-2/), expect.stringMatching(/^catalog .*none in ap-southeast-2/)]);
  });
});

describe("dynamodb-point-in-time-recovery", () => {
  it("fails the table and, separately, a replica without point-in-time recovery", () => {
    expect(messages(only("dynamodb-point-in-time-recovery", (d) => patch(d.table, { pointInTimeRecovery: { enabled: false } })))).toEqual(["orders (dynamodb.Table) has point-in-time recovery off: set pointInTimeRecovery.enabled to true."]);
    const replicaOff = only("dynamodb-point-in-time-recovery", (d) => patch(d.table, { replicas: [{ regionName: SECONDARY, kmsKeyArn: keyArn(SECONDARY), pointInTimeRecovery: false, deletionProtectionEnabled: true }] }));
    expect(messages(replicaOff)).toEqual([`orders (dynamodb.Table): the ${SECONDARY} replica has point-in-time recovery off: set its pointInTimeRecovery to true.`]);
  });
});

describe("dynamodb-deletion-protection and dynamodb-customer-key-per-region", () => {
  it("fails a table or replica without deletion protection", () => {
    expect(only("dynamodb-deletion-protection", (d) => patch(d.table, { deletionProtectionEnabled: undefined }))).toHaveLength(1);
    expect(only("dynamodb-deletion-protection", (d) => patch(d.table, { replicas: [{ regionName: SECONDARY, kmsKeyArn: keyArn(SECONDARY), pointInTimeRecovery: true }] }))).toHaveLength(1);
  });

  it("fails an AWS-owned key, and a replica whose key is in another region", () => {
    expect(messages(only("dynamodb-customer-key-per-region", (d) => patch(d.table, { serverSideEncryption: undefined })))).toEqual([expect.stringContaining("not encrypted with a customer managed key")]);
    const wrongRegion = only("dynamodb-customer-key-per-region", (d) => patch(d.table, { replicas: [{ regionName: SECONDARY, kmsKeyArn: keyArn(PRIMARY), pointInTimeRecovery: true, deletionProtectionEnabled: true }] }));
    expect(messages(wrongRegion)).toEqual([`orders (dynamodb.Table): the ${SECONDARY} replica names a key in ${PRIMARY}; a replica can only use a key of its own region.`]);
  });
});

describe("a provisioned table with its replicas as TableReplica resources", () => {
  const dropReplica = (_d: DataTier, env: ReturnType<typeof environment>) => {
    const all = env.global.all.bind(env.global);
    env.global.all = () => all().filter((r) => r.type !== "aws:dynamodb/tableReplica:TableReplica");
  };

  it("counts the TableReplica as the table's replica in its region, and misses it when it is gone", () => {
    expect(only("dynamodb-global-table-every-region")).toEqual([]);
    expect(messages(only("dynamodb-global-table-every-region", dropReplica))).toEqual([`catalog (dynamodb.Table) has replicas in ${PRIMARY} but none in ${SECONDARY}: add a replica there (the environment runs in ${SECONDARY}, ${PRIMARY}).`]);
  });

  it("counts only the replicas that name this table", () => {
    const vs = only("dynamodb-global-table-every-region", (d) => patch(d.tableReplica, { globalTableArn: `arn:aws:dynamodb:${PRIMARY}:123456789012:table/prod-other` }));
    expect(messages(vs)).toEqual([expect.stringContaining(`catalog (dynamodb.Table) has replicas in ${PRIMARY} but none in ${SECONDARY}`)]);
  });

  it("refuses a TableReplica without point-in-time recovery or deletion protection", () => {
    expect(messages(only("dynamodb-point-in-time-recovery", (d) => patch(d.tableReplica, { pointInTimeRecovery: false })))).toEqual([`catalog-replica (dynamodb.TableReplica): the ${SECONDARY} replica has point-in-time recovery off: set its pointInTimeRecovery to true.`]);
    expect(messages(only("dynamodb-point-in-time-recovery", (d) => patch(d.tableReplica, { pointInTimeRecovery: undefined })))).toHaveLength(1);
    expect(messages(only("dynamodb-deletion-protection", (d) => patch(d.tableReplica, { deletionProtectionEnabled: undefined })))).toEqual([`catalog-replica (dynamodb.TableReplica): the ${SECONDARY} replica has no deletion protection: set its deletionProtectionEnabled to true.`]);
  });

  it("refuses a TableReplica on an AWS key or on a key of another region", () => {
    expect(messages(only("dynamodb-customer-key-per-region", (d) => patch(d.tableReplica, { kmsKeyArn: undefined })))).toEqual([`catalog-replica (dynamodb.TableReplica): the ${SECONDARY} replica uses an AWS key: give it kmsKeyArn, a customer managed key in ${SECONDARY}.`]);
    expect(messages(only("dynamodb-customer-key-per-region", (d) => patch(d.tableReplica, { kmsKeyArn: keyArn(PRIMARY) })))).toEqual([`catalog-replica (dynamodb.TableReplica): the ${SECONDARY} replica names a key in ${PRIMARY}; a replica can only use a key of its own region.`]);
  });

  it("refuses an unprotected TableReplica", () => {
    const vs = only("data-tier-protected", (d) => {
      d.tableReplica.protect = false;
    });
    expect(vs.map((v) => v.urn?.split("::").pop())).toEqual(["catalog-replica"]);
  });
});

describe("cache-global-datastore-every-region", () => {
  it("fails a datastore without a member in a region", () => {
    const vs = only("cache-global-datastore-every-region", (_d, env) => {
      const all = env.secondary.all.bind(env.secondary);
      env.secondary.all = () => all().filter((r) => r.type !== "aws:elasticache/replicationGroup:ReplicationGroup");
    });
    expect(messages(vs)).toEqual([`datastore (elasticache.GlobalReplicationGroup) has members in ${PRIMARY} but none in ${SECONDARY}: add a secondary there.`]);
  });

  it("fails a replication group in no datastore", () => {
    const vs = only("cache-global-datastore-every-region", (d) => patch(d.secondaryCache, { globalReplicationGroupId: undefined }));
    expect(vs.map((v) => v.message)).toEqual(expect.arrayContaining([expect.stringContaining("cache (elasticache.ReplicationGroup) is in no Global Datastore"), expect.stringContaining(`none in ${SECONDARY}`)]));
  });
});

describe("cache-multi-az and cache-encryption-and-auth", () => {
  it("fails a single-node group or one without automatic failover", () => {
    expect(messages(only("cache-multi-az", (d) => patch(d.primaryCache, { numCacheClusters: 1 })))).toEqual([expect.stringContaining("has 1 node(s)")]);
    expect(messages(only("cache-multi-az", (d) => patch(d.secondaryCache, { multiAzEnabled: false })))).toEqual([expect.stringContaining("multiAzEnabled false")]);
  });

  it("asks the primary for TLS, at-rest encryption and AUTH, and every member for its own key", () => {
    expect(messages(only("cache-encryption-and-auth", (d) => patch(d.primaryCache, { transitEncryptionEnabled: false, authToken: undefined })))).toEqual([
      expect.stringContaining("transitEncryptionEnabled false"),
      expect.stringContaining("accepts clients without authentication"),
    ]);
    expect(messages(only("cache-encryption-and-auth", (d) => patch(d.secondaryCache, { kmsKeyId: undefined })))).toEqual([expect.stringContaining("has no kmsKeyId")]);
    // The migration mode still takes plaintext clients.
    expect(messages(only("cache-encryption-and-auth", (d) => patch(d.primaryCache, { transitEncryptionMode: "preferred" })))).toEqual([expect.stringContaining("transitEncryptionMode preferred")]);
  });
});

describe("cloudfront-waf and cloudfront-tls-only", () => {
  it("fails a distribution without a web ACL", () => {
    expect(messages(only("cloudfront-waf", (d) => patch(d.distribution, { webAclId: undefined })))).toEqual([expect.stringContaining("has no web ACL")]);
  });

  it("fails plain-HTTP viewers, an old TLS policy, the default certificate and plain-HTTP origins", () => {
    expect(messages(only("cloudfront-tls-only", (d) => patch(d.distribution, { defaultCacheBehavior: { targetOriginId: "app", viewerProtocolPolicy: "allow-all" } })))).toEqual([expect.stringContaining("the default behaviour allows allow-all")]);
    expect(messages(only("cloudfront-tls-only", (d) => patch(d.distribution, { viewerCertificate: { acmCertificateArn: "a", minimumProtocolVersion: "TLSv1" } })))).toEqual([expect.stringContaining("minimumProtocolVersion TLSv1;")]);
    expect(messages(only("cloudfront-tls-only", (d) => patch(d.distribution, { viewerCertificate: { cloudfrontDefaultCertificate: true } })))).toEqual([expect.stringContaining("default *.cloudfront.net certificate")]);
    expect(messages(only("cloudfront-tls-only", (d) => patch(d.distribution, { origins: [{ originId: "app", domainName: "x", customOriginConfig: { originProtocolPolicy: "match-viewer", originSslProtocols: ["TLSv1", "TLSv1.2"] } }] }))))
      .toEqual([expect.stringContaining("origin app uses match-viewer"), expect.stringContaining("origin app allows TLSv1")]);
  });

  it("judges origins whose property holds a secret (the origin-verify header) by their values, as the engine hands them, though the plan shows [secret]", () => {
    const origins = (protocol: string) => [{ originId: "app", domainName: "app.prod.example.com", customHeaders: [{ name: "X-Origin-Verify", value: "the-secret" }], customOriginConfig: { originProtocolPolicy: protocol, originSslProtocols: ["TLSv1.2"] } }];
    expect(only("cloudfront-tls-only", (d) => holdSecret(d.distribution, "origins", origins("https-only")))).toEqual([]);
    const vs = only("cloudfront-tls-only", (d) => holdSecret(d.distribution, "origins", origins("http-only")));
    expect(messages(vs)).toEqual(["edge (cloudfront.Distribution): origin app uses http-only; set originProtocolPolicy https-only."]);
    expect(vs[0].message).not.toContain("the-secret");
  });
});

describe("edge-origin-verified", () => {
  const forwardAll = (_d: DataTier, env: ReturnType<typeof environment>) => patch(env.secondary.https, { defaultActions: [{ type: "forward", targetGroupArn: arnOf(env.secondary.targetGroup) }] });

  it("warns, as an advisory, about a region whose HTTPS listener still forwards every request (its direct path open)", () => {
    const vs = only("edge-origin-verified", forwardAll);
    expect(messages(vs)).toEqual([expect.stringMatching(/^https \(lb\.Listener\) of internet-facing ingress \(lb\.LoadBalancer\) forwards every request by default and no catch-all rule denies what its other rules do not take: anyone can call it directly and skip the edge's WAF\./)]);
    expect(vs[0].enforcementLevel).toBe("advisory");
    expect(vs[0].urn).toBe(dataTier().env.secondary.https.urn);
  });

  it("warns about a rule that forwards other paths without the header, the health-check path alone being fine", () => {
    const vs = only("edge-origin-verified", (d) => patch(d.edgeRules[PRIMARY].health, { conditions: [{ pathPattern: { values: ["/healthz", "/api/*"] } }] }));
    expect(messages(vs)).toEqual([expect.stringMatching(/^https-health \(lb\.ListenerRule\) on https .*forwards without the edge's origin-verify header/)]);
    // Another path than the target group's health check is no health check.
    expect(only("edge-origin-verified", (d) => patch(d.edgeRules[SECONDARY].health, { conditions: [{ pathPattern: { values: ["/status"] } }] }))).toHaveLength(1);
    // A header condition in the clear passes like the secret one.
    expect(only("edge-origin-verified", (d) => patch(d.edgeRules[PRIMARY].verified, { conditions: [{ httpHeader: { httpHeaderName: "X-Origin-Verify", values: ["a", "b"] } }] }))).toEqual([]);
  });

  it("judges conditions that hold a secret by their values (stack policies get plain outputs, as under the engine): a secret elsewhere is no header check", () => {
    const vs = only("edge-origin-verified", (d) => holdSecret(d.edgeRules[SECONDARY].verified, "conditions", [{ pathPattern: { values: ["/*"] }, queryString: [{ key: "token", value: "the-secret" }] }]));
    expect(messages(vs)).toEqual([expect.stringMatching(/^https-origin-verified \(lb\.ListenerRule\) on https .*forwards without the edge's origin-verify header/)]);
    expect(vs[0].message).not.toContain("the-secret");
  });

  describe("a listener that forwards by default, locked by a catch-all rule (as RegionalIngress builds it)", () => {
    type Slice = ReturnType<typeof environment>["primary"];
    const forward = (slice: Slice) => [{ type: "forward", targetGroupArn: arnOf(slice.targetGroup) }];
    const deny = [{ type: "fixed-response", fixedResponse: { statusCode: "403", contentType: "text/plain", messageBody: "Forbidden" } }];
    const rule = (slice: Slice, name: string, inputs: Record<string, unknown>) =>
      recorded("aws:lb/listenerRule:ListenerRule", name, { listenerArn: arnOf(slice.https), ...inputs }, { stack: `prod-${slice.region}`, region: slice.region });
    const withRules = (slice: Slice, ...rules: RecordedResource[]) => {
      const all = slice.all.bind(slice);
      slice.all = () => [...all(), ...rules];
    };
    /** Both regions: the default action forwards, and a last rule answers 403 for every path (changed by `catchAll`). */
    const catchAllLocked = (catchAll: Record<string, unknown> = {}, extra: (slice: Slice) => RecordedResource[] = () => []) => (_d: DataTier, env: ReturnType<typeof environment>) => {
      for (const slice of [env.primary, env.secondary]) {
        patch(slice.https, { defaultActions: forward(slice) });
        withRules(slice, rule(slice, "https-deny-direct", { priority: 50_000, conditions: [{ pathPattern: { values: ["/*"] } }], actions: deny, ...catchAll }), ...extra(slice));
      }
    };

    it("counts as locked: the catch-all takes every request the health and header rules did not", () => {
      expect(only("edge-origin-verified", catchAllLocked())).toEqual([]);
      expect(only("edge-origin-verified", catchAllLocked({ conditions: [{ pathPattern: { values: ["*"] } }] }))).toEqual([]);
    });

    it("does not count a last rule that forwards, or matches less than every request", () => {
      const listenerWarned = /^https \(lb\.Listener\) .*forwards every request by default and no catch-all rule denies/;
      expect(messages(only("edge-origin-verified", catchAllLocked({ actions: [{ type: "forward", targetGroupArn: "arn:tg" }] })))).toEqual([expect.stringMatching(listenerWarned), expect.stringMatching(listenerWarned)]);
      expect(only("edge-origin-verified", catchAllLocked({ conditions: [{ pathPattern: { values: ["/api/*"] } }] }))).toHaveLength(2);
      expect(only("edge-origin-verified", catchAllLocked({ conditions: [{ pathPattern: { values: ["/*"] } }, { hostHeader: { values: ["app.prod.example.com"] } }] }))).toHaveLength(2);
    });

    it("judges the forwarding rules ELB evaluates before the catch-all, and none after it (they never see a request)", () => {
      const open = (priority: number) => (slice: Slice) => [rule(slice, "https-api", { priority, conditions: [{ pathPattern: { values: ["/api/*"] } }], actions: forward(slice) })];
      const vs = only("edge-origin-verified", catchAllLocked({}, open(10)));
      expect(messages(vs)).toEqual([
        expect.stringMatching(/^https-api \(lb\.ListenerRule\) on https .*forwards without the edge's origin-verify header/),
        expect.stringMatching(/^https-api \(lb\.ListenerRule\) on https .*forwards without the edge's origin-verify header/),
      ]);
      expect(only("edge-origin-verified", catchAllLocked({ priority: 100 }, open(200)))).toEqual([]);
    });
  });

  it("says nothing without a distribution, or about an internal load balancer", () => {
    const noEdge = (d: DataTier, env: ReturnType<typeof environment>) => {
      forwardAll(d, env);
      const all = env.global.all.bind(env.global);
      env.global.all = () => all().filter((r) => r.type !== "aws:cloudfront/distribution:Distribution");
    };
    expect(only("edge-origin-verified", noEdge)).toEqual([]);
    expect(only("edge-origin-verified", (d, env) => {
      forwardAll(d, env);
      patch(env.secondary.alb, { internal: true });
    })).toEqual([]);
  });
});

describe("the CloudFront rules on a multi-tenant distribution", () => {
  const tenantDistribution = (extra: Record<string, unknown>) => recorded("aws:cloudfront/multitenantDistribution:MultitenantDistribution", "tenants", {
    comment: "tenants",
    enabled: true,
    tenantConfig: {},
    webAclId: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/1",
    viewerCertificate: { acmCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/c", minimumProtocolVersion: "TLSv1.2_2021", sslSupportMethod: "sni-only" },
    defaultCacheBehavior: { targetOriginId: "app", viewerProtocolPolicy: "redirect-to-https" },
    cacheBehaviors: [{ pathPattern: "/static/*", targetOriginId: "app", viewerProtocolPolicy: "https-only" }],
    origins: [{ id: "app", domainName: "app.prod.example.com", customOriginConfigs: [{ originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"], httpPort: 80, httpsPort: 443 }] }],
    ...extra,
  }, { stack: "prod", region: PRIMARY, id: "E456" });
  const withTenants = (extra: Record<string, unknown>) => (_d: DataTier, env: ReturnType<typeof environment>) => {
    const all = env.global.all.bind(env.global);
    env.global.all = () => [...all(), tenantDistribution(extra)];
  };
  const both = (extra: Record<string, unknown>) => messages([...only("cloudfront-waf", withTenants(extra)), ...only("cloudfront-tls-only", withTenants(extra))]);

  it("passes one built like the standard distribution", () => {
    expect(both({})).toEqual([]);
  });

  it("fails one without a web ACL, with plain-HTTP viewers or origins, or an old TLS policy", () => {
    expect(both({ webAclId: undefined })).toEqual([expect.stringMatching(/^tenants .*has no web ACL/)]);
    expect(both({ cacheBehaviors: [{ pathPattern: "/api/*", targetOriginId: "app", viewerProtocolPolicy: "allow-all" }] })).toEqual([expect.stringContaining("the /api/* behaviour allows allow-all")]);
    expect(both({ viewerCertificate: { acmCertificateArn: "a", minimumProtocolVersion: "TLSv1.1_2016", sslSupportMethod: "sni-only" } })).toEqual([expect.stringContaining("minimumProtocolVersion TLSv1.1_2016;")]);
    expect(both({ origins: [{ id: "app", domainName: "x", customOriginConfigs: [{ originProtocolPolicy: "http-only", originSslProtocols: ["TLSv1"], httpPort: 80, httpsPort: 443 }] }] })).toEqual([
      expect.stringContaining("origin app uses http-only"),
      expect.stringContaining("origin app allows TLSv1"),
    ]);
  });
});

describe("data-tier-protected", () => {
  it("fails an unprotected table, replication group or datastore", () => {
    const vs = only("data-tier-protected", (d) => {
      d.table.protect = false;
      d.datastore.protect = false;
    });
    expect(vs.map((v) => v.urn?.split("::").pop())).toEqual(["orders", "datastore"]);
  });
});
