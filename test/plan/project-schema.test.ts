/**
 * Pulumi.yaml and the stack files as the CLI validates them before any program runs: the project
 * file against the CLI's own JSON schema (a copy of pulumi/pulumi's
 * sdk/go/common/workspace/project.json) and ValidateProject's checks of `name`; the stack file's
 * shape as LoadProjectStackBytes decodes it.
 */
import { createHash } from "crypto";
import { mkdirSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { describe, expect, it } from "vitest";
import { readProjectFile } from "../../tools/fake-cloud/project-config";
import { readConfigFile, resolveEnvironment, resolveProgram } from "../../tools/plan/inputs";
import { projectFileProblems, stackFileProblems } from "../../tools/plan/project-schema";
import { temporaryDirectories } from "./temp-dirs";

const root = join(__dirname, "..", "..");
const temp = temporaryDirectories();

/** The problems of a project file, one "path message" line each. */
const problems = (text: string) => projectFileProblems(text).map((p) => `${p.path} ${p.message}`);

const failure = (run: () => unknown): string => {
  try {
    run();
  } catch (err) {
    return (err as Error).message;
  }
  return "no error";
};

describe("the CLI's project schema, copied", () => {
  it("is pulumi/pulumi's sdk/go/common/workspace/project.json unchanged (the git blob the comment cites)", () => {
    const content = readFileSync(join(root, "tools", "plan", "pulumi-project.schema.json"));
    const blob = createHash("sha1").update(`blob ${content.length}\0`).update(content).digest("hex");
    expect(blob).toBe("71846eef618fe494532a833b344ec901053843f8");
    expect(readFileSync(join(root, "tools", "plan", "project-schema.ts"), "utf8")).toContain(blob);
  });

  it("passes this repository's project files", () => {
    for (const file of ["Pulumi.yaml", "examples/dev/Pulumi.yaml"]) expect(problems(readFileSync(join(root, file), "utf8")), file).toEqual([]);
  });
});

describe("a project file the CLI refuses", () => {
  it("without a name, or with one that is no text: ValidateProject's own checks, with the key it found", () => {
    expect(problems("nmae: shop\nruntime: nodejs\n")).toEqual([`name is missing; found 'nmae' instead ("project is missing a 'name' attribute"): rename it to name`]);
    expect(problems("runtime: nodejs\n")[0]).toMatch(/^name is missing \("project is missing a 'name' attribute"\); add `name: <project>`/);
    expect(problems("name: 3\nruntime: nodejs\n")[0]).toMatch(/^name is 3 \("project is missing a non-empty string 'name' attribute"\)/);
    expect(problems("name: ''\nruntime: nodejs\n")[0]).toMatch(/^name is "" \("project is missing a non-empty string/);
    expect(problems("")[0]).toMatch(/^ is empty; a project file is a mapping .*"expected project to be an object"/);
  });

  it("with a bare config value that is no text, integer, boolean or list: a fraction, or nothing", () => {
    expect(problems("name: shop\nruntime: nodejs\nconfig:\n  ratio: 1.5\n  zones:\n  aws:region:\n")).toEqual([
      'config.ratio is the number 1.5, which a config value written bare cannot be (only text, an integer, true/false or a list). Quote it (`ratio: "1.5"`), or declare it: `ratio: {type: string, default: "1.5"}`',
      "config.zones has no value; a config key written bare needs one (text, an integer, true/false or a list), which is its default. Give it one, or declare it: `zones: {type: string, description: ...}` (a key without a default must then be set by every stack)",
      "config.aws:region has no value; another namespace's key in the project file sets that value for every stack. Give it one (`aws:region: ...`) or remove the line",
    ]);
    // Integral, but written as a decimal: a float to the CLI, which no shorthand value may be.
    expect(problems("name: shop\nruntime: nodejs\nconfig:\n  zones: 3.0\n")).toEqual([
      'config.zones is 3.0, a decimal, which the CLI reads as a float and cannot take for a config value written bare ("cannot unmarshal"); write it as an integer (`zones: 3`) or as text (`zones: "3.0"`)',
    ]);
    expect(problems("name: shop\nruntime: nodejs\nconfig:\n  zones: 3\n  name: web\n  on: true\n  cidrs: [a]\n  hex: 0x1F\n  quoted: \"1.5\"\n")).toEqual([]);
  });

  it("with a misspelt or unknown declaration field, or a type the schema does not know, with the likely fix", () => {
    expect(problems("name: shop\nruntime: nodejs\nconfig:\n  zones: { type: integer, defualt: 3 }\n  size: { type: int }\n  cidrs: { type: array, items: { type: array } }\n")).toEqual([
      "config.zones.defualt is not a field of config.zones; did you mean 'default'?",
      'config.size.type is "int"; it must be one of string, integer, boolean, array, object',
      "config.cidrs.items is missing 'items'; add it",
    ]);
    expect(problems("name: shop\nruntime: nodejs\nconfig:\n  zones: { type: integer, required: true }\n")).toEqual([
      "config.zones.required is not a field of config.zones; the fields are 'type', 'items', 'description', 'secret', 'default', 'value'",
    ]);
  });

  it("with fields of the wrong type or shape elsewhere, every problem listed", () => {
    expect(problems("name: shop\nruntime: { name: nodejs, option: {} }\ndescription: 3\noptions: { refresh: sometimes }\nplugins: { providers: [{ name: aws }] }\npackages: { aws: { source: aws, versoin: 7 } }\n")).toEqual([
      "runtime.option is not a field of runtime; did you mean 'options'?",
      'options.refresh is "sometimes"; the only value allowed is "always" (or leave it out)',
      "packages.aws.versoin is not a field of packages.aws; did you mean 'version'?",
      "plugins.providers[0] is missing 'path'; add it",
      "description is 3; it must be text or empty",
    ]);
    expect(problems("name: shop\nruntime: ''\n")).toEqual(["runtime is empty text; give it a value"]);
    expect(problems("name: shop\nruntime: nodejs\nconfig:\n  1: x\n")).toEqual(['config.1 is a key the CLI cannot read (its YAML value is number; "expected only string keys"); quote it: "1"']);
  });

  it("but not unknown top-level keys (the schema allows them) nor config: as the old spelling of stackConfigDir", () => {
    expect(problems("name: shop\nruntime: nodejs\nrequiredPulumiVersion: '>=3.0.0'\nsomething: else\nconfig: stacks\n")).toEqual([]);
    const dir = temp("project-schema-");
    writeFileSync(join(dir, "Pulumi.yaml"), "name: shop\nruntime: nodejs\nconfig: stacks\n");
    expect(readProjectFile(join(dir, "Pulumi.yaml"))).toMatchObject({ config: {}, stackConfigDir: "stacks" });
    writeFileSync(join(dir, "Pulumi.yaml"), "name: shop\nruntime: nodejs\nconfig: stacks\nstackConfigDir: other\n");
    expect(failure(() => readProjectFile(join(dir, "Pulumi.yaml")))).toBe("Should not use both config and stackConfigDir to define the stack directory. Use only stackConfigDir instead.");
  });

  it("reads a bare value as a project key's default and another namespace's value (RewriteShorthandConfigValues)", () => {
    const dir = temp("project-schema-");
    writeFileSync(join(dir, "Pulumi.yaml"), "name: shop\nruntime: nodejs\nconfig:\n  zones: 3\n  aws:region: us-east-1\n");
    expect(readProjectFile(join(dir, "Pulumi.yaml")).config).toEqual({ zones: { default: 3 }, "aws:region": { value: "us-east-1" } });
  });
});

describe("the plan stops at such a project file", () => {
  /** A program's project with this Pulumi.yaml, and the program. */
  const programProject = (projectFile: string) => {
    const dir = temp("project-schema-program-");
    writeFileSync(join(dir, "Pulumi.yaml"), projectFile);
    writeFileSync(join(dir, "index.ts"), "export {};\n");
    return join(dir, "index.ts");
  };

  it("naming the file, each field, its value and the fix", () => {
    const program = programProject("name: shop\nruntime: nodejs\nconfig:\n  ratio: 1.5\n  zones: { type: integer, defualt: 3 }\n");
    expect(failure(() => resolveProgram({ program, stack: "dev", configFile: null }))).toMatch(
      /Pulumi\.yaml: `pulumi` would refuse the project before any program runs \(it checks the file against its project schema, sdk\/go\/common\/workspace\/project\.json\): 2 problem\(s\):\n {2}- config\.zones\.defualt is not a field of config\.zones; did you mean 'default'\?\n {2}- config\.ratio is the number 1\.5, .*Quote it/,
    );
  });

  it("without a runtime, which no language host runs, or with one other than Node.js", () => {
    expect(failure(() => resolveProgram({ program: programProject("name: shop\n"), stack: "dev", configFile: null }))).toMatch(/Pulumi\.yaml: runtime is missing, so `pulumi preview` has no language host to run the program with; add `runtime: nodejs`/);
    expect(failure(() => resolveProgram({ program: programProject("name: shop\nruntime: python\n"), stack: "dev", configFile: null }))).toMatch(/Pulumi\.yaml: runtime is "python"; the offline plan runs Node\.js programs \(runtime: nodejs\) only/);
    expect(resolveProgram({ program: programProject("name: shop\nruntime: { name: nodejs }\n"), stack: "dev", configFile: null }).job.project).toBe("shop");
  });

  it("in an environment's project too", () => {
    const dir = temp("project-schema-env-");
    writeFileSync(join(dir, "Pulumi.yaml"), "name: platform\nruntime: nodejs\nconfig:\n  regions:\n");
    writeFileSync(join(dir, "Pulumi.prod.yaml"), "config:\n  aws:region: us-east-1\n");
    expect(failure(() => resolveEnvironment({ env: "prod", envGiven: true, configFile: null }, dir))).toMatch(/Pulumi\.yaml: `pulumi` would refuse the project .*1 problem\(s\):\n {2}- config\.regions has no value/);
  });
});

describe("a stack file the CLI refuses (LoadProjectStackBytes)", () => {
  it("with a key that is no text, or a list or mapping where the CLI takes text", () => {
    expect(stackFileProblems("config:\n  aws:region: us-east-1\n  1: x\n").map((p) => `${p.path} ${p.message}`)).toEqual(['config.1 is a key the CLI cannot read (its YAML value is number; "expected only string keys"); quote it: "1"']);
    expect(stackFileProblems("encryptionsalt: [a]\nsecretsprovider: { kind: awskms }\n").map((p) => p.path)).toEqual(["secretsprovider", "encryptionsalt"]);
    // Keys the CLI does not know are ignored there (its YAML reader is not strict), so here.
    expect(stackFileProblems("conifg:\n  aws:region: us-east-1\nencryptionsalt: v1:abc\n")).toEqual([]);
  });

  it("stops the plan naming the file and the key", () => {
    const dir = temp("stack-file-");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "Pulumi.yaml"), "name: shop\nruntime: nodejs\n");
    writeFileSync(join(dir, "Pulumi.dev.yaml"), "encryptionsalt:\n  - v1\nconfig:\n  aws:region: us-east-1\n");
    expect(failure(() => readConfigFile(join(dir, "Pulumi.dev.yaml")))).toMatch(/Pulumi\.dev\.yaml: `pulumi` would refuse the stack file before any program runs: 1 problem\(s\):\n {2}- encryptionsalt is a list; the CLI reads it as text \("cannot unmarshal !!seq into string"\)/);
  });
});
