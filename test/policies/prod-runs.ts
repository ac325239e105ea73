/**
 * Prod's global stack and one of its regional stacks run in the test's process, as the plan runs
 * them (tools/plan/stack.ts): the global stack first, its outputs handed to the region, whose
 * stack runs with known values and as `pulumi preview` of a new stack. For the pack tests that
 * need the real program's resources rather than fixtures.
 */
import { join } from "path";
import { configFromSettings } from "../../policies/reconcile";
import { readStackConfig, runStack, type StackRun } from "../../tools/fake-cloud/run";

const ROOT = join(__dirname, "..", "..");
const load = () => import("../../stacks/main").then((m) => m.main);

export interface ProdRuns {
  global: StackRun;
  /** The global stack as `pulumi preview` of a new stack. */
  globalPreview: StackRun;
  known: StackRun;
  preview: StackRun;
  /** The pack's config from the environment's settings, as the plan gives it. */
  config: ReturnType<typeof configFromSettings>;
}

export async function runProd(region: string): Promise<ProdRuns> {
  const prod = readStackConfig(join(ROOT, "Pulumi.prod.yaml"));
  const global = await runStack({ stack: "prod", config: prod, load });
  const globalPreview = await runStack({ stack: "prod", config: prod, load, preview: true });
  // As the plan hands them on: the global stack exists when a region is previewed.
  const exported = JSON.parse(JSON.stringify(global.cloud.exportedOutputs)) as Record<string, unknown>;
  const regional = { stack: `prod-${region}`, config: { "aws:region": region, "platform:environmentStack": "prod" }, stackOutputs: { prod: exported }, load };
  const known = await runStack(regional);
  const preview = await runStack({ ...regional, preview: true });
  return { global, globalPreview, known, preview, config: configFromSettings(exported.environment as Record<string, unknown>, "prod") };
}
