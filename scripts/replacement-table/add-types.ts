/**
 * Adds to tools/plan/replacement/table.json the AWS types it lacks, read with the generator's own
 * readers (generate.ts `awsRules`) from a partial snapshot of terraform-provider-aws: a git dir
 * holding only the files of the services concerned (each resource's file and its
 * service_package_gen.go registration), e.g. taken from a newer upstream version when a full
 * snapshot of it is too large to bring here. Existing entries are never changed; the table's
 * provenance stays that of the full snapshot, and each added entry names where it came from.
 *
 *   npx tsx scripts/replacement-table/add-types.ts --aws <partial git dir>[@ref] \
 *     --from "<upstream repository@commit it was taken from>" --types <token>[,<token>...] \
 *     [--table tools/plan/replacement/table.json]
 */
import { readFileSync, renameSync, writeFileSync } from "fs";
import { join, resolve } from "path";
import { awsRules } from "./generate";
import { openSnapshot } from "./git-tree";
import { treeSources } from "./sources";
import type { ReplacementTable, TypeRule } from "../../tools/plan/replacement/table";

/** The rules of `wanted` types from `found`, for those the table lacks; unknown tokens are an error. */
export function missingRules(table: ReplacementTable, found: Record<string, TypeRule>, wanted: readonly string[], from: string): Record<string, TypeRule> {
  const added: Record<string, TypeRule> = {};
  for (const token of wanted) {
    if (Object.prototype.hasOwnProperty.call(table.types, token)) continue;
    const rule = found[token];
    if (!rule) throw new Error(`${token}: the partial snapshot has no resource for it; add that resource's file and its service_package_gen.go`);
    added[token] = { ...rule, source: `${rule.source}; added from ${from}` };
  }
  return added;
}

function main(argv: string[]): void {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) args.set(argv[i], argv[i + 1]);
  const aws = args.get("--aws");
  const from = args.get("--from");
  const wanted = (args.get("--types") ?? "").split(",").filter(Boolean);
  if (!aws || !from || wanted.length === 0) throw new Error("--aws <partial git dir>[@ref], --from <repository@commit> and --types <token,...> are required");
  const at = aws.lastIndexOf("@");
  const snapshot = at > 0 ? openSnapshot(aws.slice(0, at), aws.slice(at + 1)) : openSnapshot(aws);
  const tableFile = resolve(args.get("--table") ?? join(__dirname, "../../tools/plan/replacement/table.json"));
  const table = JSON.parse(readFileSync(tableFile, "utf8")) as ReplacementTable;
  const added = missingRules(table, awsRules(treeSources(snapshot)).types, wanted, from);
  table.types = Object.fromEntries(Object.entries({ ...table.types, ...added }).sort(([a], [b]) => a.localeCompare(b)));
  const tmp = `${tableFile}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(table, null, 1)}\n`);
  renameSync(tmp, tableFile);
  process.stdout.write(`added ${Object.keys(added).length} type(s): ${Object.keys(added).join(", ") || "none (already present)"}\n`);
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`add-types: ${(err as Error).message}\n`);
    process.exitCode = 2;
  }
}
