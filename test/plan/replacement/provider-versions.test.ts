/**
 * The replacement table's rules are read from the provider sources of the package versions its
 * `providers` block records. A dependency bump (@pulumi/aws 7.47.0 → 7.48.0) would otherwise keep
 * the old release's ForceNew rules with nothing saying so: each recorded version must be the
 * installed one, until the table is regenerated for the new one (docs/plan.md, "The replacement table").
 */
import { describe, expect, it } from "vitest";
import { REPLACEMENT_TABLE, type ReplacementTable } from "../../../tools/plan/replacement/table";

/** Each provider whose recorded version is not the installed package's, with the fix. */
function staleProviders(providers: ReplacementTable["providers"], installedVersion: (pkg: string) => string | undefined): string[] {
  return Object.entries(providers).flatMap(([name, { package: pkg, version }]) => {
    const installed = installedVersion(pkg);
    if (installed === version) return [];
    return [
      `tools/plan/replacement/table.json providers.${name}.version is ${version}, but ${pkg} ${installed === undefined ? "is not installed" : `${installed} is installed`}: ` +
        `its replace-on rules are of another release. Regenerate the table from that release's provider sources: npm run replacement-table (docs/plan.md, "Refresh it on a provider upgrade").`,
    ];
  });
}

function installedVersion(pkg: string): string | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return undefined;
  }
}

describe("the replacement table's provider versions", () => {
  it("are the installed packages' versions", () => {
    expect(Object.keys(REPLACEMENT_TABLE.providers).sort()).toEqual(["aws", "kubernetes", "random"]);
    expect(staleProviders(REPLACEMENT_TABLE.providers, installedVersion)).toEqual([]);
  });

  it("names the field, both versions and the regeneration command when a package moved", () => {
    const providers = { aws: { ...REPLACEMENT_TABLE.providers.aws, version: "7.47.0" }, random: { ...REPLACEMENT_TABLE.providers.random, version: "4.21.2" } };
    const installed: Record<string, string> = { "@pulumi/aws": "7.48.0", "@pulumi/random": "4.21.2" };
    expect(staleProviders(providers, (pkg) => installed[pkg])).toEqual([
      `tools/plan/replacement/table.json providers.aws.version is 7.47.0, but @pulumi/aws 7.48.0 is installed: its replace-on rules are of another release. Regenerate the table from that release's provider sources: npm run replacement-table (docs/plan.md, "Refresh it on a provider upgrade").`,
    ]);
    expect(staleProviders(providers, () => undefined)[1]).toMatch(/providers\.random\.version is 4\.21\.2, but @pulumi\/random is not installed: .*npm run replacement-table/);
  });
});
