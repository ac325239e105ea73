import { temporaryDirectories } from "./temp-dirs";
import { readdirSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { describe, expect, it } from "vitest";

const temp = temporaryDirectories();
import { PlanError } from "../../tools/plan/args";
import { checkOutputPath, writeOutputs } from "../../tools/plan/outputs";

describe("writing the reports", () => {
  it("writes every file, replacing what was there", () => {
    const dir = temp("plan-out-");
    writeFileSync(join(dir, "plan.json"), "old");
    writeOutputs([{ option: "--json", path: join(dir, "plan.json"), content: "new" }, { option: "--markdown", path: join(dir, "plan.md"), content: "# md" }]);
    expect(readFileSync(join(dir, "plan.json"), "utf8")).toBe("new");
    expect(readdirSync(dir).sort()).toEqual(["plan.json", "plan.md"]);
  });

  it("writes nothing, and leaves no temporary file, when one of the files cannot be written", () => {
    const dir = temp("plan-out-");
    writeFileSync(join(dir, "plan.json"), "old");
    expect(() => writeOutputs([{ option: "--json", path: join(dir, "plan.json"), content: "new" }, { option: "--diagram", path: join(dir, "missing", "t.svg"), content: "<svg/>" }])).toThrow(PlanError);
    expect(readdirSync(dir)).toEqual(["plan.json"]);
    expect(readFileSync(join(dir, "plan.json"), "utf8")).toBe("old");
  });

  it("refuses, before anything runs, an output in a missing directory or on a directory", () => {
    const dir = temp("plan-out-");
    expect(() => checkOutputPath("--json", join(dir, "nope", "plan.json"))).toThrow(/the directory .*nope does not exist; create it/);
    expect(() => checkOutputPath("--markdown", dir)).toThrow(/is a directory; give a file name/);
  });
});
