import { describe, expect, it } from "vitest";
import { readFileSync } from "fs";
import { parse } from "yaml";
import { PROJECT_FILE, renderProjectFile } from "../../tools/project-file";

describe("Pulumi.yaml", () => {
  it("declares exactly the keys the program validates (regenerate with npx tsx tools/project-file.ts --write)", () => {
    expect(readFileSync(PROJECT_FILE, "utf8")).toBe(renderProjectFile());
  });
  it("gives every key a type, a description and a default (Pulumi requires a value per stack otherwise)", () => {
    const project = parse(readFileSync(PROJECT_FILE, "utf8"));
    for (const [key, decl] of Object.entries(project.config as Record<string, Record<string, unknown>>)) {
      // Structured keys are untyped: Pulumi refuses `type: object` (pulumi/pulumi#11321).
      if (decl.type === undefined) expect(Array.isArray(decl.default), key).toBe(true);
      else expect(["string", "integer", "boolean", "array"], key).toContain(decl.type);
      expect(String(decl.description).length, key).toBeGreaterThan(10);
      expect(decl, key).toHaveProperty("default");
    }
  });
});
