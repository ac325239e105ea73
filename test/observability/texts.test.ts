/** Names, dashboard bodies, Prometheus configuration and the probe's code: what the components hand to AWS as text. */
import { createServer, type Server } from "http";
import { AddressInfo } from "net";
import { runInNewContext } from "vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CANARY_SOURCE, probeTargets, watchTargets } from "../../components/observability/canary-script";
import { ERROR_RATE_EXPRESSION } from "../../components/observability/alarms";
import { globalDashboardBody, regionalDashboardBody, type Widget } from "../../components/observability/dashboards";
import { alarmArn, canaryName, dashboardName } from "../../components/observability/names";
import { alertingRules, alertmanagerDefinition, KEPT_METRICS, pagerTemplates, PROMETHEUS_ALERTS, scrapeConfiguration } from "../../components/observability/prometheus";
import { canarySchedule } from "../../components/observability/synthetic-probe";
import { DEFAULT_OBJECTIVES } from "../../components/observability/thresholds";

describe("names", () => {
  it("keeps short canary names and shortens long ones to 21 characters, distinctly", () => {
    expect(canaryName("prod-us-east-1")).toBe("prod-us-east-1");
    const a = canaryName("production-ap-southeast-2");
    const b = canaryName("production-ap-southeast-1");
    expect(a).toMatch(/^[0-9a-z_-]{1,21}$/);
    expect(a).toMatch(/^production-ap-[0-9a-f]{6}$/);
    expect(a).not.toBe(b);
    expect(canaryName("Prod.EU")).toBe("prod-eu");
  });

  it("builds alarm ARNs the way CloudWatch does", () => {
    expect(alarmArn("aws", "eu-west-1", "123456789012", "prod-eu-west-1-error-rate")).toBe("arn:aws:cloudwatch:eu-west-1:123456789012:alarm:prod-eu-west-1-error-rate");
    expect(dashboardName("prod-us-east-1")).toBe("prod-us-east-1");
  });

  it("schedules a canary with Synthetics' rate syntax", () => {
    expect(canarySchedule(1)).toBe("rate(1 minute)");
    expect(canarySchedule(5)).toBe("rate(5 minutes)");
    expect(() => canarySchedule(0)).toThrow(/1 to 60 minutes/);
  });
});

const inGrid = (widgets: Widget[]) => widgets.every((w) => w.x >= 0 && w.x + w.width <= 24 && w.y >= 0);
const overlapping = (widgets: Widget[]) => widgets.some((a, i) => widgets.slice(i + 1).some((b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height));

describe("regional dashboard", () => {
  const body = regionalDashboardBody({
    region: "eu-west-1",
    prefix: "prod-eu-west-1",
    loadBalancer: "app/a/1",
    targetGroup: "targetgroup/t/2",
    availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
    autoScalingGroupName: "asg-1",
    objectives: DEFAULT_OBJECTIVES,
    database: { clusterIdentifier: "prod-eu-west-1", lagThresholdMs: 30_000 },
    canaryName: "prod-eu-west-1",
    alarmArns: ["arn:aws:cloudwatch:eu-west-1:1:alarm:x"],
    prometheusWorkspaceId: "ws-1",
  });
  const lines = body.widgets.flatMap((w) => (w.properties.metrics as unknown[][] | undefined) ?? []);

  it("lays out widgets on the 24-column grid without overlaps", () => {
    expect(inGrid(body.widgets)).toBe(true);
    expect(overlapping(body.widgets)).toBe(false);
  });

  it("graphs the 5xx rate and the availability SLI as the error-rate alarm reads them: over the requests with a target plus the ALB's own 5xx", () => {
    const expressions = lines.filter((l) => typeof l[0] === "object").map((l) => l[0] as { expression?: string; id?: string });
    const byId = Object.fromEntries(expressions.map((e) => [e.id, e.expression]));
    // The alarm's expression, series renamed, is the graph's rate behind the alarm's zero-traffic guard.
    const asAlarm = (e: string) => e.replace(/\bt5\b/g, "target5xx").replace(/\be5\b/g, "elb5xx").replace(/\breq\b/g, "requests");
    expect(ERROR_RATE_EXPRESSION).toBe(`IF(FILL(requests, 0) + FILL(elb5xx, 0) > 0, ${asAlarm(byId.r5!)}, 0)`);
    expect(byId.sli).toBe(`100 - ${byId.r5}`);
    expect(byId.r5).toMatch(/\/ \(FILL\(req, 0\) \+ FILL\(e5, 0\)\)$/);
    expect(lines.some((l) => l[1] === "HTTP_Redirect_Count")).toBe(false);
  });

  it("graphs healthy targets per AZ by LoadBalancer, TargetGroup and AvailabilityZone", () => {
    const healthy = lines.filter((l) => l[1] === "HealthyHostCount");
    expect(healthy.map((l) => l.slice(0, 8))).toEqual(["a", "b", "c"].map((s) => ["AWS/ApplicationELB", "HealthyHostCount", "LoadBalancer", "app/a/1", "TargetGroup", "targetgroup/t/2", "AvailabilityZone", `eu-west-1${s}`]));
  });

  it("graphs p50 and p99 latency, node CPU, nodes in service vs maximum and the database by role", () => {
    expect(lines.filter((l) => l[1] === "TargetResponseTime").map((l) => (l[6] as { stat: string }).stat)).toEqual(["p50", "p99", "PR(:0.3)"]);
    expect(lines.some((l) => l[0] === "AWS/EC2" && l[1] === "CPUUtilization" && l[2] === "AutoScalingGroupName")).toBe(true);
    expect(lines.filter((l) => l[0] === "AWS/AutoScaling").map((l) => l[1])).toEqual(["GroupInServiceInstances", "GroupDesiredCapacity", "GroupMaxSize"]);
    expect(lines.filter((l) => l[0] === "AWS/RDS" && l[1] === "CPUUtilization").map((l) => l.slice(2, 6))).toEqual([["DBClusterIdentifier", "prod-eu-west-1", "Role", "WRITER"], ["DBClusterIdentifier", "prod-eu-west-1", "Role", "READER"]]);
    expect(lines.filter((l) => l[0] === "AWS/RDS").map((l) => l[1])).toEqual(expect.arrayContaining(["AuroraReplicaLag", "DatabaseConnections"]));
    // The cross-region lag as the alarm reads it: whatever dimension set AWS publishes it with.
    const queries = lines.filter((l) => typeof l[0] === "object").map((l) => String((l[0] as { expression?: string }).expression)).filter((e) => e.startsWith("SELECT"));
    expect(queries).toEqual([
      `SELECT MAX(AuroraGlobalDBRPOLag) FROM "AWS/RDS" WHERE DBClusterIdentifier = 'prod-eu-west-1'`,
      `SELECT MAX(AuroraGlobalDBReplicationLag) FROM "AWS/RDS" WHERE DBClusterIdentifier = 'prod-eu-west-1'`,
    ]);
  });
});

describe("global dashboard", () => {
  const body = globalDashboardBody({
    environment: "prod",
    partition: "aws",
    accountId: "123456789012",
    regions: [
      { region: "us-east-1", prefix: "prod-us-east-1", primary: true, databaseClusterIdentifier: "prod-us-east-1" },
      { region: "eu-west-1", prefix: "prod-eu-west-1", primary: false, databaseClusterIdentifier: "prod-eu-west-1" },
    ],
    route53Region: "us-east-1",
    arcEnabled: true,
    lagThresholdMs: 30_000,
  });

  it("lays out one column per region without overlaps", () => {
    expect(inGrid(body.widgets)).toBe(true);
    expect(overlapping(body.widgets)).toBe(false);
  });

  it("shows every region's alarms by their predictable ARNs, DNS alarms in us-east-1", () => {
    const grid = body.widgets.find((w) => w.type === "alarm")!.properties.alarms as string[];
    expect(grid).toContain("arn:aws:cloudwatch:eu-west-1:123456789012:alarm:prod-eu-west-1-region-impaired");
    expect(grid).toContain("arn:aws:cloudwatch:eu-west-1:123456789012:alarm:prod-eu-west-1-replication-lag");
    expect(grid).toContain("arn:aws:cloudwatch:us-east-1:123456789012:alarm:prod-eu-west-1-out-of-rotation");
    expect(grid).toContain("arn:aws:cloudwatch:us-east-1:123456789012:alarm:prod-eu-west-1-routing-control-off");
    const graphs = body.widgets.flatMap((w) => ((w.properties.annotations as { alarms?: string[] } | undefined)?.alarms ?? []).map((a) => [w.properties.region, a]));
    expect(graphs).toContainEqual(["eu-west-1", "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:prod-eu-west-1-error-rate"]);
    expect(graphs).toContainEqual(["us-east-1", "arn:aws:cloudwatch:us-east-1:123456789012:alarm:prod-eu-west-1-out-of-rotation"]);
  });

  it("puts every member's RPO lag side by side, each from its own region", () => {
    const lag = body.widgets.find((w) => String(w.properties.title).startsWith("Aurora RPO lag"))!;
    expect(lag.properties.metrics).toEqual([
      [{ expression: `SELECT MAX(AuroraGlobalDBRPOLag) FROM "AWS/RDS" WHERE DBClusterIdentifier = 'prod-us-east-1'`, id: "rpo0", period: 60, label: "us-east-1", region: "us-east-1" }],
      [{ expression: `SELECT MAX(AuroraGlobalDBRPOLag) FROM "AWS/RDS" WHERE DBClusterIdentifier = 'prod-eu-west-1'`, id: "rpo1", period: 60, label: "eu-west-1", region: "eu-west-1" }],
    ]);
  });

  it("leaves routing-control graphs out without ARC", () => {
    const withoutArc = globalDashboardBody({ environment: "dev", partition: "aws", accountId: "1", regions: [{ region: "us-east-2", prefix: "dev-us-east-2", primary: true }], route53Region: "us-east-1", arcEnabled: false, lagThresholdMs: 1 });
    expect(JSON.stringify(withoutArc)).not.toContain("routing-control-off");
  });
});

describe("Prometheus configuration", () => {
  const scrape = parse(scrapeConfiguration({ clusterName: "prod-us-east-1", region: "us-east-1", environment: "prod", service: { namespace: "reference", name: "reference-service" } }));

  it("stays within what the managed scraper accepts: ≥ 30 s, kubernetes_sd only, Bearer with the token file", () => {
    expect(scrape.global.scrape_interval).toBe("60s");
    expect(scrape.global.external_labels).toEqual({ cluster: "prod-us-east-1", region: "us-east-1", environment: "prod" });
    for (const job of scrape.scrape_configs) {
      expect(Object.keys(job).filter((k) => k.endsWith("_sd_configs"))).toEqual(["kubernetes_sd_configs"]);
      if (job.authorization) expect(job.authorization).toEqual({ type: "Bearer", credentials_file: "/var/run/secrets/kubernetes.io/serviceaccount/token" });
      // The only host name the scraper resolves is the API server's.
      for (const r of job.relabel_configs ?? []) if (r.target_label === "__address__" && !r.source_labels) expect(r.replacement).toBe("kubernetes.default.svc:443");
    }
    expect(scrape.scrape_configs.map((j: { job_name: string }) => j.job_name)).toEqual(["kubernetes-apiservers", "kubelet", "cadvisor", "kube-scheduler", "kube-controller-manager", "reference-service"]);
  });

  it("keeps only the series the alerts and dashboards read from the cluster's own exporters", () => {
    const keep = (job: string) => new RegExp(`^(?:${scrape.scrape_configs.find((j: { job_name: string }) => j.job_name === job).metric_relabel_configs[0].regex})$`);
    // What the alerting rules read must survive the filter ...
    expect(keep("cadvisor").test("container_memory_working_set_bytes") && keep("cadvisor").test("machine_memory_bytes")).toBe(true);
    expect(keep("kube-scheduler").test("scheduler_pending_pods")).toBe(true);
    // ... and the expensive detail must not.
    expect(keep("kubernetes-apiservers").test("apiserver_request_duration_seconds_bucket")).toBe(false);
    expect(keep("cadvisor").test("container_fs_reads_bytes_total")).toBe(false);
    // The reference service's own metrics are all kept.
    expect(scrape.scrape_configs.find((j: { job_name: string }) => j.job_name === "reference-service").metric_relabel_configs).toBeUndefined();
  });

  it("scrapes only the reference service's opted-in pods in its namespace", () => {
    const job = scrape.scrape_configs.find((j: { job_name: string }) => j.job_name === "reference-service");
    expect(job.kubernetes_sd_configs).toEqual([{ role: "pod", namespaces: { names: ["reference"] } }]);
    expect(job.relabel_configs[0]).toEqual({ source_labels: ["__meta_kubernetes_pod_label_app_kubernetes_io_name"], action: "keep", regex: "reference-service" });
  });

  it("alerts on node memory, unschedulable pods and unreachable nodes", () => {
    const rules = parse(alertingRules({ prefix: "prod-us-east-1", nodeMemoryPercent: 90 })).groups[0].rules;
    expect(rules.map((r: { alert: string }) => r.alert)).toEqual(["NodeMemoryHigh", "PodsUnschedulable", "NodeNotScraped", "ScrapesMissing", "SchedulerNotScraped"]);
    expect(rules.map((r: { alert: string }) => r.alert)).toEqual([...PROMETHEUS_ALERTS]);
    // A scraper that writes nothing leaves no `up` series for NodeNotScraped to compare.
    expect(rules[3].expr).toBe('absent(up{job="kubelet"})');
    expect(rules[0].expr).toMatch(/> 90$/);
    expect(rules[1].expr).toBe('sum(scheduler_pending_pods{queue="unschedulable"}) > 0');
  });

  it("tickets when the only Prometheus page, PodsUnschedulable, has no scheduler metrics to read", () => {
    const rules = parse(alertingRules({ prefix: "prod-us-east-1", nodeMemoryPercent: 90 })).groups[0].rules as { alert: string; expr: string; for: string; labels: Record<string, string> }[];
    const pages = rules.filter((r) => r.labels.severity === "page");
    expect(pages.map((r) => r.alert)).toEqual(["PodsUnschedulable"]);
    // Every job a page reads is guarded: its targets down (up == 0) or its series never arriving (absent).
    const guard = rules.find((r) => r.alert === "SchedulerNotScraped")!;
    expect(pages[0].expr).toMatch(/scheduler_pending_pods/);
    expect(KEPT_METRICS["kube-scheduler"].split("|")).toContain("scheduler_pending_pods");
    expect(guard).toMatchObject({ expr: 'absent(up{job="kube-scheduler"}) or up{job="kube-scheduler"} == 0', for: "15m", labels: { severity: "ticket" } });
    // The job name the guard reads is the one the scraper gives the scheduler.
    expect(scrape.scrape_configs.map((j: { job_name: string }) => j.job_name)).toContain("kube-scheduler");
  });

  it("wraps Alertmanager's configuration as AMP expects, routing pages and unlabelled alerts to the page topic, tickets to the ticket topic, with SigV4", () => {
    const definition = parse(alertmanagerDefinition({ topicArn: "arn:aws:sns:us-east-1:1:prod-alarms", ticketTopicArn: "arn:aws:sns:us-east-1:1:prod-tickets", region: "us-east-1", prefix: "prod-us-east-1" }));
    expect(typeof definition.alertmanager_config).toBe("string");
    const config = parse(definition.alertmanager_config);
    const topicOf = (receiver: string) => config.receivers.find((r: { name: string }) => r.name === receiver).sns_configs[0];
    expect(config.route.receiver).toBe("sns");
    expect(topicOf("sns")).toMatchObject({ topic_arn: "arn:aws:sns:us-east-1:1:prod-alarms", sigv4: { region: "us-east-1" } });
    expect(config.route.routes).toEqual([{ receiver: "sns-tickets", matchers: ['severity="ticket"'] }]);
    expect(topicOf("sns-tickets")).toMatchObject({ topic_arn: "arn:aws:sns:us-east-1:1:prod-tickets" });
    // SNS refuses an empty attribute value: an unlabelled alert still gets one.
    expect(topicOf("sns").attributes.severity).toBe("{{ if .CommonLabels.severity }}{{ .CommonLabels.severity }}{{ else }}none{{ end }}");
    // Both topics' messages are shaped as CloudWatch's, for the pager's CloudWatch integration.
    const templates = pagerTemplates({ prefix: "prod-us-east-1", region: "us-east-1" });
    for (const receiver of ["sns", "sns-tickets"]) expect(topicOf(receiver)).toMatchObject(templates);
  });
});

/**
 * Alertmanager's Go templates, only as far as pagerTemplates writes them: text, {{ if eq A B }},
 * {{ with A }} (dot rebound), {{ else }}, {{ end }}, fields (.A.B, a missing label is "", as
 * Alertmanager's missingkey=zero), len, and reReplaceAll (RE2 patterns that JavaScript reads the
 * same). Anything else throws, so a template this cannot read fails the test rather than passing.
 */
interface AlertData { Status: "firing" | "resolved"; CommonLabels: Record<string, string>; CommonAnnotations: Record<string, string>; Alerts: { Firing: unknown[]; Resolved: unknown[] } }
function renderTemplate(template: string, data: AlertData): string {
  const tokenize = (action: string) => {
    const tokens: string[] = [];
    const re = /\s*("[^"\\]*"|\(|\)|[^\s()"]+)/y;
    const end = action.trimEnd().length;
    while (re.lastIndex < end) {
      const m = re.exec(action);
      if (!m) throw new Error(`cannot read {{${action}}}`);
      tokens.push(m[1]);
    }
    return tokens;
  };
  const field = (path: string, dot: unknown): unknown => {
    if (path === ".") return dot;
    if (!/^(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(path)) throw new Error(`not a field: ${path}`);
    let value: unknown = data;
    for (const name of path.slice(1).split(".")) value = value === undefined ? undefined : (value as Record<string, unknown>)[name];
    return value ?? "";
  };
  const evaluate = (tokens: string[], dot: unknown): unknown => {
    let i = 0;
    const term = (): unknown => {
      const t = tokens[i++];
      if (t === undefined) throw new Error("missing argument");
      if (t === "(") {
        const start = i;
        let depth = 1;
        while (depth > 0) {
          if (tokens[i] === undefined) throw new Error("unclosed (");
          if (tokens[i] === "(") depth++;
          if (tokens[i] === ")") depth--;
          i++;
        }
        return evaluate(tokens.slice(start, i - 1), dot);
      }
      if (t.startsWith('"')) return t.slice(1, -1);
      if (t.startsWith(".")) return field(t, dot);
      throw new Error(`unexpected ${t}`);
    };
    const functions: Record<string, (...args: unknown[]) => unknown> = {
      eq: (a, b) => a === b,
      len: (a) => (a as unknown[]).length,
      reReplaceAll: (pattern, replacement, text) => String(text).replace(new RegExp(String(pattern), "g"), String(replacement)),
    };
    const head = tokens[0];
    if (head in functions) {
      i = 1;
      const args: unknown[] = [];
      while (i < tokens.length) args.push(term());
      if (args.length !== functions[head].length) throw new Error(`${head} takes ${functions[head].length} arguments`);
      return functions[head](...args);
    }
    const value = term();
    if (i !== tokens.length) throw new Error(`cannot read ${tokens.join(" ")}`);
    return value;
  };
  type Frame = { kind: "if" | "with"; on: boolean; dot: unknown; outerOn: boolean };
  const stack: Frame[] = [];
  let dot: unknown = data;
  let on = true;
  let out = "";
  for (const [i, part] of template.split(/\{\{(.*?)\}\}/s).entries()) {
    if (i % 2 === 0) {
      if (on) out += part;
      continue;
    }
    const tokens = tokenize(part);
    if (tokens[0] === "if" || tokens[0] === "with") {
      const value: unknown = on ? evaluate(tokens.slice(1), dot) : undefined;
      stack.push({ kind: tokens[0], on: on && Boolean(value), dot, outerOn: on });
      if (tokens[0] === "with" && on && value) dot = value;
      on = on && Boolean(value);
    } else if (tokens.join(" ") === "else") {
      const frame = stack.at(-1)!;
      dot = frame.dot;
      on = frame.outerOn && !frame.on;
    } else if (tokens.join(" ") === "end") {
      const frame = stack.pop()!;
      dot = frame.dot;
      on = frame.outerOn;
    } else if (on) {
      out += String(evaluate(tokens, dot));
    }
  }
  if (stack.length) throw new Error("unclosed block");
  return out;
}

describe("the pager's view of a Prometheus alert (PagerDuty's CloudWatch integration)", () => {
  const templates = pagerTemplates({ prefix: "prod-us-east-1", region: "us-east-1" });
  const alert = (status: AlertData["Status"], labels: Record<string, string>, summary: string): AlertData => ({
    Status: status,
    CommonLabels: labels,
    CommonAnnotations: { summary },
    Alerts: { Firing: status === "firing" ? [{}] : [], Resolved: status === "resolved" ? [{}] : [] },
  });
  const page = (data: AlertData) => ({ subject: renderTemplate(templates.subject, data), body: JSON.parse(renderTemplate(templates.message, data)) as Record<string, string> });

  it("opens with ALARM: and a CloudWatch-shaped JSON body whose NewStateValue matches, and resolves with OK:", () => {
    const summary = "prod-us-east-1: 3 pod(s) unschedulable for 10 minutes; the node group cannot grow (at its maximum, or instances unavailable)";
    const firing = page(alert("firing", { alertname: "PodsUnschedulable", severity: "page" }, summary));
    expect(firing.subject).toBe('ALARM: "prod-us-east-1-PodsUnschedulable" in us-east-1');
    expect(firing.body).toEqual({
      AlarmName: "prod-us-east-1-PodsUnschedulable",
      NewStateValue: "ALARM",
      NewStateReason: "Prometheus alert firing in prod-us-east-1: 1 firing, 0 resolved (Amazon Managed Service for Prometheus, us-east-1)",
      AlarmDescription: summary,
    });
    const resolved = page(alert("resolved", { alertname: "PodsUnschedulable", severity: "page" }, summary));
    expect(resolved.subject).toBe('OK: "prod-us-east-1-PodsUnschedulable" in us-east-1');
    expect([resolved.body.AlarmName, resolved.body.NewStateValue]).toEqual(["prod-us-east-1-PodsUnschedulable", "OK"]);
  });

  it("names each node's alert apart, so that one node's recovery does not resolve another's incident", () => {
    const { subject, body } = page(alert("firing", { alertname: "NodeMemoryHigh", severity: "ticket", node: "ip-10-0-1-23.ec2.internal" }, "prod-us-east-1: node ip-10-0-1-23.ec2.internal uses more than 90 % of its memory"));
    expect(body.AlarmName).toBe("prod-us-east-1-NodeMemoryHigh-ip-10-0-1-23.ec2.internal");
    expect(subject).toBe('ALARM: "prod-us-east-1-NodeMemoryHigh" in us-east-1');
  });

  it("stays valid JSON and a subject SNS takes whatever the labels and annotations hold", () => {
    const hostile = alert("firing", { alertname: `Evil"Name\\\n{{ x }}${"A".repeat(80)}`, node: 'n"1\\' }, 'a "quoted" \\ back\nslash, tab\t, é and 50 %');
    const { subject, body } = page(hostile);
    // Quotes, backslashes, line breaks and braces become "_" in a name, cut to 32 characters.
    expect(body.AlarmName).toBe(`prod-us-east-1-Evil_Name_____x___${"A".repeat(14)}-n_1_`);
    expect(body.AlarmDescription).toBe("a  quoted    back slash, tab ,   and 50 %");
    expect(subject).toBe(`ALARM: "prod-us-east-1-Evil_Name_____x___${"A".repeat(14)}" in us-east-1`);
    expect(subject.length).toBeLessThan(100);
  });

  it("refuses a prefix or region it would have to escape, and one too long for SNS's subject", () => {
    expect(() => pagerTemplates({ prefix: 'prod"', region: "us-east-1" })).toThrow(/prefix "prod\"" must be letters/);
    expect(() => pagerTemplates({ prefix: "p".repeat(60), region: "us-east-1" })).toThrow(/SNS takes fewer than 100/);
  });
});

describe("the synthetic probe's code", () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      res.statusCode = req.url === "/healthz" ? 200 : 500;
      res.end(req.headers.host ?? "");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function run(targets: unknown[]): Promise<string> {
    const module = { exports: {} as { handler: () => Promise<string> } };
    const env = { PROBE_TARGETS: JSON.stringify(targets), PROBE_TIMEOUT_MS: "2000" };
    runInNewContext(CANARY_SOURCE, { module, exports: module.exports, require, process: { env }, console: { log: () => undefined }, URL, Date, Promise, JSON, Number, Error });
    return module.exports.handler();
  }

  it("passes when every target answers 200", async () => {
    await expect(run([{ name: "public", url: `${base}/healthz` }, { name: "alb", url: `${base}/healthz`, servername: "app.example.com" }])).resolves.toBe("all 2 targets answered 200");
  });

  it("fails the run, naming the target, on another status or no answer", async () => {
    await expect(run([{ name: "public", url: `${base}/healthz` }, { name: "broken", url: `${base}/down` }])).rejects.toThrow("broken (HTTP 500)");
    await expect(run([{ name: "closed", url: "http://127.0.0.1:1/healthz" }])).rejects.toThrow(/closed \(/);
    await expect(run([])).rejects.toThrow(/no target/);
  });

  it("probes the public name, and the region's ALB with the public name as SNI and Host", () => {
    expect(probeTargets({ publicName: "app.prod.example.com", loadBalancerDnsName: "alb-1.eu-west-1.elb.amazonaws.com", path: "healthz" })).toEqual([
      { name: "public name", url: "https://app.prod.example.com/healthz" },
      { name: "this region's load balancer", url: "https://alb-1.eu-west-1.elb.amazonaws.com/healthz", servername: "app.prod.example.com" },
    ]);
  });

  it("watches other regions by their own names, with the public name as SNI and Host (the certificate's name)", () => {
    expect(watchTargets({ publicName: "app.prod.example.com", regions: [{ region: "us-east-1", name: "app-us-east-1.prod.example.com" }], path: "healthz" })).toEqual([
      { name: "us-east-1's load balancer", url: "https://app-us-east-1.prod.example.com/healthz", servername: "app.prod.example.com" },
    ]);
  });
});
