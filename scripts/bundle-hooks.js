// The build's step after `tsc` (`npm run build`, run by prepack): bundles the ready-made hook
// handlers with esbuild into dist/hooks/bundles/<entry>/ (index.js, index.js.map), so the
// published package ships them prebuilt and its users need no esbuild unless they bundle a
// source of their own. The handlers' TypeScript sources are bundled, as a run from this
// repository's sources bundles them (hooks/package.ts), so both give the same bytes.
"use strict";
const path = require("node:path");
const { writeHookBundles } = require("../dist/hooks/package.js");

const root = path.resolve(__dirname, "..");
writeHookBundles(path.join(root, "dist", "hooks", "bundles"), path.join(root, "hooks", "handlers"));
