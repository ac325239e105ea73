/**
 * tools/gameday/zonal-shift.ts against a local HTTP server standing in for ARC's regional endpoint:
 * the request on the wire is the one it signed (path, query, SigV4 for arc-zonal-shift in the
 * region), the answer is read like the SDK reads it (epoch seconds to dates), and an error
 * arrives as the SDK's do (the service's code as `name`), so the command prints one line.
 */
import { createHash, createHmac } from "crypto";
import { createServer, type IncomingMessage, type Server } from "http";
import type { AddressInfo } from "net";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { describeAwsError } from "../../tools/commands/errors";
import { ARCZonalShiftClient, ListAutoshiftsCommand, ListZonalShiftsCommand } from "../../tools/gameday/zonal-shift";

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "session-token" };

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}
let answer: Answer;
const seen: IncomingMessage[] = [];
let server: Server;
let endpoint: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req);
    res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
    res.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen.length = 0;
});

type Data = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: Data) => (typeof d === "string" ? d : ArrayBuffer.isView(d) ? Buffer.from(d.buffer, d.byteOffset, d.byteLength) : Buffer.from(d));

/** Node's SHA-256 in the signer's shape, written apart from the client's. */
class TestSha256 {
  private readonly h;
  constructor(secret?: Data) {
    this.h = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
  }
  update(data: Data): void {
    this.h.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.h.digest()));
  }
  reset(): void {}
}

/** The Authorization header AWS would compute from the request as it arrived. */
async function expectedAuthorization(req: IncomingMessage): Promise<string> {
  const url = new URL(req.url!, "http://placeholder");
  const amzDate = String(req.headers["x-amz-date"]);
  const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
  const signer = new SignatureV4({ service: "arc-zonal-shift", region: "us-west-2", credentials, sha256: TestSha256, uriEscapePath: true });
  // Percent-decoding only ('+' stays '+'), as SigV4 reads a query: not a form's decoding.
  const query = Object.fromEntries(url.search.slice(1).split("&").filter(Boolean).map((pair) => pair.split("=").map(decodeURIComponent)));
  const signed = await signer.sign({ method: req.method!, protocol: "http:", hostname: "127.0.0.1", path: url.pathname, query, headers: { host: String(req.headers.host) } }, { signingDate });
  return String(signed.headers.authorization);
}

describe("ARCZonalShiftClient", () => {
  it("lists active zonal shifts with a request signed for arc-zonal-shift in the region, and reads their times", async () => {
    answer = { status: 200, body: { items: [{ zonalShiftId: "zs-1", resourceIdentifier: "arn:aws:eks:us-west-2:210987654321:cluster/prod-us-west-2", awayFrom: "usw2-az1", startTime: 1796112000, expiryTime: 1796113800.5, status: "ACTIVE", comment: "practice", shiftType: "PRACTICE_RUN", practiceRunOutcome: "PENDING" }], nextToken: "n/2+=" } };
    const client = new ARCZonalShiftClient({ region: "us-west-2", credentials, endpoint });
    // A token with the characters SigV4 and URLs escape differently: the query sent is the one signed.
    const out = await client.send(new ListZonalShiftsCommand({ status: "ACTIVE", maxResults: 100, nextToken: "a+b/c= d*" }));
    expect(out.items).toEqual([{ zonalShiftId: "zs-1", resourceIdentifier: "arn:aws:eks:us-west-2:210987654321:cluster/prod-us-west-2", awayFrom: "usw2-az1", startTime: new Date("2026-12-01T08:00:00Z"), expiryTime: new Date("2026-12-01T08:30:00.500Z"), status: "ACTIVE", comment: "practice", shiftType: "PRACTICE_RUN", practiceRunOutcome: "PENDING" }]);
    expect(out.nextToken).toBe("n/2+=");
    expect(out.$metadata.httpStatusCode).toBe(200);
    const [req] = seen;
    expect(req.method).toBe("GET");
    const url = new URL(req.url!, "http://placeholder");
    expect(url.pathname).toBe("/zonalshifts");
    expect(Object.fromEntries(url.searchParams)).toEqual({ status: "ACTIVE", maxResults: "100", nextToken: "a+b/c= d*" });
    expect(req.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-west-2\/arc-zonal-shift\/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/);
    expect(req.headers["x-amz-security-token"]).toBe("session-token");
    expect(req.headers.authorization).toBe(await expectedAuthorization(req));
  });

  it("lists autoshifts in effect at /autoshifts", async () => {
    answer = { status: 200, body: { items: [{ awayFrom: "usw2-az3", startTime: 1796112000, endTime: 1796112000, status: "ACTIVE" }] } };
    const out = await new ARCZonalShiftClient({ region: "us-west-2", credentials, endpoint }).send(new ListAutoshiftsCommand({ status: "ACTIVE" }));
    expect(out.items).toEqual([{ awayFrom: "usw2-az3", startTime: new Date("2026-12-01T08:00:00Z"), endTime: new Date("2026-12-01T08:00:00Z"), status: "ACTIVE" }]);
    expect(out.nextToken).toBeUndefined();
    expect(seen[0].url).toBe("/autoshifts?status=ACTIVE");
    expect(seen[0].headers.authorization).toBe(await expectedAuthorization(seen[0]));
  });

  it("throws ARC's error as the SDK would: its code as the name, its message, one line when described", async () => {
    answer = { status: 403, headers: { "x-amzn-errortype": "AccessDeniedException:http://internal.amazon.com/coral/com.amazonaws.arczonalshift/" }, body: { message: "User: arn:aws:sts::210987654321:assumed-role/gameday/op is not authorized to perform: arc-zonal-shift:ListZonalShifts" } };
    const error = await new ARCZonalShiftClient({ region: "us-west-2", credentials, endpoint }).send(new ListZonalShiftsCommand({ status: "ACTIVE" })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "AccessDeniedException", $metadata: { httpStatusCode: 403 } });
    expect(describeAwsError(error, "listing the zonal shifts and autoshifts in us-west-2")).toBe("the AWS call failed while listing the zonal shifts and autoshifts in us-west-2: AccessDeniedException: User: arn:aws:sts::210987654321:assumed-role/gameday/op is not authorized to perform: arc-zonal-shift:ListZonalShifts");
    answer = { status: 429, body: { __type: "com.amazonaws.arczonalshift#ThrottlingException", message: "Rate exceeded" } };
    await expect(new ARCZonalShiftClient({ region: "us-west-2", credentials, endpoint }).send(new ListAutoshiftsCommand({}))).rejects.toMatchObject({ name: "ThrottlingException", message: "Rate exceeded" });
  });

  it("names the endpoint it cannot reach", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await new ARCZonalShiftClient({ region: "us-west-2", credentials, endpoint: `http://127.0.0.1:${port}` }).send(new ListZonalShiftsCommand({})).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "NetworkingError" });
    expect((error as Error).message).toMatch(new RegExp(`^cannot reach 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
  });

  it("talks to the region's ARC endpoint", () => {
    expect(new ARCZonalShiftClient({ region: "eu-west-1", credentials }).endpoint.href).toBe("https://arc-zonal-shift.eu-west-1.amazonaws.com/");
    expect(new ARCZonalShiftClient({ region: "cn-north-1", credentials }).endpoint.href).toBe("https://arc-zonal-shift.cn-north-1.amazonaws.com.cn/");
  });
});
