// The todo list's web server: the page from src/static, the items API under
// /items, and the store chosen by src/persistence.
const express = require("express");
const path = require("path");
const store = require("./persistence");
const routes = require("./routes");

const PORT = 3000;
const app = express();
app.use(express.json());
app.use(express.static(path.join(__dirname, "static")));
app.use("/items", routes(store));

store
  .init()
  .then(() => app.listen(PORT, () => console.log(`Listening on port ${PORT}`)))
  .catch((err) => {
    console.error("The store could not start:", err.message);
    process.exit(1);
  });

// docker stop sends SIGTERM, Ctrl-C SIGINT, nodemon SIGUSR2 before a restart.
for (const signal of ["SIGINT", "SIGTERM", "SIGUSR2"]) {
  process.once(signal, () => {
    store
      .close()
      .catch(() => {})
      .finally(() => process.kill(process.pid, signal === "SIGUSR2" ? "SIGTERM" : signal));
  });
}
