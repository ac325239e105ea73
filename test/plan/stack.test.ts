/**
 * One stack's two passes (tools/plan/stack.ts): what only the pass with known values registers is
 * named; what the language host takes of a program module.
 */
import { mkdirSync, writeFileSync } from "fs";
import { join } from "path";
import { describe, expect, it } from "vitest";
import { hostProgramExport, planStack } from "../../tools/plan/stack";
import { temporaryDirectories } from "./temp-dirs";

const temporaryDirectory = temporaryDirectories();

describe("a stack planned as a preview, then with known values", () => {
  it("names the resources a preview of a new stack would not list (created inside an apply)", async () => {
    const program = join(__dirname, "fixtures", "apply-program.ts");
    const result = await planStack({ stack: "dev", project: "platform", config: { "aws:region": "us-east-1" }, program, stackOutputs: {} });
    const subnet = result.resources.find((r) => r.type === "aws:ec2/subnet:Subnet")!;
    expect(subnet.urn).toBe("urn:pulumi:dev::platform::aws:ec2/subnet:Subnet::inside");
    expect(result.unseenInPreview).toEqual([subnet.urn]);
  }, 60_000);

  it("knows an imported resource's id in the preview too, as the engine reads it there, and records its import id", async () => {
    const program = join(__dirname, "fixtures", "import-program.ts");
    const result = await planStack({ stack: "dev", project: "platform", config: { "aws:region": "us-east-1" }, program, stackOutputs: {} });
    const vpc = result.resources.find((r) => r.type === "aws:ec2/vpc:Vpc")!;
    expect([vpc.id, vpc.importId]).toEqual(["vpc-0123456789abcdef0", "vpc-0123456789abcdef0"]);
    expect(result.resources.find((r) => r.type === "aws:ec2/subnet:Subnet")!.inputs.vpcId).toBe("vpc-0123456789abcdef0");
    expect(result.unseenInPreview).toEqual([]);
  }, 60_000);
});

describe("what the language host takes of a program module (cmd/run/run.js runProgram)", () => {
  /** A program file in a package whose package.json holds `manifest` (none when null), nested one directory down. */
  function programIn(manifest: Record<string, unknown> | null): string {
    const root = temporaryDirectory("host-export-");
    if (manifest) writeFileSync(join(root, "package.json"), JSON.stringify(manifest));
    mkdirSync(join(root, "src"));
    return join(root, "src", "index.ts");
  }
  const main = async () => ({});

  it("unwraps an ES module's default export (the nearest package.json says \"type\": \"module\") and refuses it beside named exports, in the host's words", () => {
    const esm = programIn({ type: "module" });
    expect(hostProgramExport({ default: main }, esm)).toBe(main);
    expect(hostProgramExport({ vpcId: "x" }, esm)).toEqual({ vpcId: "x" });
    expect(() => hostProgramExport({ default: main, vpcId: "x" }, esm)).toThrow(/^expected entrypoint module to have either a default export or named exports but not both/);
  });

  it("takes a CommonJS module's exports as they are, and refuses one whose only export is a function under default (the host would create nothing)", () => {
    for (const cjs of [programIn({ name: "app" }), programIn({ type: "commonjs" })]) {
      expect(hostProgramExport({ default: 5 }, cjs)).toEqual({ default: 5 });
      const both = { default: main, vpcId: "x" };
      expect(hostProgramExport(both, cjs)).toBe(both);
      expect(() => hostProgramExport({ default: main }, cjs)).toThrow(/only export is a function under `default`.*CommonJS.*create no resource.*export = async/);
    }
  });

  it("refuses a CommonJS program written `export default async () => {...}` when planned", async () => {
    const program = join(__dirname, "fixtures", "default-export-program.ts");
    await expect(planStack({ stack: "dev", project: "platform", config: { "aws:region": "us-east-1" }, program, stackOutputs: {} })).rejects.toThrow(/stack dev: the program's only export is a function under `default`/);
  }, 60_000);
});
