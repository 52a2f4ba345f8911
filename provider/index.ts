// The plugin entry point `PulumiPlugin.yaml` names: `pulumi package add` runs it to read the
// schema (inferred from the components' TypeScript types) and to construct the components for
// programs in other languages. Pulumi's nodejs plugin runner requires this file; hosting
// explicitly (rather than exporting the classes) pins the package name and the schema root.
import { componentProviderHost } from "@pulumi/pulumi/provider/experimental";
import { COMPONENTS, PACKAGE_NAME, packageVersion, SCHEMA_ROOT } from "./components";

void componentProviderHost({
  name: PACKAGE_NAME,
  version: packageVersion(),
  dirname: SCHEMA_ROOT,
  components: COMPONENTS,
} as Parameters<typeof componentProviderHost>[0]);
