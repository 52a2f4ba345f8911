// Part of the consumer test (run.sh): every package the installed JavaScript requires resolves
// from the package's own folder, as Node.js resolves it at run time. Some are needed only at
// `pulumi up` (the dynamic provider requires @aws-sdk/credential-providers and the SDK clients
// inside its serialized create/update), where no compile, test or preview of the consumer
// reaches them: a dependency missing from package.json would show first in a real deployment.
// Usage: node requires.js <installed package folder>
"use strict";
const fs = require("node:fs");
const { isBuiltin } = require("node:module");
const path = require("node:path");

// Required only on a path an installed package never takes, so not a dependency:
// - @pulumi/awsx: an optional peer dependency (peerDependenciesMeta), loaded only when a service
//   creates its VPC (components/serviceNetwork.ts `loadAwsx`, which names the install command
//   when it is missing).
// - esbuild: an optional peer dependency (peerDependenciesMeta), loaded only when a function gives
//   `source` to bundle (components/bundling.ts, which names the install command when it is
//   missing); a program that gives `code` archives never loads it, and the ready-made hooks ship
//   prebuilt (dist/hooks/bundles, hooks/package.ts).
// - @npmcli/arborist: preview/measures.js resolves it from @pulumi/pulumi's own folder
//   (`require.resolve(..., { paths: [sdkDir] })`), on the SDK's behalf, to stand in for it;
//   it is the SDK's dependency, not this package's.
const OPTIONAL = new Set(["@pulumi/awsx", "esbuild", "@npmcli/arborist"]);

const packageDir = path.resolve(process.argv[2]);
const files = [path.join(packageDir, "preview", "register.js")];
const walk = (dir) => {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(file);
    else if (entry.name.endsWith(".js")) files.push(file);
  }
};
walk(path.join(packageDir, "dist"));
walk(path.join(packageDir, "bin"));

// A bare specifier: a package name (scoped or not), optionally with a subpath.
const BARE = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(\/[\w./-]*)?$/;
const missing = [];
const checked = new Set();
for (const file of files) {
  const source = fs.readFileSync(file, "utf8");
  for (const [, specifier] of source.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)) {
    if (!BARE.test(specifier) || isBuiltin(specifier)) continue;
    const name = specifier
      .split("/")
      .slice(0, specifier.startsWith("@") ? 2 : 1)
      .join("/");
    if (OPTIONAL.has(name) || checked.has(`${file}\0${specifier}`)) continue;
    checked.add(`${file}\0${specifier}`);
    try {
      require.resolve(specifier, { paths: [path.dirname(file)] });
    } catch {
      missing.push(`${specifier} (required by ${path.relative(packageDir, file)})`);
    }
  }
}
if (missing.length > 0) {
  console.error(`not installed with the package:\n  ${[...new Set(missing)].join("\n  ")}`);
  process.exit(1);
}
console.log(`  ${checked.size} requires of ${files.length} files resolve`);
