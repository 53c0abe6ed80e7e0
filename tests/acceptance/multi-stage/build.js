// The "build" of a static site: writes dist/index.html.
const fs = require("node:fs");
fs.mkdirSync("dist", { recursive: true });
fs.writeFileSync("dist/index.html", `<h1>built by node ${process.version}, served by nginx</h1>\n`);
