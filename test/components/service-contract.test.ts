import { describe, expect, it } from "vitest";
import { readFileSync } from "fs";
import { join } from "path";

const ROOT = join(__dirname, "..", "..");
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

/** The ALB's idle timeout: what RegionalIngress sets, else ELB's default of 60 s. */
function albIdleTimeoutSeconds(): number {
  const set = /idleTimeout:\s*(\d+)/.exec(read("components/ingress.ts"));
  return set ? Number(set[1]) : 60;
}

describe("the service image's contract", () => {
  it("asks for a keep-alive longer than the ALB's idle timeout, in the component and in the README", () => {
    const idle = albIdleTimeoutSeconds();
    // RegionalServiceArgs.image's doc comment, and the README's first step of shipping an app.
    const imageDoc = /\/\*\*((?:(?!\*\/)[\s\S])*?)\*\/\s*image\?: string;/.exec(read("components/service.ts"))?.[1] ?? "";
    const readmeStep = /^1\. Build an image[\s\S]*?(?=^2\. )/m.exec(read("README.md"))?.[0] ?? "";
    for (const [where, text] of [["RegionalServiceArgs.image", imageDoc], ["README.md", readmeStep]]) {
      const flat = text.replace(/\s*\*?\s*\n\s*\*?\s*/g, " ");
      expect(flat, where).toMatch(new RegExp(`keep-alive .*idle timeout.*\\b${idle} s\\b`));
      expect(flat, where).toMatch(/502/);
    }
  });
});
