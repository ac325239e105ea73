/**
 * The serving path's network link on prod's primary region as the program builds it: the ALB's
 * security group has no egress but the rule NodePool adds with `loadBalancer`, and the nodes'
 * group admits the ALB's on the pods' port. A program composed from the components without
 * `loadBalancer` on its node pool lacks both rules: its ALB reaches nothing, and the trace and the
 * rule say so. Under a preview (ids unknown) the link is told by the recorded dependencies.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { policyResources } from "../../policies/arguments";
import { evaluateStack } from "../../policies/evaluate";
import type { configFromSettings } from "../../policies/reconcile";
import { traceServingPaths } from "../../policies/rules/serving-trace";
import type { RecordedResource } from "../../tools/fake-cloud";
import type { StackRun } from "../../tools/fake-cloud/run";
import { ofPolicy } from "./fixtures";
import { runProd } from "./prod-runs";

const REGION = "us-east-1";
const STACK = `prod-${REGION}`;
const INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";

let known: StackRun;
let preview: StackRun;
let config: ReturnType<typeof configFromSettings>;

beforeAll(async () => {
  ({ known, preview, config } = await runProd(REGION));
}, 120_000);

/** The rules NodePool adds for its `loadBalancer`: the nodes' way in, the ALB's way out. */
const fromLoadBalancer = (r: RecordedResource) => r.type === INGRESS_RULE && r.name.endsWith("-from-lb");
const toNodes = (r: RecordedResource) => r.type === EGRESS_RULE && r.name.endsWith("-lb-to-nodes");

/**
 * A preview's AWS resources (every id unknown) with the Kubernetes objects a preview of a new
 * stack cannot plan yet (their provider's kubeconfig is unknown) as they will be: what a preview
 * of the next change sees.
 */
const previewed = (keep: (r: RecordedResource) => boolean = () => true) =>
  [...preview.cloud.resources.filter((r) => !r.type.startsWith("kubernetes:")), ...known.cloud.resources.filter((r) => r.type.startsWith("kubernetes:"))].filter(keep);

const trace = (resources: readonly RecordedResource[], asServer = false) => traceServingPaths(policyResources(resources, { asServer }));
const bound = (resources: RecordedResource[], asServer = false) =>
  ofPolicy(evaluateStack({ stack: STACK, role: "region", region: REGION, resources }, config, { asServer }), "serving-path-bound").map((v) => v.message);

describe("the network link of prod's serving path", () => {
  it("is open on the pods' port, with and without known ids", () => {
    expect(known.cloud.resources.filter(fromLoadBalancer)).toHaveLength(1);
    expect(known.cloud.resources.filter(toNodes)).toHaveLength(1);
    const [path] = trace(known.cloud.resources);
    expect(path.missing).toBeUndefined();
    expect(path.network).toEqual({ status: "open", ports: [8080] });
    // A preview knows no security group id: the recorded dependencies tell the groups apart.
    expect(JSON.stringify(previewed().filter((r) => r.type === EGRESS_RULE).map((r) => r.outputs))).toContain("__pulumiUnknown");
    const [atPreview] = trace(previewed(), true);
    expect(atPreview.missing).toBeUndefined();
    expect(atPreview.network).toEqual({ status: "open", ports: [8080] });
    expect(bound(known.cloud.resources)).toEqual([]);
  });

  it("is closed for a node pool without `loadBalancer`, and the rule names it", () => {
    const resources = known.cloud.resources.filter((r) => !fromLoadBalancer(r) && !toNodes(r));
    const [path] = trace(resources);
    expect(path.network?.status).toBe("closed");
    expect(path.missing?.link).toBe("network");
    expect(bound(resources)).toEqual([expect.stringMatching(/^missing network: target group prod-us-east-1-tg: no egress rule on the load balancer's security group\(s\) prod-us-east-1-alb allows TCP 8080 toward the pods' security group\(s\) .*prod-us-east-1-nodes/)]);
    // The same under the plan's preview, whose new group has no inline rules (a real preview's are
    // unknown until the group exists, and leave the link unknown there).
    expect(bound(previewed((r) => !fromLoadBalancer(r) && !toNodes(r)), true)).toEqual([expect.stringMatching(/^missing network: /)]);
  });

  it("is closed without either rule alone", () => {
    expect(bound(known.cloud.resources.filter((r) => !toNodes(r)))).toEqual([expect.stringMatching(/^missing network: .*no egress rule on the load balancer's security group/)]);
    expect(bound(known.cloud.resources.filter((r) => !fromLoadBalancer(r)))).toEqual([expect.stringMatching(/^missing network: .*no ingress rule on the pods' security group\(s\) .*prod-us-east-1-nodes.* admits the load balancer's security group\(s\) prod-us-east-1-alb/)]);
  });
});
