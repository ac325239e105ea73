/**
 * The replacement table covers every resource type the code can declare: each `new aws.X.Y(`,
 * `new k8s...(` and `new random.X(` in components, stacks, examples and test programs, resolved to
 * its type token through the installed packages. A type added later (observability, data tier,
 * FIS, ...) fails here until the table is regenerated (`npm run replacement-table`, docs/plan.md).
 */
import { readdirSync, readFileSync, statSync } from "fs";
import { join } from "path";
import { describe, expect, it } from "vitest";
import { ruleOf } from "../../../tools/plan/replacement/table";

const ROOT = join(__dirname, "../../..");
const PACKAGES: Record<string, string> = { aws: "@pulumi/aws", k8s: "@pulumi/kubernetes", kubernetes: "@pulumi/kubernetes", random: "@pulumi/random" };

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === "node_modules" ? [] : sources(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

/** `aws.ec2.Vpc` → `aws:ec2/vpc:Vpc`, through the class's own `__pulumiType`. */
function tokenOf(alias: string, path: string): string | null {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  let value: unknown = require(PACKAGES[alias]);
  for (const part of path.split(".")) value = (value as Record<string, unknown> | undefined)?.[part];
  const token = (value as { __pulumiType?: string } | undefined)?.__pulumiType;
  if (!token) return null;
  // Provider classes carry only the package name.
  return token.includes(":") ? token : `pulumi:providers:${token}`;
}

describe("replacement table coverage", () => {
  const declared = new Map<string, string>();
  for (const dir of ["components", "stacks", "examples", "test"]) {
    for (const file of sources(join(ROOT, dir))) {
      for (const m of readFileSync(file, "utf8").matchAll(/new (aws|k8s|kubernetes|random)\.([A-Za-z0-9_.]+)\(/g)) {
        const token = tokenOf(m[1], m[2]);
        if (token) declared.set(token, file.slice(ROOT.length + 1));
      }
    }
  }

  it("finds the declared types (the scan works)", () => {
    expect(declared.has("aws:ec2/vpc:Vpc")).toBe(true);
    expect(declared.has("kubernetes:helm.sh/v3:Release")).toBe(true);
    expect(declared.size).toBeGreaterThan(40);
  });

  it("has an entry for every resource type the code declares", () => {
    const missing = [...declared].filter(([token]) => !ruleOf(token)).map(([token, file]) => `${token} (${file})`);
    expect(missing, "regenerate the table: npm run replacement-table (see docs/plan.md)").toEqual([]);
  });
});

describe("custom resources", () => {
  it("replace on a new name or namespace, like every Kubernetes object; unknown SDK kinds still need the table", () => {
    expect(ruleOf("kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding")?.replaceOn).toEqual(["metadata.name", "metadata.namespace"]);
    expect(ruleOf("kubernetes:apps/v1:NoSuchKind")).toBeUndefined();
  });
});
