import { describe, expect, it, vi } from "vitest";
import { fakeTime } from "../fixtures/fake-time";
import { spawnSync } from "child_process";
import { copyFileSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";
import { autoScalingGroupsOf, failureHelp, judgeGroups, judgeRefresh, main, waitNodeRefresh, type InstanceRefresh } from "../../tools/ci/wait-node-refresh";
import { temporaryDirectories } from "../plan/temp-dirs";
import { ROOT } from "./workflow-files";

const tempDir = temporaryDirectories();


const GROUP = "prod-us-east-1-nodes-asg-1a2b3c";
const refresh = (Status: string, extra: Partial<InstanceRefresh> = {}): InstanceRefresh => ({ InstanceRefreshId: `r-${Status}`, Status, StartTime: "2026-12-03T10:00:00Z", ...extra });

describe("judgeRefresh (a group's latest instance refresh)", () => {
  it("is done when the latest refresh is Successful, or the group never had one", () => {
    expect(judgeRefresh(GROUP, [refresh("Successful", { EndTime: "2026-12-03T10:40:00Z" })])).toEqual({
      state: "done",
      detail: `${GROUP}: instance refresh r-Successful Successful at 2026-12-03T10:40:00Z`,
      refreshId: "r-Successful",
    });
    expect(judgeRefresh(GROUP, [])).toMatchObject({ state: "done", detail: expect.stringMatching(/no instance refresh/) });
  });

  it("waits while it runs, saying how far it got", () => {
    for (const status of ["Pending", "InProgress", "Cancelling", "RollbackInProgress", "Baking"]) expect(judgeRefresh(GROUP, [refresh(status)]).state, status).toBe("wait");
    expect(judgeRefresh(GROUP, [refresh("InProgress", { PercentageComplete: 40, InstancesToUpdate: 3, StatusReason: "Waiting for instances to warm up before continuing." })]).detail).toBe(
      `${GROUP}: instance refresh r-InProgress InProgress, 40 % done, 3 instance(s) to go: Waiting for instances to warm up before continuing.`,
    );
    // A status added later is never taken for done.
    expect(judgeRefresh(GROUP, [refresh("Paused")])).toMatchObject({ state: "wait", detail: expect.stringMatching(/does not know/) });
  });

  it("fails when it ended without the group on its launch template", () => {
    for (const status of ["Failed", "Cancelled", "RollbackSuccessful", "RollbackFailed"]) expect(judgeRefresh(GROUP, [refresh(status)]).state, status).toBe("fail");
    expect(judgeRefresh(GROUP, [refresh("Failed", { StatusReason: "Instance refresh failed to complete in time." })]).detail).toBe(`${GROUP}: instance refresh r-Failed ended Failed: Instance refresh failed to complete in time.`);
  });

  it("judges the newest: an old failure followed by a success passes, an old success followed by a running refresh waits", () => {
    const old = { StartTime: "2026-11-01T10:00:00Z" };
    expect(judgeRefresh(GROUP, [refresh("Failed", old), refresh("Successful")]).state).toBe("done");
    expect(judgeRefresh(GROUP, [refresh("Successful", old), refresh("InProgress")]).state).toBe("wait");
    // A Pending refresh has no start time yet: it is the newest.
    expect(judgeRefresh(GROUP, [refresh("Successful"), { InstanceRefreshId: "r-new", Status: "Pending" }])).toMatchObject({ state: "wait", refreshId: "r-new" });
  });
});

describe("judgeGroups", () => {
  const done = { state: "done", detail: "a done" } as const;
  const wait = { state: "wait", detail: "b running" } as const;
  const fail = { state: "fail", detail: "c failed" } as const;
  it("fails on any failure, waits on any running refresh, else is done", () => {
    expect(judgeGroups([done, wait, fail])).toEqual({ state: "fail", detail: "c failed" });
    expect(judgeGroups([done, wait])).toEqual({ state: "wait", detail: "a done; b running" });
    expect(judgeGroups([done])).toEqual({ state: "done", detail: "a done" });
  });
});

describe("what the gate reads", () => {
  it("takes the group name(s) from the regional stack's outputs", () => {
    expect(autoScalingGroupsOf({ nodeAutoScalingGroupName: GROUP })).toEqual([GROUP]);
    expect(autoScalingGroupsOf({ nodeAutoScalingGroupName: ["a", "b"] })).toEqual(["a", "b"]);
    expect(() => autoScalingGroupsOf({ zoneName: "prod.example.com" })).toThrow(/no nodeAutoScalingGroupName/);
  });

  it("says how to inspect a failed refresh and what to do", () => {
    const help = failureHelp("us-east-1", [GROUP], judgeRefresh(GROUP, [refresh("Failed")]));
    expect(help).toContain(`aws autoscaling describe-instance-refreshes --region us-east-1 --auto-scaling-group-name ${GROUP}`);
    expect(help).toMatch(/The rollout stops here/);
    expect(help).toMatch(/console: EC2, Auto Scaling groups/);
    expect(help).toMatch(/start-instance-refresh --region us-east-1/);
  });
});

describe("waitNodeRefresh", () => {
  it("waits through a running refresh until it succeeds, and survives a failing read", async () => {
    const answers: (InstanceRefresh[] | Error)[] = [[refresh("Pending")], new Error("Rate exceeded"), [refresh("InProgress", { PercentageComplete: 50 })], [refresh("Successful")]];
    let i = 0;
    const read = async (region: string, group: string) => {
      expect([region, group]).toEqual(["us-east-1", GROUP]);
      const answer = answers[Math.min(i++, answers.length - 1)];
      if (answer instanceof Error) throw answer;
      return answer;
    };
    expect(await waitNodeRefresh("us-east-1", [GROUP], read, { timeoutSeconds: 3600, intervalSeconds: 30, ...fakeTime() })).toMatchObject({ state: "done" });
    expect(i).toBe(4);
  });

  it("stops at once on a failed refresh, and at the deadline on one still running", async () => {
    const time = fakeTime();
    expect(await waitNodeRefresh("us-east-1", [GROUP], async () => [refresh("Cancelled")], { timeoutSeconds: 3600, intervalSeconds: 30, ...time })).toMatchObject({ state: "fail" });
    expect(time.elapsed()).toBe(0);
    const running = await waitNodeRefresh("us-east-1", [GROUP], async () => [refresh("InProgress", { PercentageComplete: 10 })], { timeoutSeconds: 90, intervalSeconds: 30, ...fakeTime() });
    expect(running).toEqual({ state: "wait", detail: `${GROUP}: instance refresh r-InProgress InProgress, 10 % done` });
  });
});

describe("waitNodeRefresh on a read no wait mends", () => {
  it("stops at the first denied read, naming the action the deploy role lacks, and still waits through throttling", async () => {
    const time = fakeTime();
    let calls = 0;
    const denied = { code: 254, message: "Command failed", stderr: "\nAn error occurred (AccessDenied) when calling the DescribeInstanceRefreshes operation: User: arn:aws:sts::123456789012:assumed-role/platform-deploy/deploy-1 is not authorized to perform: autoscaling:DescribeInstanceRefreshes\n" };
    const verdict = await waitNodeRefresh("us-east-1", [GROUP], async () => { calls++; throw denied; }, { timeoutSeconds: 7200, intervalSeconds: 30, ...time });
    expect(verdict.state).toBe("error");
    expect(verdict.detail).toMatch(/^AWS denies autoscaling:DescribeInstanceRefreshes .*: add autoscaling:DescribeInstanceRefreshes to the deploy role's policy/);
    expect([calls, time.elapsed()]).toEqual([1, 0]);
    const gone = { code: 254, message: "Command failed", stderr: "An error occurred (ValidationError) when calling the DescribeInstanceRefreshes operation: AutoScalingGroup name not found" };
    expect(await waitNodeRefresh("us-east-1", [GROUP], async () => { throw gone; }, { timeoutSeconds: 7200, intervalSeconds: 30, ...fakeTime() })).toMatchObject({ state: "error", detail: expect.stringMatching(/ValidationError/) });
    // Throttled to the end: the deadline's "still rolling", with the last failure.
    const throttled = { code: 254, message: "Command failed", stderr: "An error occurred (Throttling) when calling the DescribeInstanceRefreshes operation: Rate exceeded" };
    expect(await waitNodeRefresh("us-east-1", [GROUP], async () => { throw throttled; }, { timeoutSeconds: 90, intervalSeconds: 30, ...fakeTime() })).toEqual({ state: "wait", detail: `check failed: ${throttled.stderr}` });
  });
});

/** Runs `body` with PATH set to `path` (the tests of one worker run one at a time). */
async function withPath<T>(path: string, body: () => Promise<T>): Promise<T> {
  const saved = process.env.PATH;
  process.env.PATH = path;
  try {
    return await body();
  } finally {
    process.env.PATH = saved;
  }
}

describe("wait-node-refresh.ts CLI", () => {
  it("reads the node pool's kind from the environment as the plan does, skips a managed pool without asking AWS, and exits 2 on an invalid config", async () => {
    const dir = tempDir("node-refresh-");
    // The project's own files: Pulumi.yaml gives the defaults (autoscaling) and the namespace.
    for (const file of ["Pulumi.yaml", "Pulumi.prod-us-west-2.yaml"]) copyFileSync(join(ROOT, file), join(dir, file));
    const prod = readFileSync(join(ROOT, "Pulumi.prod.yaml"), "utf8").replace(/^  platform:nodeAmiReleaseVersion: .*\n/m, "");
    const writeProd = (extra: string) => writeFileSync(join(dir, "Pulumi.prod.yaml"), `${prod.trimEnd()}\n${extra}`);
    const outputs = join(dir, "outputs.json");
    writeFileSync(outputs, JSON.stringify({ region: "us-west-2", nodeAutoScalingGroupName: "eks-prod-us-west-2-nodes-abc" }));
    const args = ["--outputs", outputs, "--stack", "prod-us-west-2", "--dir", dir];
    const printed: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((text: string) => void printed.push(text));
    const error = vi.spyOn(console, "error").mockImplementation((text: string) => void printed.push(text));
    try {
      // In-process (the command's main), with no aws on PATH: a call would fail the run.
      writeProd("  platform:nodePoolKind: managed\n  platform:nodeGroupReleaseVersion: 1.34.2-20260714\n");
      expect(await withPath("/nonexistent", () => main(args))).toBe(0);
      expect(printed.pop()).toMatch(/nodePoolKind managed: EKS's own node group update .* no instance refresh to wait for/);
      // An invalid environment: the problem, exit 2.
      writeProd("  platform:nodePoolKind: karpenter\n");
      expect(await main(args)).toBe(2);
      expect(printed.pop()).toMatch(/^wait-node-refresh: .*Pulumi\.prod\.yaml: 1 configuration problem.*platform:nodePoolKind = "karpenter": must be "autoscaling" or "managed"/s);
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
    // The command as the workflow starts it, once. Unset kind: Pulumi.yaml's default, an Auto
    // Scaling pool. With no aws on the runner: exit 2 at once, not 120 minutes of "still rolling",
    // and no stack trace.
    writeProd("");
    const noCli = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "tools/ci/wait-node-refresh.ts"), ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, PATH: "/nonexistent" } });
    expect(noCli.status, noCli.stderr).toBe(2);
    expect(noCli.stderr).toMatch(/::error::wait-node-refresh: cannot read the instance refreshes of eks-prod-us-west-2-nodes-abc \(us-west-2\): the AWS CLI is not installed on this runner/);
    expect(noCli.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);
});
