/**
 * What the fake cloud records of a value (tools/fake-cloud/index.ts): secrets masked, resources
 * and assets named, undefined properties left out, every other key kept as an own property
 * ("__proto__" too, as Object.fromEntries keeps it), scalars as they are; and beside the masked
 * properties, the plain values of those holding a secret, for the policies.
 */
import * as pulumi from "@pulumi/pulumi";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import { describe, expect, it } from "vitest";
import { maskSecrets, recordProperties, revealSecrets, SECRET_MASK, type RecordedResource } from "../../tools/fake-cloud";
import { setPlainSecrets } from "../../tools/fake-cloud/plain-secrets";

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

describe("recordProperties", () => {
  const secret = (value: unknown) => ({ [rpc.specialSigKey]: rpc.specialSecretSig, value });

  it("masks every property and keeps the plain values of the top-level properties that hold a secret, whole", () => {
    const properties = {
      name: "edge",
      origins: [{ originId: "app", customHeaders: [{ name: "X-Origin-Verify", value: secret("hunter2") }], customOriginConfig: { originProtocolPolicy: "http-only" } }],
      password: secret("p4ss"),
      code: new pulumi.asset.StringAsset("s"),
      gone: undefined,
    };
    const { masked, secret: plain } = recordProperties(properties);
    expect(masked).toEqual(maskSecrets(properties));
    expect(Object.keys(masked)).toEqual(["name", "origins", "password", "code"]);
    expect(plain).toEqual({
      origins: [{ originId: "app", customHeaders: [{ name: "X-Origin-Verify", value: "hunter2" }], customOriginConfig: { originProtocolPolicy: "http-only" } }],
      password: "p4ss",
    });
  });

  it("keeps nothing beside the masks when no property holds a secret", () => {
    expect(recordProperties({ a: 1, b: [{ c: "x" }] })).toEqual({ masked: { a: 1, b: [{ c: "x" }] } });
    expect(recordProperties({ a: 1 })).not.toHaveProperty("secret");
  });

  it("reveals secrets inside secrets, names resources and assets as the masks do, and gives a secret of nothing as null (as across JSON)", () => {
    expect(revealSecrets({ a: secret({ b: secret("inner"), c: new pulumi.asset.StringAsset("s") }) })).toEqual({ a: { b: "inner", c: "[asset]" } });
    expect(recordProperties({ empty: secret(undefined) }).secret).toEqual({ empty: null });
  });
});

describe("a record's plain values of secrets (setPlainSecrets)", () => {
  const record = () => ({ urn: "urn:pulumi:s::p::aws:lb/listenerRule:ListenerRule::r", inputs: { conditions: "[secret]" }, outputs: {} }) as unknown as RecordedResource;

  it("are read by name, and left out of JSON and of object spread, so nothing that writes records out carries them", () => {
    const r = record();
    setPlainSecrets(r, "secretInputs", { conditions: [{ httpHeader: { values: ["hunter2"] } }] });
    expect(r.secretInputs).toEqual({ conditions: [{ httpHeader: { values: ["hunter2"] } }] });
    expect(JSON.stringify(r)).not.toContain("hunter2");
    expect(JSON.stringify({ ...r })).not.toContain("hunter2");
    expect(Object.keys(r)).not.toContain("secretInputs");
  });

  it("are removed with undefined", () => {
    const r = record();
    setPlainSecrets(r, "secretOutputs", { result: "hunter2" });
    setPlainSecrets(r, "secretOutputs", undefined);
    expect(r.secretOutputs).toBeUndefined();
  });
});
