import { describe, expect, it } from "vitest";
import { join } from "path";
import { readStackConfig, runStack } from "../../tools/fake-cloud/run";

const root = join(__dirname, "..", "..");

describe("the entry program for prod", () => {
  it("runs the global stack, then a regional stack fed by its outputs, without an unhandled rejection", async () => {
    const rejections: unknown[] = [];
    process.on("unhandledRejection", (e) => rejections.push(e));
    const load = () => import("../../stacks/main").then((m) => m.main);
    const global = await runStack({ stack: "prod", config: readStackConfig(join(root, "Pulumi.prod.yaml")), load });
    expect((global.outputs.environment as { regions: string[] }).regions).toEqual(["us-east-1", "us-west-2", "eu-west-1"]);
    expect(rejections).toEqual([]);
  });
});
