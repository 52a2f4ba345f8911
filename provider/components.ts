import * as path from "path";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import {
  DeploymentAlarms,
  FeatureFlags,
  MultiRegionService,
  RegionalService,
  ServiceDashboard,
  ServiceNotifications,
  TrafficShiftedFunction,
} from "../components";

/**
 * The package name other languages see (`pulumi package add`): the type tokens are
 * `multiregion-serverless:index:<Component>`.
 */
export const PACKAGE_NAME = "multiregion-serverless";

/** Every component this package offers to other languages. A test holds it complete. */
export const COMPONENTS = [
  TrafficShiftedFunction,
  DeploymentAlarms,
  RegionalService,
  MultiRegionService,
  FeatureFlags,
  // After the deploy (issue 16).
  ServiceDashboard,
  ServiceNotifications,
];

/**
 * The schema-inference root: this folder holds the `package.json` and `tsconfig.json` that
 * Pulumi's analyzer reads. A folder of its own so that the analyzer compiles only the library
 * (components/, deployment/, hooks/), not the bundled program and the tests, and finds the
 * components from `main` (`../components/index.ts`) rather than from `dist/`, which does not
 * exist in a git checkout.
 */
export const SCHEMA_ROOT = __dirname;

/** The package version, from the package's own package.json. */
export function packageVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(path.join(__dirname, "..", "package.json")) as { version: string }).version;
}

/** The component provider that `pulumi package add` talks to, also used by the tests. */
export function componentProvider(): ComponentProvider {
  return new ComponentProvider({
    name: PACKAGE_NAME,
    version: packageVersion(),
    dirname: SCHEMA_ROOT,
    components: COMPONENTS,
  });
}
