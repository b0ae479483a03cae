// Routes the source table kv by key range to kv_low or kv_high and fans every row out to kv_all.
// UserscriptCrashIT replaces __SCHEMA__ with the test's target schema.
import * as api from "replicator@v2";

function table(id: string): string {
  return Number(id) <= 40 ? "kv_low" : "kv_high";
}

api.configureTargetSchema("__SCHEMA__", {
  onRowUpsert: (row: any) => ({ [table(row.id)]: [row], kv_all: [{ ...row }] }),
  onRowDelete: (row: any) => {
    const id: string = row.__REPLICATION_KEY__[0];
    return { [table(id)]: [{ id }], kv_all: [{ id }] };
  },
});
