/**
 * `pulumi up` compiles the program with the project's tsconfig (strict, ES2022), as `npm test`
 * type-checks it. Read the way the Node.js language host reads it (pulumi/pulumi
 * `pkg/engine/project.go` getPwdMain, `sdk/nodejs/cmd/pulumi-language-nodejs` parseOptions,
 * `sdk/nodejs/cmd/run/run.ts`): the program runs in main's directory, `runtime.options.tsconfig`
 * becomes PULUMI_NODEJS_TSCONFIG_PATH (default "tsconfig.json"), resolved from that directory,
 * and ts-node compiles with that file's compilerOptions or, when it does not exist, its defaults.
 */
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { dirname, join, resolve } from "path";
import type { CompilerOptions } from "typescript";
import { describe, expect, it } from "vitest";
import { readProjectFile } from "../../tools/fake-cloud/project-config";

const root = join(__dirname, "..", "..");
// Required, not imported: an import makes Node's ESM loader scan typescript.js (9 MB) for its
// named exports, about three seconds of a test worker's CPU.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ts = require("typescript") as typeof import("typescript");

/** getPwdMain: the working directory the program runs in. */
function programDirectory(projectRoot: string, main: string | undefined): string {
  if (!main) return projectRoot;
  const entry = resolve(projectRoot, main);
  return statSync(entry).isDirectory() ? entry : dirname(entry);
}

/** What run.ts hands ts-node: the tsconfig path (relative to the program directory) and whether it exists. */
function tsconfigAsTheHostReadsIt(projectFile: string): { path: string; exists: boolean; typescript: boolean } {
  const project = readProjectFile(projectFile);
  const options = (typeof project.runtime === "object" ? project.runtime.options : undefined) ?? {};
  const pwd = programDirectory(dirname(projectFile), project.main);
  const path = resolve(pwd, typeof options.tsconfig === "string" ? options.tsconfig : "tsconfig.json");
  return { path, exists: existsSync(path), typescript: options.typescript === true };
}

/** The SDK's own reader of the compiler options (tsutils.loadTypeScriptCompilerOptions), made real options. */
function compilerOptions(tsconfig: string): CompilerOptions {
  const { loadTypeScriptCompilerOptions } = require("@pulumi/pulumi/tsutils") as { loadTypeScriptCompilerOptions(path: string): Record<string, unknown> };
  return ts.convertCompilerOptionsFromJson(loadTypeScriptCompilerOptions(tsconfig), dirname(tsconfig)).options;
}

function diagnostics(sources: Record<string, string>, options: CompilerOptions): string[] {
  const dir = mkdtempSync(join(tmpdir(), "language-host-"));
  try {
    const files = Object.entries(sources).map(([name, source]) => {
      writeFileSync(join(dir, `${name}.ts`), source);
      return join(dir, `${name}.ts`);
    });
    const program = ts.createProgram(files, { ...options, noEmit: true, types: [], typeRoots: [] });
    return ts.getPreEmitDiagnostics(program).map((d) => `TS${d.code}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const projects = [join(root, "Pulumi.yaml"), join(root, "examples", "dev", "Pulumi.yaml")];

describe("the language host", () => {
  it.each(projects)("finds the repository's tsconfig.json from the program's directory (%s)", (projectFile) => {
    const host = tsconfigAsTheHostReadsIt(projectFile);
    expect(host.typescript).toBe(true);
    expect(host.exists).toBe(true);
    expect(host.path).toBe(join(root, "tsconfig.json"));
  });

  it("compiles strict ES2022 with it, so what type-checks under npm test compiles under pulumi up", () => {
    const options = compilerOptions(join(root, "tsconfig.json"));
    expect(options.strict).toBe(true);
    expect(options.target).toBe(ts.ScriptTarget.ES2022);
    const es2022 = 'const o: Record<string, number> = { a: 1 };\nexport const has: boolean = Object.hasOwn(o, "a");\n';
    const implicitAny = "export function id(x) { return x; }\n";
    expect(diagnostics({ es2022, implicitAny }, options)).toEqual(["TS7006"]);
    // ts-node's defaults (what a missing tsconfig gives) refuse Object.hasOwn (TS2550: needs a newer lib).
    expect(diagnostics({ es2022 }, { target: ts.ScriptTarget.ES2020, lib: ["lib.es2020.d.ts"] })).toEqual(["TS2550"]);
  });
});
