/**
 * `npm run prices:refresh -- [--source URL|DIR] [--regions r1,r2] [--only prefix,...] [--dry-run]`
 * Refreshes data/cost/prices.json from the AWS Price List bulk files (docs/cost.md). Needs network
 * access to the Price List endpoint, or a directory mirroring its layout (--source DIR).
 */
import { writeFileSync } from "fs";
import { DEFAULT_PRICE_FILE, loadPriceTable, parsePriceTable } from "../policies/cost/prices";
import { PRICE_LIST_ENDPOINT, sourceAt } from "./prices/offers";
import { refreshTable } from "./prices/refresh";

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(args: string[]): Promise<number> {
  const file = option(args, "--table") ?? DEFAULT_PRICE_FILE;
  const table = loadPriceTable(file);
  const regions = option(args, "--regions")?.split(",").filter(Boolean);
  const only = option(args, "--only")?.split(",").filter(Boolean);
  const source = sourceAt(option(args, "--source") ?? PRICE_LIST_ENDPOINT);
  const { table: refreshed, report } = await refreshTable(table, source, { regions, only, log: (line) => process.stderr.write(`${line}\n`) });
  // The result must still be a valid table before it replaces the committed one.
  parsePriceTable(refreshed, "the refreshed table");
  for (const line of report.updated) process.stdout.write(`updated   ${line}\n`);
  for (const line of report.problems) process.stdout.write(`NOT FOUND ${line}\n`);
  process.stdout.write(`${report.updated.length} figure(s) changed, ${report.unchanged.length} confirmed, ${report.problems.length} not found; ${report.manual.length} entr(ies) have no Price List selector and keep their figures: ${report.manual.join(", ")}\n`);
  if (!args.includes("--dry-run")) writeFileSync(file, `${JSON.stringify(refreshed, null, 2)}\n`);
  return report.problems.length > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`prices:refresh: ${(error as Error).message}\n`);
    process.exitCode = 2;
  },
);
