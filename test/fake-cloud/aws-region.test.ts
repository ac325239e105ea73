/**
 * Where an AWS provider finds its region when its config names none, and that the fake cloud is
 * no kinder than pulumi-aws: no region anywhere fails the resources that need the provider, an
 * explicit provider does not read the stack's aws:region, a default provider reads the
 * environment and the profile (tools/fake-cloud/aws-region.ts).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { type AmbientAws, ambientRegion } from "../../tools/fake-cloud/aws-region";
import { runStack, StackRun } from "../../tools/fake-cloud/run";

const CONFIG_FILE = `[default]
region = eu-west-1
output = json

[profile ops]
; a comment
region = ap-southeast-2
s3 =
  max_concurrent_requests = 20

[profile no-region]
output = text
`;

function ambient(env: Record<string, string>, files: Record<string, string> = { "/home/dev/.aws/config": CONFIG_FILE }): AmbientAws {
  return { env, readConfigFile: (path) => files[path] ?? null, home: "/home/dev" };
}

const NOWHERE = ambient({}, {});

describe("ambientRegion", () => {
  it("takes AWS_REGION, then AWS_DEFAULT_REGION, before any profile", () => {
    expect(ambientRegion(undefined, ambient({ AWS_REGION: "us-west-2", AWS_DEFAULT_REGION: "eu-central-1" }))).toBe("us-west-2");
    expect(ambientRegion(undefined, ambient({ AWS_DEFAULT_REGION: "eu-central-1" }))).toBe("eu-central-1");
    expect(ambientRegion("ops", ambient({ AWS_DEFAULT_REGION: "eu-central-1" }))).toBe("eu-central-1");
  });

  it("reads the profile's region from the shared config file: the provider's profile, then AWS_PROFILE, then default", () => {
    expect(ambientRegion(undefined, ambient({}))).toBe("eu-west-1");
    expect(ambientRegion("ops", ambient({}))).toBe("ap-southeast-2");
    expect(ambientRegion(undefined, ambient({ AWS_PROFILE: "ops" }))).toBe("ap-southeast-2");
    expect(ambientRegion("ops", ambient({ AWS_PROFILE: "default" }))).toBe("ap-southeast-2");
  });

  it("reads the file AWS_CONFIG_FILE names instead of ~/.aws/config", () => {
    const files = { "/etc/aws.conf": "[default]\nregion = sa-east-1\n", "/home/dev/.aws/config": CONFIG_FILE };
    expect(ambientRegion(undefined, ambient({ AWS_CONFIG_FILE: "/etc/aws.conf" }, files))).toBe("sa-east-1");
  });

  it("finds none with no variable, no file, a profile without a region or a profile the file lacks", () => {
    expect(ambientRegion(undefined, NOWHERE)).toBeNull();
    expect(ambientRegion("no-region", ambient({}))).toBeNull();
    expect(ambientRegion("missing", ambient({}))).toBeNull();
    // A non-default profile is [profile NAME] in the config file, not [NAME].
    expect(ambientRegion("plain", ambient({}, { "/home/dev/.aws/config": "[plain]\nregion = us-east-2\n" }))).toBeNull();
  });
});

function run(program: () => unknown, options: { config?: Record<string, unknown>; ambient: AmbientAws }): Promise<StackRun> {
  return runStack({ stack: "dev", project: "proj", config: options.config ?? {}, ambient: options.ambient, load: () => program });
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
    expect(message).toMatch(/pulumi:providers:aws resource 'default_[0-9_]+' has a problem: unable to find a AWS Region config/);
    expect(message).toContain("pulumi config set aws:region <region>");
    expect(message).toContain("AWS_REGION");
  });

  it("give the default provider the stack's aws:region before the environment", async () => {
    const r = await run(() => new aws.sns.Topic("alerts"), { config: { "aws:region": "eu-north-1" }, ambient: ambient({ AWS_REGION: "us-west-2" }) });
    expect(regionOf(r, "alerts")).toBe("eu-north-1");
  });

  it("give the default provider the environment's region, else its profile's, when the stack names none", async () => {
    expect(regionOf(await run(() => new aws.sns.Topic("alerts"), { ambient: ambient({ AWS_DEFAULT_REGION: "ca-central-1" }) }), "alerts")).toBe("ca-central-1");
    expect(regionOf(await run(() => new aws.sns.Topic("alerts"), { config: { "aws:profile": "ops" }, ambient: ambient({}) }), "alerts")).toBe("ap-southeast-2");
  });

  it("do not give an explicit provider the stack's aws:region: it reads its own arguments, the environment and its profile", async () => {
    const explicit = () => new aws.sns.Topic("alerts", {}, { provider: new aws.Provider("other", {}) });
    const message = await failure(run(explicit, { config: { "aws:region": "eu-west-1" }, ambient: NOWHERE }));
    expect(message).toMatch(/pulumi:providers:aws resource 'other' has a problem: unable to find a AWS Region config/);
    const withProfile = await run(() => new aws.sns.Topic("alerts", {}, { provider: new aws.Provider("other", { profile: "ops" }) }), { config: { "aws:region": "eu-west-1" }, ambient: ambient({}) });
    expect(regionOf(withProfile, "alerts")).toBe("ap-southeast-2");
    const withRegion = await run(() => new aws.sns.Topic("alerts", {}, { provider: new aws.Provider("other", { region: "us-east-2" }) }), { ambient: NOWHERE });
    expect(regionOf(withRegion, "alerts")).toBe("us-east-2");
  });

  it("leave a program without AWS resources alone", async () => {
    const r = await run(() => new pulumi.ComponentResource("test:index:Empty", "empty"), { ambient: NOWHERE });
    expect(r.cloud.resources.map((x) => x.type)).toContain("test:index:Empty");
  });
});
