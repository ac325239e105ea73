/**
 * Amazon Managed Service for Prometheus configuration as text: the managed scraper's scrape
 * configuration, the alerting rules and the Alertmanager definition. Pure; the component hands
 * the strings to `aws.amp.Scraper`, `aws.amp.RuleGroupNamespace` and `aws.amp.AlertManagerDefinition`.
 *
 * What the managed scraper accepts (AMP User Guide, "Scraper configuration"): kubernetes_sd only,
 * scrape interval ≥ 30 s, the only resolvable host name is kubernetes.default.svc, and
 * authorization, when used, is Bearer with the service-account token file. Node metrics
 * therefore go through the API server's node proxy, not to the kubelets directly.
 */
import { stringify } from "yaml";

const TOKEN_FILE = "/var/run/secrets/kubernetes.io/serviceaccount/token";
const API_SERVER = "kubernetes.default.svc:443";
/**
 * Once a minute: every sample is billed (ingestion per 10 million samples), and the alerts look
 * at 10-minute windows. The managed scraper refuses anything under 30 s.
 */
export const SCRAPE_INTERVAL_SECONDS = 60;

/**
 * Series each job keeps. cAdvisor, the kubelet and the API server export thousands of series per
 * node (histogram buckets, per-volume and per-interface detail) that nothing here reads; dropping
 * them at the scraper is most of the Prometheus bill. Widen a list when a dashboard needs more.
 */
export const KEPT_METRICS: Record<string, string> = {
  "kubernetes-apiservers": "apiserver_request_total|apiserver_request_duration_seconds_(count|sum)|apiserver_current_inflight_requests|etcd_request_duration_seconds_(count|sum)",
  kubelet: "kubelet_running_pods|kubelet_running_containers|kubelet_node_name|kubelet_volume_stats_(used|capacity)_bytes",
  cadvisor: "container_cpu_usage_seconds_total|container_memory_working_set_bytes|container_cpu_cfs_(throttled_)?periods_total|container_network_(receive|transmit)_bytes_total|machine_memory_bytes|machine_cpu_cores",
  "kube-scheduler": "scheduler_pending_pods|scheduler_schedule_attempts_total|scheduler_pod_scheduling_attempts_(count|sum)",
  "kube-controller-manager": "workqueue_depth|workqueue_adds_total",
};

function kept(job: string): Record<string, unknown>[] {
  return [{ source_labels: ["__name__"], action: "keep", regex: KEPT_METRICS[job] }];
}

export interface ScrapeValues {
  clusterName: string;
  region: string;
  environment: string;
  /** The reference service: pods in `namespace` labelled app.kubernetes.io/name=`name` that opt in with prometheus.io/scrape: "true". */
  service: { namespace: string; name: string };
}

const bearer = { type: "Bearer", credentials_file: TOKEN_FILE };
const apiServerEndpoints = [{ source_labels: ["__meta_kubernetes_namespace", "__meta_kubernetes_service_name", "__meta_kubernetes_endpoint_port_name"], action: "keep", regex: "default;kubernetes;https" }];

/** A per-node job through the API server proxy; the `node` label keeps the node's name (the address is the API server's). */
function nodeProxyJob(job: string, path: string): Record<string, unknown> {
  return {
    job_name: job,
    metric_relabel_configs: kept(job),
    scheme: "https",
    authorization: bearer,
    kubernetes_sd_configs: [{ role: "node" }],
    relabel_configs: [
      { action: "labelmap", regex: "__meta_kubernetes_node_label_(.+)" },
      { source_labels: ["__meta_kubernetes_node_name"], target_label: "node" },
      { target_label: "__address__", replacement: API_SERVER },
      { source_labels: ["__meta_kubernetes_node_name"], regex: "(.+)", target_label: "__metrics_path__", replacement: `/api/v1/nodes/$1/proxy/${path}` },
    ],
  };
}

/** Control-plane metrics EKS serves through the metrics.eks.amazonaws.com API (Kubernetes ≥ 1.28). */
function controlPlaneJob(job: string, component: "ksh" | "kcm"): Record<string, unknown> {
  return {
    job_name: job,
    metric_relabel_configs: kept(job),
    scheme: "https",
    authorization: bearer,
    metrics_path: `/apis/metrics.eks.amazonaws.com/v1/${component}/container/metrics`,
    kubernetes_sd_configs: [{ role: "endpoints" }],
    relabel_configs: apiServerEndpoints,
  };
}

/**
 * What the scraper collects: the API server, the kubelets (node and pod status), cAdvisor
 * (container and node CPU/memory), the scheduler (pending pods) and the controller manager, and
 * the reference service's own /metrics.
 */
export function scrapeConfiguration(v: ScrapeValues): string {
  const config = {
    global: {
      scrape_interval: `${SCRAPE_INTERVAL_SECONDS}s`,
      external_labels: { cluster: v.clusterName, region: v.region, environment: v.environment },
    },
    scrape_configs: [
      { job_name: "kubernetes-apiservers", scheme: "https", authorization: bearer, kubernetes_sd_configs: [{ role: "endpoints" }], relabel_configs: apiServerEndpoints, metric_relabel_configs: kept("kubernetes-apiservers") },
      nodeProxyJob("kubelet", "metrics"),
      nodeProxyJob("cadvisor", "metrics/cadvisor"),
      controlPlaneJob("kube-scheduler", "ksh"),
      controlPlaneJob("kube-controller-manager", "kcm"),
      {
        job_name: "reference-service",
        kubernetes_sd_configs: [{ role: "pod", namespaces: { names: [v.service.namespace] } }],
        relabel_configs: [
          { source_labels: ["__meta_kubernetes_pod_label_app_kubernetes_io_name"], action: "keep", regex: v.service.name },
          { source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"], action: "keep", regex: "true" },
          { source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_path"], action: "replace", regex: "(.+)", target_label: "__metrics_path__" },
          { source_labels: ["__address__", "__meta_kubernetes_pod_annotation_prometheus_io_port"], action: "replace", regex: "([^:]+)(?::\\d+)?;(\\d+)", replacement: "$1:$2", target_label: "__address__" },
          { source_labels: ["__meta_kubernetes_namespace"], target_label: "namespace" },
          { source_labels: ["__meta_kubernetes_pod_name"], target_label: "pod" },
        ],
      },
    ],
  };
  return stringify(config, { lineWidth: 0 });
}

export interface RuleValues {
  prefix: string;
  nodeMemoryPercent: number;
}

/** Names of the Prometheus alerts, for the plan and the docs. */
export const PROMETHEUS_ALERTS = ["NodeMemoryHigh", "PodsUnschedulable", "NodeNotScraped", "ScrapesMissing", "SchedulerNotScraped"] as const;

/**
 * Saturation that CloudWatch does not see without Container Insights: node memory (cAdvisor's
 * root cgroup against the machine's memory) and pods the scheduler cannot place.
 */
export function alertingRules(v: RuleValues): string {
  const rules = {
    groups: [{
      name: `${v.prefix}-saturation`,
      rules: [
        {
          alert: "NodeMemoryHigh",
          expr: `100 * max by (node) (container_memory_working_set_bytes{job="cadvisor", id="/"}) / max by (node) (machine_memory_bytes{job="cadvisor"}) > ${v.nodeMemoryPercent}`,
          for: "10m",
          labels: { severity: "ticket" },
          annotations: { summary: `${v.prefix}: node {{ $labels.node }} uses more than ${v.nodeMemoryPercent} % of its memory` },
        },
        {
          alert: "PodsUnschedulable",
          expr: 'sum(scheduler_pending_pods{queue="unschedulable"}) > 0',
          for: "10m",
          labels: { severity: "page" },
          annotations: { summary: `${v.prefix}: {{ $value }} pod(s) unschedulable for 10 minutes; the node group cannot grow (at its maximum, or instances unavailable)` },
        },
        {
          alert: "NodeNotScraped",
          expr: 'up{job=~"kubelet|cadvisor"} == 0',
          for: "10m",
          labels: { severity: "ticket" },
          annotations: { summary: `${v.prefix}: the scraper cannot reach node {{ $labels.node }}` },
        },
        {
          // NodeNotScraped needs `up` series to exist: when the scraper writes nothing at all (no
          // access to the cluster, to the workspace or to its key), only their absence tells, and
          // every rule above is blind meanwhile.
          alert: "ScrapesMissing",
          expr: 'absent(up{job="kubelet"})',
          for: "15m",
          labels: { severity: "ticket" },
          annotations: { summary: `${v.prefix}: no kubelet scrape has reached the workspace for 15 minutes; node memory and pending pods are not watched` },
        },
        {
          // PodsUnschedulable, the one Prometheus page, reads the kube-scheduler job alone: a sum
          // over no series is no result, not 0 > 0, so a scheduler scrape that fails (its target
          // down, up == 0) or never arrives (absent: the control-plane metrics API refused or
          // gone, the job's targets not discovered) leaves that page silent while kubelet scrapes,
          // and ScrapesMissing, look fine.
          alert: "SchedulerNotScraped",
          expr: 'absent(up{job="kube-scheduler"}) or up{job="kube-scheduler"} == 0',
          for: "15m",
          labels: { severity: "ticket" },
          annotations: { summary: `${v.prefix}: the kube-scheduler's metrics have not been scraped for 15 minutes; PodsUnschedulable cannot page` },
        },
      ],
    }],
  };
  return stringify(rules, { lineWidth: 0 });
}

/** Characters a free-text value keeps in the pager's message; anything else (quotes, backslashes, control characters, non-ASCII) becomes a space. */
const FREE_TEXT = "[^-A-Za-z0-9 _.,:;()%/+]";
/** Characters an alarm name keeps; anything else becomes "_". */
const NAME_TEXT = "[^-A-Za-z0-9_.:]";
/** The alert name's share of the subject: SNS refuses a subject of 100 characters or more. */
const ALERT_NAME_MAX = 32;
/** SNS's subject limit: "less than 100 characters" (Publish). */
const SUBJECT_MAX = 99;

/**
 * A label or annotation value of an alert inside the message, as an Alertmanager template
 * expression: Alertmanager's templates have no JSON escaping, so a value is reduced to characters
 * that need none (reReplaceAll, Alertmanager's template function; RE2 syntax), and cut to `max`.
 */
function sanitized(value: string, keep: string, replacement: string, max: number): string {
  return `reReplaceAll "^(.{${max}}).+$" "$1" (reReplaceAll "${keep}" "${replacement}" ${value})`;
}

/** What the page topic's pager reads of an alert: the subject and message templates of each sns_config. */
export interface PagerTemplates {
  subject: string;
  message: string;
}

/**
 * The subject and message of Alertmanager's SNS notifications, shaped as a CloudWatch alarm's.
 * The page topic's pager is PagerDuty's Amazon CloudWatch integration (docs/observability.md),
 * whose parser is undocumented; a public write-up (cetinich.net, 2022) found it drops SNS
 * messages whose Subject does not start with "ALARM: " or "OK: " or whose body is not JSON with a
 * matching NewStateValue. Alertmanager's own default message is neither. So: the subject
 * `ALARM: "<prefix>-<alert>" in <region>` (OK once resolved), and a JSON body with AlarmName
 * (the node's name added, so that each node's alert opens and resolves its own incident),
 * NewStateValue, NewStateReason and AlarmDescription. Every value comes from this code (prefix,
 * region, the status) or from an alert's labels and annotations reduced to characters JSON
 * needs no escape for: the templates cannot escape. Proven only by a test alert per region after
 * the first deploy.
 */
export function pagerTemplates(v: { prefix: string; region: string }): PagerTemplates {
  for (const [what, value] of [["prefix", v.prefix], ["region", v.region]] as const) {
    if (!/^[A-Za-z0-9._-]+$/.test(value)) throw new RangeError(`alertmanager ${what} "${value}" must be letters, digits, ".", "_" or "-": it is written into JSON and a template unescaped`);
  }
  const state = '{{ if eq .Status "firing" }}ALARM{{ else }}OK{{ end }}';
  const alert = `{{ ${sanitized(".CommonLabels.alertname", NAME_TEXT, "_", ALERT_NAME_MAX)} }}`;
  const node = `{{ with .CommonLabels.node }}-{{ ${sanitized(".", NAME_TEXT, "_", 64)} }}{{ end }}`;
  const subject = `${state}: "${v.prefix}-${alert}" in ${v.region}`;
  const longest = `ALARM: "${v.prefix}-${"x".repeat(ALERT_NAME_MAX)}" in ${v.region}`.length;
  if (longest > SUBJECT_MAX) throw new RangeError(`alertmanager subject may be ${longest} characters; SNS takes fewer than 100 (prefix and region too long)`);
  const message = [
    "{",
    `"AlarmName":"${v.prefix}-${alert}${node}",`,
    `"NewStateValue":"${state}",`,
    `"NewStateReason":"Prometheus alert {{ .Status }} in ${v.prefix}: {{ len .Alerts.Firing }} firing, {{ len .Alerts.Resolved }} resolved (Amazon Managed Service for Prometheus, ${v.region})",`,
    `"AlarmDescription":"{{ ${sanitized(".CommonAnnotations.summary", FREE_TEXT, " ", 500)} }}"`,
    "}",
  ].join("");
  return { subject, message };
}

/**
 * Alertmanager routing alerts to the region's SNS topics as CloudWatch alarms go: severity=ticket
 * to the ticket topic, everything else (pages, and an alert someone forgot to label) to the page
 * topic, each message shaped as a CloudWatch alarm's (pagerTemplates). AMP's definition format
 * wraps the Alertmanager configuration in `alertmanager_config` as a string.
 */
export function alertmanagerDefinition(v: { topicArn: string; ticketTopicArn: string; region: string; prefix: string }): string {
  const { subject, message } = pagerTemplates(v);
  // SNS refuses an empty attribute value: an alert without a severity label says "none".
  const sns = (topicArn: string) => [{ topic_arn: topicArn, sigv4: { region: v.region }, subject, message, attributes: { severity: "{{ if .CommonLabels.severity }}{{ .CommonLabels.severity }}{{ else }}none{{ end }}" } }];
  const config = {
    route: {
      receiver: "sns",
      group_by: ["alertname", "node"],
      group_wait: "30s",
      group_interval: "5m",
      repeat_interval: "4h",
      routes: [{ receiver: "sns-tickets", matchers: ['severity="ticket"'] }],
    },
    receivers: [
      { name: "sns", sns_configs: sns(v.topicArn) },
      { name: "sns-tickets", sns_configs: sns(v.ticketTopicArn) },
    ],
  };
  return stringify({ alertmanager_config: stringify(config, { lineWidth: 0 }) }, { lineWidth: 0 });
}
