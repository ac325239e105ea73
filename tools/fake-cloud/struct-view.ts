/**
 * A protobuf Struct's values to read without copying them. tools/fake-cloud/sdk-startup.js makes
 * `Struct.fromJavaScript` keep a plain copy of its object until the fields are asked for (no wire
 * here); `toJavaScript` then gives a fresh deep copy each time, which checks that only look
 * (file assets, secrets and unknowns before the transforms) do not need, on every registration.
 */
import type * as structproto from "google-protobuf/google/protobuf/struct_pb";

const PLAIN = Symbol.for("platform.plain-struct");

/** The Struct's values, read only: the kept plain object when there is one, else `toJavaScript()`. Never modify them. */
export function structValues(struct: structproto.Struct): Readonly<Record<string, unknown>> {
  const plain = (struct as unknown as { [PLAIN]?: Record<string, unknown> })[PLAIN];
  return plain ?? (struct.toJavaScript() as Record<string, unknown>);
}
