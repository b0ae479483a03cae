import * as api from "replicator@v2";
import upper, { shout } from "./lib";

api.configureTargetSchema("db", {
  onRowUpsert: (row: any) => ({ ...row, v: upper(row.v), w: shout(row.v) }),
  onRowDelete: (row: any) => row,
});
