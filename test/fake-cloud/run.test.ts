/**
 * What tools/fake-cloud/run.ts does as the Node.js language host and the engine around a program:
 * the program's directory as working directory, where the engine reads file assets from (it
 * hashes every file asset and archive at RegisterResource, in a preview too).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { mkdirSync, realpathSync, writeFileSync } from "fs";
import { join } from "path";
import { describe, expect, it } from "vitest";
import { runStack, StackRun } from "../../tools/fake-cloud/run";
import { temporaryDirectories } from "../plan/temp-dirs";

const temporaryDirectory = temporaryDirectories();

function run(program: () => unknown, options: { preview?: boolean; workingDirectory?: string; timeoutMs?: number } = {}): Promise<StackRun> {
  return runStack({ stack: "dev", project: "proj", config: { "aws:region": "eu-west-1" }, load: () => program, ...options });
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected the run to fail");
    },
    (err: Error) => err.message,
  );

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
  });
});
