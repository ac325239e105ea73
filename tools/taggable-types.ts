/**
 * Lists the @pulumi/aws resource types whose Args take a `tags` map, from the provider's own
 * typings. `npx tsx tools/taggable-types.ts --write` refreshes components/lib/taggable-types.json
 * after a provider upgrade; a test fails when the committed list is stale.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from "fs";
import { join } from "path";

const AWS_ROOT = join(__dirname, "..", "node_modules", "@pulumi", "aws");
export const TAGGABLE_FILE = join(__dirname, "..", "components", "lib", "taggable-types.json");

function* jsFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (entry === "node_modules" || entry === "types") continue;
    if (statSync(path).isDirectory()) yield* jsFiles(path);
    else if (entry.endsWith(".js")) yield path;
  }
}

export function scanTaggableTypes(root = AWS_ROOT): string[] {
  const found: string[] = [];
  for (const js of jsFiles(root)) {
    const token = /__pulumiType = '([^']+)'/.exec(readFileSync(js, "utf8"))?.[1];
    if (!token || token.startsWith("pulumi:")) continue;
    const dts = readFileSync(js.replace(/\.js$/, ".d.ts"), "utf8");
    const className = token.split(":")[2];
    const args = new RegExp(`export interface ${className}Args \\{([\\s\\S]*?)\\n\\}`).exec(dts)?.[1] ?? "";
    // Only map-shaped tags; ASG-style tag lists are handled separately by the transform.
    if (/\n\s+tags\?: pulumi\.Input<\{/.test(args)) found.push(token);
  }
  return found.sort();
}

if (require.main === module && process.argv.includes("--write")) {
  const types = scanTaggableTypes();
  writeFileSync(TAGGABLE_FILE, `${JSON.stringify(types, null, 1)}\n`);
  console.log(`wrote ${types.length} taggable types to ${TAGGABLE_FILE}`);
}
