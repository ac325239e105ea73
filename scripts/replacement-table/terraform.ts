/**
 * Replace-forcing attributes of every resource of a Terraform provider written in the
 * terraform-provider-aws layout (`internal/service/<service>/`, `service_package_gen.go`):
 *
 * - SDKv2 resources: `ForceNew: true` in the schema, nested blocks included (`vpc_config.subnet_ids`);
 *   `customdiff.ForceNewIf*` and `d.ForceNew(...)` in CustomizeDiff are conditional ("may replace").
 * - Plugin-Framework resources: the `RequiresReplace()` plan modifier; `RequiresReplaceIf*` is conditional.
 *
 * The result uses Terraform attribute names; pulumi-aws.ts maps them to Pulumi's.
 */
import { bracketBody, calledFunction, fields, functions, keyValue, literalBody, splitElements, stringConstants, stringLiteral, stripComments } from "./go-source";

export interface TerraformResource {
  /** Terraform type name, e.g. `aws_vpc`. */
  name: string;
  kind: "sdkv2" | "framework";
  /** File holding the schema, relative to the repository root. */
  file: string;
  /** Attribute paths (dot-joined for nested blocks) whose change forces replacement. */
  forceNew: string[];
  /** Paths that force replacement only under a condition the provider checks at plan time. */
  conditional: string[];
  /** Replace-forcing paths that are also Computed: left unset, the provider keeps the old value. */
  computed: string[];
  /** Schema pieces the reader could not follow (helpers in other packages); empty when complete. */
  unresolved: string[];
}

interface Package {
  dir: string;
  /** Function (or `Type.method`) → body, and the file it is in. */
  functions: Map<string, { body: string; file: string }>;
  constants: Map<string, string>;
  files: Map<string, string>;
}

export interface ProviderSources {
  /** Path → content of every non-test .go file under internal/ and names/. */
  files: Map<string, string>;
}

function buildPackages(sources: ProviderSources): { packages: Map<string, Package>; globalConstants: Map<string, string> } {
  const packages = new Map<string, Package>();
  const globalConstants = new Map<string, string>();
  for (const [path, raw] of sources.files) {
    const src = stripComments(raw);
    const dir = path.slice(0, path.lastIndexOf("/"));
    if (dir === "names") for (const [k, v] of stringConstants(src)) globalConstants.set(`names.${k}`, v);
    let pkg = packages.get(dir);
    if (!pkg) packages.set(dir, (pkg = { dir, functions: new Map(), constants: new Map(), files: new Map() }));
    pkg.files.set(path, src);
    for (const [name, body] of functions(src)) pkg.functions.set(name, { body, file: path });
    for (const [k, v] of stringConstants(src)) pkg.constants.set(k, v);
  }
  return { packages, globalConstants };
}

class Reader {
  readonly unresolved: string[] = [];
  constructor(private readonly pkg: Package, private readonly globals: Map<string, string>) {}

  key(text: string): string | null {
    const literal = stringLiteral(text);
    if (literal !== null) return literal;
    const t = text.trim();
    return this.globals.get(t) ?? this.pkg.constants.get(t) ?? null;
  }

  /** Body of the function a value calls, when it is in this package. */
  calledBody(value: string): string | null {
    const called = calledFunction(value);
    if (!called || called.pkg) return null;
    return this.pkg.functions.get(called.name)?.body ?? null;
  }

  /** The value a package-level `var name = ...` (or `name = ...` in a var block) is set to. */
  variable(name: string): string | null {
    const re = new RegExp(`^\\s*(?:var\\s+)?${name}\\s*=\\s*`, "m");
    for (const src of this.pkg.files.values()) {
      const match = re.exec(src);
      if (match) return src.slice(match.index + match[0].length);
    }
    return null;
  }

  /** The body of the first `marker{...}` literal found in `text`, following one local call if needed. */
  findLiteral(text: string, marker: RegExp, follow = 3): string | null {
    const match = marker.exec(text);
    if (match) return bracketBody(text, match.index + match[0].length - 1);
    if (follow === 0) return null;
    const identifier = /^&?(\w+)\s*,?\s*$/.exec(text.trim())?.[1];
    if (identifier) {
      const value = this.variable(identifier);
      // Only a variable whose value starts with the literal sought.
      const anchored = value !== null ? new RegExp(`^\\s*${marker.source}`).exec(value) : null;
      return anchored && value !== null ? bracketBody(value, anchored.index + anchored[0].length - 1) : null;
    }
    const called = this.calledBody(text);
    if (called !== null) return this.findLiteral(called, marker, follow - 1);
    // `resp.Schema = someSchema()`: the first local helper that holds the literal.
    for (const call of text.matchAll(/(?<![\w.])(\w+)\(/g)) {
      const body = this.pkg.functions.get(call[1])?.body;
      if (body !== undefined && marker.test(body)) return this.findLiteral(body, marker, follow - 1);
    }
    // `return someHelper()` inside a function literal.
    const ret = /return\s+([\w.]+\([^]*)/.exec(text);
    if (ret && ret[1] !== text) {
      const inner = this.calledBody(ret[1]);
      if (inner !== null) return this.findLiteral(inner, marker, follow - 1);
    }
    return null;
  }
}

interface Found {
  forceNew: string[];
  conditional: string[];
  computed: string[];
}

function join(prefix: string, name: string): string {
  return prefix ? `${prefix}.${name}` : name;
}

/** Entries of a schema map literal as (path, value text); keys that name no constant are reported. */
function* entries(reader: Reader, mapBody: string, prefix: string): Generator<{ name: string; path: string; value: string }> {
  for (const element of splitElements(mapBody)) {
    const kv = keyValue(element);
    if (!kv) continue;
    const name = reader.key(kv.key);
    if (name === null) reader.unresolved.push(`${join(prefix, kv.key)} (key)`);
    else yield { name, path: join(prefix, name), value: kv.value };
  }
}

const SDK_MAP = /map\[string\]\*schema\.Schema\s*\{/;
const SDK_RESOURCE = /&?schema\.Resource\s*\{/;

function readSdkSchema(reader: Reader, mapBody: string, prefix: string, found: Found, depth = 0): void {
  if (depth > 8) return;
  for (const { path, value } of entries(reader, mapBody, prefix)) {
    const kv = { value };
    const body = /^(&?schema\.Schema\s*)?\{/.test(kv.value) ? literalBody(kv.value) : reader.findLiteral(kv.value, /&?schema\.Schema\s*\{/);
    if (body === null) {
      // Shared helpers from other packages (tags, timeouts) are never replace-forcing.
      if (!/^\w+\.(TagsSchema|TagsSchemaComputed|TagsSchemaForceNew)\(/.test(kv.value)) reader.unresolved.push(path);
      else if (/TagsSchemaForceNew/.test(kv.value)) found.forceNew.push(path);
      continue;
    }
    const f = fields(body);
    if (f.get("ForceNew") === "true") {
      found.forceNew.push(path);
      if (f.get("Computed") === "true") found.computed.push(path);
    }
    const elem = f.get("Elem");
    if (elem) {
      const resourceBody = reader.findLiteral(elem, SDK_RESOURCE);
      if (resourceBody !== null) {
        const schemaValue = fields(resourceBody).get("Schema") ?? fields(resourceBody).get("SchemaFunc");
        const nested = schemaValue ? reader.findLiteral(schemaValue, SDK_MAP) : null;
        if (nested !== null) readSdkSchema(reader, nested, path, found, depth + 1);
      }
    }
  }
}

/** Attribute names passed to CustomizeDiff's ForceNewIf*, or to `d.ForceNew`, in a file. */
function conditionalForceNew(reader: Reader, src: string): string[] {
  const out: string[] = [];
  const re = /(?:ForceNewIfChange|ForceNewIf|\.ForceNew)\(\s*([^,)]+)[,)]/g;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    const key = reader.key(m[1]);
    if (key) out.push(key.replace(/\.(?:\d+|#|%)(?=\.|$)/g, ""));
  }
  return out;
}

function readFrameworkMap(reader: Reader, mapBody: string, prefix: string, found: Found, depth: number): void {
  if (depth > 8) return;
  for (const { name, path, value } of entries(reader, mapBody, prefix)) {
    if (name === "timeouts") continue;
    const kv = { value };
    const body = /^schema\.\w+\s*\{/.test(kv.value) ? literalBody(kv.value) : reader.findLiteral(kv.value, /schema\.\w+(Attribute|Block)\s*\{/);
    if (body === null) {
      if (!/^(tftags|framework)\.(Tags|ARN|ID|Region)/.test(kv.value)) reader.unresolved.push(path);
      continue;
    }
    const f = fields(body);
    const modifiers = f.get("PlanModifiers") ?? "";
    if (/\bRequiresReplace\(\)/.test(modifiers)) {
      found.forceNew.push(path);
      if (f.get("Computed") === "true") found.computed.push(path);
    } else if (/\bRequiresReplaceIf\w*\(/.test(modifiers)) {
      found.conditional.push(path);
    }
    readFrameworkObject(reader, body, path, found, depth + 1);
  }
}

/** Nested attributes and blocks of an attribute, block or nested object body. */
function readFrameworkObject(reader: Reader, body: string, prefix: string, found: Found, depth: number): void {
  const f = fields(body);
  const nested = f.get("NestedObject");
  if (nested) {
    const nestedBody = literalBody(nested) ?? reader.findLiteral(nested, /schema\.Nested\w*Object\s*\{/);
    if (nestedBody !== null) readFrameworkObject(reader, nestedBody, prefix, found, depth);
  }
  for (const [field, marker] of [["Attributes", /map\[string\]schema\.Attribute\s*\{/], ["Blocks", /map\[string\]schema\.Block\s*\{/]] as const) {
    const value = f.get(field);
    if (!value) continue;
    const mapBody = reader.findLiteral(value, marker);
    if (mapBody !== null) readFrameworkMap(reader, mapBody, prefix, found, depth);
  }
}

function unique(list: string[]): string[] {
  return [...new Set(list)].sort();
}

interface Registration {
  factory: string;
  typeName: string | null;
  framework: boolean;
}

function registrations(pkg: Package): Registration[] {
  const out: Registration[] = [];
  for (const [method, framework] of [["SDKResources", false], ["FrameworkResources", true]] as const) {
    const body = pkg.functions.get(`servicePackage.${method}`)?.body;
    if (!body) continue;
    const list = /\[\]\*[\w.]+\s*\{/.exec(body);
    if (!list) continue;
    for (const element of splitElements(bracketBody(body, list.index + list[0].length - 1))) {
      const f = fields(element.replace(/^\{|\}$/g, ""));
      const factory = f.get("Factory");
      if (!factory) continue;
      const typeName = f.get("TypeName");
      out.push({ factory: factory.replace(/\(.*$/, ""), typeName: typeName ? stringLiteral(typeName) : null, framework });
    }
  }
  return out;
}

function sdkResource(reader: Reader, pkg: Package, reg: Registration): TerraformResource | null {
  const fn = pkg.functions.get(reg.factory);
  if (!fn || !reg.typeName) return null;
  const found: Found = { forceNew: [], conditional: [], computed: [] };
  const resourceBody = reader.findLiteral(fn.body, SDK_RESOURCE);
  if (resourceBody !== null) {
    const f = fields(resourceBody);
    const schemaValue = f.get("Schema") ?? f.get("SchemaFunc");
    const mapBody = schemaValue ? reader.findLiteral(schemaValue, SDK_MAP) : null;
    if (mapBody !== null) readSdkSchema(reader, mapBody, "", found);
    else reader.unresolved.push("(schema)");
  } else reader.unresolved.push("(resource)");
  found.conditional.push(...conditionalForceNew(reader, pkg.files.get(fn.file) ?? ""));
  return { name: reg.typeName, kind: "sdkv2", file: fn.file, ...finish(found), unresolved: unique(reader.unresolved) };
}

/** Types embedded in a struct (whose methods the struct inherits). */
function embedded(pkg: Package, struct: string): string[] {
  for (const src of pkg.files.values()) {
    const match = new RegExp(`^type\\s+${struct}\\s+struct\\s*\\{`, "m").exec(src);
    if (!match) continue;
    const body = bracketBody(src, match.index + match[0].length - 1);
    return body.split("\n").map((line) => /^\s*\*?(?:\w+\.)?(\w+)\s*$/.exec(line)?.[1]).filter((name): name is string => !!name);
  }
  return [];
}

function frameworkResource(reader: Reader, pkg: Package, reg: Registration): TerraformResource | null {
  const fn = pkg.functions.get(reg.factory);
  if (!fn) return null;
  const struct = /&(\w+)\s*\{/.exec(fn.body)?.[1];
  if (!struct) return null;
  const typeName = reg.typeName ?? /"(aws_[a-z0-9_]+)"/.exec(pkg.functions.get(`${struct}.Metadata`)?.body ?? "")?.[1] ?? null;
  const schemaFn = pkg.functions.get(`${struct}.Schema`) ?? embedded(pkg, struct).map((e) => pkg.functions.get(`${e}.Schema`)).find((f) => f !== undefined);
  if (!typeName || !schemaFn) return null;
  const found: Found = { forceNew: [], conditional: [], computed: [] };
  const schemaBody = reader.findLiteral(schemaFn.body, /schema\.Schema\s*\{/);
  if (schemaBody !== null) readFrameworkObject(reader, schemaBody, "", found, 0);
  else reader.unresolved.push("(schema)");
  return { name: typeName, kind: "framework", file: schemaFn.file, ...finish(found), unresolved: unique(reader.unresolved) };
}

function finish(found: Found): Found {
  const forceNew = unique(found.forceNew);
  return { forceNew, conditional: unique(found.conditional).filter((p) => !forceNew.includes(p)), computed: unique(found.computed) };
}

/** Every resource registered by the provider's service packages. */
export function readTerraformResources(sources: ProviderSources): TerraformResource[] {
  const { packages, globalConstants } = buildPackages(sources);
  const out = new Map<string, TerraformResource>();
  for (const pkg of packages.values()) {
    for (const reg of registrations(pkg)) {
      const reader = new Reader(pkg, globalConstants);
      const resource = reg.framework ? frameworkResource(reader, pkg, reg) : sdkResource(reader, pkg, reg);
      if (resource) out.set(resource.name, resource);
    }
  }
  return [...out.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Resources of a single-package provider (terraform-provider-random's `internal/provider`). */
export function readSinglePackageProvider(sources: ProviderSources, typePrefix: string): TerraformResource[] {
  const { packages, globalConstants } = buildPackages(sources);
  const out: TerraformResource[] = [];
  for (const pkg of packages.values()) {
    for (const [name, fn] of pkg.functions) {
      // Framework resources: `func (r *xResource) Metadata(...)` naming `<prefix>_<suffix>`.
      if (!name.endsWith(".Metadata")) continue;
      const suffix = /TypeName\s*=\s*req\.ProviderTypeName\s*\+\s*"(_\w+)"/.exec(fn.body)?.[1] ?? null;
      if (!suffix) continue;
      const struct = name.slice(0, -".Metadata".length);
      const reader = new Reader(pkg, globalConstants);
      const schemaFn = pkg.functions.get(`${struct}.Schema`);
      const body = schemaFn ? reader.findLiteral(schemaFn.body, /schema\.Schema\s*\{/) : null;
      if (!schemaFn || body === null) continue;
      const found: Found = { forceNew: [], conditional: [], computed: [] };
      readFrameworkObject(reader, body, "", found, 0);
      out.push({ name: `${typePrefix}${suffix}`, kind: "framework", file: schemaFn.file, ...finish(found), unresolved: unique(reader.unresolved) });
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
