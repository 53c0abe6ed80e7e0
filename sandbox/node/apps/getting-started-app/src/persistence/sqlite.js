// Items in one SQLite file, /etc/todos/todo.db unless SQLITE_DB_LOCATION says
// otherwise: mount a volume on /etc/todos to keep them.
const fs = require("fs");
const path = require("path");
const sqlite3 = require("sqlite3");

const file = process.env.SQLITE_DB_LOCATION || "/etc/todos/todo.db";
let db;

const call = (method, sql, params = []) =>
  new Promise((resolve, reject) => db[method](sql, params, (err, rows) => (err ? reject(err) : resolve(rows))));
const toItem = (row) => row && { id: row.id, name: row.name, completed: row.completed === 1 };

module.exports = {
  async init() {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    db = await new Promise((resolve, reject) => {
      const opened = new sqlite3.Database(file, (err) => (err ? reject(err) : resolve(opened)));
    });
    await call("run", "CREATE TABLE IF NOT EXISTS todo_items (id varchar(36), name varchar(255), completed boolean)");
    console.log(`Using sqlite database at ${file}`);
  },
  close: () => (db ? new Promise((resolve) => db.close(() => resolve())) : Promise.resolve()),
  all: async () => (await call("all", "SELECT * FROM todo_items")).map(toItem),
  get: async (id) => toItem((await call("all", "SELECT * FROM todo_items WHERE id = ?", [id]))[0]),
  add: (item) => call("run", "INSERT INTO todo_items (id, name, completed) VALUES (?, ?, ?)", [item.id, item.name, item.completed ? 1 : 0]),
  update: (item) => call("run", "UPDATE todo_items SET name = ?, completed = ? WHERE id = ?", [item.name, item.completed ? 1 : 0, item.id]),
  remove: (id) => call("run", "DELETE FROM todo_items WHERE id = ?", [id]),
};
