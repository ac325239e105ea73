import { afterEach, describe, expect, it, vi } from "vitest";
import { parsedYaml, yamlValue } from "../../tools/fake-cloud/yaml-text";

describe("yamlValue", () => {
  afterEach(() => vi.restoreAllMocks());

  it("logs a text's warnings once, also when another reader parsed it first (the project schema's check reads Pulumi.yaml before the project)", () => {
    const warn = vi.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    const text = `name: p${Date.now()}\nruntime: !foo nodejs\n`;
    parsedYaml(text);
    expect(yamlValue(text)).toEqual({ name: expect.any(String), runtime: "nodejs" });
    yamlValue(text);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String((warn.mock.calls[0][0] as Error).message)).toMatch(/Unresolved tag: !foo/);
  });
});
