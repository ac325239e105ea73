import { describe, expect, it } from "vitest";
import { parseArgs, PlanError } from "../../tools/plan/args";

function problem(argv: string[]): string {
  try {
    parseArgs(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(PlanError);
    return (err as Error).message;
  }
  throw new Error(`accepted ${argv.join(" ")}`);
}

describe("plan command line", () => {
  it("defaults to the prod environment with no output files", () => {
    expect(parseArgs([])).toMatchObject({ env: "prod", envGiven: false, program: null, stack: "dev", json: null, markdown: null, diagram: null, diff: null });
  });

  it("takes values after the flag or after =", () => {
    expect(parseArgs(["--env=staging", "--json", "out/plan.json", "--diagram=topology.svg"])).toMatchObject({ env: "staging", envGiven: true, json: "out/plan.json", diagram: "topology.svg" });
    expect(parseArgs(["--program", "examples/dev/index.ts", "--stack", "team-a"])).toMatchObject({ program: "examples/dev/index.ts", stack: "team-a" });
  });

  it("names the mistake and the way out", () => {
    expect(problem(["--markdwon", "x.md"])).toMatch(/unknown option --markdwon \(did you mean --markdown\?\)\. Run `npm run plan -- --help`/);
    expect(problem(["--json"])).toMatch(/--json needs a value/);
    expect(problem(["--json", "--markdown", "x.md"])).toMatch(/--json needs a value/);
    expect(problem(["--json", "a.json", "--json", "b.json"])).toMatch(/--json is given twice/);
    expect(problem(["prod"])).toMatch(/unexpected argument "prod"/);
    expect(problem(["--diagram", "topology.png"])).toMatch(/ending in \.svg/);
    expect(problem(["--env", "prod", "--program", "p.ts"])).toMatch(/exclude each other/);
    expect(problem(["--stack", "dev"])).toMatch(/--stack names the stack of a --program/);
    expect(problem(["--env", "../etc"])).toMatch(/not a stack name/);
    // The CLI takes NAME, ORG/NAME or ORG/PROJECT/NAME; a fourth or an empty segment names no stack.
    expect(parseArgs(["--program", "p.ts", "--stack", "acme/shop/dev"]).stack).toBe("acme/shop/dev");
    expect(problem(["--program", "p.ts", "--stack", "a/b/c/dev"])).toMatch(/--stack "a\/b\/c\/dev" is not a stack name; give NAME, ORG\/NAME or ORG\/PROJECT\/NAME/);
    expect(problem(["--program", "p.ts", "--stack", "acme//dev"])).toMatch(/is not a stack name/);
    expect(problem(["--json", "same.json", "--markdown", "same.json"])).toMatch(/different files/);
  });
});
