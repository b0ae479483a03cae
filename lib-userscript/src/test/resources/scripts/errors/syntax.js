const api = require("replicator@v2");

api.configureTargetSchema("db", {
  onRowUpsert: (row) => { return row +* ; },
  onRowDelete: (row) => row,
});
