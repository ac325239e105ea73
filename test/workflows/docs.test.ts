import { describe, expect, it } from "vitest";
import { existsSync, readdirSync, readFileSync, statSync } from "fs";
import { dirname, join, relative } from "path";
import { parse } from "yaml";
import { parseEnvironment } from "../../stacks/config";
import { sharedProdPlan, sharedRun } from "../shared-plan";
import { ROOT } from "./workflow-files";

/**
 * Files other branches bring: the Aurora runbook (another helper writes it) and the diagram
 * (scripts/update-diagram.sh draws it once the plan CLI is merged). Links to them may dangle
 * until then.
 */
const WRITTEN_ELSEWHERE = new Set(["docs/runbooks/aurora-global-database.md", "docs/topology.svg"]);

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? markdownFiles(path) : entry.endsWith(".md") ? [path] : [];
  });
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  const slugs = [...markdown.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) =>
    m[1]
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, "")
      .replace(/ /g, "-"),
  );
  return new Set(slugs);
}

const docs = markdownFiles(join(ROOT, "docs"));

describe("docs", () => {
  it.each(docs.map((file) => [relative(ROOT, file), file]))("%s: relative links and anchors resolve", (_name, file) => {
    const text = readFileSync(file, "utf8");
    const base = dirname(file);
    const broken: string[] = [];
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      const [path, anchor] = target.split("#");
      const resolved = path ? join(base, path) : file;
      const fromRoot = relative(ROOT, resolved);
      if (!existsSync(resolved)) {
        if (!WRITTEN_ELSEWHERE.has(fromRoot)) broken.push(`${target}: no ${fromRoot}`);
        continue;
      }
      if (anchor && resolved.endsWith(".md") && !anchors(readFileSync(resolved, "utf8")).has(anchor)) broken.push(`${target}: no heading #${anchor}`);
    }
    expect(broken).toEqual([]);
  });

  it("names only repository files that exist", () => {
    const missing: string[] = [];
    for (const file of docs) {
      for (const [, path] of readFileSync(file, "utf8").matchAll(/`((?:scripts|tools|\.github\/workflows|docs)\/[\w./-]+\.(?:sh|ts|yml|md|svg))`/g)) {
        if (!existsSync(join(ROOT, path)) && !WRITTEN_ELSEWHERE.has(path)) missing.push(`${relative(ROOT, file)}: ${path}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("has operators read only stack outputs the stack they name exports (prod, or the data-tier example)", async () => {
    // A runbook's `pulumi stack output NAME --stack S` that S does not export fails mid-incident.
    // Outputs by role: the global stack (prod, staging) and the regional ones (<env>-<region>).
    const exported = { global: new Set<string>(), regional: new Set<string>() };
    for (const run of await Promise.all([sharedProdPlan(), sharedRun("staging")])) {
      for (const stack of run.document.stacks) for (const name of Object.keys(stack.outputs ?? {})) exported[stack.role === "global" ? "global" : "regional"].add(name);
    }
    const unknown: string[] = [];
    for (const file of [...docs, join(ROOT, "README.md")]) {
      for (const [, name, stack] of readFileSync(file, "utf8").matchAll(/pulumi stack output ([A-Za-z]\w*)(?: --stack "?([\w$-]+))?/g)) {
        const role = stack === undefined ? undefined : /^(prod|staging)$/.test(stack) ? "global" : "regional";
        const known = role ? exported[role].has(name) : exported.global.has(name) || exported.regional.has(name);
        if (!known) unknown.push(`${relative(ROOT, file)}: ${name}${stack ? ` --stack ${stack}` : ""}`);
      }
    }
    expect(exported.global).toContain("globalClusterIdentifier");
    expect(exported.regional).toContain("databaseClusterIdentifier");
    expect(exported.regional).toContain("cacheGlobalReplicationGroupId");
    expect(exported.global).not.toContain("clusterName");
    expect(unknown).toEqual([]);
  }, 240_000);

  it("has the Aurora runbook type the identifiers the stacks give the global cluster and its members", async () => {
    const text = readFileSync(join(ROOT, "docs", "runbooks", "aurora-global-database.md"), "utf8");
    const typed = (name: string) => text.match(new RegExp(`^export ${name}=(\\S+)`, "m"))?.[1];
    const { stacks } = (await sharedProdPlan()).document;
    expect(typed("GLOBAL_ID")).toBe(stacks.find((s) => s.role === "global")!.outputs.globalClusterIdentifier);
    const primary = stacks.find((s) => s.role !== "global" && s.region === typed("OLD_PRIMARY_REGION"))!;
    expect(typed("OLD_PRIMARY_ID")?.replace("$OLD_PRIMARY_REGION", primary.region!)).toBe(primary.outputs.databaseClusterIdentifier);
    expect(typed("NEW_PRIMARY_ID")).toBe("prod-$NEW_PRIMARY_REGION");
    const unplanned = readFileSync(join(ROOT, "docs", "runbooks", "unplanned-failover.md"), "utf8");
    expect(unplanned.match(/^GC=(\S+)/m)?.[1]).toBe(typed("GLOBAL_ID"));
  });

  it("has every command that runs the pack on an environment's stack pass the pack's config", () => {
    // Without --policy-pack-config the CLI gives the pack its defaults: production and the
    // deployer's network unchecked (tools/ci/policy-config.ts).
    const bare: string[] = [];
    for (const file of docs) {
      for (const line of readFileSync(file, "utf8").split("\n")) {
        if (/pulumi (up|preview)\b.*--policy-pack policies/.test(line) && !line.includes("--policy-pack-config")) bare.push(`${relative(ROOT, file)}: ${line.trim()}`);
      }
    }
    expect(bare).toEqual([]);
  });

  it("composing.md's example environment is a valid one", () => {
    const text = readFileSync(join(ROOT, "docs", "composing.md"), "utf8");
    const block = text.match(/\*\*`Pulumi\.staging\.yaml`\*\*[\s\S]*?```yaml\n([\s\S]*?)```/)![1];
    const env = parseEnvironment("staging", (parse(block) as { config: Record<string, unknown> }).config);
    expect(env.primaryRegion).toBe("eu-central-1");
  });
});
