// A tiny web server with no dependencies.
const http = require("node:http");
const port = Number(process.env.PORT || 3000);
http
  .createServer((req, res) => {
    res.setHeader("content-type", "text/plain");
    res.end(`hello from node ${process.version}\n`);
  })
  .listen(port, () => console.log(`listening on ${port}`));
