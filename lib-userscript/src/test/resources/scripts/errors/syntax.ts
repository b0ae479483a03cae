import * as api from "replicator@v2";

const x: number = 1;
api.configureTargetSchema("db", {
  onRowUpsert: (row: any) => { return row +* ; },
  onRowDelete: (row: any) => row,
});
