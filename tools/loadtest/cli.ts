/**
 * `npm run loadtest -- --region R --rate 500 --duration 10m [--env prod] [--url URL]
 * [--context CTX] [--image IMAGE] [--execute]`: see tools/loadtest/loadtest.ts. The objectives and
 * the public name come from Pulumi.<env>.yaml; the kubectl context defaults to `<env>-<region>`
 * (`aws eks update-kubeconfig --region R --name <env>-<region> --alias <env>-<region>`).
 */
import { readFileSync } from "fs";
import { join } from "path";
import { parseArgs } from "util";
import { parse } from "yaml";
import { ConfigError, decimalPercent, parseEnvironment } from "../../stacks/config";
import { toRuntimeConfig } from "../fake-cloud/project-config";
import { CommandError } from "../commands/errors";
import { parseDuration } from "./job";
import { kubectl } from "./kube";
import { checkRate, loadTest, type LoadTestOptions } from "./loadtest";

const ROOT = join(__dirname, "..", "..");
const USAGE = "usage: npm run loadtest -- --region <region> --rate <requests/s> --duration <10m> [--env prod] [--url https://...] [--context <kubectl context>] [--image <k6 image>] [--execute]";

export function parseLoadTestArgs(argv: readonly string[], root = ROOT): LoadTestOptions & { context: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        region: { type: "string" },
        rate: { type: "string" },
        duration: { type: "string" },
        env: { type: "string", default: "prod" },
        url: { type: "string" },
        context: { type: "string" },
        image: { type: "string" },
        execute: { type: "boolean", default: false },
      },
    });
  } catch (error) {
    throw new CommandError(`${(error as Error).message}\n${USAGE}`);
  }
  const v = parsed.values;
  const environment = v.env ?? "prod";
  if (!v.region) throw new CommandError(`--region is missing: name the region to load (e.g. --region us-west-2)\n${USAGE}`);
  const rate = checkRate(v.rate);
  if (!v.duration) throw new CommandError("--duration is missing: how long to hold the rate, e.g. --duration 10m");
  let durationSeconds: number;
  try {
    durationSeconds = parseDuration(v.duration);
  } catch (error) {
    throw new CommandError((error as Error).message);
  }
  const file = join(root, `Pulumi.${environment}.yaml`);
  let config: Record<string, unknown>;
  try {
    config = ((parse(readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null)?.config) ?? {};
  } catch (error) {
    throw new CommandError(`--env ${environment}: cannot read Pulumi.${environment}.yaml (${(error as Error).message}); name an environment that has one`);
  }
  let env;
  try {
    // A load test deploys nothing: an environment past its EKS support window is still tested.
    env = parseEnvironment(environment, toRuntimeConfig(config), `Pulumi.${environment}.yaml`, undefined, { judgeSupportWindow: false });
  } catch (error) {
    if (error instanceof ConfigError) throw new CommandError(error.message);
    throw error;
  }
  if (!env.regions.includes(v.region)) throw new CommandError(`--region ${v.region} is not a region of environment ${environment}; use one of ${env.regions.join(", ")}`);
  if (!v.url) {
    const locked = lockedAppNameProblem(env);
    if (locked) throw new CommandError(`environment ${environment}: ${locked}`);
  }
  const url = v.url ?? (env.dnsZoneName ? `https://${env.appRecordName}.${env.dnsZoneName.replace(/\.$/, "")}/` : undefined);
  if (!url) throw new CommandError(`environment ${environment} has no platform:dnsZoneName, so there is no public name to load; pass --url`);
  if (!/^https?:\/\//.test(url)) throw new CommandError(`--url ${url} is not an http(s) URL; e.g. --url https://app.prod.example.com/`);
  return {
    environment,
    region: v.region,
    rate,
    durationSeconds,
    url,
    execute: v.execute ?? false,
    availabilityPercent: decimalPercent(env.sloAvailabilityPercent),
    latencyPercentile: decimalPercent(env.sloLatencyPercent),
    latencyThresholdMs: env.sloLatencyThresholdMs,
    context: v.context ?? `${environment}-${v.region}`,
    ...(v.image ? { image: v.image } : {}),
  };
}

/**
 * Why the app name cannot be loaded from inside a region: with the edge on and its direct path
 * locked, `app.<zone>` forwards only what carries CloudFront's secret header (and the health
 * path), so every request of the test would be a 403, read as the service failing its SLO.
 */
export function lockedAppNameProblem(env: { edgeEnabled: boolean; edgeDirectOriginAccess: string; appRecordName: string; edgeRecordName: string }): string | undefined {
  if (!env.edgeEnabled || env.edgeDirectOriginAccess !== "locked") return undefined;
  return `the edge is on with edgeDirectOriginAccess: locked, so ${env.appRecordName}.<zone> answers 403 to everything that does not come through CloudFront, and the test would measure only refusals. Set platform:edgeDirectOriginAccess: open for the test window (deploy it, test, set it back: docs/data-tier.md), or pass --url https://${env.edgeRecordName}.<zone>/ to load through the edge, whose WAF rate limit (edgeRateLimitPerFiveMinutes, per client IP) blocks a single load generator at that rate`;
}

async function main(): Promise<number> {
  try {
    const options = parseLoadTestArgs(process.argv.slice(2));
    return await loadTest(options, {
      kube: kubectl(options.context),
      print: (line) => console.log(line),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      now: () => new Date(),
    });
  } catch (error) {
    console.error(`loadtest: ${error instanceof CommandError || error instanceof RangeError ? error.message : `internal error: ${(error as Error)?.message ?? String(error)}`}`);
    return 2;
  }
}

if (require.main === module) {
  void main().then((code) => {
    process.exitCode = code;
  });
}
