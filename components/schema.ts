// `multiregion-serverless/schema`: the zod schema of the bundled program's stack config, for
// tools that check stack files themselves. Not in the root export: zod's typings need
// `esModuleInterop` (and a zod the consumer can resolve), which Pulumi's TypeScript template does
// not set; `loadStackSettings({ config, project, stack })` validates without them.
import type { z } from "zod";
import { stackConfigSchema as schema } from "./stackSettings";

/** The config schema, key by key (each is `<project>:<key>` in a stack file). */
export const stackConfigSchema = schema;

/** Stack config as the schema parses it (before the environment's defaults are merged). */
export type StackConfig = z.infer<typeof stackConfigSchema>;
