/**
 * Stack config as the Pulumi CLI prepares it (pkg/workspace/config.go): Pulumi.yaml defaults on
 * every stack, typed keys checked one by one in sorted order with the CLI's message, text values
 * judged as the CLI judges them.
 */
import { join } from "path";
import { describe, expect, it } from "vitest";
import { prepareStackConfig, ProjectFile, readProjectFile } from "../../tools/fake-cloud/project-config";
import { resolveEnvironment } from "../../tools/plan/inputs";

const root = join(__dirname, "..", "..");

const project: ProjectFile = {
  file: "Pulumi.yaml",
  name: "app",
  config: {
    zones: { type: "integer", default: 3 },
    name: { type: "string", default: "web" },
    enabled: { type: "boolean", default: true },
    cidrs: { type: "array", items: { type: "string" }, default: [] },
    "aws:region": { value: "us-east-1" },
  },
};

const error = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  return "no error";
};

describe("prepareStackConfig", () => {
  it("adds every declared default the stack leaves unset, and keeps the stack's values", () => {
    expect(prepareStackConfig("dev", { "app:zones": 2 }, project)).toEqual({ "app:zones": 2, "app:name": "web", "app:enabled": true, "app:cidrs": [], "aws:region": "us-east-1" });
  });

  it("judges primitive values as text, as the CLI does", () => {
    // YAML 123 is the text "123": a valid string. "3" is a valid integer, "true" a boolean.
    expect(() => prepareStackConfig("dev", { "app:name": 123, "app:zones": "3", "app:enabled": "true" }, project)).not.toThrow();
    expect(error(() => prepareStackConfig("dev", { "app:zones": "three" }, project))).toBe("validating stack config: Stack 'dev' with configuration key 'zones' must be of type 'integer'");
    expect(error(() => prepareStackConfig("dev", { "app:enabled": "yes" }, project))).toBe("validating stack config: Stack 'dev' with configuration key 'enabled' must be of type 'boolean'");
    expect(error(() => prepareStackConfig("dev", { "app:cidrs": "10.0.0.0/16" }, project))).toBe("validating stack config: Stack 'dev' with configuration key 'cidrs' must be of type 'array<string>'");
    expect(error(() => prepareStackConfig("dev", { "app:name": ["a"] }, project))).toBe("validating stack config: Stack 'dev' with configuration key 'name' must be of type 'string'");
  });

  it("reports the first mismatch in key order, as the CLI stops at it", () => {
    expect(error(() => prepareStackConfig("dev", { "app:zones": "x", "app:enabled": "x" }, project))).toMatch(/key 'enabled'/);
  });

  it("refuses a project key with neither value nor default that the stack leaves unset", () => {
    const required: ProjectFile = { ...project, config: { ...project.config, owner: { type: "string" }, team: { type: "string" } } };
    expect(error(() => prepareStackConfig("dev", {}, required))).toBe("validating stack config: Stack 'dev' is missing configuration values 'owner' and 'team'");
  });
});

describe("the environment's stacks", () => {
  it("all receive the defaults of Pulumi.yaml, regional stacks included, as the CLI gives them", () => {
    const declared = readProjectFile(join(root, "Pulumi.yaml"));
    const input = resolveEnvironment({ env: "prod", envGiven: true, configFile: null }, root);
    const defaults = Object.entries(declared.config).filter(([, spec]) => spec.default !== undefined);
    expect(defaults.length).toBeGreaterThan(10);
    for (const job of [input.global, ...input.regional]) {
      for (const [key] of defaults) expect(job.config, `${job.stack} platform:${key}`).toHaveProperty([`platform:${key}`]);
    }
    const regional = input.regional[0];
    expect(regional.config["platform:logRetentionDays"]).toBe(declared.config.logRetentionDays.default);
    expect(regional.config["platform:environmentStack"]).toBe("prod");
    // The global stack's own values win over the defaults.
    expect(input.global.config["platform:logRetentionDays"]).toBe(365);
  });
});
