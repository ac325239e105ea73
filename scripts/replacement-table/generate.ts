/**
 * Generates tools/plan/replacement/table.json: per Pulumi resource type, the input properties
 * whose change makes the provider replace the resource, read from the upstream provider sources
 * (fetched repository snapshots, read with git; nothing from them is copied but these facts).
 *
 *   npm run replacement-table -- \
 *     (--aws <terraform-provider-aws git dir>[@ref] | --aws-index <terraform-provider-aws-index git dir>@<tag>) \
 *     [--aws-overlay <dir with OVERLAY.json>] \
 *     --random <terraform-provider-random git dir>[@ref] \
 *     --kubernetes <pulumi-kubernetes git dir>[@ref] \
 *     [--out tools/plan/replacement/table.json]
 *
 * `--aws` reads a snapshot of terraform-provider-aws itself; `--aws-index` a per-symbol extract of
 * one of its releases (sources.ts). `--aws-overlay` replaces the base's files for the resources it
 * holds with single upstream files at newer commits; each type read from an overlay file records
 * that commit. The table's date is the day it is generated (never given by hand).
 *
 * Pulumi names come from the installed @pulumi/aws, @pulumi/random and @pulumi/kubernetes, so run
 * it after `npm ci` with the provider versions the project pins. docs/plan.md says how to refresh.
 */
import { readdirSync, readFileSync, renameSync, writeFileSync } from "fs";
import { join, relative, resolve } from "path";
import { describe, listFiles, openSnapshot, readFiles, Snapshot } from "./git-tree";
import { applyOverlay, indexSources, Overlay, readOverlay, treeSources } from "./sources";
import { readHelmReleaseFields, readKindRules, readProviderReplaceKeys } from "./kubernetes";
import { camel, pulumiPath, readPulumiAws, TokenMatcher } from "./pulumi-aws";
import { readSinglePackageProvider, readTerraformResources, TerraformResource } from "./terraform";
import type { OverlayProvenance, ReplacementTable, TypeRule, TypeUpstream, UpstreamProvenance } from "../../tools/plan/replacement/table";

const ROOT = resolve(__dirname, "../..");

function snapshotArg(value: string | undefined, option: string): Snapshot {
  if (!value) throw new Error(`${option} <git dir>[@ref] is required (a fetched snapshot of the upstream repository)`);
  const at = value.lastIndexOf("@");
  return at > 0 ? openSnapshot(value.slice(0, at), value.slice(at + 1)) : openSnapshot(value);
}

function provenance(snapshot: Snapshot, repository: string, paths: string): UpstreamProvenance {
  // The first heading of CHANGELOG.md names the release the snapshot is (or leads up to).
  const changelog = readFiles(snapshot, ["CHANGELOG.md"]).get("CHANGELOG.md") ?? "";
  const version = /^##\s+(.+)$/m.exec(changelog)?.[1]?.trim() ?? null;
  return { repository, commit: snapshot.commit, commitDate: snapshot.date, describe: describe(snapshot), changelogVersion: version, read: paths };
}

/** Provenance of an index snapshot: the upstream release it extracts is the tag it is read at. */
function indexProvenance(snapshot: Snapshot): UpstreamProvenance {
  const tag = describe(snapshot);
  const release = tag && /^v?(\d+\.\d+\.\d+)$/.exec(tag)?.[1];
  if (!release) throw new Error(`--aws-index ${snapshot.gitDir}@${snapshot.ref}: read it at a release tag (git describe says ${tag ?? "no tag"}), so the table can name the upstream version`);
  return {
    repository: "lonegunmanb/terraform-provider-aws-index",
    commit: snapshot.commit,
    commitDate: snapshot.date,
    describe: tag,
    changelogVersion: null,
    upstreamVersion: release,
    read: `index/internal/**/*.goindex: hashicorp/terraform-provider-aws v${release} internal/, one Go declaration per file (ForceNew, RequiresReplace)`,
  };
}

function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
}

/** Every `__pulumiType` token of an installed package. */
function tokensOf(packageDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && entry.name !== "node_modules") walk(join(dir, entry.name));
      else if (entry.name.endsWith(".js")) {
        const token = /static __pulumiType = '([^']+:[^']+)'/.exec(readFileSync(join(dir, entry.name), "utf8"))?.[1];
        if (token) out.push(token);
      }
    }
  };
  walk(packageDir);
  return out.sort();
}

function rule(source: string, replaceOn: string[], mayReplaceOn: string[], keptWhenUnset: string[], complete: boolean, extra: Partial<TypeRule> = {}): TypeRule {
  return { source, replaceOn: [...new Set(replaceOn)].sort(), mayReplaceOn: [...new Set(mayReplaceOn)].sort(), keptWhenUnset: [...new Set(keptWhenUnset)].sort(), complete, ...extra };
}

/** Terraform paths → Pulumi paths; a path with no Pulumi name stays as its camelCase (and is reported). */
function mapPaths(paths: string[], toPulumi: (p: string) => string | null, unmapped: string[]): string[] {
  return paths.map((p) => {
    const mapped = toPulumi(p);
    if (mapped === null) unmapped.push(p);
    return mapped ?? p.split(".").map(camel).join(".");
  });
}

/** AWS rules from terraform-provider-aws sources (path → content); `overlay` when they include one. */
export function awsRules(files: Map<string, string>, overlay: Overlay | null = null): { types: Record<string, TypeRule>; report: string[]; fromOverlay: number } {
  const resources = readTerraformResources({ files });
  const pkg = readPulumiAws(join(ROOT, "node_modules/@pulumi/aws"));
  const service = (r: TerraformResource) => r.file.split("/")[2] ?? "";
  const matcher = new TokenMatcher(pkg);
  matcher.learn(resources.map((r) => ({ name: r.name, service: service(r) })));
  const types: Record<string, TypeRule> = {};
  const scores = new Map<string, number>();
  const report: string[] = [];
  let fromOverlay = 0;
  for (const r of resources) {
    const tokens = matcher.tokens(r.name, service(r));
    if (tokens.length === 0) report.push(`no @pulumi/aws type for ${r.name}`);
    if (r.derived.length) report.push(`${r.name}: names/ lacks ${r.derived.join(", ")} (valued by the names/ convention)`);
    for (const { token, score } of tokens) {
      // Two Terraform names reaching one token: the one matching more of the name wins.
      if ((scores.get(token) ?? -1) >= score) continue;
      scores.set(token, score);
      const type = pkg.types.get(token)!;
      const unmapped: string[] = [];
      const toPulumi = (p: string) => pulumiPath(pkg, type, p);
      const replaceOn = mapPaths(r.forceNew, toPulumi, unmapped);
      const mayReplaceOn = mapPaths([...r.conditional, ...r.unresolved.filter((u) => !u.startsWith("("))], toPulumi, unmapped);
      const keptWhenUnset = mapPaths(r.computed, toPulumi, unmapped);
      if (unmapped.length) report.push(`${token}: Terraform paths without a Pulumi input of that name: ${unmapped.join(", ")}`);
      // @pulumi/aws 7 gives most resources a `region` input; a resource cannot move region in place.
      if (type.inputs.has("region")) replaceOn.push("region");
      // A type whose schema came from an overlay file records where that file was read; one whose
      // base schema file was checked unchanged at newer commits records the newest checked.
      const from = overlay?.origin.get(r.file);
      const checked = !from && overlay?.checked.has(r.file) ? overlay.manifest.checkedUnchanged : undefined;
      if (from) fromOverlay += 1;
      const upstream: TypeUpstream | undefined = from
        ? { how: "overlay", repository: from.repository, commit: from.commit, ...(from.upstreamVersion ? { version: from.upstreamVersion } : {}) }
        : checked
          ? { how: "base, checked unchanged", repository: checked.repository, commit: checked.commits[checked.commits.length - 1], version: checked.version }
          : undefined;
      types[token] = rule(`${r.name} (${r.kind}, ${r.file})`, replaceOn, mayReplaceOn, keptWhenUnset, !r.unresolved.some((u) => u.startsWith("(")), upstream ? { upstream } : {});
    }
  }
  return { types, report, fromOverlay };
}

function randomRules(snapshot: Snapshot): Record<string, TypeRule> {
  const paths = listFiles(snapshot, ["internal/provider"], (p) => p.endsWith(".go") && !p.endsWith("_test.go"));
  const types: Record<string, TypeRule> = {};
  for (const r of readSinglePackageProvider({ files: readFiles(snapshot, paths) }, "random")) {
    const suffix = r.name.replace(/^random_/, "");
    const pascal = suffix.split("_").map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("");
    types[`random:index/random${pascal}:Random${pascal}`] = rule(`${r.name} (${r.kind}, ${r.file})`, r.forceNew.map((p) => p.split(".").map(camel).join(".")), r.conditional.map(camel), r.computed.map(camel), r.unresolved.length === 0);
  }
  return types;
}

function kubernetesRules(snapshot: Snapshot): Record<string, TypeRule> {
  const files = readFiles(snapshot, ["provider/pkg/provider/diff.go", "provider/pkg/provider/helm_release.go", "provider/pkg/provider/provider.go"]);
  const { rules, metadata } = readKindRules(files.get("provider/pkg/provider/diff.go") ?? "");
  const helm = readHelmReleaseFields(files.get("provider/pkg/provider/helm_release.go") ?? "");
  const providerKeys = readProviderReplaceKeys(files.get("provider/pkg/provider/provider.go") ?? "");
  if (!rules.length || !helm.length || !providerKeys.length) throw new Error("pulumi-kubernetes sources did not yield the forceNew table, Helm Release fields and provider keys; has the layout changed?");
  const types: Record<string, TypeRule> = {};
  for (const token of tokensOf(join(ROOT, "node_modules/@pulumi/kubernetes"))) {
    const match = /^kubernetes:([^/]+)\/([^:]+):(\w+)$/.exec(token);
    if (!match) continue;
    const [, group, version, kind] = match;
    if (group === "helm.sh") {
      // v3 Release is a provider-side resource; Chart (v3/v4) and kustomize/yaml are components.
      if (kind === "Release") types[token] = rule("pulumi-kubernetes helm_release.go Diff", helm, [], [], true);
      continue;
    }
    if (/^(yaml|kustomize)/.test(group) || kind.endsWith("List")) continue;
    const patch = kind.endsWith("Patch");
    const found = patch ? undefined : rules.find((r) => (r.group === group || (group === "core" && r.group === "core")) && r.version === version && r.kind === kind);
    const paths = [...metadata, ...(found?.paths ?? [])];
    if (!patch && group === "core" && kind === "Secret") paths.push("type", "stringData", "data");
    if (!patch && group === "core" && kind === "ConfigMap") paths.push("binaryData", "data");
    types[token] = rule(`pulumi-kubernetes diff.go forceNew${patch ? " (patch resource: identity only)" : ""}`, paths, [], [], true);
  }
  types["pulumi:providers:kubernetes"] = rule("pulumi-kubernetes provider.go DiffConfig", [], providerKeys, [], true, { replaceWhenUnknown: providerKeys });
  return types;
}

const OPTIONS = new Set(["--aws", "--aws-index", "--aws-overlay", "--random", "--kubernetes", "--out"]);

/** The command line as option → value; unknown options (a hand-given `--date` among them) are refused. */
export function parseArgs(argv: string[]): Map<string, string> {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    if (!OPTIONS.has(argv[i])) throw new Error(`unknown option ${argv[i]} (options: ${[...OPTIONS].join(", ")})`);
    if (argv[i + 1] === undefined) throw new Error(`${argv[i]} needs a value`);
    args.set(argv[i], argv[i + 1]);
  }
  if (args.has("--aws") === args.has("--aws-index")) throw new Error("give exactly one of --aws <terraform-provider-aws git dir>[@ref] and --aws-index <terraform-provider-aws-index git dir>@<tag>");
  return args;
}

function main(argv: string[]): void {
  const args = parseArgs(argv);
  const awsBase = snapshotArg(args.get("--aws") ?? args.get("--aws-index"), args.has("--aws") ? "--aws" : "--aws-index");
  const overlay = args.has("--aws-overlay") ? readOverlay(resolve(args.get("--aws-overlay")!)) : null;
  const random = snapshotArg(args.get("--random"), "--random");
  const kubernetes = snapshotArg(args.get("--kubernetes"), "--kubernetes");
  const out = resolve(args.get("--out") ?? join(ROOT, "tools/plan/replacement/table.json"));

  const base = args.has("--aws") ? treeSources(awsBase) : indexSources(awsBase);
  const awsUpstream = args.has("--aws")
    ? provenance(awsBase, "hashicorp/terraform-provider-aws", "internal/service/*/ (ForceNew, RequiresReplace), names/")
    : indexProvenance(awsBase);
  const missing = [...(overlay?.checked ?? [])].filter((path) => !base.has(path));
  if (missing.length) throw new Error(`--aws-overlay: checkedUnchanged lists files the base does not have: ${missing.join(", ")}`);
  const { types: awsTypes, report, fromOverlay } = awsRules(overlay ? applyOverlay(base, overlay.files) : base, overlay);
  const overlayProvenance: OverlayProvenance | undefined = overlay
    ? {
        ...(overlay.manifest.obtained ? { obtained: overlay.manifest.obtained } : {}),
        types: fromOverlay,
        files: Object.fromEntries(Object.entries(overlay.manifest.files).sort(([a], [b]) => a.localeCompare(b))),
        ...(overlay.manifest.checkedUnchanged ? { checkedUnchanged: overlay.manifest.checkedUnchanged } : {}),
      }
    : undefined;
  const types: Record<string, TypeRule> = {
    ...awsTypes,
    ...randomRules(random),
    ...kubernetesRules(kubernetes),
    // Engine built-ins: a StackReference is a read keyed by the stack's name.
    "pulumi:pulumi:StackReference": rule("pulumi engine (a read of another stack)", ["name"], [], [], true),
    // The engine's built-in provider (the default provider of StackReference reads): no config.
    "pulumi:providers:pulumi": rule("pulumi engine built-in provider (no configuration)", [], [], [], true),
    // Bridged providers (pulumi-terraform-bridge tfbridge DiffConfig) replace themselves only on
    // config keys the provider marks ForcesProviderReplace (pulumi-aws's resources.go, not read
    // here): "may replace". A region move of the resources themselves is judged per resource.
    "pulumi:providers:aws": rule("pulumi-terraform-bridge DiffConfig (ForcesProviderReplace keys of pulumi-aws not read)", [], ["region"], [], true),
    "pulumi:providers:random": rule("pulumi-terraform-bridge DiffConfig (terraform-provider-random has no provider config)", [], [], [], true),
  };
  const table: ReplacementTable = {
    generatedBy: "scripts/replacement-table/generate.ts",
    // The day it was generated, from the clock: a date given by hand once recorded a day the
    // table was not made on.
    generated: new Date().toISOString().slice(0, 10),
    providers: {
      aws: { package: "@pulumi/aws", version: packageVersion("@pulumi/aws"), upstream: awsUpstream, ...(overlayProvenance ? { overlay: overlayProvenance } : {}) },
      random: { package: "@pulumi/random", version: packageVersion("@pulumi/random"), upstream: provenance(random, "hashicorp/terraform-provider-random", "internal/provider/ (RequiresReplace)") },
      kubernetes: { package: "@pulumi/kubernetes", version: packageVersion("@pulumi/kubernetes"), upstream: provenance(kubernetes, "pulumi/pulumi-kubernetes", "provider/pkg/provider/{diff,helm_release,provider}.go") },
    },
    types: Object.fromEntries(Object.entries(types).sort(([a], [b]) => a.localeCompare(b))),
  };
  const tmp = `${out}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(table, null, 1)}\n`);
  renameSync(tmp, out);
  process.stdout.write(`${relative(process.cwd(), out)}: ${Object.keys(types).length} resource types${overlay ? `, ${fromOverlay} AWS types from ${overlay.files.size} overlay files` : ""}\n`);
  for (const line of report) process.stderr.write(`note: ${line}\n`);
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`replacement-table: ${(err as Error).message}\n`);
    process.exitCode = 2;
  }
}
