import * as api from "replicator@v2";

api.configureTargetSchema("db", {
  onRowUpsert: (row: any) => row,
});
