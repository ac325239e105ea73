/** One stack's two passes (tools/plan/stack.ts): what only the pass with known values registers is named. */
import { join } from "path";
import { describe, expect, it } from "vitest";
import { planStack } from "../../tools/plan/stack";

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
