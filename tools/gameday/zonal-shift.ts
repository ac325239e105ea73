/**
 * The two read calls of ARC zonal shift the game-day command needs, ListZonalShifts and
 * ListAutoshifts, in the shape of the SDK v3 client (`client.send(new ListZonalShiftsCommand({...}))`,
 * the same names, inputs and outputs) so aws.ts and its tests treat it like the other clients.
 *
 * Why not @aws-sdk/client-arc-zonal-shift: the package registry this project installs from does
 * not serve it (npm answers 404). When it does, delete this file and import the same names from
 * the package. Requests are signed by the SDK's own SigV4 signer with the SDK's default credential
 * chain (AWS_PROFILE, SSO, environment, instance role), as the other clients are.
 */
import { createHash, createHmac, type Hash, type Hmac } from "crypto";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { SignatureV4 } from "@smithy/signature-v4";

export type ZonalShiftStatus = "ACTIVE" | "EXPIRED" | "CANCELED";
/** Who started it: an operator, a weekly autoshift practice run, an autoshift, a FIS experiment (aws:arc:start-zonal-autoshift). */
export type ShiftType = "ZONAL_SHIFT" | "PRACTICE_RUN" | "ZONAL_AUTOSHIFT" | "FIS_EXPERIMENT";

export interface ZonalShiftSummary {
  zonalShiftId?: string;
  /** The load balancer's, cluster's or group's ARN. */
  resourceIdentifier?: string;
  /** Zone ID traffic is moved away from (`usw2-az1`). */
  awayFrom?: string;
  expiryTime?: Date;
  startTime?: Date;
  status?: ZonalShiftStatus;
  comment?: string;
  shiftType?: ShiftType;
  practiceRunOutcome?: string;
}
export interface AutoshiftSummary {
  awayFrom?: string;
  startTime?: Date;
  endTime?: Date;
  status?: "ACTIVE" | "COMPLETED";
}
interface Metadata {
  $metadata: { httpStatusCode?: number };
}
export interface ListZonalShiftsCommandInput {
  status?: ZonalShiftStatus;
  resourceIdentifier?: string;
  maxResults?: number;
  nextToken?: string;
}
export interface ListZonalShiftsCommandOutput extends Metadata {
  items?: ZonalShiftSummary[];
  nextToken?: string;
}
export interface ListAutoshiftsCommandInput {
  status?: "ACTIVE" | "COMPLETED";
  maxResults?: number;
  nextToken?: string;
}
export interface ListAutoshiftsCommandOutput extends Metadata {
  items?: AutoshiftSummary[];
  nextToken?: string;
}

export class ListZonalShiftsCommand {
  constructor(readonly input: ListZonalShiftsCommandInput) {}
}
export class ListAutoshiftsCommand {
  constructor(readonly input: ListAutoshiftsCommandInput) {}
}

export interface ARCZonalShiftClientConfig {
  region: string;
  /** @default the SDK's default credential chain */
  credentials?: Credentials | (() => Promise<Credentials>);
  /** Base URL. @default https://arc-zonal-shift.<region>.amazonaws.com (amazonaws.com.cn in China) */
  endpoint?: string;
}
interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** SHA-256 and HMAC-SHA-256 from node:crypto, in the shape the signer takes. */
class Sha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    const s = this.secret;
    if (s === undefined) return createHash("sha256");
    return createHmac("sha256", typeof s === "string" ? s : ArrayBuffer.isView(s) ? Buffer.from(s.buffer, s.byteOffset, s.byteLength) : Buffer.from(s));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(typeof data === "string" ? data : ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

/** RFC 3986 encoding, as SigV4 canonicalises the query. */
function escape(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function date(value: unknown): Date | undefined {
  return typeof value === "number" ? new Date(value * 1000) : typeof value === "string" ? new Date(value) : undefined;
}

/** An error as the SDK's clients throw them: `name` is the service's error code, for describeAwsError. */
function serviceError(name: string, message: string, httpStatusCode?: number): Error {
  const error = new Error(message);
  error.name = name;
  return Object.assign(error, { $metadata: { httpStatusCode } });
}

export class ARCZonalShiftClient {
  private readonly signer: SignatureV4;
  /** Base URL requests go to. */
  readonly endpoint: URL;

  constructor(readonly config: ARCZonalShiftClientConfig) {
    const suffix = config.region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
    this.endpoint = new URL(config.endpoint ?? `https://arc-zonal-shift.${config.region}.${suffix}`);
    this.signer = new SignatureV4({ service: "arc-zonal-shift", region: config.region, credentials: config.credentials ?? defaultProvider(), sha256: Sha256, uriEscapePath: true, applyChecksum: true });
  }

  send(command: ListZonalShiftsCommand): Promise<ListZonalShiftsCommandOutput>;
  send(command: ListAutoshiftsCommand): Promise<ListAutoshiftsCommandOutput>;
  async send(command: ListZonalShiftsCommand | ListAutoshiftsCommand): Promise<ListZonalShiftsCommandOutput | ListAutoshiftsCommandOutput> {
    if (command instanceof ListZonalShiftsCommand) {
      const { status, resourceIdentifier, maxResults, nextToken } = command.input;
      const out = await this.get("/zonalshifts", { status, resourceIdentifier, maxResults: maxResults?.toString(), nextToken });
      return {
        ...out,
        items: (out.body.items ?? []).map((i: Record<string, unknown>) => ({ ...i, expiryTime: date(i.expiryTime), startTime: date(i.startTime) }) as ZonalShiftSummary),
        nextToken: out.body.nextToken,
      };
    }
    const { status, maxResults, nextToken } = command.input;
    const out = await this.get("/autoshifts", { status, maxResults: maxResults?.toString(), nextToken });
    return {
      ...out,
      items: (out.body.items ?? []).map((i: Record<string, unknown>) => ({ ...i, startTime: date(i.startTime), endTime: date(i.endTime) }) as AutoshiftSummary),
      nextToken: out.body.nextToken,
    };
  }

  private async get(path: string, params: Record<string, string | undefined>): Promise<Metadata & { body: { items?: Record<string, unknown>[]; nextToken?: string } }> {
    const query = Object.fromEntries(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined));
    const { hostname, port, protocol, host } = this.endpoint;
    const basePath = this.endpoint.pathname.replace(/\/$/, "");
    const signed = await this.signer.sign({ method: "GET", protocol, hostname, ...(port ? { port: Number(port) } : {}), path: `${basePath}${path}`, query, headers: { host } });
    const search = Object.entries(query).map(([k, v]) => `${escape(k)}=${escape(v)}`).join("&");
    let response: Response;
    try {
      response = await fetch(`${protocol}//${host}${basePath}${path}${search ? `?${search}` : ""}`, { headers: signed.headers, signal: AbortSignal.timeout(30_000) });
    } catch (error) {
      const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
      throw serviceError("NetworkingError", `cannot reach ${host}: ${cause}`);
    }
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      if (response.ok) throw serviceError("SerializationError", `ARC answered ${path} with something that is not JSON: ${text.slice(0, 120)}`, response.status);
    }
    if (!response.ok) {
      // restJson1: the code is in x-amzn-errortype ("AccessDeniedException:http://..."), or the body's __type/code.
      const raw = response.headers.get("x-amzn-errortype") ?? (typeof body.__type === "string" ? body.__type : undefined) ?? (typeof body.code === "string" ? body.code : undefined) ?? `HTTP${response.status}`;
      const name = raw.split(":")[0].split("#").pop() || `HTTP${response.status}`;
      const message = typeof body.message === "string" ? body.message : typeof body.Message === "string" ? body.Message : `${response.status} ${response.statusText}`.trim();
      throw serviceError(name, message, response.status);
    }
    return { $metadata: { httpStatusCode: response.status }, body: body as { items?: Record<string, unknown>[]; nextToken?: string } };
  }
}
