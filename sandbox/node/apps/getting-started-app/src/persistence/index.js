// MySQL when MYSQL_HOST is set, SQLite otherwise.
module.exports = process.env.MYSQL_HOST ? require("./mysql") : require("./sqlite");
