import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument, type PolicyStatement } from "./data/binding";
import { podIdentityTrustPolicy } from "./lib/eks";
import {
  DEFAULT_SERVICE_IMAGE,
  NGINX_UNPRIVILEGED_REPOSITORY,
  planGracefulShutdown,
  planProbes,
  podRoleName,
  READINESS_GATE_INJECT_LABEL,
  referenceServerConfig,
  regionalSecretArn,
  servicePolicy,
  type TargetHealthCheck,
} from "./lib/service-plan";
import { TARGET_GROUP_TIMING } from "./lib/ingress-plan";
import { defaultCpuTargetPercent } from "./lib/node-pool-plan";

/** The target group the service is bound to (`RegionalIngress` gives all of it). */
export interface ServiceTargetGroup {
  arn: pulumi.Input<string>;
  /** VPC of the target group (saves the controller's webhook an AWS call). */
  vpcId: pulumi.Input<string>;
  /** Port the target group registers pods on: the containers listen on it. */
  port: number;
  /** Path the target group's health check asks: the pods' probes ask the same. */
  healthCheckPath: string;
  /** How long the target group drains a deregistered pod: pods outlive it when they stop. */
  deregistrationDelaySeconds: number;
  /**
   * How the target group's health check judges a pod: the probes give up on a pod no sooner
   * than it does (`planProbes`).
   * @default TARGET_GROUP_TIMING, the RegionalIngress target group's
   */
  healthCheck?: TargetHealthCheck;
}

/** Where the service's database is, for its environment variables and its role. */
export interface ServiceDatabase {
  engine: "aurora-postgresql" | "aurora-mysql";
  /** This region's reader endpoint (reads stay in the region). */
  readerEndpoint: pulumi.Input<string>;
  /**
   * Where writes go, reachable from the pods' VPC: this region's cluster endpoint
   * (`RegionalDatabase.localWriterEndpoint`). In a secondary it takes no writes (they fail at
   * once, and reach the writer region through its own name at the load balancer, `writer.<zone>`;
   * behind a CloudFront edge with the direct path locked that name serves only CloudFront, which
   * sends writes to the nearest region, so they reach the writer through `writeForwarding`) until
   * a switchover or failover promotes the region's cluster. Not the global writer endpoint:
   * it resolves to addresses in the writer region's VPC, unreachable from other regions without
   * VPC peering. Unset: no DB_WRITER_HOST.
   */
  writerEndpoint?: pulumi.Input<string>;
  /**
   * The region's cluster is a secondary that forwards writes: its readers (DB_READER_HOST) take
   * writes too and forward them to the primary. The pods get DB_WRITE_FORWARDING=true.
   */
  writeForwarding?: boolean;
  port: number;
  name: pulumi.Input<string>;
  /**
   * The credentials secret (its ARN in any region): the pods get, and may read, this region's
   * replica (`regionalSecretArn`), which stays readable when the secret's home region is down.
   */
  secretArn?: pulumi.Input<string>;
  /** A database user that signs in with IAM authentication; the role may `rds-db:connect` as it. */
  iamUser?: string;
  /**
   * This region's cluster's resource id (`RegionalDatabase.clusterResourceId`): the one cluster
   * `rds-db:connect` as `iamUser` is granted on. Required with `iamUser`.
   */
  clusterResourceId?: pulumi.Input<string>;
}

export interface RegionalServiceArgs {
  /** AWS region of the cluster (an environment variable of the pods; names the reference page). */
  region: string;
  /** EKS cluster the Pod Identity association is made in. */
  clusterName: pulumi.Input<string>;
  targetGroup: ServiceTargetGroup;
  /**
   * Namespace, created here and labelled for readiness-gate injection and the `restricted` Pod
   * Security Standard.
   * @default "app"
   */
  namespace?: string;
  /** Name of the Deployment, Service, service account and autoscaler. @default "web" */
  name?: string;
  /**
   * Container image. It must answer `targetGroup.healthCheckPath` with 200 for any Host header on
   * `targetGroup.port`, run as a non-root user and cope with a read-only root file system (/tmp is
   * writable). Its HTTP server must keep idle keep-alive connections open longer than the ALB's
   * idle timeout (60 s, the ALB default, which RegionalIngress keeps): the ALB reuses its
   * connections to a target, and one the app has closed meanwhile fails the request the ALB sent
   * on it with a 502 to the client (ALB user guide, "Connection idle timeout": the application's
   * idle timeout should exceed the load balancer's). Common defaults are far below it: Node.js
   * `server.keepAliveTimeout` 5 s, gunicorn `--keep-alive` 2 s; set them above 60 s (NGINX's
   * `keepalive_timeout` is 75 s). With the default image (NGINX unprivileged) a server block doing
   * all this is mounted from a ConfigMap.
   * @default DEFAULT_SERVICE_IMAGE
   */
  image?: string;
  /**
   * Pods at least (and at the start): at least 2, and at least `azCount` so each AZ keeps one
   * (the environment's config refuses fewer in production). @default 3
   */
  minReplicas?: number;
  /** @default 4 × minReplicas */
  maxReplicas?: number;
  /**
   * AZs the pods spread over (the region's `azCount`): sets the default CPU target.
   * @default 3
   */
  azCount?: number;
  /**
   * Average CPU (of requests) the autoscaler holds. The default leaves room for an AZ's loss, as
   * the node pool's does (`defaultCpuTargetPercent`): the lost AZ's pods count as 0 % until they
   * are rescheduled, and the survivors carry their load at `target × N/(N−1)`.
   * @default defaultCpuTargetPercent(azCount): 60, 50 with two AZs
   */
  targetCpuUtilizationPercent?: number;
  /** @default { cpu: "100m", memory: "128Mi" } requested, memory limited to twice that and CPU to 1 */
  resources?: { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } };
  /** Seconds the app needs after SIGTERM to finish; added to the drain pause. @default 15 */
  appShutdownSeconds?: number;
  database?: ServiceDatabase;
  /** More environment variables (observability endpoints, feature flags, the data tier's `DataTierBinding.env` ...). */
  env?: Record<string, pulumi.Input<string>>;
  /**
   * More IAM statements for the pods' role, e.g. the data tier's least-privilege access
   * (`DataTierBinding.policyStatements`): one more inline policy, which the pods wait for.
   * @default none
   */
  policyStatements?: PolicyStatement[];
  /**
   * What must be running before any of this is created: the AWS Load Balancer Controller's release
   * (its CRD and webhooks: the binding needs both, and pods get readiness gates only when the
   * webhook runs at their creation).
   */
  controller: pulumi.Input<pulumi.Resource>[];
  /**
   * What puts the target group in service, which the binding and the Deployment wait for: its
   * pods turn Ready only once their target is healthy (the controller's readiness gate), and a
   * target group no listener forwards to stays `unused`. The HTTPS listener waits for its
   * certificate, so a slow issuance would otherwise spend the Deployment's create timeout. A
   * replaced target group's old binding goes only once the listener has left it.
   * @default []
   */
  servingAfter?: pulumi.Input<pulumi.Resource>[];
  /**
   * Let fault injection add network latency to the pods: FIS's ephemeral container runs as root
   * with NET_ADMIN, which the `restricted` Pod Security Standard refuses and which a pod-level
   * `runAsNonRoot` forbids. When true the namespace enforces `privileged` (still warning and
   * auditing against `restricted`) and only the containers, not the pod, require non-root.
   * For rehearsal environments; production keeps the default.
   * @default false
   */
  allowNetworkFaultInjection?: boolean;
  /**
   * Let FIS's EKS pod actions (pod delete, CPU stress) act on the pods. FIS documents that it can
   * follow its fault injection only when the target containers' root filesystem is writable
   * (`readOnlyRootFilesystem: false`); with a read-only one every EKS pod action fails. When
   * true the container's root filesystem is writable, everything else of the restricted profile
   * stays. Set by the region when it has fault-injection experiments.
   * @default false (read-only root filesystem)
   */
  allowPodFaultInjection?: boolean;
}

export interface RegionalServiceOptions extends pulumi.ComponentResourceOptions {
  /** The cluster's Kubernetes provider (`EksCluster.kubernetesProvider`). */
  provider: k8s.Provider;
}

const HTTP = "http";

function checkArgs(args: RegionalServiceArgs): void {
  const min = args.minReplicas ?? 3;
  const max = args.maxReplicas ?? 4 * min;
  if (!Number.isInteger(min) || min < 2) throw new RangeError(`minReplicas ${min} must be a whole number >= 2: one pod is no redundancy`);
  if (!Number.isInteger(max) || max < min) throw new RangeError(`maxReplicas ${max} must be a whole number >= minReplicas (${min})`);
  const port = args.targetGroup.port;
  if (!Number.isInteger(port) || port < 1024 || port > 65535) throw new RangeError(`targetGroup.port ${port} must be 1024-65535: the containers run as non-root`);
  if (!args.targetGroup.healthCheckPath.startsWith("/")) throw new RangeError(`targetGroup.healthCheckPath "${args.targetGroup.healthCheckPath}" must start with "/"`);
  if (args.database?.iamUser !== undefined && args.database.clusterResourceId === undefined) {
    throw new RangeError(`database.iamUser "${args.database.iamUser}" needs database.clusterResourceId (RegionalDatabase.clusterResourceId): the pods may sign in to their region's cluster only`);
  }
  const azCount = args.azCount ?? 3;
  if (!Number.isInteger(azCount) || azCount < 1) throw new RangeError(`azCount ${azCount} must be a whole number of AZs >= 1: the AZs the pods spread over (the region's azCount)`);
  const cpu = args.targetCpuUtilizationPercent ?? defaultCpuTargetPercent(azCount);
  if (!(cpu > 0 && cpu <= 100)) throw new RangeError(`targetCpuUtilizationPercent ${cpu} must be in (0, 100]`);
  if (args.controller.length === 0) throw new RangeError("controller must list the AWS Load Balancer Controller's release: the binding needs its CRD and webhook");
}

/**
 * A stateless, horizontally scaled service behind the region's ALB: namespace, service account
 * with its own IAM role (Pod Identity), Deployment, Service, the TargetGroupBinding that puts its
 * pods into the ALB's target group, autoscaler and disruption budget. The reference app answers
 * the health path on the first deploy; teams swap in their own image.
 *
 * Order, which a first `pulumi up` depends on: controller release (CRD, webhooks) → namespace
 * (labelled) → Service and the serving listener → binding, and the autoscaler → Deployment. Pods created before the binding
 * would get no readiness gate; the Deployment's rollout then waits until the ALB reports its pods
 * healthy, minReplicas of them (the autoscaler has scaled it by then).
 */
export class RegionalService extends pulumi.ComponentResource {
  readonly namespace: string;
  readonly name: string;
  /** The pods' IAM role: attach policies here for what the app needs (queues, tables, telemetry). */
  readonly roleArn: pulumi.Output<string>;
  readonly roleName: pulumi.Output<string>;
  readonly deploymentName: pulumi.Output<string>;
  readonly serviceName: pulumi.Output<string>;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** This region's copy of the database secret, when the service reads one. */
  readonly databaseSecretArn?: pulumi.Output<string>;

  constructor(name: string, args: RegionalServiceArgs, opts: RegionalServiceOptions) {
    checkArgs(args);
    const probes = planProbes(args.targetGroup.healthCheck ?? TARGET_GROUP_TIMING);
    if (!(opts?.provider instanceof k8s.Provider)) throw new TypeError("RegionalService needs the cluster's Kubernetes provider in opts.provider");
    super("platform:service:RegionalService", name, {}, opts);
    const parent = { parent: this };
    const k8sOpts = { parent: this, provider: opts.provider };
    const namespace = args.namespace ?? "app";
    const app = args.name ?? "web";
    const image = args.image ?? DEFAULT_SERVICE_IMAGE;
    const port = args.targetGroup.port;
    const path = args.targetGroup.healthCheckPath;
    const minReplicas = args.minReplicas ?? 3;
    const maxReplicas = args.maxReplicas ?? 4 * minReplicas;
    const shutdown = planGracefulShutdown({ deregistrationDelaySeconds: args.targetGroup.deregistrationDelaySeconds, appShutdownSeconds: args.appShutdownSeconds });
    const labels = { "app.kubernetes.io/name": app, "app.kubernetes.io/part-of": "platform" };
    const metadata = (resourceName: string) => ({ name: resourceName, namespace, labels });

    // --- identity: a role only this service account can use ---
    const partition = aws.getPartitionOutput({}, parent).partition;
    const accountId = aws.getCallerIdentityOutput({}, parent).accountId;
    // Named by podRoleName alone: the master secret's policy admits the role by that name (podRoleArnPattern).
    const roleName = podRoleName(name);
    const trust = pulumi.output(args.clusterName).apply((cluster) =>
      JSON.stringify(podIdentityTrustPolicy({ clusterName: cluster, namespace, serviceAccount: app })));
    const role = new aws.iam.Role(`${name}-pods`, { ...(roleName ? { name: roleName } : {}), assumeRolePolicy: trust }, parent);
    const ready: pulumi.Resource[] = [];
    const db = args.database;
    const secretArn = db?.secretArn !== undefined ? pulumi.output(db.secretArn).apply((arn) => regionalSecretArn(arn, args.region)) : undefined;
    if (secretArn !== undefined || db?.iamUser !== undefined) {
      const document = pulumi.all([partition, accountId, secretArn, db?.clusterResourceId]).apply(([p, account, secretArn, clusterResourceId]) =>
        JSON.stringify(servicePolicy({ partition: p, region: args.region, accountId: account, secretArn, iamDatabaseUser: db?.iamUser, databaseClusterResourceId: clusterResourceId })));
      ready.push(new aws.iam.RolePolicy(`${name}-pods`, { role: role.id, policy: document }, parent));
    }
    // A policy of its own (the database's stays as it is): a service without a data tier plans
    // exactly as before. The Deployment waits for it, so pods never start without their permissions.
    if (args.policyStatements && args.policyStatements.length > 0) {
      ready.push(new aws.iam.RolePolicy(`${name}-data`, { role: role.id, policy: policyDocument({ env: {}, policyStatements: args.policyStatements }) }, parent));
    }
    // Pod Identity injects credentials when a pod is created: the association comes first. Session
    // tags stay on (no disableSessionTags): the role's trust matches on them.
    ready.push(new aws.eks.PodIdentityAssociation(`${name}-pods`, { clusterName: args.clusterName, namespace, serviceAccount: app, roleArn: role.arn }, parent));

    // --- namespace ---
    const ns = new k8s.core.v1.Namespace(`${name}-namespace`, {
      metadata: {
        name: namespace,
        labels: {
          // The controller's webhook injects readiness gates into pods of labelled namespaces.
          [READINESS_GATE_INJECT_LABEL]: "enabled",
          // The pods below meet the restricted Pod Security Standard; nothing weaker gets in (unless
          // network fault injection is allowed: then violations are only reported).
          ...(args.allowNetworkFaultInjection
            ? { "pod-security.kubernetes.io/enforce": "privileged", "pod-security.kubernetes.io/warn": "restricted", "pod-security.kubernetes.io/audit": "restricted" }
            : { "pod-security.kubernetes.io/enforce": "restricted" }),
        },
      },
    }, { ...k8sOpts, dependsOn: args.controller });
    const inNamespace = { ...k8sOpts, dependsOn: [ns] };

    const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-sa`, { metadata: metadata(app) }, inNamespace);

    // --- the reference app's server block (only for the default image's NGINX) ---
    const nginx = image.startsWith(`${NGINX_UNPRIVILEGED_REPOSITORY}:`) || image.startsWith(`${NGINX_UNPRIVILEGED_REPOSITORY}@`);
    const config = nginx
      ? new k8s.core.v1.ConfigMap(`${name}-server`, { metadata: metadata(`${app}-server`), data: { "default.conf": referenceServerConfig({ port, healthCheckPath: path, region: args.region }) } }, inNamespace)
      : undefined;

    // --- Service and the binding to the ALB's target group ---
    const service = new k8s.core.v1.Service(`${name}-service`, {
      metadata: metadata(app),
      spec: { type: "ClusterIP", selector: labels, ports: [{ name: HTTP, port: 80, targetPort: HTTP, protocol: "TCP" }] },
    }, inNamespace);
    // A plain CustomResource (not yaml/v2 or Chart v4): its preview works while the CRD does not
    // exist yet (pulumi/pulumi-kubernetes#3186), whereas those need the CRD's scope at preview
    // (#3176, #3299). The controller refuses a changed target group ARN, so a new target group
    // (the ingress replaces it when the port changes) means a new binding, and the old one is
    // deleted *before* it is created: the controller's webhook gives a new pod one readiness gate
    // per binding of its Service, and the old target group, no listener's any more, reports its
    // targets unused (Target.NotInUse), which the controller writes as gate False. Created first,
    // the new binding would leave every pod of the rollout (the port change rolls them) NotReady
    // until `pulumi up` timed out. Deleting a binding deregisters its targets and sets its gate
    // True on the pods that carry it. After the listener and its rules (servingAfter): by then the
    // old target group serves nothing, so deleting its binding first drains nothing in use.
    const binding = new k8s.apiextensions.CustomResource(`${name}-binding`, {
      apiVersion: "elbv2.k8s.aws/v1beta1",
      kind: "TargetGroupBinding",
      metadata: { namespace, labels },
      spec: {
        serviceRef: { name: service.metadata.name, port: 80 },
        targetGroupARN: args.targetGroup.arn,
        targetType: "ip",
        vpcID: args.targetGroup.vpcId,
      },
    }, { ...k8sOpts, dependsOn: [ns, service, ...args.controller, ...(args.servingAfter ?? [])], replaceOnChanges: ["spec.targetGroupARN", "spec.targetType"], deleteBeforeReplace: true });

    // --- the pods ---
    const env: Record<string, pulumi.Input<string>> = {
      AWS_REGION: args.region,
      ...(db
        ? {
            DB_ENGINE: db.engine,
            ...(db.writerEndpoint !== undefined ? { DB_WRITER_HOST: db.writerEndpoint } : {}),
            ...(db.writeForwarding ? { DB_WRITE_FORWARDING: "true" } : {}),
            DB_READER_HOST: db.readerEndpoint,
            DB_PORT: String(db.port),
            DB_NAME: db.name,
            ...(secretArn !== undefined ? { DB_SECRET_ARN: secretArn } : {}),
            ...(db.iamUser !== undefined ? { DB_IAM_USER: db.iamUser } : {}),
          }
        : {}),
      ...args.env,
    };
    // --- the autoscaler, before the pods ---
    // It owns the replica count: the Deployment sets none (a count there would be re-applied on
    // every deploy, server-side apply included, undoing scale-outs). Created first, naming the
    // Deployment literally, so it exists when the Deployment does: the API creates the Deployment
    // with 1 replica, and the HPA raises it to minReplicas at its next sync (every 15 s; a count
    // below minReplicas is raised before any metric is read). That comes before the first pod can
    // turn Ready (scheduled, pulled, started, registered, then two ALB checks 10 s apart), so
    // Pulumi's rollout wait, which reads the live ReplicaSet's count, waits for minReplicas pods.
    // Created after the Deployment, the HPA only existed once that wait had passed with one pod.
    const targetCpu = args.targetCpuUtilizationPercent ?? defaultCpuTargetPercent(args.azCount ?? 3);
    const hpa = new k8s.autoscaling.v2.HorizontalPodAutoscaler(`${name}-hpa`, {
      metadata: metadata(app),
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: app },
        minReplicas,
        maxReplicas,
        metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: targetCpu } } }],
        // Kubernetes' own scale-down defaults, written out: an ARC Region switch plan that scales
        // this service through its HPA sets scaleDown.selectPolicy Disabled and leaves it so.
        // Declared here, `pulumi up --refresh` of the region puts scale-down back (game-day.md).
        behavior: { scaleDown: { selectPolicy: "Max", stabilizationWindowSeconds: 300, policies: [{ type: "Percent", value: 100, periodSeconds: 15 }] } },
      },
    }, inNamespace);

    const probe = (timing: { periodSeconds: number; timeoutSeconds: number; failureThreshold: number }) => ({ httpGet: { path, port: HTTP }, ...timing });
    const resources = args.resources ?? { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "256Mi" } };
    const deployment = new k8s.apps.v1.Deployment(`${name}-deployment`, {
      metadata: metadata(app),
      spec: {
        // No `replicas`: the autoscaler above owns the count.
        selector: { matchLabels: labels },
        // New pods serve (ALB target healthy, through the readiness gate) before old ones go.
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" } },
        template: {
          // The label opts the pods into the controller's readiness-gate webhook.
          metadata: { labels: { ...labels, [READINESS_GATE_INJECT_LABEL]: "enabled" } },
          spec: {
            serviceAccountName: serviceAccount.metadata.name,
            terminationGracePeriodSeconds: shutdown.terminationGracePeriodSeconds,
            // Ephemeral containers inherit the pod's context: a fault-injection one must be able to run as root.
            securityContext: { ...(args.allowNetworkFaultInjection ? {} : { runAsNonRoot: true }), seccompProfile: { type: "RuntimeDefault" } },
            // Spread over AZs and nodes. ScheduleAnyway for zones: the node pool is one Auto
            // Scaling group over all AZs, so cluster-autoscaler cannot add a node in a chosen AZ,
            // and a hard constraint would leave pods pending while an AZ is down.
            topologySpreadConstraints: [
              { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: labels } },
              { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: labels } },
            ],
            containers: [{
              name: app,
              image,
              imagePullPolicy: "IfNotPresent",
              ports: [{ name: HTTP, containerPort: port, protocol: "TCP" }],
              env: Object.entries(env).map(([envName, value]) => ({ name: envName, value })),
              resources,
              // Startup: up to 60 s to come up. Readiness: never out of the Service (and so the
              // target group) before the ALB has judged the pod unhealthy: when every pod is, the ALB
              // fails open, whereas an empty target group answers 503. Liveness: later still, and
              // keep the path free of dependencies; a restart never fixes them. (planProbes)
              startupProbe: probe(probes.startup),
              readinessProbe: probe(probes.readiness),
              livenessProbe: probe(probes.liveness),
              // Keep serving while the controller deregisters the pod and the ALB drains it. The
              // sleep action (on by default since Kubernetes 1.30) needs no shell in the image.
              lifecycle: { preStop: { sleep: { seconds: shutdown.preStopSleepSeconds } } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: !(args.allowPodFaultInjection ?? false), runAsNonRoot: true, capabilities: { drop: ["ALL"] } },
              volumeMounts: [
                { name: "tmp", mountPath: "/tmp" },
                ...(config ? [{ name: "server", mountPath: "/etc/nginx/conf.d", readOnly: true }] : []),
              ],
            }],
            volumes: [
              { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
              ...(config ? [{ name: "server", configMap: { name: config.metadata.name } }] : []),
            ],
          },
        },
      },
      // After the binding (readiness gates are injected at pod creation only when one exists), the
      // Pod Identity association (credentials are injected at pod creation too) and the autoscaler.
    }, { ...k8sOpts, dependsOn: [ns, binding, hpa, ...ready, ...(config ? [config] : []), ...(args.servingAfter ?? [])], customTimeouts: { create: "15m", update: "15m" } });

    new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, {
      metadata: metadata(app),
      spec: {
        // Drains and instance refreshes take one pod at a time; a crash-looping pod never blocks them.
        maxUnavailable: 1,
        unhealthyPodEvictionPolicy: "AlwaysAllow",
        selector: { matchLabels: labels },
      },
    }, inNamespace);

    this.namespace = namespace;
    this.name = app;
    this.roleArn = role.arn;
    this.roleName = role.name;
    this.deploymentName = deployment.metadata.name;
    this.serviceName = service.metadata.name;
    this.minReplicas = minReplicas;
    this.maxReplicas = maxReplicas;
    this.databaseSecretArn = secretArn;
    this.registerOutputs({ namespace, name: app, roleArn: this.roleArn, deploymentName: this.deploymentName, serviceName: this.serviceName });
  }
}
