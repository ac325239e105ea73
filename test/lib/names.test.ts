import { describe, expect, it } from "vitest";
import { AUTONAME_SUFFIX_LENGTH, ELB_NAME_MAX_LENGTH, ELB_RESERVED_PREFIX, IAM_ROLE_NAME_MAX_LENGTH, physicalName } from "../../components/lib/names";

const ELB_NAME = /^(?!-)[A-Za-z0-9-]{1,32}(?<!-)$/;

describe("physicalName", () => {
  it("leaves a name to Pulumi's auto-naming when the auto-name fits, so deployed resources keep theirs", () => {
    expect(physicalName("prod-us-east-1-alb", ELB_NAME_MAX_LENGTH)).toBeUndefined();
    // 23 + 8 = 31: still fits.
    expect(physicalName("prod-ap-southeast-2-alb", ELB_NAME_MAX_LENGTH)).toBeUndefined();
    expect(physicalName("x".repeat(ELB_NAME_MAX_LENGTH - AUTONAME_SUFFIX_LENGTH), ELB_NAME_MAX_LENGTH)).toBeUndefined();
  });

  it("shortens a name whose auto-name would exceed the cap, keeping it valid and distinct", () => {
    const long = "abcdefghij-klmnopqrs-ap-southeast-2-alb";
    const name = physicalName(long, ELB_NAME_MAX_LENGTH)!;
    expect(name.length).toBeLessThanOrEqual(ELB_NAME_MAX_LENGTH);
    expect(name).toMatch(ELB_NAME);
    expect(name.startsWith("abcdefghij-klmnopqrs")).toBe(true);
    // Same beginning, different region: still two names.
    expect(physicalName("abcdefghij-klmnopqrs-ap-southeast-1-alb", ELB_NAME_MAX_LENGTH)).not.toBe(name);
    // Stable across runs (an unstable name would replace the resource on every update).
    expect(physicalName(long, ELB_NAME_MAX_LENGTH)).toBe(name);
    const role = physicalName("abcdefghij-klmnopqrs-ap-northeast-3-aws-load-balancer-controller", IAM_ROLE_NAME_MAX_LENGTH)!;
    expect(role.length).toBeLessThanOrEqual(IAM_ROLE_NAME_MAX_LENGTH);
  });

  it("changes the name with the salt, so a replacement never collides with the resource it replaces", () => {
    const long = "abcdefghij-klmnopqrs-ap-southeast-2-tg";
    expect(physicalName(long, ELB_NAME_MAX_LENGTH, { salt: "vpc-1|30080" })).not.toBe(physicalName(long, ELB_NAME_MAX_LENGTH, { salt: "vpc-1|30443" }));
  });

  it("rewrites a name that starts with a reserved prefix even when it is short", () => {
    const name = physicalName("internal-us-east-1-alb", ELB_NAME_MAX_LENGTH, { reservedPrefix: ELB_RESERVED_PREFIX })!;
    expect(name.startsWith(ELB_RESERVED_PREFIX)).toBe(false);
    expect(name).toMatch(ELB_NAME);
  });
});
