/**
 * A resource's properties as the engine hands them to transform callbacks and takes them back
 * (pkg/resource/deploy/source_eval.go). RegisterResource unmarshals the request's properties with
 * `UpgradeToOutputValues`, which turns every secret and every unknown, at any depth, into an
 * output value; the transform wrapper marshals them with `KeepOutputValues`, so the SDK's callback
 * deserializes each one as a `pulumi.Output` (secret, or not known) where it stands. Handed the
 * SDK's own request instead, the callback would lift a nested secret into a secret wrapper around
 * the whole top-level property (a `tags` map with one secret value arrives as one secret object)
 * and see unknowns as the Unknown sentinel.
 *
 * What a callback returns comes back as the SDK serializes it (secrets and unknowns again, not
 * output values), and is what the next callback of the chain gets, as in the engine; a callback
 * that returns nothing passes the properties on as it got them, and when none returned anything
 * the request's own properties are what the engine's `downgradeOutputValues` gives back.
 *
 * Not modelled: the dependencies the engine adds to the output values of a resource's own
 * transforms (`upgradeOutputValues`, docs/plan.md Limits). Assets, archives and resource
 * references are handed over as the SDK sent them (the engine adds hashes, names and types the
 * SDK's callback does not read).
 */
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import { structValues } from "./struct-view";

const SIG = rpc.specialSigKey;

type Props = Record<string, unknown>;

/** The engine's unmarshalling with UpgradeToOutputValues, marshalled back with KeepOutputValues. */
function upgrade(value: unknown): unknown {
  if (value === rpc.unknownValue) return { [SIG]: rpc.specialOutputValueSig };
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map(upgrade);
  const sig = (value as Props)[SIG];
  if (sig === rpc.specialSecretSig) return { [SIG]: rpc.specialOutputValueSig, secret: true, value: upgrade((value as Props).value) };
  // Assets, archives, resource references: as sent.
  if (sig !== undefined) return value;
  const out: Props = {};
  for (const key of Object.keys(value)) out[key] = upgrade((value as Props)[key]);
  return out;
}

/**
 * The properties a transform callback is handed, when they hold a secret or an unknown (each then
 * an output value); undefined when they hold neither, and the SDK's own Struct is what the engine
 * would send.
 */
export function propertiesForTransforms(object: structproto.Struct): structproto.Struct | undefined {
  const values = structValues(object);
  if (!holdsSecretOrUnknown(values)) return undefined;
  return structproto.Struct.fromJavaScript(upgrade(values) as Record<string, structproto.JavaScriptValue>);
}

/** Does a value hold a secret or an unknown anywhere (a look before the copy upgrade makes)? */
function holdsSecretOrUnknown(value: unknown): boolean {
  if (value === rpc.unknownValue) return true;
  if (typeof value !== "object" || value === null) return false;
  if (Array.isArray(value)) return value.some(holdsSecretOrUnknown);
  const sig = (value as Props)[SIG];
  if (sig === rpc.specialSecretSig) return true;
  if (sig !== undefined) return false;
  for (const key in value) if (holdsSecretOrUnknown((value as Props)[key])) return true;
  return false;
}
