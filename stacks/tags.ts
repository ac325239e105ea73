/** Tags every taggable resource of the running stack, once, through a stack transform. */
import * as pulumi from "@pulumi/pulumi";
import { tagTransform } from "../components/lib/tags";
import type { Environment } from "./config";

export function registerPlatformTags(environment: Environment, stackRegion: string): void {
  pulumi.runtime.registerResourceTransform(tagTransform({
    environment: environment.name,
    owner: environment.owner,
    costCenter: environment.costCenter,
    defaultRegion: stackRegion,
  }));
}
