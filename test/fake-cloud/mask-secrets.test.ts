/**
 * What the fake cloud records of a value (tools/fake-cloud/index.ts): secrets masked, resources
 * and assets named, undefined properties left out, every other key kept as an own property
 * ("__proto__" too, as Object.fromEntries keeps it), scalars as they are.
 */
import * as pulumi from "@pulumi/pulumi";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import { describe, expect, it } from "vitest";
import { maskSecrets, SECRET_MASK } from "../../tools/fake-cloud";

describe("maskSecrets", () => {
  it("masks secrets at any depth and keeps everything else as it was", () => {
    const secret = { [rpc.specialSigKey]: rpc.specialSecretSig, value: "hunter2" };
    const value = { a: 1, b: "x", c: null, d: undefined, e: [true, secret, { f: secret }], g: new pulumi.asset.StringAsset("s") };
    expect(maskSecrets(value)).toEqual({ a: 1, b: "x", c: null, e: [true, SECRET_MASK, { f: SECRET_MASK }], g: "[asset]" });
    expect(Object.keys(maskSecrets(value) as object)).toEqual(["a", "b", "c", "e", "g"]);
    for (const scalar of ["s", 0, -0, Number.NaN, false, null, undefined]) expect(Object.is(maskSecrets(scalar), scalar)).toBe(true);
  });

  it("keeps a __proto__ key as an own property, not as the copy's prototype", () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "k": 1}') as object;
    const masked = maskSecrets(value) as Record<string, unknown>;
    expect(Object.getPrototypeOf(masked)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(masked, "__proto__")).toBe(true);
    expect(Object.keys(masked)).toEqual(["__proto__", "k"]);
    expect((masked as { polluted?: unknown }).polluted).toBeUndefined();
  });
});
