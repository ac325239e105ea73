/**
 * Program entry (`main` in Pulumi.yaml). The language host runs CommonJS programs with
 * `require` and calls an exported function, but does not unwrap `export default` on that path,
 * hence `export =`.
 */
import { main } from "./main";

export = main;
