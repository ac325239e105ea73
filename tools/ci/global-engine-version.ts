/**
 * Between the targeted refresh of the Aurora GlobalCluster and `pulumi up` (pulumi-up.yml): the
 * version that runs must not be newer than `platform:dbEngineVersion`. AWS upgrades a global
 * database itself at a minor version's end of life; the refresh then reads the newer version, and
 * the update would ask for a change back to the configured one, a downgrade AWS refuses, with the
 * whole global wave failing on it. A config lowered by hand ends the same way. This stops first
 * and says what to set.
 *
 *   pulumi stack export --stack prod | npx tsx tools/ci/global-engine-version.ts --stack prod [--dir .]
 *
 * The state (standard input, or `--state FILE`) is the stack's own export after the refresh;
 * `platform:dbEngineVersion` comes from the stack's environment file in `--dir` (its default when
 * unset), as the plan reads it. A state without a GlobalCluster (a regional stack, a new stack)
 * passes. Exit 0 the same or older (older: the upgrade this update makes), 1 newer, 2 bad input.
 */
import { readFileSync } from "fs";
import { resolve } from "path";
import { isEngineDowngrade } from "../../components/lib/aurora";
import { option } from "./poll";
import { environmentSettingsOf } from "./policy-config";

const GLOBAL_CLUSTER = "aws:rds/globalCluster:GlobalCluster";

// Its home is the Aurora decisions (the plan's hazards compare versions too); kept importable here.
export { compareEngineVersions } from "../../components/lib/aurora";

export interface RunningVersion {
  readonly urn: string;
  readonly engineVersion: string;
}

/** Each GlobalCluster's running engine version in a `pulumi stack export` (the refreshed outputs). */
export function globalClusterVersions(state: unknown): RunningVersion[] {
  const resources = (state as { deployment?: { resources?: unknown[] } } | null)?.deployment?.resources ?? [];
  return resources.flatMap((r) => {
    const resource = r as { type?: string; urn?: string; outputs?: { engineVersion?: unknown; engineVersionActual?: unknown } };
    if (resource.type !== GLOBAL_CLUSTER) return [];
    // engineVersionActual is the running version (the provider's read); engineVersion where a state lacks it.
    const version = resource.outputs?.engineVersionActual || resource.outputs?.engineVersion;
    return typeof version === "string" && version !== "" ? [{ urn: resource.urn ?? "?", engineVersion: version }] : [];
  });
}

/** The message when a GlobalCluster runs a newer version than the config names; undefined when none does. */
export function engineVersionProblem(running: readonly RunningVersion[], configured: string, stack: string): string | undefined {
  // A major-only dbEngineVersion ("16", which config accepts) matches any 16.x: the provider keeps
  // it in state as given and shows no downgrade, so a running 16.6 is not "newer" than "16".
  const newer = running.find((r) => isEngineDowngrade(r.engineVersion, configured));
  if (!newer) return undefined;
  // Both causes end here, and the state cannot tell them apart: AWS moving the version, or a
  // person lowering the config (a revert of the upgrade's change, a typo). The fix is the same.
  return (
    `The Aurora global database runs ${newer.engineVersion} (refreshed just now), newer than platform:dbEngineVersion ${configured}: either AWS upgraded it itself (a minor version's end of life), ` +
    `or platform:dbEngineVersion was lowered in Pulumi.${stack}.yaml (a revert of the change that upgraded it, a typo). ` +
    `\`pulumi up\` would ask for a change back to ${configured}, a downgrade AWS refuses, so nothing was deployed. ` +
    `Set platform:dbEngineVersion: "${newer.engineVersion}" in Pulumi.${stack}.yaml (the version that runs), merge it, and deploy again. ` +
    `Aurora cannot go back in place: running ${configured} again takes a snapshot taken before the upgrade, restored into a new global database (docs/runbooks/aurora-global-database.md, "Engine upgrades").`
  );
}

/** The command: its exit code (0 go on, 1 refused, 2 cannot tell). Exported for the tests, which run it in-process. */
export function main(argv: string[]): number {
  const stack = option(argv, "--stack");
  let running: RunningVersion[];
  let configured: string;
  let environment: string;
  try {
    if (!stack) throw new Error("usage: pulumi stack export --stack STACK | npx tsx tools/ci/global-engine-version.ts --stack STACK [--dir .] [--state FILE]");
    running = globalClusterVersions(JSON.parse(readFileSync(option(argv, "--state") ?? 0, "utf8")));
    if (running.length === 0) {
      console.log(`${stack}: no Aurora GlobalCluster in the state: no engine version to compare`);
      return 0;
    }
    const dir = resolve(option(argv, "--dir") ?? ".");
    ({ env: environment, settings: { dbEngineVersion: configured } } = environmentSettingsOf(stack, dir));
  } catch (err) {
    console.error(`global-engine-version: ${(err as Error).message}`);
    return 2;
  }
  const problem = engineVersionProblem(running, configured, environment);
  if (problem) {
    console.error(`::error::${problem}`);
    return 1;
  }
  console.log(`${stack}: the global database runs ${running.map((r) => r.engineVersion).join(", ")}; platform:dbEngineVersion is ${configured}`);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
