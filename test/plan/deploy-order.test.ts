/** The order regional stacks are planned in (tools/plan/plan.ts deployOrder): each after the stacks it reads. */
import { describe, expect, it } from "vitest";
import type { StackJob } from "../../tools/plan/inputs";
import { deployOrder } from "../../tools/plan/plan";

const job = (region: string, reads?: string[]): StackJob => ({ stack: `prod-${region}`, project: "platform", role: "region", region, config: {}, source: "synthesized", reads });

describe("deploy order of regional stacks", () => {
  it("keeps the environment's order when no stack reads another", () => {
    expect(deployOrder([job("us-east-1"), job("us-west-2"), job("eu-west-1")]).map((j) => j.region)).toEqual(["us-east-1", "us-west-2", "eu-west-1"]);
  });

  it("puts a stack after the regional stack it reads (the cache's home region), ignoring stacks outside the environment", () => {
    const order = deployOrder([job("us-west-2", ["prod-eu-west-1", "prod"]), job("us-east-1"), job("eu-west-1")]);
    expect(order.map((j) => j.region)).toEqual(["us-east-1", "eu-west-1", "us-west-2"]);
  });

  it("refuses stacks that read each other, naming them", () => {
    expect(() => deployOrder([job("us-east-1", ["prod-us-west-2"]), job("us-west-2", ["prod-us-east-1"])])).toThrow(/prod-us-east-1, prod-us-west-2 read each other.*no deploy order exists/);
  });
});
