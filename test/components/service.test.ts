import { beforeAll, describe, expect, it } from "vitest";
import { installFakeCloud, settle, type FakeCloud, type RecordedResource } from "../../tools/fake-cloud";
import type * as k8sType from "@pulumi/kubernetes";
import type { RegionalService as RegionalServiceType, RegionalServiceArgs } from "../../components/service";

let cloud: FakeCloud;
let RegionalService: typeof RegionalServiceType;
let provider: k8sType.Provider;
let controller: k8sType.helm.v3.Release;

const TG = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/prod-tg/0123456789abcdef";
const SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/aurora/master-AbC123";
const base = (): RegionalServiceArgs => ({
  region: "eu-west-1",
  clusterName: "prod-eu-west-1",
  targetGroup: { arn: TG, vpcId: "vpc-0123", port: 8080, healthCheckPath: "/healthz", deregistrationDelaySeconds: 30 },
  controller: [controller],
});

const under = (prefix: string) => cloud.resources.filter((r) => r.name.startsWith(`${prefix}-`));
const one = (rs: RecordedResource[], type: string) => {
  const found = rs.filter((r) => r.type === type);
  expect(found, type).toHaveLength(1);
  return found[0];
};
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const controllerUrn = () => cloud.resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.name === "lbc")!.urn;
const BINDING = "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding";
type Container = Record<string, any>;
const podSpec = (prefix: string) => (one(under(prefix), DEPLOYMENT).inputs.spec as Record<string, any>).template.spec as Record<string, any>;
const container = (prefix: string) => podSpec(prefix).containers[0] as Container;

beforeAll(async () => {
  cloud = await installFakeCloud({ stack: "service-test", region: "eu-west-1" });
  ({ RegionalService } = await import("../../components/service"));
  const k8s = await import("@pulumi/kubernetes");
  provider = new k8s.Provider("cluster-k8s", { kubeconfig: "{}" });
  controller = new k8s.helm.v3.Release("lbc", { chart: "aws-load-balancer-controller", version: "3.5.0" }, { provider });
  new RegionalService("web", {
    ...base(),
    database: { engine: "aurora-postgresql", readerEndpoint: "prod.cluster-ro-abc.eu-west-1.rds.amazonaws.com", writerEndpoint: "prod.cluster-abc.eu-west-1.rds.amazonaws.com", port: 5432, name: "app", secretArn: SECRET, iamUser: "app_user", clusterResourceId: "cluster-PRODEUWEST1ABCDEFGHIJK" },
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4317" },
  }, { provider });
  // Given no host for writes: no writer variable for its pods. Stands in for the HTTPS listener.
  const serving = new k8s.core.v1.ConfigMap("serving", { data: {} }, { provider });
  new RegionalService("ro", { ...base(), name: "ro", namespace: "ro", servingAfter: [serving], database: { engine: "aurora-postgresql", readerEndpoint: "prod.cluster-ro-def.us-west-2.rds.amazonaws.com", port: 5432, name: "app", writeForwarding: true } }, { provider });
  new RegionalService("own", {
    ...base(),
    name: "shop",
    namespace: "shop",
    image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop:1.4.2",
    minReplicas: 2,
    maxReplicas: 5,
    azCount: 2,
    targetGroup: { ...base().targetGroup, healthCheck: { healthCheckIntervalSeconds: 30, healthCheckTimeoutSeconds: 10, unhealthyThreshold: 2 } },
  }, { provider });
  await settle();
});

describe("RegionalService", () => {
  it("creates a namespace labelled for readiness-gate injection and the restricted Pod Security Standard, after the controller", () => {
    const ns = one(under("web"), "kubernetes:core/v1:Namespace");
    expect((ns.inputs.metadata as Record<string, any>).labels).toEqual({ "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled", "pod-security.kubernetes.io/enforce": "restricted" });
    expect(ns.dependsOn).toContain(controllerUrn());
  });

  it("binds the ALB's ip target group to a ClusterIP Service, once the controller's CRD and webhooks exist", () => {
    const service = one(under("web"), "kubernetes:core/v1:Service");
    expect(service.inputs.spec).toMatchObject({ type: "ClusterIP", ports: [{ name: "http", port: 80, targetPort: "http" }] });
    const binding = one(under("web"), BINDING);
    expect(binding.inputs).toMatchObject({
      apiVersion: "elbv2.k8s.aws/v1beta1",
      kind: "TargetGroupBinding",
      spec: { serviceRef: { name: "web", port: 80 }, targetGroupARN: TG, targetType: "ip", vpcID: "vpc-0123" },
    });
    expect(binding.dependsOn).toEqual(expect.arrayContaining([controllerUrn(), service.urn]));
  });

  it("replaces the binding of a replaced target group old-first, once the listener has left the old one", () => {
    // Both bindings at once would give the rollout's pods the old target group's gate, False for good (Target.NotInUse).
    const binding = one(under("web"), BINDING);
    expect(binding.deleteBeforeReplace).toBe(true);
    expect(binding.replaceOnChanges).toEqual(["spec.targetGroupARN", "spec.targetType"]);
    const serving = cloud.resources.find((r) => r.name === "serving")!;
    expect(one(under("ro"), BINDING).dependsOn).toContain(serving.urn);
    expect(one(under("ro"), DEPLOYMENT).dependsOn).toContain(serving.urn);
  });

  it("creates the pods after the binding (readiness gates) and the Pod Identity association (credentials)", () => {
    const deployment = one(under("web"), DEPLOYMENT);
    const binding = one(under("web"), BINDING);
    const association = one(under("web"), "aws:eks/podIdentityAssociation:PodIdentityAssociation");
    expect(deployment.dependsOn).toEqual(expect.arrayContaining([binding.urn, association.urn]));
    expect(association.inputs).toMatchObject({ clusterName: "prod-eu-west-1", namespace: "app", serviceAccount: "web" });
    expect(podSpec("web").serviceAccountName).toBe("web");
    // The label opts the pods into the controller's readiness-gate webhook (its object selector).
    expect(((deployment.inputs.spec as Record<string, any>).template.metadata.labels as Record<string, string>)["elbv2.k8s.aws/pod-readiness-gate-inject"]).toBe("enabled");
  });

  it("probes the target group's health path on the container port, and leaves the replica count to the autoscaler", () => {
    const c = container("web");
    expect(c.ports).toEqual([{ name: "http", containerPort: 8080, protocol: "TCP" }]);
    for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) expect(c[probe].httpGet, probe).toEqual({ path: "/healthz", port: "http" });
    const spec = one(under("web"), DEPLOYMENT).inputs.spec as Record<string, any>;
    expect(spec.replicas).toBeUndefined();
    expect(spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" } });
    const hpa = one(under("web"), "kubernetes:autoscaling/v2:HorizontalPodAutoscaler");
    expect(hpa.inputs.spec).toMatchObject({ minReplicas: 3, maxReplicas: 12, scaleTargetRef: { kind: "Deployment", name: "web" } });
    // Owned in code, so a refresh restores what a Region switch plan turns off (selectPolicy Disabled).
    expect((hpa.inputs.spec as { behavior: { scaleDown: unknown } }).behavior.scaleDown).toMatchObject({ selectPolicy: "Max" });
  });

  it("gives up on a pod no sooner than the ALB does (readiness), and restarts it later still (liveness)", () => {
    const timing = (c: Container, probe: string) => ({ periodSeconds: c[probe].periodSeconds, timeoutSeconds: c[probe].timeoutSeconds, failureThreshold: c[probe].failureThreshold });
    // The regional target group's check: 5 s timeout, unhealthy after 3 × 10 s.
    expect(timing(container("web"), "readinessProbe")).toEqual({ periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 7 });
    expect(timing(container("web"), "livenessProbe")).toEqual({ periodSeconds: 10, timeoutSeconds: 10, failureThreshold: 8 });
    expect(timing(container("web"), "startupProbe")).toEqual({ periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 30 });
    // A target group of its own (10 s timeout, unhealthy after 2 × 30 s): the probes follow it.
    expect(timing(container("own"), "readinessProbe")).toEqual({ periodSeconds: 5, timeoutSeconds: 10, failureThreshold: 13 });
    expect(container("own").livenessProbe.timeoutSeconds).toBe(20);
  });

  it("creates the autoscaler before the Deployment, naming it literally, so the rollout waits for minReplicas pods", () => {
    const hpa = one(under("web"), "kubernetes:autoscaling/v2:HorizontalPodAutoscaler");
    const deployment = one(under("web"), DEPLOYMENT);
    expect(deployment.dependsOn).toContain(hpa.urn);
    expect(hpa.dependsOn).not.toContain(deployment.urn);
    expect(hpa.propertyDependencies?.spec ?? []).not.toContain(deployment.urn);
    expect((hpa.inputs.spec as Record<string, any>).scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: (deployment.inputs.metadata as Record<string, string>).name });
  });

  it("holds a CPU target that leaves room for an AZ's loss, as the node pool's does", () => {
    const target = (prefix: string) => (one(under(prefix), "kubernetes:autoscaling/v2:HorizontalPodAutoscaler").inputs.spec as Record<string, any>).metrics[0].resource.target;
    expect(target("web")).toEqual({ type: "Utilization", averageUtilization: 60 });
    // Two AZs: one lost puts the other at twice the target, so 50 %.
    expect(target("own")).toEqual({ type: "Utilization", averageUtilization: 50 });
  });

  it("keeps serving past the target group's deregistration delay when a pod stops", () => {
    const sleep = container("web").lifecycle.preStop.sleep.seconds as number;
    expect(sleep).toBeGreaterThan(30);
    expect(podSpec("web").terminationGracePeriodSeconds).toBeGreaterThan(sleep);
  });

  it("spreads over zones and nodes, with a budget that lets drains take one pod at a time", () => {
    expect(podSpec("web").topologySpreadConstraints.map((t: Record<string, unknown>) => t.topologyKey)).toEqual(["topology.kubernetes.io/zone", "kubernetes.io/hostname"]);
    const pdb = one(under("web"), "kubernetes:policy/v1:PodDisruptionBudget");
    expect(pdb.inputs.spec).toMatchObject({ maxUnavailable: 1, selector: { matchLabels: { "app.kubernetes.io/name": "web" } } });
  });

  it("runs non-root on a read-only root file system with no capabilities, requests and limits set", () => {
    expect(podSpec("web").securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(container("web").securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } });
    expect(container("web").resources).toMatchObject({ requests: { cpu: expect.any(String), memory: expect.any(String) }, limits: { memory: expect.any(String) } });
  });

  it("gives pods no writer variable when given no host for writes, and says when their readers forward writes", () => {
    const env = Object.fromEntries((container("ro").env as { name: string; value: string }[]).map((e) => [e.name, e.value]));
    expect(env.DB_READER_HOST).toBe("prod.cluster-ro-def.us-west-2.rds.amazonaws.com");
    expect(env.DB_WRITE_FORWARDING).toBe("true");
    expect(Object.keys(env)).not.toContain("DB_WRITER_HOST");
    const web = Object.fromEntries((container("web").env as { name: string; value: string }[]).map((e) => [e.name, e.value]));
    expect(Object.keys(web)).not.toContain("DB_WRITE_FORWARDING");
  });

  it("wires the database: this region's reader and writer, this region's copy of the secret", () => {
    const env = Object.fromEntries((container("web").env as { name: string; value: string }[]).map((e) => [e.name, e.value]));
    expect(env).toMatchObject({
      AWS_REGION: "eu-west-1",
      DB_READER_HOST: "prod.cluster-ro-abc.eu-west-1.rds.amazonaws.com",
      DB_WRITER_HOST: "prod.cluster-abc.eu-west-1.rds.amazonaws.com",
      DB_PORT: "5432",
      DB_NAME: "app",
      DB_SECRET_ARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/aurora/master-AbC123",
      DB_IAM_USER: "app_user",
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4317",
    });
    const policy = JSON.parse(String(one(under("web"), "aws:iam/rolePolicy:RolePolicy").inputs.policy)) as { Statement: Record<string, any>[] };
    expect(policy.Statement.find((st) => st.Sid === "ReadDatabaseSecret")!.Resource).toBe(env.DB_SECRET_ARN);
    expect(policy.Statement.find((st) => st.Sid === "DecryptDatabaseSecret")!.Condition.StringEquals["kms:ViaService"]).toBe("secretsmanager.eu-west-1.amazonaws.com");
    // Only this region's cluster, the one both hosts above belong to.
    expect(policy.Statement.find((st) => st.Sid === "ConnectAsIamUser")!.Resource).toBe("arn:aws:rds-db:eu-west-1:123456789012:dbuser:cluster-PRODEUWEST1ABCDEFGHIJK/app_user");
    const trust = JSON.parse(String(one(under("web"), "aws:iam/role:Role").inputs.assumeRolePolicy)).Statement[0];
    expect(trust.Principal).toEqual({ Service: "pods.eks.amazonaws.com" });
    // Only the service's own service account, in its namespace and cluster (the association's session tags).
    const association = one(under("web"), "aws:eks/podIdentityAssociation:PodIdentityAssociation");
    expect(trust.Condition).toEqual({ StringEquals: {
      "aws:RequestTag/eks-cluster-name": "prod-eu-west-1",
      "aws:RequestTag/kubernetes-namespace": association.inputs.namespace,
      "aws:RequestTag/kubernetes-service-account": association.inputs.serviceAccount,
    } });
    expect(association.inputs.disableSessionTags).toBeUndefined();
    const own = JSON.parse(String(one(under("own"), "aws:iam/role:Role").inputs.assumeRolePolicy)).Statement[0];
    expect(own.Condition.StringEquals).toMatchObject({ "aws:RequestTag/kubernetes-namespace": "shop", "aws:RequestTag/kubernetes-service-account": "shop" });
  });

  it("serves the default image's health path for any Host from a mounted server block", () => {
    const config = one(under("web"), "kubernetes:core/v1:ConfigMap");
    const conf = (config.inputs.data as Record<string, string>)["default.conf"];
    expect(conf).toMatch(/listen 8080 default_server;/);
    expect(conf).toMatch(/server_name _;/);
    expect(conf).toMatch(/location = \/healthz \{[^}]*return 200/);
    expect(container("web").volumeMounts).toEqual(expect.arrayContaining([{ name: "server", mountPath: "/etc/nginx/conf.d", readOnly: true }, { name: "tmp", mountPath: "/tmp" }]));
  });

  it("runs a team's own image as it is: no server block, its names, its replica bounds, no database access", () => {
    expect(container("own").image).toBe("123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop:1.4.2");
    expect(under("own").filter((r) => r.type === "kubernetes:core/v1:ConfigMap")).toEqual([]);
    expect(under("own").filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy")).toEqual([]);
    expect((one(under("own"), BINDING).inputs.metadata as Record<string, string>).namespace).toBe("shop");
    expect(one(under("own"), "kubernetes:autoscaling/v2:HorizontalPodAutoscaler").inputs.spec).toMatchObject({ minReplicas: 2, maxReplicas: 5 });
  });

  it("refuses one replica, a privileged port and a missing controller before creating anything", () => {
    const before = cloud.resources.length;
    expect(() => new RegionalService("bad", { ...base(), minReplicas: 1 }, { provider })).toThrow(/>= 2/);
    expect(() => new RegionalService("bad", { ...base(), targetGroup: { ...base().targetGroup, port: 80 } }, { provider })).toThrow(/non-root/);
    expect(() => new RegionalService("bad", { ...base(), controller: [] }, { provider })).toThrow(/Load Balancer Controller/);
    expect(() => new RegionalService("bad", { ...base(), azCount: 0 }, { provider })).toThrow(/^azCount 0 must be a whole number of AZs >= 1/);
    expect(() => new RegionalService("bad", { ...base(), targetGroup: { ...base().targetGroup, healthCheck: { healthCheckIntervalSeconds: 10, healthCheckTimeoutSeconds: 10, unhealthyThreshold: 3 } } }, { provider })).toThrow(/^healthCheckTimeoutSeconds 10/);
    expect(cloud.resources.length).toBe(before);
  });
});
