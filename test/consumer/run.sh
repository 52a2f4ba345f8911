#!/usr/bin/env bash
# The consumer test: what a platform team gets from `npm install multiregion-serverless`.
# Packs this repository (`npm pack`, which builds dist/ through `prepack`), installs the tarball
# into a fresh project (test/consumer/project) beside the newest @pulumi/pulumi and @pulumi/aws
# that the package's peer ranges allow on this Node.js, then, with Pulumi's template tsconfig:
# type-checks the program and its test (no skipLibCheck), runs the test under the mocks, runs
# the shipped CLI (`npx multiregion-serverless preview`), the shipped policy pack, and the
# package as Pulumi's plugin runner serves it to other languages (plugin.js). Any
# packaging regression fails it. Needs the npm registry; about 2-3 minutes a run with a warm npm
# cache (the npm install is most of it; CONSUMER_GIT=1 adds about 1.5 minutes, see README "Install").
#
#   npm run test:consumer              # as CI runs it (.ci/run)
#   CONSUMER_GIT=1 npm run test:consumer   # also install from git+file:// (runs `prepare`)
#   CONSUMER_KEEP=1 npm run test:consumer  # keep the temporary folder to look at
#   CONSUMER_PEERS=lowest npm run test:consumer  # the lowest @pulumi/* the peer ranges allow
#   CONSUMER_NODE=22 npm run test:consumer   # on Node.js 22, from the npm package node-<os>-<cpu>@22
#   CONSUMER_POLICY_PACK=0 npm run test:consumer  # skip the policy pack copy (its own install)
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/mrs-consumer.XXXXXX")"
# The preview's transpile cache in this run's folder: a run never reads an earlier run's cache.
export MULTIREGION_SERVERLESS_TS_CACHE="$work/ts-cache"
if [[ "${CONSUMER_KEEP:-}" != 1 ]]; then
  trap 'rm -rf "$work"' EXIT
fi
started=$SECONDS
step() { printf '\n== consumer test (%ss): %s\n' "$((SECONDS - started))" "$*"; }
fail() {
  printf 'consumer test FAILED: %s\n' "$*" >&2
  exit 1
}
npm_quiet() { npm --no-audit --no-fund --loglevel=error "$@"; }
# The version to install for a peer: its range (npm takes the newest release in it whose engines
# allow this Node.js), or with CONSUMER_PEERS=lowest the range's lower bound.
peer() {
  local range
  range="$(node -p "require('$repo/package.json').peerDependencies['$1']")"
  if [[ "${CONSUMER_PEERS:-}" == lowest ]]; then
    range="$(sed -E 's/^[^0-9]*([0-9][^ ]*).*$/\1/' <<<"$range")"
  fi
  printf '%s' "$range"
}

if [[ -n "${CONSUMER_NODE:-}" ]]; then
  # The npm package `node` installs its binary from node-<platform>-<arch> (same version) in an
  # install script; take that package directly. Everything below, npm included, runs on it.
  node_package="node-$(node -p 'process.platform + "-" + process.arch')@$CONSUMER_NODE"
  step "fetch Node.js $CONSUMER_NODE (npm package $node_package)"
  npm_quiet install --prefix "$work/node" --ignore-scripts "$node_package" >/dev/null
  node_bin="$(find "$work/node/node_modules" -path '*/node-*/bin/node' -type f | head -n 1)"
  [[ -x "$node_bin" ]] || fail "no Node.js binary in the npm package $node_package"
  PATH="$(dirname "$node_bin"):$PATH"
  export PATH
  [[ "$(node --version)" == "v$CONSUMER_NODE".* ]] || fail "node is $(node --version), not $CONSUMER_NODE"
fi
step "node $(node --version), npm $(npm --version), in $work"

step "npm pack (prepack builds dist/)"
tarball="$work/$(cd "$repo" && npm pack --silent --pack-destination "$work" | tail -n 1)"
[[ -f "$tarball" ]] || fail "npm pack made no tarball"
contents="$(tar -tzf "$tarball")"
for file in package/LICENSE package/README.md package/bin/multiregion-serverless.js \
  package/dist/components/index.js package/dist/components/index.d.ts \
  package/dist/provider/plugin.js package/schema.json \
  package/dist/testing/index.js package/dist/policy/rules/index.js package/dist/preview/cli.js \
  package/preview/register.js package/docs/preview.md package/policy/README.md \
  package/policy/index.ts package/policy/package-lock.json package/policy/PulumiPolicy.yaml \
  package/dist/hooks/bundles/preTraffic/index.js package/dist/hooks/bundles/postTraffic/index.js; do
  grep -qx "$file" <<<"$contents" || fail "the tarball lacks $file"
done
# The hook bundles' maps (dist/hooks/bundles/*/index.js.map) embed their sources (sourcesContent)
# and ship in the hooks' Lambda archives; no other map may ship.
if grep -v '^package/dist/hooks/bundles/[A-Za-z]*/index\.js\.map$' <<<"$contents" | grep -q '\.map$'; then
  fail "the tarball ships source maps whose sources it does not ship"
fi
if grep -qE '^package/(test|bench|integration|stacks)/' <<<"$contents"; then
  fail "the tarball ships the repository's tests, benchmarks or stacks"
fi

step "install the tarball with @pulumi/pulumi@$(peer @pulumi/pulumi) and @pulumi/aws@$(peer @pulumi/aws)"
app="$work/app"
cp -R "$repo/test/consumer/project" "$app"
cat >"$app/package.json" <<JSON
{ "name": "payments", "private": true, "main": "index.ts" }
JSON
(cd "$app" && npm_quiet install "$tarball" "@pulumi/pulumi@$(peer @pulumi/pulumi)" \
  "@pulumi/aws@$(peer @pulumi/aws)" "typescript@~5.9.3" "@types/node@^20.19.0")
sdk_copies="$(cd "$app" && find node_modules -path '*/@pulumi/pulumi/package.json' | wc -l)"
[[ "$sdk_copies" -eq 1 ]] || fail "$sdk_copies copies of @pulumi/pulumi in the consumer (one expected)"
aws_copies="$(cd "$app" && find node_modules -path '*/@pulumi/aws/package.json' | wc -l)"
[[ "$aws_copies" -eq 1 ]] || fail "$aws_copies copies of @pulumi/aws in the consumer (one expected)"
# @pulumi/awsx is an optional peer: a consumer that creates no VPC never installs it.
[[ ! -e "$app/node_modules/@pulumi/awsx" ]] || fail "@pulumi/awsx was installed; it must stay optional"
# esbuild is an optional peer too: only a function that bundles its `source` needs it.
[[ ! -e "$app/node_modules/esbuild" ]] || fail "esbuild was installed; it must stay optional"
(cd "$app" && node -e 'for (const p of ["@pulumi/pulumi", "@pulumi/aws", "typescript"])
  console.log(`  ${p} ${require(`${p}/package.json`).version}`)')
if grep -q skipLibCheck "$app/tsconfig.json"; then fail "the consumer tsconfig must not skip lib checks"; fi

step "every package the installed JavaScript requires resolves (some only at \`pulumi up\`)"
(cd "$app" && node "$repo/test/consumer/requires.js" node_modules/multiregion-serverless) ||
  fail "the package requires a package that is not installed with it (a missing dependency)"

step "the package as Pulumi's plugin runner loads it for other languages (run-plugin, gRPC)"
node "$repo/test/consumer/plugin.js" "$app/node_modules/multiregion-serverless" ||
  fail "Pulumi's plugin runner does not serve the installed package's provider"

step "the ready-made hooks' archives come prebuilt (no esbuild here) and load as Lambda would"
(cd "$app" && NODE_PATH="$app/node_modules" node -e '
const fs = require("node:fs"), os = require("node:os"), path = require("node:path");
const { hookBundleFiles } = require("multiregion-serverless/dist/hooks/package.js");
for (const entry of ["preTraffic", "postTraffic"]) {
  const files = hookBundleFiles(entry);
  if ([...files.keys()].sort().join() !== "index.js,index.js.map") throw new Error(`${entry}: ${[...files.keys()]}`);
  const task = fs.mkdtempSync(path.join(os.tmpdir(), "hook-task-"));
  for (const [name, text] of files) fs.writeFileSync(path.join(task, name), text);
  // The handler (index.handler) loads from the archive alone; @aws-sdk/* is what the Lambda
  // runtime provides, found here on NODE_PATH (the node_modules of the app).
  if (typeof require(path.join(task, "index.js")).handler !== "function") throw new Error(`${entry}: no handler`);
  fs.rmSync(task, { recursive: true });
}') || fail "the installed package's hook archives are missing or do not load"
[[ ! -e "$app/node_modules/esbuild" ]] || fail "esbuild was installed; it must stay optional"

step "the tarball's hook bundles are byte for byte what bundling the repository's sources gives"
# The published bundles (npm run build, scripts/bundle-hooks.js, from dist/) against a fresh
# from-source bundle (ts-node, hooks/package.ts): a difference means the package ships other
# bytes than a checkout deploys (another esbuild version, options, or an absolute path).
installed_sums="$(cd "$app/node_modules/multiregion-serverless/dist/hooks/bundles" &&
  sha256sum preTraffic/index.js preTraffic/index.js.map postTraffic/index.js postTraffic/index.js.map)"
source_sums="$(cd "$repo" && node -r ts-node/register/transpile-only -e '
const { createHash } = require("node:crypto");
const { bundleHookHandler } = require("./hooks/package");
for (const entry of ["preTraffic", "postTraffic"]) {
  const files = bundleHookHandler(entry);
  for (const name of ["index.js", "index.js.map"]) {
    const text = files.get(name);
    console.log(`${createHash("sha256").update(text, "utf8").digest("hex")}  ${entry}/${name}`);
  }
}')"
[[ "$installed_sums" == "$source_sums" ]] ||
  fail "the tarball's hook bundles differ from a from-source bundle:
$installed_sums
--- from source:
$source_sums"
(cd "$app" && node -e '
const { handlerArchive } = require("multiregion-serverless/dist/hooks/package.js");
const { FileAsset } = require("@pulumi/pulumi").asset;
(async () => {
  for (const entry of ["preTraffic", "postTraffic"]) {
    for (const [name, asset] of Object.entries(await handlerArchive(entry).assets)) {
      const file = asset instanceof FileAsset ? await asset.path : "";
      if (!file.endsWith(`dist/hooks/bundles/${entry}/${name}`)) throw new Error(`${entry} ${name}: not a FileAsset of the prebuilt bundle (${file})`);
    }
  }
})().catch((error) => { console.error(error.message); process.exit(1); });') ||
  fail "the installed package's hook archives are not FileAssets of its prebuilt bundles"

step "tsc with Pulumi's template tsconfig (program and test)"
(cd "$app" && npx --no-install tsc -p .) || fail "the program or its test does not compile"

step "the consumer's test under the mocks (node --test)"
(cd "$app" && node --test bin/test/payments.spec.js) || fail "the consumer's test failed"

step "npx multiregion-serverless preview prod"
(cd "$app" && npx --no-install multiregion-serverless preview prod --no-color --json "$work/prod.json") ||
  fail "the preview of a clean stack did not exit 0"
node -e '
const r = require(process.argv[1]);
if (r.status !== "passed" || r.summary.create < 20 || r.project !== "payments") {
  console.error(JSON.stringify({ status: r.status, create: r.summary.create, project: r.project }));
  process.exit(1);
}' "$work/prod.json" || fail "the preview's JSON report is not the clean prod stack"
step "npx multiregion-serverless preview prod with a mandatory violation (exit 1 expected)"
set +e
(cd "$app" && npx --no-install multiregion-serverless preview prod --quiet --no-color \
  --config payments:deploymentType=AllAtOnce --junit "$work/junit.xml" --sarif "$work/out.sarif") \
  >"$work/violation.log" 2>&1
code=$?
set -e
# Its "Preview failed" output is expected: shown only when the check fails.
[[ "$code" -eq 1 ]] || { cat "$work/violation.log"; fail "a mandatory violation exited $code (1 expected)"; }
grep -q prod-deployments-shift-traffic-gradually "$work/out.sarif" || fail "the SARIF report lacks the violation"
grep -q "<testsuites" "$work/junit.xml" || fail "no JUnit report"
set +e
(cd "$app" && npx --no-install multiregion-serverless preview nosuchstack >/dev/null 2>&1)
code=$?
set -e
[[ "$code" -eq 64 ]] || fail "an unknown stack exited $code (64 expected)"
echo "  exit 1 with the violation in SARIF and JUnit; an unknown stack exits 64"

if [[ "${CONSUMER_POLICY_PACK:-1}" != 0 ]]; then
  step "the shipped policy pack: npm ci in a copy, tsc, its rules over the program"
  pack="$work/policy-pack"
  cp -R "$app/node_modules/multiregion-serverless/policy" "$pack"
  (cd "$pack" && npm_quiet ci --prefer-offline && npx --no-install tsc -p . --noEmit false --outDir out) ||
    fail "the shipped policy pack does not install or compile on its own"
  (cd "$app" && node "$repo/test/consumer/policyPack.js" "$pack/out/rules" "$app/bin/index") ||
    fail "the shipped policy pack's rules did not judge the program as expected"
fi

if [[ "${CONSUMER_GIT:-}" == 1 ]]; then
  step "install from git+file:// (prepare builds dist/)"
  git_started=$SECONDS
  git_app="$work/git-app"
  mkdir "$git_app"
  echo '{ "name": "git-consumer", "private": true }' >"$git_app/package.json"
  (cd "$git_app" && npm_quiet install "git+file://$repo#$(git -C "$repo" rev-parse HEAD)" \
    "@pulumi/pulumi@$(peer @pulumi/pulumi)" "@pulumi/aws@$(peer @pulumi/aws)")
  echo "  installed from git in $((SECONDS - git_started)) s"
  [[ -f "$git_app/node_modules/multiregion-serverless/dist/components/index.js" ]] ||
    fail "the git install has no dist/: prepare did not build it"
  (cd "$git_app" && node -e '
    const m = require("multiregion-serverless");
    if (typeof m.MultiRegionService !== "function") process.exit(1);
    require("multiregion-serverless/testing"); require("multiregion-serverless/policy");') ||
    fail "the package installed from git does not load"
  (cd "$git_app" && node "$repo/test/consumer/requires.js" node_modules/multiregion-serverless) ||
    fail "the package installed from git requires a package that is not installed with it"
  node "$repo/test/consumer/plugin.js" "$git_app/node_modules/multiregion-serverless" ||
    fail "Pulumi's plugin runner does not serve the package installed from git"
fi

step "passed (node $(node --version)$([[ "${CONSUMER_PEERS:-}" == lowest ]] && echo ", lowest peers")$([[ "${CONSUMER_GIT:-}" == 1 ]] && echo ", git install"))"
