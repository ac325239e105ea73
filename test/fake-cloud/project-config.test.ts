/**
 * Stack config as the Pulumi CLI prepares it (pkg/workspace/config.go): Pulumi.yaml defaults on
 * every stack, typed keys checked one by one in sorted order with the CLI's message, text values
 * judged as the CLI judges them.
 */
import { copyFileSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { describe, expect, it } from "vitest";
import { changedScalars, prepareStackConfig, ProjectFile, ProjectFileError, readProjectFile, stackConfigKeys, toRuntimeConfig } from "../../tools/fake-cloud/project-config";
import { readStackConfig } from "../../tools/fake-cloud/run";
import { knownEnvironments, readConfigFile, resolveEnvironment, resolveProgram } from "../../tools/plan/inputs";
import { DEPLOY_PRECONDITIONS } from "../fixtures/environment";

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
    // What config.ParseKey cannot read, once a key without a namespace has the project's.
    expect(error(() => prepareStackConfig("dev", { "a:b:c": 1 }, project))).toBe("could not parse a:b:c as a configuration key (configuration keys should be of the form `<namespace>:<name>`)");
    expect(error(() => prepareStackConfig("dev", { "aws:config:region:x": 1 }, project))).toMatch(/could not parse aws:config:region:x/);
    // A null default is no default (hasDefault := Default != nil).
    const nullDefault: ProjectFile = { ...project, config: { ...project.config, owner: { type: "string", default: null } } };
    expect(error(() => prepareStackConfig("dev", {}, nullDefault))).toBe("validating stack config: Stack 'dev' is missing configuration value 'owner'");
  });
});

describe("stack file keys, as LoadProjectStackBytes and config.ParseKey read them", () => {
  it("give a key without a namespace the project's (stackConfigNamespacedWithProject), its type checked and its default not added", () => {
    expect(prepareStackConfig("dev", { zones: 2, name: "api" }, project)).toMatchObject({ "app:zones": 2, "app:name": "api", "app:enabled": true });
    expect(prepareStackConfig("dev", { zones: 2 }, project)).not.toHaveProperty("zones");
    expect(error(() => prepareStackConfig("dev", { zones: "three" }, project))).toBe("validating stack config: Stack 'dev' with configuration key 'zones' must be of type 'integer'");
  });

  it("read a legacy `<namespace>:config:<name>` as `<namespace>:<name>`", () => {
    const prepared = prepareStackConfig("dev", { "aws:config:region": "eu-west-1", "app:config:zones": 4 }, project);
    expect(prepared).toMatchObject({ "aws:region": "eu-west-1", "app:zones": 4 });
    expect(Object.keys(prepared).filter((key) => key.includes(":config:"))).toEqual([]);
  });

  it("refuse two spellings of one key: the CLI keeps either value, in Go's random map order", () => {
    expect(error(() => prepareStackConfig("dev", { zones: 2, "app:zones": 3 }, project))).toBe("configuration keys zones and app:zones are both app:zones, and the CLI keeps either value at random (Go map order)");
    expect(error(() => stackConfigKeys("app", { "aws:region": "a", "aws:config:region": "b" }))).toMatch(/aws:region and aws:config:region are both aws:region/);
  });

  it("are left as written without a project, as the loader leaves them", () => {
    expect(stackConfigKeys(undefined, { zones: 2, "aws:config:region": "x" })).toEqual({ zones: 2, "aws:region": "x" });
  });
});

describe("pulumi:tags, as Pulumi Cloud reads them when it starts an update (GetEnvironmentTagsForCurrentStack)", () => {
  it("accept a mapping of text, from the stack or from a project value", () => {
    expect(prepareStackConfig("dev", { "pulumi:tags": { team: "platform", costCenter: "1234" } }, project)["pulumi:tags"]).toEqual({ team: "platform", costCenter: "1234" });
    expect(prepareStackConfig("dev", { "pulumi:tags": {} }, project)["pulumi:tags"]).toEqual({});
    const tagged: ProjectFile = { ...project, config: { ...project.config, "pulumi:tags": { value: { team: "platform" } } } };
    expect(prepareStackConfig("dev", {}, tagged)["pulumi:tags"]).toEqual({ team: "platform" });
  });

  it("refuse anything but a mapping, with the CLI's message", () => {
    for (const tags of ["team=platform", 3, true, null, ["team"], { secure: "AAABAKx0" }]) {
      expect(error(() => prepareStackConfig("dev", { "pulumi:tags": tags }, project)), JSON.stringify(tags)).toBe("getting stack tags: pulumi:tags must be an object of strings");
    }
    const tagged: ProjectFile = { ...project, config: { ...project.config, "pulumi:tags": { value: "platform" } } };
    expect(error(() => prepareStackConfig("dev", {}, tagged))).toBe("getting stack tags: pulumi:tags must be an object of strings");
  });

  it("refuse a tag whose value is not text, naming it", () => {
    expect(error(() => prepareStackConfig("dev", { "pulumi:tags": { team: "platform", costCenter: 1234 } }, project))).toBe("getting stack tags: pulumi:tags[costCenter] must be a string");
    for (const value of [true, null, { a: "b" }, ["a"], { secure: "AAABAKx0" }]) {
      expect(error(() => prepareStackConfig("dev", { "pulumi:tags": { owner: value } }, project)), JSON.stringify(value)).toBe("getting stack tags: pulumi:tags[owner] must be a string");
    }
  });
});

describe("stack files, as the CLI loads them (readConfigFile)", () => {
  /** A directory with this repository's Pulumi.yaml (project `platform`) and the given files. */
  const withProject = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), "stack-files-"));
    copyFileSync(join(root, "Pulumi.yaml"), join(dir, "Pulumi.yaml"));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  };
  const environment = [
    "config:",
    "  aws:config:region: us-east-1",
    "  regions: [us-east-1, eu-west-1]",
    "  platform:vpcCidrs: [10.1.0.0/16, 10.2.0.0/16]",
    "  dnsZoneName: stage.example.com",
    ...Object.entries(DEPLOY_PRECONDITIONS).map(([key, value]) => `  ${key}: ${JSON.stringify(value)}`),
    "",
  ].join("\n");

  it("read an empty file, or one whose config: is missing or null, as no config", () => {
    const dir = withProject({ "Pulumi.a.yaml": "", "Pulumi.b.yaml": "# nothing yet\n", "Pulumi.c.yaml": "encryptionsalt: v1:abc=\n", "Pulumi.d.yaml": "config:\n" });
    for (const name of ["a", "b", "c", "d"]) expect(readConfigFile(join(dir, `Pulumi.${name}.yaml`)), name).toEqual({});
    // What the program gets then: Pulumi.yaml's defaults, as for a stack without a file.
    writeFileSync(join(dir, "index.ts"), "export {};\n");
    const input = resolveProgram({ program: join(dir, "index.ts"), stack: "c", configFile: null });
    expect(input.job.config).toMatchObject({ "platform:azCount": 3 });
  });

  it("give keys without a namespace the project's, and read legacy `ns:config:name` keys, by the nearest Pulumi.yaml or the project given", () => {
    const dir = withProject({ "Pulumi.dev.yaml": "config:\n  azCount: 2\n  aws:config:region: eu-west-1\n  aws:profile: dev\n" });
    expect(readConfigFile(join(dir, "Pulumi.dev.yaml"))).toEqual({ "platform:azCount": 2, "aws:region": "eu-west-1", "aws:profile": "dev" });
    expect(readConfigFile(join(dir, "Pulumi.dev.yaml"), "shop")).toEqual({ "shop:azCount": 2, "aws:region": "eu-west-1", "aws:profile": "dev" });
  });

  it("plan an environment whose files write keys so, regional stacks included", () => {
    const dir = withProject({ "Pulumi.stage.yaml": environment, "Pulumi.stage-eu-west-1.yaml": "config:\n  aws:config:region: eu-west-1\n  environmentStack: stage\n" });
    const input = resolveEnvironment({ env: "stage", envGiven: true, configFile: null }, dir);
    expect(input.environment.regions).toEqual(["us-east-1", "eu-west-1"]);
    expect(input.global.region).toBe("us-east-1");
    expect(input.regional.map((job) => [job.stack, job.source])).toEqual([["stage-us-east-1", "synthesized"], ["stage-eu-west-1", expect.stringContaining("Pulumi.stage-eu-west-1.yaml")]]);
    expect(input.regional[1].config).toMatchObject({ "aws:region": "eu-west-1", "platform:environmentStack": "stage" });
  });

  it("stop at two spellings of one key, naming the file and both keys", () => {
    const dir = withProject({ "Pulumi.dev.yaml": "config:\n  azCount: 2\n  platform:azCount: 3\n" });
    expect(error(() => readConfigFile(join(dir, "Pulumi.dev.yaml")))).toMatch(/Pulumi\.dev\.yaml: configuration keys azCount and platform:azCount are both platform:azCount, and the CLI keeps either value at random \(Go map order\)\. Keep one of them, written as platform:azCount$/);
  });

  it("stop at an ESC environment: (its config would come from Pulumi Cloud), naming the file, the key and the fix", () => {
    const dir = withProject({
      "Pulumi.listed.yaml": "environment:\n  - platform/prod-shared\nconfig:\n  azCount: 2\n",
      "Pulumi.two.yaml": "environment: [shared, prod]\n",
      "Pulumi.inline.yaml": "environment:\n  imports: [shared]\n  values:\n    pulumiConfig:\n      platform:azCount: 2\n",
      "Pulumi.empty-map.yaml": "environment: {}\n",
    });
    expect(error(() => readConfigFile(join(dir, "Pulumi.listed.yaml")))).toMatch(
      /Pulumi\.listed\.yaml: environment: \[platform\/prod-shared\] imports the Pulumi ESC environment platform\/prod-shared\. `pulumi preview` opens it in Pulumi Cloud before the program runs: its pulumiConfig values become this stack's config .*The offline plan cannot open it.*copy the values this stack needs into config: and remove environment: \(see them with `pulumi env open platform\/prod-shared`;.*--config-file/,
    );
    expect(error(() => readConfigFile(join(dir, "Pulumi.two.yaml")))).toMatch(/environment: \[shared, prod\] imports the Pulumi ESC environments shared, prod\. `pulumi preview` opens them/);
    // The inline form (and even an empty one) is an environment definition the CLI sends to ESC.
    for (const name of ["inline", "empty-map"]) expect(error(() => readConfigFile(join(dir, `Pulumi.${name}.yaml`))), name).toMatch(/environment: holds an inline Pulumi ESC environment definition\. /);
    // The test helpers' reader refuses it too, rather than run with part of the config.
    expect(error(() => readStackConfig(join(dir, "Pulumi.listed.yaml")))).toMatch(/Pulumi\.listed\.yaml: environment: \[platform\/prod-shared\] imports/);
  });

  it("read environment: null or [] as no environment, as the CLI opens none then", () => {
    const dir = withProject({ "Pulumi.a.yaml": "environment:\nconfig:\n  azCount: 2\n", "Pulumi.b.yaml": "environment: []\nconfig:\n  azCount: 2\n" });
    for (const name of ["a", "b"]) expect(readConfigFile(join(dir, `Pulumi.${name}.yaml`)), name).toEqual({ "platform:azCount": 2 });
  });

  it("stop at a regional stack file with an ESC environment, and still list an environment whose file has one", () => {
    const dir = withProject({ "Pulumi.stage.yaml": environment, "Pulumi.stage-eu-west-1.yaml": "environment: [aws-creds]\nconfig:\n  aws:region: eu-west-1\n  environmentStack: stage\n" });
    expect(error(() => resolveEnvironment({ env: "stage", envGiven: true, configFile: null }, dir))).toMatch(/Pulumi\.stage-eu-west-1\.yaml: environment: \[aws-creds\] imports the Pulumi ESC environment aws-creds\./);
    const other = withProject({ "Pulumi.stage.yaml": `environment: [shared]\n${environment}` });
    expect(knownEnvironments(other)).toEqual(["stage"]);
    expect(error(() => resolveEnvironment({ env: "nope", envGiven: true, configFile: null }, other))).toMatch(/known: stage/);
  });

  it("stop the plan at pulumi:tags that Pulumi Cloud would refuse, naming the tag and the fix", () => {
    const dir = withProject({ "Pulumi.stage.yaml": `${environment}  pulumi:tags:\n    team: platform\n    costCenter: 1234\n` });
    expect(error(() => resolveEnvironment({ env: "stage", envGiven: true, configFile: null }, dir))).toMatch(
      /Pulumi\.stage\.yaml: `pulumi preview` would stop before the program runs: getting stack tags: pulumi:tags\[costCenter\] must be a string\. Write pulumi:tags as a mapping of tag name to text/,
    );
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
