import { describe, expect, it } from "vitest";
import { spawnSync } from "child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { ROOT } from "./workflow-files";
import { temporaryDirectories } from "../plan/temp-dirs";

const tempDir = temporaryDirectories();

describe("scripts/update-diagram.sh", () => {
  /** A scratch checkout holding the script, with an `npm` that draws FAKE_SVG and exits FAKE_EXIT. */
  function sandbox(committed?: string) {
    const dir = tempDir("diagram-");
    mkdirSync(join(dir, "scripts"));
    mkdirSync(join(dir, "bin"));
    copyFileSync(join(ROOT, "scripts", "update-diagram.sh"), join(dir, "scripts", "update-diagram.sh"));
    writeFileSync(
      join(dir, "bin", "npm"),
      '#!/usr/bin/env bash\nwhile [ $# -gt 0 ]; do if [ "$1" = --diagram ]; then printf %s "$FAKE_SVG" > "$2"; fi; echo "$1" >> "$ARGS_LOG"; shift; done\nexit "${FAKE_EXIT:-0}"\n',
      { mode: 0o755 },
    );
    if (committed !== undefined) {
      mkdirSync(join(dir, "docs"));
      writeFileSync(join(dir, "docs", "topology.svg"), committed);
    }
    const run = (args: string[], env: Record<string, string>) =>
      spawnSync("bash", [join(dir, "scripts", "update-diagram.sh"), ...args], {
        encoding: "utf8",
        env: { PATH: `${join(dir, "bin")}:${process.env.PATH}`, ARGS_LOG: join(dir, "args.log"), ...env },
      });
    return { dir, run, svg: () => readFileSync(join(dir, "docs", "topology.svg"), "utf8"), args: () => readFileSync(join(dir, "args.log"), "utf8").split("\n") };
  }

  it("writes docs/topology.svg from the plan of prod, also when the plan reports a violation", () => {
    const box = sandbox();
    expect(box.run([], { FAKE_SVG: "<svg>v1</svg>", FAKE_EXIT: "1" }).status).toBe(0);
    expect(box.svg()).toBe("<svg>v1</svg>");
    expect(box.args()).toEqual(expect.arrayContaining(["plan", "--env", "prod", "--diagram"]));
  });

  it("--check fails on a stale picture without touching it, passes on a current one", () => {
    const box = sandbox("<svg>old</svg>");
    const stale = box.run(["--check"], { FAKE_SVG: "<svg>new</svg>" });
    expect(stale.status).toBe(1);
    expect(stale.stderr).toMatch(/stale/);
    expect(box.svg()).toBe("<svg>old</svg>");
    expect(box.run(["--check"], { FAKE_SVG: "<svg>old</svg>" }).status).toBe(0);
  });

  it("refuses to draw from a plan that rejected its input", () => {
    const box = sandbox("<svg>old</svg>");
    expect(box.run([], { FAKE_SVG: "", FAKE_EXIT: "2" }).status).toBe(2);
    expect(box.svg()).toBe("<svg>old</svg>");
  });
});
