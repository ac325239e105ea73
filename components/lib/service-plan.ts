/**
 * Decisions behind the regional reference service, as plain functions: its default image and
 * configuration, how long a pod keeps serving when it stops, the database wiring and the IAM
 * policy of its Pod Identity role.
 */
import type { PolicyDocument } from "./eks";
import { AUTONAME_SUFFIX_LENGTH, IAM_ROLE_NAME_MAX_LENGTH, physicalName } from "./names";

/**
 * The default image: NGINX's unprivileged build (listens on 8080, runs as uid 101, keeps its pid
 * and temp files under /tmp), from ECR Public, which nodes pull without Docker Hub's anonymous rate
 * limits. With the server block below it answers the health path with 200 for any Host header,
 * so a region's ALB, target group and Route 53 check turn healthy on the first deploy, before any
 * team has shipped an app. The tag is an exact NGINX release; NGINX rebuilds it weekly for base
 * image fixes, so teams that need bit-for-bit reproducible pods pin a digest (`image@sha256:...`).
 */
export const DEFAULT_SERVICE_IMAGE = "public.ecr.aws/nginx/nginx-unprivileged:1.30.4-alpine";
export const NGINX_UNPRIVILEGED_REPOSITORY = "public.ecr.aws/nginx/nginx-unprivileged";

/** Namespace label the AWS Load Balancer Controller's webhook looks for to inject readiness gates. */
export const READINESS_GATE_INJECT_LABEL = "elbv2.k8s.aws/pod-readiness-gate-inject";

/**
 * The reference server: the health path answers 200 for any Host (the ALB's health checks and
 * Route 53's send the ALB's own name), everything else a small text page naming the region.
 */
export function referenceServerConfig(options: { port: number; healthCheckPath: string; region: string }): string {
  const exact = options.healthCheckPath.replace(/[;{}\s"]/g, "");
  return [
    "server {",
    `    listen ${options.port} default_server;`,
    "    server_name _;",
    "    default_type text/plain;",
    `    location = ${exact} {`,
    "        access_log off;",
    '        return 200 "ok\\n";',
    "    }",
    "    location / {",
    `        return 200 "reference service in ${options.region.replace(/[^a-z0-9-]/g, "")}: replace the image with your app\\n";`,
    "    }",
    "}",
    "",
  ].join("\n");
}

export interface GracefulShutdown {
  /** The preStop pause: the pod keeps serving while the controller deregisters it and the ALB drains it. */
  readonly preStopSleepSeconds: number;
  /** Pause plus the app's own shutdown after SIGTERM. */
  readonly terminationGracePeriodSeconds: number;
}

/**
 * Seconds the AWS Load Balancer Controller and the ALB take to stop sending new requests to a
 * terminating pod (the endpoint update, the DeregisterTargets call, the ALB's propagation).
 */
export const DEREGISTRATION_LAG_SECONDS = 10;

/**
 * When a pod stops, Kubernetes sends SIGTERM while the ALB may still route to it. The pod sleeps
 * in preStop until the controller has deregistered it and the target group's deregistration delay
 * (in-flight requests draining) is over, then gets `appShutdownSeconds` to exit.
 */
export function planGracefulShutdown(options: { deregistrationDelaySeconds: number; appShutdownSeconds?: number }): GracefulShutdown {
  const { deregistrationDelaySeconds } = options;
  const appShutdownSeconds = options.appShutdownSeconds ?? 15;
  if (!Number.isInteger(deregistrationDelaySeconds) || deregistrationDelaySeconds < 0 || deregistrationDelaySeconds > 3600) {
    throw new RangeError(`deregistrationDelaySeconds ${deregistrationDelaySeconds} must be 0 to 3600 (the target group attribute's range)`);
  }
  if (!Number.isInteger(appShutdownSeconds) || appShutdownSeconds < 1) throw new RangeError(`appShutdownSeconds ${appShutdownSeconds} must be a whole number of seconds >= 1`);
  const preStopSleepSeconds = deregistrationDelaySeconds + DEREGISTRATION_LAG_SECONDS;
  return { preStopSleepSeconds, terminationGracePeriodSeconds: preStopSleepSeconds + appShutdownSeconds };
}

/** How the target group's health check judges a pod (`TARGET_GROUP_TIMING`, `RegionalIngress.healthCheck`). */
export interface TargetHealthCheck {
  readonly healthCheckIntervalSeconds: number;
  readonly healthCheckTimeoutSeconds: number;
  readonly unhealthyThreshold: number;
}

/** A kubelet probe's timing. */
export interface ProbeTiming {
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
}

export interface ProbePlan {
  readonly startup: ProbeTiming;
  readonly readiness: ProbeTiming;
  readonly liveness: ProbeTiming;
}

/** How often the kubelet asks a running pod whether it is ready (how soon a recovered pod serves again). */
export const READINESS_PERIOD_SECONDS = 5;
/** How often, at most, the kubelet asks whether the pod is alive (never more often than its own timeout). */
export const LIVENESS_PERIOD_SECONDS = 10;

/**
 * The pods' probes, derived from the ALB's health check so the kubelet never gives up on a pod
 * before the ALB does. A pod that fails readiness leaves the Service's endpoints, and the AWS Load
 * Balancer Controller deregisters its target; when every pod does (load that slows the health
 * path everywhere at once) the target group is empty and the ALB answers 503. Targets that are
 * registered but all unhealthy are different: the ALB fails open and routes to all of them (ELB
 * user guide, target group health checks). So:
 *
 * - readiness: the ALB's timeout (a slow answer the ALB still counts healthy is no failure here),
 *   and `(failureThreshold − 1) × period ≥ interval × unhealthyThreshold`: the kubelet's earliest
 *   NotReady comes no sooner than the ALB's latest unhealthy verdict for a failure both see alike
 *   (30 s with 10 s × 3; readiness 5 s × 7). A slowdown shorter than that never empties the target
 *   group, and a longer one finds the ALB already failing open.
 * - liveness: a restart is the last resort, looser again: twice the ALB's timeout, and no sooner
 *   than twice the readiness window. Killing pods that are only slow under load moves their load
 *   onto the others and restarts them too, and a restart never helps a dependency that is down
 *   (the health path should not check one).
 * - startup: up to 60 s to come up (2 s × 30), unrelated to the ALB, which sees the pod only once
 *   it is ready.
 */
export function planProbes(alb: TargetHealthCheck): ProbePlan {
  const { healthCheckIntervalSeconds: interval, healthCheckTimeoutSeconds: timeout, unhealthyThreshold } = alb;
  // CreateTargetGroup's ranges for an HTTP health check, and its rule that the timeout be shorter than the interval.
  if (!Number.isInteger(interval) || interval < 5 || interval > 300) throw new RangeError(`healthCheckIntervalSeconds ${interval} must be 5 to 300 (the target group's range)`);
  if (!Number.isInteger(timeout) || timeout < 2 || timeout > 120 || timeout >= interval) {
    throw new RangeError(`healthCheckTimeoutSeconds ${timeout} must be 2 to 120 and below healthCheckIntervalSeconds (${interval}), as the target group requires`);
  }
  if (!Number.isInteger(unhealthyThreshold) || unhealthyThreshold < 2 || unhealthyThreshold > 10) throw new RangeError(`unhealthyThreshold ${unhealthyThreshold} must be 2 to 10 (the target group's range)`);
  const readinessFailures = Math.ceil((interval * unhealthyThreshold) / READINESS_PERIOD_SECONDS) + 1;
  const readinessWindow = READINESS_PERIOD_SECONDS * readinessFailures;
  const livenessPeriod = Math.max(LIVENESS_PERIOD_SECONDS, 2 * timeout);
  return {
    startup: { periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 30 },
    readiness: { periodSeconds: READINESS_PERIOD_SECONDS, timeoutSeconds: timeout, failureThreshold: readinessFailures },
    liveness: { periodSeconds: livenessPeriod, timeoutSeconds: 2 * timeout, failureThreshold: Math.ceil((2 * readinessWindow) / livenessPeriod) + 1 },
  };
}

/**
 * ARN of a secret's replica in `region`: Secrets Manager keeps the name and the random suffix and
 * changes only the region, so every region reads its local copy (and still can when the secret's
 * home region is down).
 */
export function regionalSecretArn(secretArn: string, region: string): string {
  const parts = secretArn.split(":");
  if (parts.length < 7 || parts[2] !== "secretsmanager") throw new RangeError(`"${secretArn}" is not a Secrets Manager secret ARN`);
  parts[3] = region;
  return parts.join(":");
}

/**
 * Explicit name of a service's Pod Identity role, or undefined when Pulumi's auto-name
 * (`<service>-pods-<7 hex>`) fits IAM's 64 characters.
 */
export function podRoleName(serviceName: string): string | undefined {
  return physicalName(`${serviceName}-pods`, IAM_ROLE_NAME_MAX_LENGTH);
}

/**
 * `aws:PrincipalArn` pattern (StringLike) of a service's Pod Identity role, for a resource policy
 * written before the role exists (the global stack deploys first): the explicit name, or the
 * auto-name with one `?` per character of its random suffix.
 */
export function podRoleArnPattern(scope: { partition: string; accountId: string }, serviceName: string): string {
  const name = podRoleName(serviceName) ?? `${serviceName}-pods-${"?".repeat(AUTONAME_SUFFIX_LENGTH - 1)}`;
  return `arn:${scope.partition}:iam::${scope.accountId}:role/${name}`;
}

export interface ServicePolicyScope {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  /** The database secret in this region (`regionalSecretArn`). */
  readonly secretArn?: string;
  /** A database user that signs in with IAM authentication instead of the secret. */
  readonly iamDatabaseUser?: string;
  /**
   * `DbClusterResourceId` of this region's cluster (`cluster-…`), the only cluster the pods
   * connect to. Required with `iamDatabaseUser`.
   */
  readonly databaseClusterResourceId?: string;
}

/**
 * What the service's pods may do with AWS: read this region's copy of the database secret (and
 * decrypt it through Secrets Manager only, whatever key encrypts it), and sign in to the database
 * as its IAM user. `undefined` when there is nothing to grant.
 *
 * `rds-db:connect` is scoped to this region's cluster (by its resource id, which Aurora checks the
 * token against for the cluster and reader endpoints alike), not to every cluster of the account:
 * the pods only ever connect to their own region's cluster. Their writer host is the local cluster
 * endpoint, never the global writer endpoint (unreachable from other regions' VPCs); a secondary's
 * writes reach the writer region through its load balancer, served by that region's pods and
 * their own role, or are forwarded by Aurora (write forwarding), which authenticates on the local
 * cluster. A switchover or failover changes the cluster's role, not its resource id; a rebuilt
 * cluster gets a new id, which the same deploy writes here.
 */
export function servicePolicy(s: ServicePolicyScope): PolicyDocument | undefined {
  const statements: Record<string, unknown>[] = [];
  if (s.secretArn) {
    statements.push(
      { Sid: "ReadDatabaseSecret", Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], Resource: s.secretArn },
      {
        Sid: "DecryptDatabaseSecret",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: "*",
        Condition: {
          StringEquals: { "kms:ViaService": `secretsmanager.${s.region}.amazonaws.com`, "kms:EncryptionContext:SecretARN": s.secretArn },
        },
      },
    );
  }
  if (s.iamDatabaseUser) {
    const clusterResourceId = s.databaseClusterResourceId ?? "";
    if (!/^cluster-[A-Za-z0-9]+$/.test(clusterResourceId)) {
      throw new RangeError(
        `databaseClusterResourceId "${clusterResourceId}" is not an Aurora cluster resource id (cluster-…): with iamDatabaseUser "${s.iamDatabaseUser}" ` +
          "the pods may connect only to their region's cluster; pass RegionalDatabase.clusterResourceId",
      );
    }
    statements.push({
      Sid: "ConnectAsIamUser",
      Effect: "Allow",
      Action: "rds-db:connect",
      Resource: `arn:${s.partition}:rds-db:${s.region}:${s.accountId}:dbuser:${clusterResourceId}/${s.iamDatabaseUser}`,
    });
  }
  return statements.length ? { Version: "2012-10-17", Statement: statements } : undefined;
}

/**
 * CEL of the admission policy that keeps TargetGroupBindings to the platform: a binding can point
 * any target group of the account at any Service, so only the platform's deployers (and the
 * controller itself, which maintains finalizers and creates bindings for Ingress/Service load
 * balancers) may create or change one.
 */
export function targetGroupBindingGuard(options: { platformGroup: string; controllerServiceAccount: string; controllerNamespace: string }): string {
  const controller = `system:serviceaccount:${options.controllerNamespace}:${options.controllerServiceAccount}`;
  return `request.userInfo.username == '${controller}' || (has(request.userInfo.groups) && request.userInfo.groups.exists(g, g == '${options.platformGroup}'))`;
}
