/**
 * Keys, secrets and certificates (KMS, Secrets Manager with replicas, ACM, Private CA), the edge
 * (CloudFront, WAF web ACLs with their rules and Bot Control) and fault injection (FIS).
 */
import type { PricingContext } from "../context";
import { at, list, record, str } from "../lookup";
import type { Charge, CostResource, Pricing } from "../model";

const BOT_CONTROL = "AWSManagedRulesBotControlRuleSet";

export function kmsKey(_r: CostResource, ctx: PricingContext): Pricing {
  return {
    charges: [
      { item: "kms.key.month", what: "customer-managed key", kind: "fixed", quantity: 1 },
      { item: "kms.requests.million", what: "API requests", kind: "usage", quantity: ctx.usage("kmsRequestsMillionsPerKeyPerMonth"), assumptions: ["kmsRequestsMillionsPerKeyPerMonth"] },
    ],
  };
}

export function secret(r: CostResource, ctx: PricingContext): Pricing {
  const replicas = list(r.inputs.replicas).map((replica) => str(record(replica).region)).filter((region): region is string => region !== null);
  return {
    charges: [
      { item: "secretsmanager.secret.month", what: "secret", kind: "fixed", quantity: 1 },
      ...replicas.map((region): Charge => ({ item: "secretsmanager.secret.month", what: `replica in ${region}`, kind: "fixed", quantity: 1, pricingRegion: region })),
      { item: "secretsmanager.api.million", what: "API calls", kind: "usage", quantity: ctx.usage("secretsApiMillionsPerSecretPerMonth"), assumptions: ["secretsApiMillionsPerSecretPerMonth"] },
    ],
  };
}

export function certificate(r: CostResource): Pricing {
  if (str(r.inputs.certificateAuthorityArn)) return { unpriced: "private certificates issued by AWS Private CA are not in the price table" };
  return { free: "public ACM certificates are free" };
}

export function privateCa(r: CostResource): Pricing {
  const shortLived = str(r.inputs.usageMode) === "SHORT_LIVED_CERTIFICATE";
  return { charges: [{ item: shortLived ? "acmpca.ca.short-lived.month" : "acmpca.ca.month", what: `private CA (${shortLived ? "short-lived" : "general-purpose"} mode)`, kind: "fixed", quantity: 1 }] };
}

export function webAcl(r: CostResource, ctx: PricingContext): Pricing {
  const rules = list(r.inputs.rules).map(record);
  const requests = ctx.usage("wafRequestsMillionsPerMonth");
  const charges: Charge[] = [
    { item: "waf.web-acl.month", what: "web ACL", kind: "fixed", quantity: 1 },
    { item: "waf.rule.month", what: `${rules.length} rule(s) (a rule group reference counts as one)`, kind: "fixed", quantity: rules.length },
    { item: "waf.requests.million", what: "requests inspected", kind: "usage", quantity: requests, assumptions: ["wafRequestsMillionsPerMonth"] },
  ];
  if (rules.some((rule) => str(at(rule, "statement", "managedRuleGroupStatement", "name")) === BOT_CONTROL)) {
    charges.push({ item: "waf.bot-control.month", what: "Bot Control subscription", kind: "fixed", quantity: 1 });
    charges.push({ item: "waf.bot-control.requests.million", what: "Bot Control requests", kind: "usage", quantity: requests, assumptions: ["wafRequestsMillionsPerMonth"] });
  }
  return { charges };
}

export function distribution(_r: CostResource, ctx: PricingContext): Pricing {
  return {
    charges: [
      { item: "cloudfront.data-out.gb", what: "data out to viewers", kind: "usage", quantity: ctx.usage("cloudfrontDataOutGbPerMonth"), assumptions: ["cloudfrontDataOutGbPerMonth"] },
      { item: "cloudfront.https-requests.million", what: "HTTPS requests", kind: "usage", quantity: ctx.usage("cloudfrontRequestsMillionsPerMonth"), assumptions: ["cloudfrontRequestsMillionsPerMonth"] },
    ],
    notes: ["priced at North America and Europe rates; other edge locations cost more"],
  };
}

export function experimentTemplate(r: CostResource, ctx: PricingContext): Pricing {
  const actions = Math.max(list(r.inputs.actions).length, 1);
  return {
    charges: [{ item: "fis.action-minute", what: `${actions} action(s) of experiments run`, kind: "usage", quantity: actions * ctx.usage("fisActionMinutesPerTemplatePerMonth"), assumptions: ["fisActionMinutesPerTemplatePerMonth"] }],
  };
}
