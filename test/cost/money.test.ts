import { describe, expect, it } from "vitest";
import { dollars, groupThousands } from "../../policies/cost";

describe("dollar amounts", () => {
  it("groups thousands as en-US does, rounded to the dollar", () => {
    for (const n of [0, 7, 999, 1000, 1234.5, 999999.4, 1000000, 12345678, -1, -999, -1000, -1234567])
      expect(dollars(n)).toBe(`$${Math.round(n).toLocaleString("en-US")}`);
  });
  it("gives an integer its sign", () => {
    expect(groupThousands(-1234)).toBe("-1,234");
    expect(groupThousands(1234567)).toBe("1,234,567");
  });
});
