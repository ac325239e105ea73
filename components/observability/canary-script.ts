/**
 * The synthetic probe's code: plain Node.js (no Synthetics or browser library, so it runs on any
 * Node.js Synthetics runtime), one HTTPS GET per target, failing the run when any target does
 * not answer 200 in time. A regional target is the ALB's own DNS name reached with the public
 * name as TLS SNI and Host, so the certificate is checked against the name users see.
 */

/** One probe target. */
export interface ProbeTarget {
  /** Label in the logs. */
  name: string;
  /** Full URL, https://<host>/<path>. */
  url: string;
  /** Name to present as SNI and Host and to verify the certificate against (default: the URL's host). */
  servername?: string;
}

/** Where the handler lives in the code archive: Synthetics Node.js runtimes load `nodejs/node_modules/<file>`. */
export const CANARY_HANDLER_FILE = "nodejs/node_modules/probe.js";
export const CANARY_HANDLER = "probe.handler";

/**
 * The handler source. Targets come from the PROBE_TARGETS environment variable (JSON), so a
 * change of targets does not rebuild the code archive.
 */
export const CANARY_SOURCE = String.raw`"use strict";
// Synthetic probe of the platform (components/observability/canary-script.ts).
const https = require("https");
const http = require("http");

const TIMEOUT_MS = Number(process.env.PROBE_TIMEOUT_MS || 10000);

function probe(target) {
  return new Promise((resolve) => {
    const url = new URL(target.url);
    const client = url.protocol === "http:" ? http : https;
    const servername = target.servername || url.hostname;
    const started = Date.now();
    const request = client.request({
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port || undefined,
      path: url.pathname + url.search,
      method: "GET",
      servername,
      headers: { Host: servername, "User-Agent": "platform-synthetic-probe" },
      timeout: TIMEOUT_MS,
    }, (response) => {
      response.resume();
      response.on("end", () => resolve({ name: target.name, ok: response.statusCode === 200, detail: "HTTP " + response.statusCode, ms: Date.now() - started }));
    });
    request.on("timeout", () => request.destroy(new Error("no answer within " + TIMEOUT_MS + " ms")));
    request.on("error", (error) => resolve({ name: target.name, ok: false, detail: error.message, ms: Date.now() - started }));
    request.end();
  });
}

exports.handler = async function handler() {
  const targets = JSON.parse(process.env.PROBE_TARGETS || "[]");
  if (targets.length === 0) throw new Error("PROBE_TARGETS lists no target");
  const results = await Promise.all(targets.map(probe));
  for (const r of results) console.log((r.ok ? "OK   " : "FAIL ") + r.name + ": " + r.detail + " in " + r.ms + " ms");
  const failed = results.filter((r) => !r.ok);
  if (failed.length > 0) throw new Error(failed.map((r) => r.name + " (" + r.detail + ")").join(", "));
  return "all " + results.length + " targets answered 200";
};
`;

/**
 * The targets of a watch from this region: each other region's own name (its load balancer alone),
 * asked with the public name as SNI and Host.
 */
export function watchTargets(v: { publicName: string; regions: { region: string; name: string }[]; path: string }): ProbeTarget[] {
  const path = v.path.startsWith("/") ? v.path : `/${v.path}`;
  return v.regions.map((r) => ({ name: `${r.region}'s load balancer`, url: `https://${r.name}${path}`, servername: v.publicName }));
}

/** The two targets of a region: the public name (wherever DNS sends this region's users) and this region's ALB. */
export function probeTargets(v: { publicName: string; loadBalancerDnsName: string; path: string }): ProbeTarget[] {
  const path = v.path.startsWith("/") ? v.path : `/${v.path}`;
  return [
    { name: "public name", url: `https://${v.publicName}${path}` },
    { name: "this region's load balancer", url: `https://${v.loadBalancerDnsName}${path}`, servername: v.publicName },
  ];
}
