import { describe, expect, it } from "vitest";
import { evaluateEnvironment, evaluateStack, Violation } from "../../policies/evaluate";
import { configFromSettings } from "../../policies/reconcile";
import { environment, Environment, ofPolicy, patch, PRIMARY, recorded, SECONDARY, SETTINGS, singleStack } from "./fixtures";

/** Violations of one environment rule across the stacks of a broken environment. */
function run(policy: string, breakIt: (env: Environment) => void = () => undefined, settings: Record<string, unknown> = SETTINGS): Violation[] {
  const env = environment();
  breakIt(env);
  return ofPolicy(evaluateEnvironment(env.view(settings)), policy);
}

/** Violations of a stack rule in every stack, with the thresholds the settings imply (as the CLI gets them from tools/ci/policy-config.ts). */
function runStacks(policy: string, breakIt: (env: Environment) => void = () => undefined, settings: Record<string, unknown> = SETTINGS): Violation[] {
  const env = environment();
  breakIt(env);
  const config = configFromSettings(settings, "prod");
  return env.stacks().flatMap((stack) => ofPolicy(evaluateStack(stack, config), policy));
}

const messages = (vs: Violation[]) => vs.map((v) => v.message);
const dropSecondary = (env: Environment) => {
  env.secondary.all = () => [];
};

describe("where environment rules run", () => {
  it("skips them in each stack of a multi-stack environment (the plan runs them across stacks)", () => {
    const env = environment();
    dropSecondary(env);
    for (const stack of env.stacks()) expect(ofPolicy(evaluateStack(stack), "environment-multi-region")).toEqual([]);
    expect(ofPolicy(evaluateEnvironment(env.view()), "environment-multi-region")).toHaveLength(1);
  });

  it("runs them inside a self-contained single-stack program, and evaluateEnvironment does not repeat them", () => {
    const program = singleStack();
    program.secondary.all = () => [];
    const stack = program.view();
    expect(ofPolicy(evaluateStack(stack), "environment-multi-region")).toHaveLength(1);
    expect(evaluateEnvironment({ name: "dev", stacks: [stack] })).toEqual([]);
  });

  it("raises nothing on the compliant environment, in either shape", () => {
    expect(evaluateEnvironment(environment().view())).toEqual([]);
    expect(evaluateStack(singleStack().view(), { "capacity-survives-region-loss": { peakNodes: 12 } })).toEqual([]);
  });
});

describe("environment-multi-region", () => {
  it("passes two regions", () => {
    expect(run("environment-multi-region")).toEqual([]);
  });

  it("fails one region", () => {
    expect(messages(run("environment-multi-region", dropSecondary))).toEqual([expect.stringContaining(`runs in 1 region(s) (${PRIMARY})`)]);
  });
});

describe("global-database-cross-region", () => {
  it("passes members in two regions", () => {
    expect(run("global-database-cross-region")).toEqual([]);
  });

  it("fails a global database whose members are all in the primary region", () => {
    const vs = run("global-database-cross-region", (env) => patch(env.secondary.db, { globalClusterIdentifier: undefined }));
    expect(vs.map((v) => v.urn?.split("::").pop())).toEqual(["db-global"]);
    expect(vs[0].message).toContain(`1 region(s) (${PRIMARY})`);
  });

  it("groups members by their global cluster", () => {
    const vs = run("global-database-cross-region", (env) => patch(env.secondary.db, { globalClusterIdentifier: "other-global" }));
    expect(vs.map((v) => v.message).sort()).toEqual([expect.stringContaining("db-global (rds.GlobalCluster) has member clusters in 1 region"), expect.stringContaining("global database other-global")]);
  });
});

describe("latency-routing-covers-regions", () => {
  it("passes a latency record per region for the app name", () => {
    expect(run("latency-routing-covers-regions")).toEqual([]);
  });

  it("fails a region with workloads but no latency record", () => {
    expect(messages(run("latency-routing-covers-regions", (env) => patch(env.secondary.latencyRecord, { latencyRoutingPolicies: undefined, setIdentifier: undefined })))).toEqual([
      expect.stringContaining(`no record for ${SECONDARY}`),
    ]);
  });

  it("fails a region of the environment's list that nothing registers", () => {
    expect(messages(run("latency-routing-covers-regions", () => undefined, { ...SETTINGS, regions: [PRIMARY, SECONDARY, "us-west-2"] }))).toEqual([expect.stringContaining("no record for us-west-2")]);
  });

  it("fails when the configured application name is not latency-routed", () => {
    expect(messages(run("latency-routing-covers-regions", () => undefined, { ...SETTINGS, appRecordName: "shop" }))).toEqual([expect.stringContaining("No latency-routed record for shop.prod.example.com")]);
  });
});

describe("capacity-survives-region-loss", () => {
  it("passes when the surviving region's maximum covers the peak", () => {
    expect(run("capacity-survives-region-loss")).toEqual([]);
  });

  it("fails when losing the largest region leaves less than the peak", () => {
    const vs = run("capacity-survives-region-loss", (env) => patch(env.secondary.asg, { maxSize: 8 }));
    expect(messages(vs)).toEqual([expect.stringContaining(`Losing ${PRIMARY} (12 nodes, the largest region) leaves 8 node(s) of maximum capacity in ${SECONDARY}; the peak needs 12`)]);
  });

  it("is off when the peak is 0 (the default)", () => {
    expect(run("capacity-survives-region-loss", (env) => patch(env.secondary.asg, { maxSize: 1 }), { ...SETTINGS, globalPeakNodes: 0 })).toEqual([]);
  });
});

describe("failover-time-budget", () => {
  it("judges each regional stack on its own, so the CLI enforces it on every preview and up", () => {
    const env = environment();
    patch(env.primary.failoverRecord, { ttl: 300 });
    expect(ofPolicy(evaluateEnvironment(env.view(SETTINGS)), "failover-time-budget")).toEqual([]);
    expect(ofPolicy(evaluateStack(env.stacks()[1], configFromSettings(SETTINGS, "prod")), "failover-time-budget")).toHaveLength(1);
  });

  it("passes 3 × (10 s + 6 s timeout) + 60 s TTL = 108 s against 120 s", () => {
    expect(runStacks("failover-time-budget")).toEqual([]);
  });

  it("fails a record whose detection plus TTL exceeds the environment's budget", () => {
    const vs = runStacks("failover-time-budget", (env) => patch(env.primary.failoverRecord, { ttl: 300 }));
    expect(messages(vs)).toEqual([expect.stringContaining("up to 348 s (3 × (10 s + 6 s timeout) + 300 s TTL); the budget is 120 s")]);
    expect(runStacks("failover-time-budget", () => undefined, { ...SETTINGS, failoverBudgetSeconds: 60 })).toHaveLength(4);
  });
});

describe("failover-time-budget with Route 53 ARC (calculated health checks)", () => {
  /** The primary's records follow a CALCULATED check of an endpoint check and a routing-control check. */
  function withCalculatedCheck(endpointIntervalSeconds: number) {
    return (env: Environment) => {
      const o = { stack: `prod-${PRIMARY}`, region: PRIMARY };
      const endpoint = recorded("aws:route53/healthCheck:HealthCheck", "endpoint", { type: "HTTPS", requestInterval: endpointIntervalSeconds, failureThreshold: 3 }, o);
      const control = recorded("aws:route53/healthCheck:HealthCheck", "control", { type: "RECOVERY_CONTROL", routingControlArn: "arn:aws:route53-recovery-control::123456789012:controlpanel/x/routingcontrol/y" }, o);
      patch(env.primary.healthCheck, { type: "CALCULATED", childHealthchecks: [endpoint.id, control.id], childHealthThreshold: 2, requestInterval: undefined, failureThreshold: undefined, resourcePath: undefined, fqdn: undefined });
      const all = env.primary.all;
      env.primary.all = () => [...all(), endpoint, control];
    };
  }

  it("judges a calculated check by its slowest child, not by the 30 s default", () => {
    expect(runStacks("failover-time-budget", withCalculatedCheck(10))).toEqual([]);
  });

  it("fails when the endpoint child behind the calculated check is too slow", () => {
    const vs = runStacks("failover-time-budget", withCalculatedCheck(30));
    expect(messages(vs)).toEqual([
      expect.stringContaining("up to 168 s (3 × (30 s + 6 s timeout) + 60 s TTL)"),
      expect.stringContaining("up to 168 s (3 × (30 s + 6 s timeout) + 60 s TTL)"),
    ]);
  });
});

describe("dns-failover-pairs", () => {
  it("passes one PRIMARY and one SECONDARY", () => {
    expect(run("dns-failover-pairs")).toEqual([]);
  });

  it("fails two PRIMARY records, or a PRIMARY alone", () => {
    expect(messages(run("dns-failover-pairs", (env) => patch(env.secondary.failoverRecord, { failoverRoutingPolicies: [{ type: "PRIMARY" }] })))).toEqual([
      expect.stringContaining("2 PRIMARY and 0 SECONDARY"),
    ]);
    expect(run("dns-failover-pairs", (env) => patch(env.secondary.failoverRecord, { failoverRoutingPolicies: undefined }))).toHaveLength(1);
  });
});
