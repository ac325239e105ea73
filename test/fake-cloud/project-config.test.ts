/**
 * Stack config as the Pulumi CLI prepares it (pkg/workspace/config.go): Pulumi.yaml defaults on
 * every stack, typed keys checked one by one in sorted order with the CLI's message, text values
 * judged as the CLI judges them.
 */
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { describe, expect, it } from "vitest";
import { changedScalars, prepareStackConfig, ProjectFile, ProjectFileError, readProjectFile, toRuntimeConfig } from "../../tools/fake-cloud/project-config";
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

describe("config as the CLI hands it to the program (config.object.MarshalString)", () => {
  it("gives a string as it is, a YAML number or boolean as Go's JSON of it, null as empty text, and a mapping's keys sorted", () => {
    expect(toRuntimeConfig({ "a:s": "1.20", "a:n": 16.1, "a:i": 24, "a:b": true, "a:z": null, "a:l": [2, "x"], "a:m": { z: 1, a: { y: [{ b: 1, a: 2 }], x: 0 } } })).toEqual({
      "a:s": "1.20", "a:n": "16.1", "a:i": "24", "a:b": "true", "a:z": "", "a:l": '[2,"x"]', "a:m": '{"a":{"x":0,"y":[{"a":2,"b":1}]},"z":1}',
    });
  });

  it("finds the unquoted scalars whose text the program does not get", () => {
    const file = ["config:", "  a:v: 16.10", "  a:k: 1.34", "  a:h: 0x1F", "  a:q: \"16.10\"", "  a:b: yes", "  a:t: true", "  a:n:", "  a:l: [1.20]", ""].join("\n");
    expect(changedScalars(file)).toEqual([{ key: "a:v", written: "16.10", given: "16.1" }, { key: "a:h", written: "0x1F", given: "31" }]);
  });
});

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
    // A stack file's keys carry their namespace, as config.ParseKey requires.
    expect(error(() => prepareStackConfig("dev", { regions: ["us-east-1"] }, project))).toBe("could not parse regions as a configuration key (configuration keys should be of the form `<namespace>:<name>`)");
    expect(error(() => prepareStackConfig("dev", { "a:b:c": 1 }, project))).toMatch(/could not parse a:b:c/);
    // A null default is no default (hasDefault := Default != nil).
    const nullDefault: ProjectFile = { ...project, config: { ...project.config, owner: { type: "string", default: null } } };
    expect(error(() => prepareStackConfig("dev", {}, nullDefault))).toBe("validating stack config: Stack 'dev' is missing configuration value 'owner'");
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

describe("Pulumi.yaml itself, as the CLI validates it before anything runs (Project.Validate)", () => {
  const dir = mkdtempSync(join(tmpdir(), "project-file-"));
  const read = (config: string) => {
    const file = join(dir, "Pulumi.yaml");
    writeFileSync(file, `name: app\nruntime: nodejs\nconfig:\n${config}`);
    try {
      readProjectFile(file);
      return "valid";
    } catch (err) {
      expect(err).toBeInstanceOf(ProjectFileError);
      return (err as Error).message;
    }
  };

  it("accepts typed project keys with defaults of their type and other namespaces' values", () => {
    expect(read("  zones: { type: integer, default: 3 }\n  cidrs: { type: array, items: { type: string }, default: [a] }\n  aws:region: us-east-1\n  aws:profile: { value: dev }\n  app:name: { type: string, default: web }")).toBe("valid");
    expect(readProjectFile(join(root, "Pulumi.yaml")).name).toBe("platform");
  });

  it("refuses what the CLI refuses, in its words", () => {
    expect(read("  aws:region: { default: us-east-1 }")).toBe("Configuration key 'aws:region' is not namespaced by the project and should not define a default value. Did you mean to use the 'value' attribute instead of 'default'?");
    expect(read("  aws:region: { type: string, value: us-east-1 }")).toBe("Configuration key 'aws:region' is not namespaced by the project and should not define a type");
    expect(read("  aws:region: { secret: true }")).toBe("Configuration key 'aws:region' is namespaced and must provide an attribute 'value'");
    expect(read("  zones: { type: integer, default: 3, value: 4 }")).toBe("project config 'zones' cannot have both a 'default' and 'value' attribute");
    expect(read("  cidrs: { type: array }")).toBe("The configuration key 'cidrs' declares an array but does not specify the underlying type via the 'items' attribute");
    expect(read("  zones: { type: integer, default: three }")).toBe("The default value specified for configuration key 'zones' is not of the expected type 'integer'");
    expect(read("  name: { type: string, default: 3 }")).toBe("The default value specified for configuration key 'name' is not of the expected type 'string'");
    expect(read("  cidrs: { type: array, items: { type: string }, default: [1] }")).toBe("The default value specified for configuration key 'cidrs' is not of the expected type 'array<string>'");
  });

  it("stops the plan with the CLI's words and the key to fix", () => {
    const project = mkdtempSync(join(tmpdir(), "project-"));
    writeFileSync(join(project, "Pulumi.yaml"), "name: platform\nruntime: nodejs\nconfig:\n  aws:region: { default: us-east-1 }\n");
    writeFileSync(join(project, "Pulumi.dev.yaml"), "config:\n  aws:region: us-east-1\n");
    expect(error(() => resolveEnvironment({ env: "dev", envGiven: true, configFile: null }, project))).toMatch(
      /Pulumi\.yaml: `pulumi` would refuse the project before any program runs: Configuration key 'aws:region' is not namespaced by the project and should not define a default value\. .*Fix config\.aws:region in \S*Pulumi\.yaml$/,
    );
  });
});
