// Items in MySQL: MYSQL_HOST, MYSQL_USER, MYSQL_PASSWORD and MYSQL_DB, each
// also as NAME_FILE (a file holding the value, as Docker secrets are).
// Waits for the server's port first: a database container starts slowly.
const fs = require("fs");
const mysql = require("mysql2/promise");
const waitPort = require("wait-port");

const setting = (name) =>
  process.env[`${name}_FILE`] ? fs.readFileSync(process.env[`${name}_FILE`], "utf8").trim() : process.env[name];
let pool;

const toItem = (row) => row && { id: row.id, name: row.name, completed: row.completed === 1 };

module.exports = {
  async init() {
    const host = setting("MYSQL_HOST");
    const { open } = await waitPort({ host, port: 3306, timeout: 60_000, waitForDns: true, output: "silent" });
    if (!open) throw new Error(`nothing answers on ${host}:3306`);
    pool = mysql.createPool({
      connectionLimit: 5,
      host,
      user: setting("MYSQL_USER"),
      password: setting("MYSQL_PASSWORD"),
      database: setting("MYSQL_DB"),
      charset: "utf8mb4",
    });
    await pool.query(
      "CREATE TABLE IF NOT EXISTS todo_items (id varchar(36), name varchar(255), completed boolean) DEFAULT CHARSET utf8mb4",
    );
    console.log(`Connected to mysql db at host ${host}`);
  },
  close: () => (pool ? pool.end() : Promise.resolve()),
  all: async () => (await pool.query("SELECT * FROM todo_items"))[0].map(toItem),
  get: async (id) => toItem((await pool.query("SELECT * FROM todo_items WHERE id = ?", [id]))[0][0]),
  add: (item) => pool.query("INSERT INTO todo_items (id, name, completed) VALUES (?, ?, ?)", [item.id, item.name, item.completed]),
  update: (item) => pool.query("UPDATE todo_items SET name = ?, completed = ? WHERE id = ?", [item.name, item.completed, item.id]),
  remove: (id) => pool.query("DELETE FROM todo_items WHERE id = ?", [id]),
};
