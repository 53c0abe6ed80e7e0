# Puts the packing-list app in /root/packlist, as if you had cloned it from a
# git repository. It runs once: an existing /root/packlist is left alone.
set -e
[ -e /root/packlist/src/server.js ] && exit 0
mkdir -p /root/packlist/src /root/packlist/test
cd /root/packlist
cat > README.md <<'APP_EOF'
# Packing list

A shared packing list for a trip: open the page, add what to bring, and
everyone sees the same list.

- `src/server.js`: the web server (port 3000)
- `src/store.js`: where the items are kept, in a file or in Redis
- `test/`: the tests, run with `npm test`

It uses only Node.js's built-in modules.
APP_EOF
cat > package.json <<'APP_EOF'
{
  "name": "packlist",
  "version": "1.0.0",
  "description": "A shared packing list for a trip",
  "private": true,
  "main": "src/server.js",
  "scripts": {
    "start": "node src/server.js",
    "test": "node --test"
  }
}
APP_EOF
cat > package-lock.json <<'APP_EOF'
{
  "name": "packlist",
  "version": "1.0.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {
      "name": "packlist",
      "version": "1.0.0"
    }
  }
}
APP_EOF
cat > src/server.js <<'APP_EOF'
// The packing list's web server: a page with the list and a form, and a
// plain-text view of the list at /items for the command line.
const http = require("node:http");
const { fileStore, redisStore } = require("./store");

const PORT = 3000;
const EMPTY = "Nothing to pack yet.";
const store = process.env.REDIS_HOST
  ? redisStore(process.env.REDIS_HOST)
  : fileStore(process.env.DATA_DIR || "/tmp/packlist");

const escape = (text) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

function page(items) {
  const list = items.length ? `<ul>${items.map((i) => `<li>${escape(i)}</li>`).join("")}</ul>` : `<p>${EMPTY}</p>`;
  return `<!doctype html><meta charset="utf-8"><title>Packing list</title>
<h1>Packing list</h1>${list}
<form method="post" action="/items"><input name="item" placeholder="Something to pack" autofocus> <button>Add</button></form>`;
}

async function handle(req, res) {
  if (req.method === "POST" && req.url === "/items") {
    let body = "";
    for await (const chunk of req) body += chunk;
    const item = (new URLSearchParams(body).get("item") || "").trim();
    if (item) await store.add(item);
    if ((req.headers.accept || "").includes("text/html")) {
      res.writeHead(303, { Location: "/" });
      return res.end();
    }
    res.writeHead(item ? 201 : 400, { "Content-Type": "text/plain" });
    return res.end(item ? `Added: ${item}\n` : "Send an item, like: item=tent\n");
  }
  const items = await store.list();
  if (req.url === "/items") {
    res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8" });
    return res.end(items.length ? items.join("\n") + "\n" : EMPTY + "\n");
  }
  res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
  res.end(page(items));
}

const server = http.createServer((req, res) =>
  handle(req, res).catch((err) => {
    console.error(err);
    res.writeHead(500, { "Content-Type": "text/plain" });
    res.end(`Something went wrong: ${err.message}\n`);
  }),
);
server.listen(PORT, () => console.log(`Packing list on port ${PORT}, items kept in ${store.where}`));
// docker stop sends SIGTERM; the main process of a container must handle it itself.
process.on("SIGTERM", () => process.exit(0));
APP_EOF
cat > src/store.js <<'APP_EOF'
// Where the items are kept: a JSON file in a folder, or a list in Redis.
const fs = require("node:fs/promises");
const net = require("node:net");
const path = require("node:path");

function fileStore(dir) {
  const file = path.join(dir, "items.json");
  return {
    where: `the file ${file}`,
    async list() {
      try {
        return JSON.parse(await fs.readFile(file, "utf8"));
      } catch (err) {
        if (err.code === "ENOENT") return [];
        throw err;
      }
    },
    async add(item) {
      const items = await this.list();
      items.push(item);
      await fs.mkdir(dir, { recursive: true });
      await fs.writeFile(file, JSON.stringify(items));
    },
  };
}

function redisStore(host) {
  return {
    where: `Redis at ${host}`,
    list: () => redis(host, "LRANGE", "items", "0", "-1"),
    add: (item) => redis(host, "RPUSH", "items", item),
  };
}

// Sends one command to Redis in its wire format (RESP) and resolves with the answer.
function redis(host, ...words) {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(6379, host);
    let data = Buffer.alloc(0);
    socket.on("error", reject);
    socket.on("data", (chunk) => {
      data = Buffer.concat([data, chunk]);
      let answer;
      try {
        answer = parse(data, 0);
      } catch (err) {
        answer = { error: err };
      }
      if (!answer) return; // not all of it has arrived yet
      socket.end();
      if (answer.error) reject(answer.error);
      else resolve(answer.value);
    });
    socket.write(`*${words.length}\r\n` + words.map((w) => `$${Buffer.byteLength(w)}\r\n${w}\r\n`).join(""));
  });
}

// Reads one answer at position i; undefined while it has not fully arrived.
function parse(buf, i) {
  const end = buf.indexOf("\r\n", i);
  if (end < 0) return undefined;
  const kind = String.fromCharCode(buf[i]);
  const head = buf.toString("utf8", i + 1, end);
  let next = end + 2;
  if (kind === "-") throw new Error(`Redis: ${head}`);
  if (kind === "+" || kind === ":") return { value: head, next };
  if (kind === "$") {
    const size = Number(head);
    if (size < 0) return { value: null, next };
    if (buf.length < next + size + 2) return undefined;
    return { value: buf.toString("utf8", next, next + size), next: next + size + 2 };
  }
  const items = []; // "*": an array of answers
  for (let k = 0; k < Number(head); k++) {
    const item = parse(buf, next);
    if (!item) return undefined;
    items.push(item.value);
    next = item.next;
  }
  return { value: items, next };
}

module.exports = { fileStore, redisStore };
APP_EOF
cat > test/store.test.js <<'APP_EOF'
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { fileStore } = require("../src/store");

test("the file store starts empty and keeps items in order", async () => {
  const store = fileStore(fs.mkdtempSync(path.join(os.tmpdir(), "packlist-")));
  assert.deepEqual(await store.list(), []);
  await store.add("tent");
  await store.add("torch");
  assert.deepEqual(await store.list(), ["tent", "torch"]);
});
APP_EOF
git init -q -b main
git add .
git -c user.name="Packing list" -c user.email="packlist@example.invalid" commit -q -m "The packing list app"
