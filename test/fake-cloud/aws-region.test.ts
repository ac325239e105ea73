/**
 * Where an AWS provider finds its region when its config names none, and that the fake cloud is
 * no kinder than pulumi-aws: no region anywhere fails the resources that need the provider, an
 * explicit provider does not read the stack's aws:region, a default provider reads the
 * environment and the profile (tools/fake-cloud/aws-region.ts).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { type AmbientAws, ambientRegion, parseSharedFile } from "../../tools/fake-cloud/aws-region";
import { runStack, StackRun } from "../../tools/fake-cloud/run";

const CONFIG_FILE = `[default]
region = eu-west-1
output = json

[profile ops]
; a comment
s3 =
  region = us-gov-west-1
region = ap-southeast-2 # inline comment

[profile team.prod]
region = me-south-1

[profile  spaced   name]
region = af-south-1

[profile no-region]
output = text

[plain]
region = us-east-2
`;

const CONFIG = "/home/dev/.aws/config";
const CREDENTIALS = "/home/dev/.aws/credentials";

function ambient(env: Record<string, string>, files: Record<string, string> = { [CONFIG]: CONFIG_FILE }): AmbientAws {
  return { env, readFile: (path) => files[path] ?? null, home: "/home/dev" };
}

const NOWHERE = ambient({}, {});

describe("parseSharedFile", () => {
  it("reads sections and their own properties as the AWS SDKs do: dotted and spaced names, comments, sub-sections left to their property", () => {
    const sections = parseSharedFile(CONFIG_FILE);
    expect(sections.get("profile ops")?.get("region")).toBe("ap-southeast-2");
    expect(sections.get("profile team.prod")?.get("region")).toBe("me-south-1");
    expect(sections.get("profile spaced name")?.get("region")).toBe("af-south-1");
    expect([...(sections.get("profile ops")?.keys() ?? [])]).toEqual(["s3", "region"]);
    expect(parseSharedFile("[default]\r\nRegion = eu-west-3\r\n").get("default")?.get("region")).toBe("eu-west-3");
    // An indented header still opens its section: its region is not the section's above.
    const indented = parseSharedFile("[default]\nregion = eu-west-1\n  [profile x]\nregion = us-west-1\n");
    expect([indented.get("default")?.get("region"), indented.get("profile x")?.get("region")]).toEqual(["eu-west-1", "us-west-1"]);
  });
});

describe("ambientRegion", () => {
  it("takes AWS_REGION, then AWS_DEFAULT_REGION, before any profile; empty ones count as unset", () => {
    expect(ambientRegion(undefined, ambient({ AWS_REGION: "us-west-2", AWS_DEFAULT_REGION: "eu-central-1" }))).toBe("us-west-2");
    expect(ambientRegion(undefined, ambient({ AWS_REGION: "", AWS_DEFAULT_REGION: "eu-central-1" }))).toBe("eu-central-1");
    expect(ambientRegion("ops", ambient({ AWS_DEFAULT_REGION: "eu-central-1" }))).toBe("eu-central-1");
  });

  it("reads the profile's region: the provider's profile, then AWS_PROFILE, then AWS_DEFAULT_PROFILE, then default", () => {
    expect(ambientRegion(undefined, ambient({}))).toBe("eu-west-1");
    expect(ambientRegion("ops", ambient({}))).toBe("ap-southeast-2");
    expect(ambientRegion("team.prod", ambient({}))).toBe("me-south-1");
    expect(ambientRegion(undefined, ambient({ AWS_PROFILE: "ops", AWS_DEFAULT_PROFILE: "team.prod" }))).toBe("ap-southeast-2");
    expect(ambientRegion(undefined, ambient({ AWS_DEFAULT_PROFILE: "team.prod" }))).toBe("me-south-1");
    expect(ambientRegion("ops", ambient({ AWS_PROFILE: "default" }))).toBe("ap-southeast-2");
  });

  it("takes the credentials file's [name] before the config file's [profile name], and [profile default] before [default]", () => {
    const files = { [CONFIG]: CONFIG_FILE, [CREDENTIALS]: "[ops]\naws_access_key_id = x\nregion = ca-west-1\n" };
    expect(ambientRegion("ops", ambient({}, files))).toBe("ca-west-1");
    expect(ambientRegion(undefined, ambient({}, { [CONFIG]: "[default]\nregion = eu-west-1\n[profile default]\nregion = eu-south-1\n" }))).toBe("eu-south-1");
  });

  it("reads the files AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE name instead of ~/.aws", () => {
    const files = { "/etc/aws.conf": "[default]\nregion = sa-east-1\n", "/etc/aws.creds": "[ops]\nregion = il-central-1\n", [CONFIG]: CONFIG_FILE };
    expect(ambientRegion(undefined, ambient({ AWS_CONFIG_FILE: "/etc/aws.conf" }, files))).toBe("sa-east-1");
    expect(ambientRegion("ops", ambient({ AWS_SHARED_CREDENTIALS_FILE: "/etc/aws.creds" }, files))).toBe("il-central-1");
  });

  it("finds none with no variable and no file, a profile without a region, a profile the files lack, or a sub-section's region", () => {
    expect(ambientRegion(undefined, NOWHERE)).toBeNull();
    expect(ambientRegion("no-region", ambient({}))).toBeNull();
    expect(ambientRegion("missing", ambient({}))).toBeNull();
    // A non-default profile is [profile NAME] in the config file, not [NAME].
    expect(ambientRegion("plain", ambient({}))).toBeNull();
    expect(ambientRegion("s3only", ambient({}, { [CONFIG]: "[profile s3only]\ns3 =\n  region = us-west-1\n" }))).toBeNull();
  });
});

function run(program: () => unknown, options: { config?: Record<string, unknown>; ambient: AmbientAws; preview?: boolean }): Promise<StackRun> {
  return runStack({ stack: "dev", project: "proj", config: options.config ?? {}, ambient: options.ambient, preview: options.preview, load: () => program });
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected the run to fail");
    },
    (err: Error) => err.message,
  );

const regionOf = (r: StackRun, name: string) => r.cloud.resources.find((x) => x.name === name)?.region;

describe("the fake cloud's AWS providers", () => {
  it("refuse to configure with no region anywhere: the resource fails with the provider's message, naming aws:region", async () => {
    const message = await failure(run(() => new aws.sns.Topic("alerts"), { ambient: NOWHERE }));
    expect(message).toMatch(/pulumi:providers:aws resource 'default_[0-9_]+' has a problem: Missing region information\. Make sure you have set your AWS region, e\.g\. `pulumi config set aws:region us-west-2`\./);
    expect(message).toContain("AWS_REGION");
  });

  it("give the default provider the stack's aws:region before the environment", async () => {
    const r = await run(() => new aws.sns.Topic("alerts"), { config: { "aws:region": "eu-north-1" }, ambient: ambient({ AWS_REGION: "us-west-2" }) });
    expect(regionOf(r, "alerts")).toBe("eu-north-1");
  });

  it("take an empty aws:region as unset, as the provider does: it looks further, then refuses", async () => {
    expect(regionOf(await run(() => new aws.sns.Topic("alerts"), { config: { "aws:region": "" }, ambient: ambient({ AWS_REGION: "us-west-2" }) }), "alerts")).toBe("us-west-2");
    expect(await failure(run(() => new aws.sns.Topic("alerts"), { config: { "aws:region": "" }, ambient: NOWHERE }))).toMatch(/Missing region information/);
  });

  it("give the default provider the environment's region, else its profile's, when the stack names none", async () => {
    expect(regionOf(await run(() => new aws.sns.Topic("alerts"), { ambient: ambient({ AWS_DEFAULT_REGION: "ca-central-1" }) }), "alerts")).toBe("ca-central-1");
    expect(regionOf(await run(() => new aws.sns.Topic("alerts"), { config: { "aws:profile": "ops" }, ambient: ambient({}) }), "alerts")).toBe("ap-southeast-2");
  });

  it("do not give an explicit provider the stack's aws:region: it reads its own arguments, the environment and its profile", async () => {
    const explicit = () => new aws.sns.Topic("alerts", {}, { provider: new aws.Provider("other", {}) });
    const message = await failure(run(explicit, { config: { "aws:region": "eu-west-1" }, ambient: NOWHERE }));
    expect(message).toMatch(/pulumi:providers:aws resource 'other' has a problem: Missing region information/);
    const withProfile = await run(() => new aws.sns.Topic("alerts", {}, { provider: new aws.Provider("other", { profile: "ops" }) }), { config: { "aws:region": "eu-west-1" }, ambient: ambient({}) });
    expect(regionOf(withProfile, "alerts")).toBe("ap-southeast-2");
    const withRegion = await run(() => new aws.sns.Topic("alerts", {}, { provider: new aws.Provider("other", { region: "us-east-2" }) }), { ambient: NOWHERE });
    expect(regionOf(withRegion, "alerts")).toBe("us-east-2");
  });

  it("fail an invoke on the default provider with the same message (the SDK keeps only a gRPC error's details)", async () => {
    const message = await failure(run(async () => ({ name: (await aws.getRegion()).region }), { ambient: NOWHERE }));
    expect(message).toMatch(/pulumi:providers:aws resource 'default_[0-9_]+' has a problem: Missing region information/);
  });

  it("leave a provider whose region is an unknown output unconfigured in a preview, and configure it once the value is known", async () => {
    const program = () => {
      const topic = new aws.sns.Topic("first");
      const provider = new aws.Provider("derived", { region: topic.arn.apply((arn) => arn.split(":")[3]) });
      new aws.sns.Topic("second", {}, { provider });
    };
    const options = { config: { "aws:region": "eu-west-1" }, ambient: NOWHERE };
    const preview = await run(program, { ...options, preview: true });
    expect(preview.cloud.resources.map((r) => r.name)).toContain("second");
    expect(regionOf(await run(program, options), "second")).toBe("eu-west-1");
  });

  it("leave a program without AWS resources alone", async () => {
    const r = await run(() => new pulumi.ComponentResource("test:index:Empty", "empty"), { ambient: NOWHERE });
    expect(r.cloud.resources.map((x) => x.type)).toContain("test:index:Empty");
  });
});
