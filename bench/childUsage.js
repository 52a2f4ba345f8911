// Runs a Node.js script (argv[2], with the rest as its arguments) in this process and, when the
// process exits, writes its peak memory to the file named by USAGE_FILE, so that the benchmark
// measures a child it did not write (the CDK peer's dist/app.js, the preview CLI) the same way.
"use strict";
const fs = require("fs");
const path = require("path");

const script = path.resolve(process.argv[2]);
process.argv = [process.argv[0], script, ...process.argv.slice(3)];
process.on("exit", () => {
  // Linux and macOS report ru_maxrss in kilobytes.
  fs.writeFileSync(
    process.env.USAGE_FILE,
    JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS }),
  );
});
require(script);
