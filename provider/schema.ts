// `npm run schema`: infers the package schema from the components' TypeScript types, as
// `pulumi package add` does, and writes it to schema.json (committed; a test compares them).
import * as fs from "fs";
import * as path from "path";
import { componentProvider } from "./components";

/** The schema as committed: parsed and pretty-printed with a trailing newline. */
export function formatSchema(schema: string): string {
  return `${JSON.stringify(JSON.parse(schema), null, 2)}\n`;
}

/** Where the committed schema lives. */
export const SCHEMA_FILE = path.join(__dirname, "..", "schema.json");

if (require.main === module) {
  componentProvider()
    .getSchema()
    .then((schema) => {
      fs.writeFileSync(SCHEMA_FILE, formatSchema(schema));
      console.log(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}`);
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    });
}
