/**
 * Whole stacks under the fake engine: prod's global and regional stacks (regional stacks fed
 * the global stack's planned outputs through their StackReference), prod grown to eleven
 * regions, and the single-stack dev example. Prod and its growth are the test run's shared
 * plans (test/shared-runs.ts); the dev example is planned here.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { join } from "path";
import { parse } from "yaml";
import { isTaggable } from "../../components/lib/tags";
import { endpointId } from "../../components/observability/subscribers";
import { classify, loadPriceTable } from "../../policies/cost";
import { readStackConfig } from "../../tools/fake-cloud/run";
import { resolveProgram } from "../../tools/plan/inputs";
import type { PlanDocument, PlanResource, PlanStack } from "../../tools/plan/model";
import { benchEnvironment } from "../../tools/plan/bench";
import { plan } from "../../tools/plan/plan";
import { sharedProdPlan, sharedRun } from "../shared-plan";

const root = join(__dirname, "..", "..");
let prod: PlanDocument;
let grown: PlanDocument;
let dev: PlanDocument;

const stack = (doc: PlanDocument, name: string): PlanStack => doc.stacks.find((s) => s.stack === name)!;
const ofType = (s: PlanStack, type: string) => s.resources.filter((r) => r.type === type);
const mandatory = (doc: PlanDocument) => doc.stacks.flatMap((s) => s.violations).filter((v) => v.enforcementLevel === "mandatory");

/** Prod's regions, then the eight the eleven-region environment adds (tools/plan/bench.ts). */
const PROD_REGIONS = ["us-east-1", "us-west-2", "eu-west-1"];
let added: string[];

beforeAll(async () => {
  dev = await plan(resolveProgram({ program: join(root, "examples/dev/index.ts"), stack: "dev", configFile: join(root, "examples/dev/Pulumi.dev.yaml") }));
  // The CLI's plans of prod and of prod grown to eleven regions (test/shared-runs.ts): read
  // last, as they plan in processes of their own while this one plans the example above.
  prod = (await sharedProdPlan()).document;
  const eleven = await sharedRun("eleven");
  expect(eleven.code, eleven.stderr).toBe(0);
  grown = eleven.document;
  added = grown.resilience.regions.list.map((r) => r.region).filter((r) => !PROD_REGIONS.includes(r));
  // Three whole environments (prod, prod with a fourth region, dev): generous for a loaded CI machine.
}, 300_000);

describe("prod: global stack and one stack per region", () => {
  it("plans the global stack and every regional stack, in deploy order, with no mandatory violation", () => {
    expect(prod.stacks.map((s) => [s.stack, s.role, s.region])).toEqual([
      ["prod", "global", "us-east-1"],
      ["prod-us-east-1", "region", "us-east-1"],
      ["prod-us-west-2", "region", "us-west-2"],
      ["prod-eu-west-1", "region", "eu-west-1"],
    ]);
    expect(mandatory(prod)).toEqual([]);
  });

  it("keeps what is shared in the global stack: zone, ARC, global cluster, credentials", () => {
    const global = stack(prod, "prod");
    expect(ofType(global, "aws:rds/globalCluster:GlobalCluster")).toHaveLength(1);
    expect(ofType(global, "aws:route53/zone:Zone")).toHaveLength(1);
    expect(ofType(global, "aws:route53recoverycontrol/routingControl:RoutingControl")).toHaveLength(3);
    expect(ofType(global, "aws:rds/cluster:Cluster")).toEqual([]);
    expect(global.outputs.masterPassword).toBe("[secret]");
  });

  it("reads the global stack through a StackReference in every regional stack", () => {
    for (const s of prod.stacks.filter((x) => x.role === "region")) {
      const [ref] = ofType(s, "pulumi:pulumi:StackReference");
      // Fully qualified, as Pulumi Cloud requires; the stack file says only `prod`.
      expect(ref.inputs.name).toBe("organization/platform/prod");
      // What the global stack exports as a secret stays one through the reference (the engine
      // names it in secretOutputNames): the plan never shows the master password, nor the pager's URL.
      expect(ref.outputs.secretOutputNames).toEqual(["environmentSecrets", "masterPassword"]);
      expect((ref.outputs.outputs as Record<string, unknown>).masterPassword).toBe("[secret]");
      expect((ref.outputs.outputs as Record<string, unknown>).environmentSecrets).toBe("[secret]");
      // The zone id the regional records use is the one the global stack planned.
      const zoneId = stack(prod, "prod").outputs.zoneId;
      expect(ofType(s, "aws:route53/record:Record").every((r) => r.inputs.zoneId === zoneId)).toBe(true);
    }
  });

  it("builds the primary Aurora member in the first region and a secondary everywhere else", () => {
    const clusters = prod.stacks.filter((s) => s.role === "region").map((s) => ofType(s, "aws:rds/cluster:Cluster"));
    expect(clusters.map((c) => c.length)).toEqual([1, 1, 1]);
    const [primary, ...secondaries] = clusters.map((c) => c[0]);
    expect(primary.inputs.masterUsername).toBe("app_admin");
    expect(primary.inputs.masterPassword).toBe("[secret]");
    for (const member of [primary, ...secondaries]) expect(member.inputs.globalClusterIdentifier).toBe("prod-global");
    for (const secondary of secondaries) {
      expect(secondary.inputs.masterUsername).toBeUndefined();
      expect(secondary.inputs.masterPassword).toBeUndefined();
      expect(secondary.inputs.databaseName).toBeUndefined();
    }
    expect(stack(prod, "prod-us-east-1").outputs.role).toBe("primary");
    expect(stack(prod, "prod-eu-west-1").outputs.role).toBe("secondary");
  });

  it("tags every taggable resource with environment, region, component, owner and cost centre", () => {
    for (const s of prod.stacks) {
      for (const r of s.resources.filter((x) => x.custom && !x.read && isTaggable(x.type))) {
        const tags = r.type === "aws:autoscaling/group:Group"
          ? Object.fromEntries((r.inputs.tags as { key: string; value: string }[]).map((t) => [t.key, t.value]))
          : (r.inputs.tags as Record<string, string> | undefined);
        expect(tags, `${s.stack} ${r.type} ${r.name}`).toMatchObject({ environment: "prod", owner: "platform-team", "cost-center": "cc-1042", region: r.region });
        expect(tags?.component, `${s.stack} ${r.type} ${r.name}`).toBeTruthy();
      }
    }
  });

  it("serves in every region: DNS record → ALB → target group → Service → pods, with the deploy's access in place", () => {
    const serving = prod.resilience.servingPath;
    expect(serving.regions.map((r) => [r.region, r.complete, r.missing])).toEqual(prod.resilience.regions.list.map((r) => [r.region, true, null]));
    for (const region of serving.regions) {
      expect(region.paths).toHaveLength(1);
      expect(region.paths[0]).toMatchObject({ healthCheckPath: "/healthz", service: "app/web", workload: "app/web", minPods: 3, complete: true });
      expect(region.paths[0].records).toContain("app.prod.example.com");
    }
    expect(serving.delegation).toMatchObject({ mode: "parent-zone", zoneName: "prod.example.com", parentZoneName: "example.com" });
    for (const s of prod.stacks.filter((x) => x.role === "region")) {
      // Nodes are no targets: the pods are, and the nodes' health is their own.
      const [asg] = ofType(s, "aws:autoscaling/group:Group");
      expect(asg.inputs).toMatchObject({ healthCheckType: "EC2", targetGroupArns: [] });
      const entries = ofType(s, "aws:eks/accessEntry:AccessEntry").map((e) => e.inputs.principalArn);
      expect(entries).toContain("arn:aws:iam::123456789012:role/platform-deploy");
      expect((ofType(s, "aws:eks/cluster:Cluster")[0].inputs.vpcConfig as { publicAccessCidrs: string[] }).publicAccessCidrs).toEqual(["203.0.113.16/28"]);
      // The controller may register pods with the target group: it carries the tag its role's policy asks for.
      const clusterName = ofType(s, "aws:eks/cluster:Cluster")[0].inputs.name;
      const [targetGroup] = ofType(s, "aws:lb/targetGroup:TargetGroup");
      expect((targetGroup.inputs.tags as Record<string, string>)["platform/bind-cluster"]).toBe(clusterName);
      const controllerPolicy = ofType(s, "aws:iam/rolePolicy:RolePolicy").find((p) => p.name.endsWith("-aws-load-balancer-controller"))!;
      const register = (JSON.parse(String(controllerPolicy.inputs.policy)).Statement as { Sid: string; Condition?: unknown }[]).find((st) => st.Sid === "RegisterPlatformTargets");
      expect(register?.Condition).toEqual({ StringEquals: { "aws:ResourceTag/platform/bind-cluster": clusterName } });
      // The canary and the alarms that count silence as failure wait for the pods (the service's Deployment).
      const [deployment] = ofType(s, "kubernetes:apps/v1:Deployment").filter((d) => d.urn.includes("RegionalService"));
      for (const canary of ofType(s, "aws:synthetics/canary:Canary")) expect(canary.dependsOn).toContain(deployment.urn);
      // A secondary's watch of the primary shares the region's probe bucket and code.
      const canaries = ofType(s, "aws:synthetics/canary:Canary");
      expect(new Set(canaries.map((c) => `${c.inputs.s3Bucket} ${c.inputs.s3Key}`)).size).toBe(1);
      expect(canaries).toHaveLength(s.region === "us-east-1" ? 1 : 2);
      // The own canary probes the public name as well: it starts once the region's records exist.
      const records = ofType(s, "aws:route53/record:Record").filter((r) => r.urn.includes("platform:dns:RegionalEndpoint"));
      expect(records.length).toBeGreaterThan(0);
      for (const canary of canaries) expect(canary.dependsOn).toEqual(expect.arrayContaining(records.map((r) => r.urn)));
      expect(ofType(s, "aws:cloudwatch/metricAlarm:MetricAlarm").find((a) => String(a.inputs.name).endsWith("-no-healthy-targets"))!.dependsOn).toContain(deployment.urn);
    }
  });

  it("wires no data tier into the service, having none: no data-tier variables, no data policy on the pods' role", () => {
    for (const s of prod.stacks.filter((x) => x.role === "region")) {
      expect(s.outputs.dataBindingEnv).toEqual({});
      const [deployment] = ofType(s, "kubernetes:apps/v1:Deployment").filter((r) => r.name === `${s.stack}-deployment`);
      type Container = { env: { name: string }[] };
      const names = (deployment.inputs.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers[0].env.map((e) => e.name);
      expect(names).toContain("DB_READER_HOST");
      expect(names.filter((n) => /^(DYNAMODB_|CACHE_)/.test(n))).toEqual([]);
      expect(ofType(s, "aws:iam/rolePolicy:RolePolicy").map((r) => r.name)).not.toContain(`${s.stack}-data`);
    }
  });

  it("gives the pods database hosts in their own VPC: their cluster's reader and cluster endpoints, never the global writer", () => {
    for (const s of prod.stacks.filter((x) => x.role === "region")) {
      const [deployment] = ofType(s, "kubernetes:apps/v1:Deployment").filter((r) => r.name === `${s.stack}-deployment`);
      type Container = { env: { name: string; value: string }[] };
      const env = Object.fromEntries((deployment.inputs.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers[0].env.map((e) => [e.name, e.value]));
      const [cluster] = ofType(s, "aws:rds/cluster:Cluster");
      expect(env.DB_READER_HOST).toBe(cluster.outputs.readerEndpoint);
      // Prod forwards no writes (dbWriteForwarding false): every region's writer host is its own
      // cluster endpoint, a writer on the primary, and on a secondary once it is promoted.
      expect(env.DB_WRITER_HOST).toBe(cluster.outputs.endpoint);
      expect(JSON.stringify(env)).not.toContain(".global.rds.amazonaws.com");
    }
  });

  it("chooses every region's zones by zone ID, never one EKS refuses", () => {
    const east = prod.resilience.regions.list.find((r) => r.region === "us-east-1")!;
    expect(east.azIds).toEqual(["use1-az1", "use1-az2", "use1-az4"]);
    expect(east.zoneChoice).toContain("use1-az3: EKS refuses control-plane subnets there");
    for (const s of prod.stacks.filter((x) => x.role === "region")) {
      for (const subnet of ofType(s, "aws:ec2/subnet:Subnet")) expect(subnet.inputs.availabilityZoneId, subnet.name).toMatch(/^[a-z]+\d-az\d+$/);
    }
  });

  it("protects every stateful resource", () => {
    const stateful = ["aws:rds/cluster:Cluster", "aws:rds/globalCluster:GlobalCluster", "aws:kms/key:Key", "aws:route53/zone:Zone"];
    const found = prod.stacks.flatMap((s) => s.resources).filter((r) => stateful.includes(r.type));
    expect(found.length).toBeGreaterThanOrEqual(10);
    for (const r of found) expect(r.protect, `${r.type} ${r.name}`).toBe(true);
  });
});

describe("growing prod to eleven regions", () => {
  /**
   * A resource's identity with the region and its CIDR written out of it. A load balancer or
   * target group whose auto-name would break ELB's 32 characters in a long region name gets a
   * name of its own there (components/lib/names.ts): a region-specific name too.
   */
  const shape = (r: PlanResource, region: string, cidr: string) => {
    const keys = Object.keys(r.inputs).filter((key) => !(key === "name" && /^aws:lb\/(loadBalancer|targetGroup):/.test(r.type)));
    return `${r.type} ${r.name.split(region).join("<region>").replace(/-cross-region-[a-z]+-[a-z]+-\d+$/, "-cross-region-<other>")} [${keys.sort().join(",")}] ${JSON.stringify(r.inputs).includes(cidr) ? "cidr" : ""}`;
  };

  it("yields a regional stack per new region that differs from another secondary only in region-specific names", () => {
    expect(added).toHaveLength(8);
    expect(grown.stacks.map((s) => s.stack)).toEqual(["eleven", ...[...PROD_REGIONS, ...added].map((r) => `eleven-${r}`)]);
    const cidrs = benchEnvironment(11)["platform:vpcCidrs"] as string[];
    const third = stack(grown, "eleven-eu-west-1");
    const thirdShape = third.resources.map((r) => shape(r, "eu-west-1", cidrs[2])).sort();
    added.forEach((region, i) => {
      const grownStack = stack(grown, `eleven-${region}`);
      expect(grownStack.resources.map((r) => shape(r, region, cidrs[PROD_REGIONS.length + i])).sort(), region).toEqual(thirdShape);
      expect(grownStack.outputs.role).toBe("secondary");
      expect(ofType(grownStack, "aws:rds/cluster:Cluster")[0].inputs.masterUsername).toBeUndefined();
      // Everything in the new region, but the DNS alarms (out of rotation, routing control Off): Route 53 metrics exist only in us-east-1.
      const elsewhere = grownStack.resources.filter((r) => r.type.startsWith("aws:") && r.region !== region);
      expect(elsewhere.map((r) => [r.type, r.region, r.inputs.name]).sort()).toEqual([
        ["aws:cloudwatch/metricAlarm:MetricAlarm", "us-east-1", `eleven-${region}-out-of-rotation`],
        ["aws:cloudwatch/metricAlarm:MetricAlarm", "us-east-1", `eleven-${region}-routing-control-off`],
      ]);
    });
    expect(mandatory(grown)).toEqual([]);
  });

  it("gives every new region a routing control and a replica of the database secret in the global stack", () => {
    const global = stack(grown, "eleven");
    expect(ofType(global, "aws:route53recoverycontrol/routingControl:RoutingControl")).toHaveLength(11);
    const [secret] = ofType(global, "aws:secretsmanager/secret:Secret");
    expect((secret.inputs.replicas as { region: string }[]).map((r) => r.region)).toEqual(expect.arrayContaining(added));
  });
});

describe("prod: monitoring", () => {
  it("pages each region's DNS alarm out of rotation, tickets its routing control switched Off, through the global stack's us-east-1 topics", () => {
    const global = stack(prod, "prod");
    const [pages, tickets] = [global.outputs.alarmTopicArn, global.outputs.ticketTopicArn] as string[];
    expect(pages).toMatch(/^arn:aws:sns:us-east-1:/);
    expect(tickets).toMatch(/^arn:aws:sns:us-east-1:/);
    expect(tickets).not.toBe(pages);
    for (const region of PROD_REGIONS) {
      const alarm = (key: string) => ofType(stack(prod, `prod-${region}`), "aws:cloudwatch/metricAlarm:MetricAlarm").find((a) => a.inputs.name === `prod-${region}-${key}`)!;
      expect(alarm("out-of-rotation").inputs.alarmActions).toEqual([pages]);
      expect(alarm("routing-control-off").inputs.alarmActions).toEqual([tickets]);
    }
  });

  it("subscribes prod's pager to every page topic (each region's and the DNS one), the URL secret, and tells the deploy gate to wait for it", () => {
    const pager = (readStackConfig(join(root, "Pulumi.prod.yaml"))["platform:pageEndpoints"] as string[])[0];
    const pagerSubscriptions = (s: PlanStack) => ofType(s, "aws:sns/topicSubscription:TopicSubscription").filter((r) => r.inputs.protocol === "https");
    const global = stack(prod, "prod");
    // In the clear in the stack file (an example), secret everywhere after: the URL's key opens incidents.
    expect(pagerSubscriptions(global).map((r) => [r.inputs.topic, r.inputs.endpoint, r.inputs.endpointAutoConfirms, r.region])).toEqual([[global.outputs.alarmTopicArn, "[secret]", true, "us-east-1"]]);
    expect(global.outputs.pagerExpected).toBe(true);
    expect((global.outputs.environment as { pageEndpoints: unknown }).pageEndpoints).toEqual(["[secret]"]);
    expect(global.outputs.environmentSecrets).toBe("[secret]");
    for (const region of PROD_REGIONS) {
      const s = stack(prod, `prod-${region}`);
      expect(pagerSubscriptions(s).map((r) => [r.inputs.topic, r.inputs.endpoint, r.inputs.endpointAutoConfirms])).toEqual([[s.outputs.alarmTopicArn, "[secret]", true]]);
      expect(s.outputs.pagerExpected).toBe(true);
    }
    for (const s of prod.stacks) expect(JSON.stringify(s).includes(pager), s.stack).toBe(false);
    // Named by the URL's id, never its position (removing or reordering a URL must leave the
    // others' subscriptions alone), answering to the position name of before through an alias.
    for (const s of prod.stacks) {
      const prefix = s.role === "global" ? "prod-health-alarms-https" : `${s.stack}-alarms-https`;
      expect(pagerSubscriptions(s).map((r) => [r.name, r.aliases.map((a) => a.split("::").pop())]), s.stack).toEqual([[`${prefix}-${endpointId(pager)}`, [`${prefix}-1`]]]);
    }
  });

  it("shows per region the dashboard, alarms with thresholds, Prometheus with the managed scraper and the canary", () => {
    const monitoring = prod.resilience.monitoring;
    expect(monitoring.regions.map((r) => r.region)).toEqual(["us-east-1", "us-west-2", "eu-west-1"]);
    for (const r of monitoring.regions) {
      expect(r.dashboards).toEqual([`prod-${r.region}`]);
      // The page topic: the mailbox and the pager (platform:pageEndpoints); the ticket topic: the mailbox.
      expect(r.topics).toEqual([{ name: `prod-${r.region}-alarms`, encrypted: true, subscribers: 2 }, { name: `prod-${r.region}-tickets`, encrypted: true, subscribers: 1 }]);
      expect(r.prometheus).toEqual({ workspaces: 1, retentionDays: 150, scrapers: 1, ruleGroups: 1, alertmanager: true });
      const own = { name: `prod-${r.region}`, schedule: "rate(1 minute)", runtime: "syn-nodejs-puppeteer-15.0", targets: ["https://app.prod.example.com/healthz", expect.stringMatching(new RegExp(`^https://.*\\.${r.region}\\.elb\\.amazonaws\\.com/healthz$`))] };
      // Every secondary also watches the primary from outside, through its own name, paging its own topic.
      const watch = { name: `prod-watch-${r.region}`, schedule: "rate(1 minute)", runtime: "syn-nodejs-puppeteer-15.0", targets: ["https://app-us-east-1.prod.example.com/healthz"] };
      expect(r.canaries).toEqual(expect.arrayContaining(r.region === "us-east-1" ? [own] : [own, watch]));
      expect(r.canaries).toHaveLength(r.region === "us-east-1" ? 1 : 2);
      if (r.region !== "us-east-1") expect(r.alarms.find((a) => a.name === `prod-${r.region}-watched-regions`)).toMatchObject({ routed: "topic" });
      const alarm = (key: string) => r.alarms.find((a) => a.name === `prod-${r.region}-${key}`)!;
      expect([alarm("error-rate").threshold, alarm("latency-p99").threshold, alarm("replication-lag").threshold]).toEqual([0.72, 85.6, 30_000]);
      expect(alarm("replication-lag")).toMatchObject({ metric: "AuroraGlobalDBRPOLag (ms)", dimensions: ["DBClusterIdentifier"], routed: "topic", notifies: [`prod-${r.region}-alarms`] });
      // Pages and tickets reach different topics.
      expect([alarm("region-impaired").notifies, alarm("db-writer-cpu").notifies]).toEqual([[`prod-${r.region}-alarms`], [`prod-${r.region}-tickets`]]);
      // Nothing is left unrouted: every alarm reaches the subscribed topic, itself or through a
      // composite; the one composite that notifies nobody (ARC's practice-run blocker) has children that do.
      expect(r.alarms.filter((a) => a.routed !== "topic" && a.routed !== "composite").map((a) => [a.name, a.routed])).toEqual([[`prod-${r.region}-zonal-shift-unsafe`, "children"]]);
      expect([alarm("node-cpu").routed, alarm("capacity-headroom").routed]).toEqual(["topic", "topic"]);
    }
    expect(monitoring.global).toEqual({ dashboards: ["prod-global"], grafana: [{ name: "prod-observability", version: "12.4", authentication: ["AWS_SSO"] }] });
  });

  it("starts the reference service after the HTTPS listener puts its target group in service, and the drain hook after what feeds it", () => {
    for (const s of prod.stacks.filter((x) => x.role === "region")) {
      const listener = ofType(s, "aws:lb/listener:Listener").find((l) => l.inputs.port === 443)!;
      const deployment = ofType(s, "kubernetes:apps/v1:Deployment").find((d) => (d.inputs.metadata as { name?: string }).name === "web")!;
      expect(deployment.dependsOn).toContain(listener.urn);
      const drain = ofType(s, "aws:autoscaling/lifecycleHook:LifecycleHook").find((h) => h.inputs.name === "drain-on-terminate")!;
      expect(drain.dependsOn).toEqual(expect.arrayContaining(ofType(s, "aws:sqs/queuePolicy:QueuePolicy").map((q) => q.urn)));
    }
  });

  it("watches the reference service: alarms on the target group its TargetGroupBinding fills, the scraper on its namespace and name", () => {
    for (const s of prod.stacks.filter((x) => x.role === "region")) {
      const [binding] = ofType(s, "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding");
      const spec = binding.inputs.spec as { targetGroupARN: string; serviceRef: { name: string } };
      const group = ofType(s, "aws:lb/targetGroup:TargetGroup").find((g) => g.outputs.arn === spec.targetGroupARN)!;
      const latency = ofType(s, "aws:cloudwatch/metricAlarm:MetricAlarm").find((a) => a.inputs.name === `${s.stack}-latency-p99`)!;
      expect((latency.inputs.dimensions as Record<string, string>).TargetGroup).toBe(group.outputs.arnSuffix);
      const [scraper] = ofType(s, "aws:amp/scraper:Scraper");
      const job = (parse(String(scraper.inputs.scrapeConfiguration)) as { scrape_configs: { job_name: string; kubernetes_sd_configs: unknown; relabel_configs: { regex?: string }[] }[] }).scrape_configs.find((j) => j.job_name === "reference-service")!;
      expect(job.kubernetes_sd_configs).toEqual([{ role: "pod", namespaces: { names: [s.outputs.serviceNamespace] } }]);
      expect(job.relabel_configs[0].regex).toBe(spec.serviceRef.name);
    }
  });

  it("points the global dashboard at the regions' alarms and Aurora members by the names the regional stacks give them", () => {
    const body = JSON.parse(String(ofType(stack(prod, "prod"), "aws:cloudwatch/dashboard:Dashboard")[0].inputs.dashboardBody));
    const text = JSON.stringify(body);
    for (const s of prod.stacks.filter((x) => x.role === "region")) {
      for (const a of ofType(s, "aws:cloudwatch/compositeAlarm:CompositeAlarm").filter((c) => String(c.inputs.alarmName).endsWith("-region-impaired"))) expect(text).toContain(`:alarm:${String(a.inputs.alarmName)}`);
      const [cluster] = ofType(s, "aws:rds/cluster:Cluster");
      expect(text).toContain(`WHERE DBClusterIdentifier = '${String(cluster.inputs.clusterIdentifier)}'`);
      const dnsAlarms = prod.stacks.flatMap((x) => ofType(x, "aws:cloudwatch/metricAlarm:MetricAlarm")).filter((a) => a.region === "us-east-1" && String(a.inputs.name).startsWith(`${s.stack}-`) && a.inputs.namespace === "AWS/Route53");
      expect(dnsAlarms).toHaveLength(2);
      for (const a of dnsAlarms) expect(text).toContain(`:alarm:${String(a.inputs.name)}`);
    }
  });
});

describe("the dev example (single stack, two regions)", () => {
  it("runs, builds both regions through explicit providers and raises no mandatory violation", () => {
    expect(dev.stacks).toHaveLength(1);
    const [only] = dev.stacks;
        // Every AWS resource goes through one of the two explicit providers: no default provider is registered.
    expect(ofType(only, "pulumi:providers:aws").map((p) => p.inputs.region).sort()).toEqual(["us-east-2", "us-west-2"]);
    expect(ofType(only, "aws:rds/cluster:Cluster").map((c) => c.region).sort()).toEqual(["us-east-2", "us-west-2"]);
    expect(ofType(only, "aws:ec2/natGateway:NatGateway")).toHaveLength(2);
    expect(ofType(only, "aws:route53recoverycontrol/cluster:Cluster")).toEqual([]);
    expect(mandatory(dev)).toEqual([]);
  });

  it("runs the reference service in both regions, each bound to its own ALB and cluster", () => {
    const [only] = dev.stacks;
    expect(ofType(only, "platform:service:RegionalService")).toHaveLength(2);
    expect(dev.resilience.servingPath.regions.map((r) => [r.region, r.complete])).toEqual([["us-east-2", true], ["us-west-2", true]]);
    expect(dev.resilience.servingPath.regions.map((r) => r.paths[0].minPods)).toEqual([2, 2]);
  });
});

describe("pod fault injection is named, not a side effect of fault injection", () => {
  const deployments = (doc: PlanDocument) => doc.stacks.flatMap((s) => ofType(s, "kubernetes:apps/v1:Deployment"));
  const rootFs = (d: PlanResource) => (d.inputs.spec as { template: { spec: { containers: { securityContext: { readOnlyRootFilesystem: boolean } }[] } } }).template.spec.containers.map((c) => c.securityContext.readOnlyRootFilesystem);
  const experiments = (doc: PlanDocument) => doc.stacks.flatMap((s) => ofType(s, "aws:fis/experimentTemplate:ExperimentTemplate")).map((t) => (t.inputs.tags as Record<string, string>).experiment);

  it("keeps the service's root filesystem read-only where experiments run without faultInjectionPods (dev)", () => {
    expect(experiments(dev)).toContain("az-power");
    expect(experiments(dev)).not.toContain("pod-delete");
    expect(deployments(dev).flatMap(rootFs)).toEqual([true, true]);
  });

  it("makes it writable, for FIS's pod actions, where faultInjectionPods asks for them (prod)", () => {
    expect(experiments(prod)).toContain("pod-delete");
    expect(deployments(prod).flatMap(rootFs)).toEqual([false, false, false]);
  });
});

describe("cost: every billable type the repository's plans hold is priced", () => {
  const unpricedTypes = (doc: PlanDocument) => [...new Set(doc.stacks.flatMap((s) => s.resources).filter((r) => r.custom && "unpriced" in classify(r.type)).map((r) => r.type))];

  it("has a pricing rule, or a stated reason to cost nothing, for every resource type of prod, prod grown to eleven regions and the dev example", () => {
    for (const doc of [prod, grown, dev]) expect(unpricedTypes(doc)).toEqual([]);
  });

  it("prices every charge of prod and the dev example (their regions are in the price table)", () => {
    expect(prod.cost!.unpriced).toEqual([]);
    expect(dev.cost!.unpriced).toEqual([]);
    expect(prod.cost!.byRegion.map((r) => r.region)).toEqual([...(readStackConfig(join(root, "Pulumi.prod.yaml"))["platform:regions"] as string[]), "global"]);
    for (const region of prod.cost!.byRegion) expect(region.ceilingUsd).toBeGreaterThanOrEqual(region.baselineUsd);
  });

  it("reports a region the price table lacks as unpriced, charge by charge, instead of counting it as zero", () => {
    const table = loadPriceTable();
    const tableRegions = new Set(Object.values(table.prices).flatMap((p) => Object.keys(p.regions)));
    const lacking = added.filter((r) => !tableRegions.has(r));
    expect(lacking).toContain("ap-southeast-2");
    const unpriced = grown.cost!.unpriced;
    expect(new Set(unpriced.map((u) => u.region))).toEqual(new Set(lacking));
    for (const u of unpriced) expect(u.reason).toContain(u.region);
    // What it does price there are figures that hold in every region (EKS, KMS, public IPv4 ...).
    const priced = grown.cost!.lines.filter((l) => lacking.includes(l.region!)).map((l) => l.item);
    expect(priced.length).toBeGreaterThan(0);
    for (const item of priced) expect(Object.keys(table.prices[item].regions), item).toContain("any");
  });
});

