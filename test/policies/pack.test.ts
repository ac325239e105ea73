/**
 * The pack as the Pulumi CLI runs it: `@pulumi/pulumi/cmd/run-policy-pack` started in policies/
 * (ts-node, type-checked), then the engine's analyzer RPCs over gRPC. This is the only test that
 * constructs the PolicyPack, and it does so in a child process.
 */
import { ChildProcess, spawn } from "child_process";
import { createRequire } from "module";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { POLICIES } from "../../policies/rules";

// The client library as @pulumi/pulumi itself resolves it (it is that package's dependency).
const grpc = createRequire(require.resolve("@pulumi/pulumi/package.json"))("@grpc/grpc-js") as { credentials: { createInsecure(): unknown } };

const ROOT = path.resolve(__dirname, "../..");
let pack: ChildProcess;
let client: AnalyzerClient;

/** A unary RPC as a promise (the generated client methods are overloaded, hence the cast). */
function call<Res>(method: (...args: never[]) => unknown, req: unknown): Promise<Res> {
  const unary = method as unknown as (req: unknown, cb: (err: Error | null, res: Res) => void) => void;
  return new Promise((resolve, reject) => unary.call(client, req, (err, res) => (err ? reject(err) : resolve(res))));
}

beforeAll(async () => {
  const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack");
  // The CLI starts the pack with the pack directory as working directory and "." as program.
  pack = spawn(process.execPath, [runner, "127.0.0.1:0", "."], { cwd: path.join(ROOT, "policies"), stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  pack.stderr!.on("data", (d) => (stderr += d));
  const port = await new Promise<string>((resolve, reject) => {
    pack.stdout!.on("data", (d: Buffer) => resolve(d.toString().trim()));
    pack.on("exit", (code) => reject(new Error(`policy pack exited with ${code}: ${stderr}`)));
  });
  client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure() as never);
}, 120_000);

afterAll(() => {
  client?.close();
  if (pack?.pid) process.kill(pack.pid);
});

const struct = (value: Record<string, unknown>) => structproto.Struct.fromJavaScript(value as Record<string, structproto.JavaScriptValue>);

function options(protect = false): analyzer.AnalyzerResourceOptions {
  const o = new analyzer.AnalyzerResourceOptions();
  o.setProtect(protect);
  return o;
}

function provider(region: string): analyzer.AnalyzerProviderResource {
  const p = new analyzer.AnalyzerProviderResource();
  p.setType("pulumi:providers:aws");
  p.setName("default");
  p.setUrn("urn:pulumi:dev::platform::pulumi:providers:aws::default");
  p.setProperties(struct({ region }));
  return p;
}

function analyzeRequest(type: string, name: string, props: Record<string, unknown>): analyzer.AnalyzeRequest {
  const req = new analyzer.AnalyzeRequest();
  req.setType(type);
  req.setName(name);
  req.setUrn(`urn:pulumi:dev::platform::${type}::${name}`);
  req.setProperties(struct(props));
  req.setOptions(options());
  req.setProvider(provider("us-east-1"));
  return req;
}

function stackResource(type: string, name: string, props: Record<string, unknown>, propertyDependencies: Record<string, string[]> = {}): analyzer.AnalyzerResource {
  const r = new analyzer.AnalyzerResource();
  r.setType(type);
  r.setName(name);
  r.setUrn(`urn:pulumi:dev::platform::${type}::${name}`);
  r.setProperties(struct(props));
  r.setOptions(options());
  r.setProvider(provider("us-east-1"));
  for (const [key, urns] of Object.entries(propertyDependencies)) {
    const deps = new analyzer.AnalyzerPropertyDependencies();
    deps.setUrnsList(urns);
    r.getPropertydependenciesMap().set(key, deps);
  }
  return r;
}

const diagnostics = (res: analyzer.AnalyzeResponse) => res.getDiagnosticsList().map((d) => ({ policy: d.getPolicyname(), level: d.getEnforcementlevel(), message: d.getMessage() }));

describe("the policy pack under the CLI's runner", () => {
  it("serves every policy with its level and config schema", async () => {
    const info = await call<analyzer.AnalyzerInfo>(client.getAnalyzerInfo, new emptyproto.Empty());
    expect(info.getName()).toBe("platform-resilience");
    const served = info.getPoliciesList();
    expect(served.map((p) => p.getName())).toEqual(POLICIES.map((p) => p.name));
    const nat = served.find((p) => p.getName() === "nat-gateway-per-az")!;
    expect(nat.getEnforcementlevel()).toBe(analyzer.EnforcementLevel.ADVISORY);
    const asg = served.find((p) => p.getName() === "node-pool-spans-azs")!;
    expect(asg.getConfigschema()!.getProperties()!.toJavaScript()).toMatchObject({ minAvailabilityZones: { type: "integer", default: 3, minimum: 2 } });
  });

  it("validates a resource with the configured thresholds", async () => {
    const config = new analyzer.ConfigureAnalyzerRequest();
    const imds = new analyzer.PolicyConfig();
    imds.setEnforcementlevel(analyzer.EnforcementLevel.MANDATORY);
    imds.setProperties(struct({ maxHopLimit: 2 }));
    config.getPolicyconfigMap().set("launch-template-imdsv2", imds);
    await call(client.configure, config);

    const template = (metadataOptions: Record<string, unknown>) =>
      analyzeRequest("aws:ec2/launchTemplate:LaunchTemplate", "nodes", { metadataOptions, blockDeviceMappings: [{ ebs: { encrypted: "true" } }] });
    expect(diagnostics(await call<analyzer.AnalyzeResponse>(client.analyze, template({ httpTokens: "required", httpPutResponseHopLimit: 2 })))).toEqual([]);
    expect(diagnostics(await call<analyzer.AnalyzeResponse>(client.analyze, template({ httpTokens: "optional", httpPutResponseHopLimit: 2 })))).toEqual([
      { policy: "launch-template-imdsv2", level: analyzer.EnforcementLevel.MANDATORY, message: expect.stringContaining("allows IMDSv1") },
    ]);
  });

  it("does not claim to see secretness it cannot see (secrets arrive decrypted)", async () => {
    const cluster = analyzeRequest("aws:rds/cluster:Cluster", "db", { engine: "aurora-postgresql", masterPassword: "decrypted-by-the-engine" });
    const response = await call<analyzer.AnalyzeResponse>(client.analyze, cluster);
    expect(diagnostics(response).map((d) => d.policy)).not.toContain("no-plaintext-secrets");
    expect(response.getNotApplicableList().map((n) => n.getPolicyName())).toContain("no-plaintext-secrets");
  });

  it("validates a stack through per-property dependencies, environment rules included when self-contained", async () => {
    const subnet = (i: number) => stackResource("aws:ec2/subnet:Subnet", `private-${i}`, { availabilityZone: "us-east-1a", vpcId: "vpc-1" });
    const subnets = [0, 1, 2].map(subnet);
    const asg = stackResource("aws:autoscaling/group:Group", "nodes", { vpcZoneIdentifiers: ["s0", "s1", "s2"], minSize: 3, maxSize: 6 }, { vpcZoneIdentifiers: subnets.map((s) => s.getUrn()) });
    const req = new analyzer.AnalyzeStackRequest();
    req.setResourcesList([...subnets, asg]);
    const found = diagnostics(await call<analyzer.AnalyzeResponse>(client.analyzeStack, req));
    expect(found.filter((d) => d.policy === "node-pool-spans-azs")).toEqual([expect.objectContaining({ message: expect.stringContaining("spans 1 AZ(s)") })]);
    expect(found.map((d) => d.policy)).toContain("environment-multi-region");
  });
});

describe("what the pack loads", () => {
  it("imports no provider SDK as a value: ts-node type-checks what it loads at every preview, and @pulumi/aws alone is thousands of modules", async () => {
    const { build } = await import("esbuild");
    // Type-only imports vanish in the bundle; every package left is one the pack requires at run time.
    const { metafile } = await build({ entryPoints: [path.join(ROOT, "policies/index.ts")], bundle: true, platform: "node", packages: "external", write: false, metafile: true, logLevel: "silent" });
    const packages = new Set(Object.values(metafile!.inputs).flatMap((input) => input.imports.filter((i) => i.external).map((i) => i.path)));
    expect([...packages].filter((p) => p.startsWith("@pulumi/")).sort()).toEqual(["@pulumi/policy"]);
  });
});
