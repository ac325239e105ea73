/**
 * One YAML parse per text. The plan reads Pulumi.yaml and each stack file several times over, as
 * the CLI does in its own steps (the project schema's check, then the project; the stack file's
 * shape, its config, its unquoted scalars), and the `yaml` package's parser, still cold at the
 * plan's start, is a visible part of it (about 20 ms for this project's Pulumi.yaml, each time).
 * The parsed documents are only read: `toJS()` gives every caller a fresh copy of the values.
 */
import { parseDocument, type Document } from "yaml";

const parsed = new Map<string, Document.Parsed>();
/** Documents whose warnings yamlValue has logged. */
const warned = new WeakSet<Document.Parsed>();
/** A plan reads a handful of files; anything beyond is let go rather than kept for the process's life. */
const KEPT = 16;

/** `parseDocument(text)`, shared by every reader of the same text. Do not modify the document. */
export function parsedYaml(text: string): Document.Parsed {
  let document = parsed.get(text);
  if (document === undefined) {
    document = parseDocument(text);
    if (parsed.size >= KEPT) parsed.clear();
    parsed.set(text, document);
  }
  return document;
}

/**
 * What `yaml`'s `parse(text)` returns, over the shared document: its first error thrown, its
 * warnings logged as parse logs them (once per text), the values as a fresh copy.
 */
export function yamlValue(text: string): unknown {
  const document = parsedYaml(text);
  // Once per document, whoever parsed it first (the project schema's check reads Pulumi.yaml
  // through parsedYaml before the project is read with this).
  if (!warned.has(document)) {
    warned.add(document);
    for (const warning of document.warnings) process.emitWarning(warning);
  }
  if (document.errors.length > 0) throw document.errors[0];
  return document.toJS();
}
