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

  it("checks `secret: true` only on keys that declare a type (IsExplicitlyTyped), as the CLI does", () => {
    const untyped: ProjectFile = { ...project, config: { ...project.config, note: { secret: true } } };
    expect(prepareStackConfig("dev", { "app:note": "plain text" }, untyped)["app:note"]).toBe("plain text");
    const typed: ProjectFile = { ...project, config: { ...project.config, token: { type: "string", secret: true } } };
    expect(error(() => prepareStackConfig("dev", { "app:token": "plain text" }, typed))).toBe("validating stack config: Stack 'dev' with configuration key 'token' must be encrypted as it's secret");
  });

  it("refuses a typed secret key left at its project default: the CLI sets the default as plain text, then finds it unencrypted", () => {
    const defaulted: ProjectFile = { ...project, config: { ...project.config, token: { type: "string", secret: true, default: "changeme" } } };
    expect(error(() => prepareStackConfig("dev", {}, defaulted))).toBe("validating stack config: Stack 'dev' with configuration key 'token' must be encrypted as it's secret");
    expect(prepareStackConfig("dev", { "app:token": { secure: "AAABAKx0" } }, defaulted)["app:token"]).toEqual({ secure: "AAABAKx0" });
  });

  it("accepts an encrypted value wherever its decrypted text could be valid (the plan cannot decrypt it); never as an array or object", () => {
    const secrets: ProjectFile = {
      ...project,
      config: { token: { type: "string", secret: true }, port: { type: "integer", secret: true }, keys: { type: "array", items: { type: "string" } }, tags: { type: "object" } },
    };
    const secure = { secure: "AAABAKx0" };
    expect(() => prepareStackConfig("dev", { "app:token": secure, "app:port": secure, "app:keys": ["a", secure], "app:tags": { owner: secure } }, secrets)).not.toThrow();
    expect(error(() => prepareStackConfig("dev", { "app:token": secure, "app:port": secure, "app:keys": secure, "app:tags": {} }, secrets))).toBe("validating stack config: Stack 'dev' with configuration key 'keys' must be of type 'array<string>'");
    // Within an object value, unencrypted values keep their JSON types, as the CLI reads them.
    expect(error(() => prepareStackConfig("dev", { "app:token": secure, "app:port": secure, "app:keys": [1, secure], "app:tags": {} }, secrets))).toMatch(/key 'keys' must be of type 'array<string>'/);
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
