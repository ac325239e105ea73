// Entry for the Pulumi CLI (CommonJS: the language host calls an exported function).
import { main } from "./program";

export = main;
