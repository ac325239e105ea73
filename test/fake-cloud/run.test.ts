/**
 * What tools/fake-cloud/run.ts does as the Node.js language host and the engine around a program:
 * the program's directory as working directory, where the engine reads file assets from (it
 * hashes every file asset and archive at RegisterResource, in a preview too).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { mkdirSync, realpathSync, writeFileSync } from "fs";
import { createServer, Server } from "net";
import { join } from "path";
import { describe, expect, it } from "vitest";
import { runStack, StackRun } from "../../tools/fake-cloud/run";
import { failure } from "../fixtures/fake-cloud-run";
import { temporaryDirectories } from "../plan/temp-dirs";

const temporaryDirectory = temporaryDirectories();

function run(program: () => unknown, options: { preview?: boolean; workingDirectory?: string; timeoutMs?: number } = {}): Promise<StackRun> {
  return runStack({ stack: "dev", project: "proj", config: { "aws:region": "eu-west-1" }, load: () => program, ...options });
}


describe("the program's directory", () => {
  // realpath: the temporary directory may be reached through a link (macOS /var), and cwd() resolves it.
  const directory = realpathSync(temporaryDirectory("program-dir-"));
  writeFileSync(join(directory, "index.html"), "<html></html>");
  mkdirSync(join(directory, "site"));
  writeFileSync(join(directory, "site", "app.js"), "");
  writeFileSync(join(directory, "code.zip"), "PK");

  it("is the working directory while the program runs, and the process's own comes back after", async () => {
    const before = process.cwd();
    let seen = "";
    await run(() => void (seen = process.cwd()), { workingDirectory: directory });
    expect(seen).toBe(directory);
    expect(process.cwd()).toBe(before);
    await failure(run(() => { throw new Error("boom"); }, { workingDirectory: directory }));
    expect(process.cwd()).toBe(before);
  });

  it("is where the engine reads file assets and archives from, and one it cannot read fails the registration, in a preview too", async () => {
    const objects = (asset: pulumi.asset.Asset | pulumi.asset.Archive) => () => void new aws.s3.BucketObject("page", { bucket: "site", source: asset });
    for (const preview of [true, false]) {
      await run(objects(new pulumi.asset.FileAsset("index.html")), { preview, workingDirectory: directory });
      await run(objects(new pulumi.asset.FileArchive("site")), { preview, workingDirectory: directory });
      await run(objects(new pulumi.asset.FileArchive("./code.zip")), { preview, workingDirectory: directory });
      expect(await failure(run(objects(new pulumi.asset.FileAsset("missing.html")), { preview, workingDirectory: directory }))).toContain(
        `unmarshal properties: failed to compute asset hash for "source": failed to open asset file '${directory}/missing.html': open ${directory}/missing.html: no such file or directory`,
      );
    }
    expect(await failure(run(objects(new pulumi.asset.FileAsset("site")), { workingDirectory: directory }))).toContain(`failed to compute asset hash for "source": asset path '${directory}/site' is a directory; try using an archive`);
    expect(await failure(run(objects(new pulumi.asset.FileArchive("dist")), { workingDirectory: directory }))).toContain(
      `failed to compute archive hash for "source": couldn't read archive path '${directory}/dist': stat ${directory}/dist: no such file or directory`,
    );
    expect(await failure(run(objects(new pulumi.asset.FileArchive("index.html")), { workingDirectory: directory }))).toContain(`'${directory}/index.html' is neither a recognized archive type nor a directory`);
    expect(await failure(run(objects(new pulumi.asset.FileArchive("build.zip")), { workingDirectory: directory }))).toContain(`failed to compute archive hash for "source": open ${directory}/build.zip: no such file or directory`);
    // An archive's member is read too, named by its key; text and remote assets need no file.
    const members = new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.FileAsset("/nonexistent/index.js"), "README": new pulumi.asset.StringAsset("x") });
    expect(await failure(run(objects(members), { workingDirectory: directory }))).toContain(`failed to compute asset hash for "index.js": failed to open asset file '/nonexistent/index.js'`);
    await run(objects(new pulumi.asset.RemoteAsset("https://example.com/index.html")), { workingDirectory: directory });
    // Inside a secret: the engine unmarshals the secret's own struct, so the key it names is "value".
    const secret = () => void new aws.s3.BucketObject("page", { bucket: "site", source: pulumi.secret(new pulumi.asset.FileAsset("missing.html")) as unknown as pulumi.asset.Asset });
    expect(await failure(run(secret, { workingDirectory: directory }))).toContain(`failed to compute asset hash for "value": failed to open asset file '${directory}/missing.html'`);
  });
});

describe("after the program's main promise, until the event loop is empty (as the host's Node process)", () => {
  const names = (r: StackRun) => r.cloud.resources.filter((x) => x.type === "aws:s3/bucket:Bucket").map((x) => x.name);

  it("registers in its own stack what a timer or an immediate creates after the program returned, and nothing of it reaches the next stack", async () => {
    const late = await run(() => {
      setTimeout(() => new aws.s3.Bucket("from-timer"), 30);
      setImmediate(() => new aws.s3.Bucket("from-immediate"));
      return {};
    });
    const next = await run(() => void new aws.s3.Bucket("next"));
    expect(names(late).sort()).toEqual(["from-immediate", "from-timer"]);
    expect(names(next)).toEqual(["next"]);
  });

  it("emits beforeExit, as Node does when the loop empties, and registers what a listener creates (@pulumi/aws's BucketNotification for onObjectCreated)", async () => {
    const withNotification = await run(() => {
      const bucket = new aws.s3.Bucket("uploads");
      const handler = new aws.lambda.Function("on-upload", { role: "arn:aws:iam::123456789012:role/lambda", runtime: "nodejs20.x", handler: "index.handler", code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => {};") }) });
      bucket.onObjectCreated("on-upload", handler);
    });
    const notifications = withNotification.cloud.resources.filter((x) => x.type === "aws:s3/bucketNotification:BucketNotification");
    expect(notifications.map((x) => x.name)).toEqual(["on-upload"]);
    expect(notifications[0].parent).toBe(withNotification.cloud.resources.find((x) => x.name === "uploads")!.urn);
    const next = await run(() => void new aws.s3.Bucket("next"));
    expect(next.cloud.resources.filter((x) => x.type === "aws:s3/bucketNotification:BucketNotification")).toEqual([]);
  });

  it("fails a program that sets a non-zero exit code, as the host does, and keeps the process's own", async () => {
    const before = process.exitCode;
    expect(await failure(run(() => { new aws.s3.Bucket("b"); process.exitCode = 3; }))).toMatch(/set process\.exitCode to 3: .*"Program exited with non-zero exit code: 3"/);
    expect(process.exitCode).toBe(before);
    await run(() => void new aws.s3.Bucket("next"));
  });

  it("fails a registration made late as it fails any (a duplicate URN), in its own stack", async () => {
    const message = await failure(run(() => {
      new aws.s3.Bucket("twice");
      setTimeout(() => new aws.s3.Bucket("twice"), 10);
    }));
    expect(message).toMatch(/Duplicate resource URN 'urn:pulumi:dev::proj::aws:s3\/bucket:Bucket::twice'/);
  });

  it("fails a program whose timers never end, and clears them, so that none fires in the next stack", async () => {
    let ticks = 0;
    const message = await failure(run(() => void setInterval(() => ticks++, 20), { timeoutMs: 300 }));
    expect(message).toMatch(/^the program finished, but timers or I\/O the program started were still pending .* `pulumi up` would wait for them/);
    const at = ticks;
    await run(() => new Promise((resolve) => setTimeout(resolve, 100)));
    expect(ticks).toBe(at);
  });

  it("starts no other run while I/O a program started goes on after its run (nothing could clear it)", async () => {
    // Three listening sockets: more than any timer of the test runner that may end meanwhile.
    const servers: Server[] = [];
    try {
      await failure(run(() => void servers.push(...[1, 2, 3].map(() => createServer().listen(0, "127.0.0.1"))), { timeoutMs: 300 }));
      expect(await failure(run(() => ({})))).toMatch(/^stack dev's program still has timers or I\/O pending after its run ended .* PLAN_ISOLATE=1/);
    } finally {
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
      // A closed handle leaves Node's list on the loop's next turn.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await run(() => ({}));
  });
});
