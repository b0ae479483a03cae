// plain JavaScript, CommonJS: loads as written
const api = require("replicator@v2");
const { double } = require("./lib/util.js");
api.configureTargetSchema("DB", {
  onRowUpsert: (row) => ({ ...row, n: double(row.n), f: 0.1 + 0.2, big: 2 ** 60, i: 5, u: undefined, arr: [1, "x", null], obj: { a: true } }),
  onRowDelete: (row) => row,
});
