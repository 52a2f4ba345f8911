/**
 * The plugin's entry point: package.json `main`.
 *
 * How Pulumi runs a source-based Node.js plugin (pulumi/pulumi, read for @pulumi/pulumi 3.248
 * and the language host of 3.260): the engine reads PulumiPlugin.yaml for its `runtime` only
 * (`PluginProject` has no `main`; `plugin.go` passes the entry point "."), and the Node.js
 * language host's `RunPlugin` spawns `node <@pulumi/pulumi/cmd/run-plugin resolved from the
 * package root> <package root> <engine address>` in the consumer's working directory.
 * `run-plugin` then `require`s the package root, which is this file through package.json
 * `main`, and:
 * - hosts a `ComponentProvider` (components only) when the export holds component classes
 *   (`getPulumiComponents`); this export is a function, so it holds none;
 * - otherwise calls the export when it is a function and awaits it: this starts the gRPC
 *   server of `PackageProvider` (`pulumi.provider.main`), which prints its port for the
 *   engine, as Pulumi's own test plugin does (tests/integration/run_plugin/provider-nodejs).
 *
 * Programs import the library through package.json `exports` (dist/components/index.js);
 * only a path require of the package folder, as `run-plugin` does, reads `main`.
 */
import * as pulumi from "@pulumi/pulumi";
import { PackageProvider } from "./provider";

/** Serves the package's provider to the engine (`run-plugin` passes the engine's address). */
function servePlugin(): Promise<void> {
  return pulumi.provider.main(new PackageProvider(), process.argv.slice(2));
}

export = servePlugin;
