/**
 * Every WAFv2 description the plans declare is one CreateWebACL and CreateRegexPatternSet take
 * (components/lib/waf.ts, WAF_DESCRIPTION): the provider checks only the length, so nothing else
 * before `pulumi up` would refuse a parenthesis or an apostrophe. Prod (regional ACLs) and the
 * data-tier example (the edge's ACL and its origin-verify pattern set too).
 */
import { describe, expect, it } from "vitest";
import { WAF_DESCRIPTION } from "../../components/lib/waf";
import { sharedRun } from "../shared-plan";

describe("WAF descriptions in the planned environments", () => {
  for (const name of ["prod", "staging"] as const) {
    it(`${name}: each is one WAFv2 accepts`, async () => {
      const { document } = await sharedRun(name);
      const described = document.stacks.flatMap((s) => s.resources).filter((r) => r.type.startsWith("aws:wafv2/") && r.inputs.description !== undefined);
      expect(described.length).toBeGreaterThan(0);
      for (const r of described) expect({ urn: r.urn, description: r.inputs.description }).toEqual({ urn: r.urn, description: expect.stringMatching(WAF_DESCRIPTION) });
    }, 120_000);
  }
});
