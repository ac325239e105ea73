import { describe, expect, it } from "vitest";
import { join } from "path";
import { readStackConfig, runStack } from "../../tools/fake-cloud/run";

const root = join(__dirname, "..", "..");

describe("the entry program for prod", () => {
  it("runs the global stack, then a regional stack fed by its outputs, without an unhandled rejection", async () => {
    const rejections: unknown[] = [];
    const listener = (e: unknown) => rejections.push(e);
    process.on("unhandledRejection", listener);
    const load = () => import("../../stacks/main").then((m) => m.main);
    // The worker goes on with other files: the listener is this test's only.
    const global = await runStack({ stack: "prod", config: readStackConfig(join(root, "Pulumi.prod.yaml")), load }).finally(() => process.off("unhandledRejection", listener));
    expect((global.outputs.environment as { regions: string[] }).regions).toEqual(["us-east-1", "us-west-2", "eu-west-1"]);
    expect(rejections).toEqual([]);
  });
});
