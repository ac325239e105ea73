/**
 * Limits and formats of the managed observability services, as plain values: the stack config's
 * validation reads them without loading the components (and the AWS SDK) that use them.
 */

/** Grafana versions Amazon Managed Grafana offers (provider docs); pinned by configuration. */
export const GRAFANA_VERSIONS = ["9.4", "10.4", "12.4"] as const;
/** IAM Identity Center user and group ids: a UUID, optionally behind a 10-character directory prefix. */
export const IDENTITY_CENTER_ID = /^([0-9a-f]{10}-)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** AMP keeps 150 days unless told otherwise; it accepts 1 to 1095. */
export const DEFAULT_PROMETHEUS_RETENTION_DAYS = 150;
export const MAX_PROMETHEUS_RETENTION_DAYS = 1095;

/** Synthetics runtime names: syn-nodejs-puppeteer-15.0, syn-nodejs-playwright-3.0 ... (Node.js runtimes only: the probe is Node.js). */
export const CANARY_RUNTIME_PATTERN = /^syn-nodejs-(puppeteer|playwright)-\d+\.\d+$/;
