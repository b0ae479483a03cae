import * as api from "replicator@v1";

api.configureSource("db", {
  dispatch: (doc: any, meta: any) => doc.kind === "skip" ? null : { [doc.kind === "a" ? "table_a" : "table_b"]: [doc] },
  deletesTo: "table_a",
});
api.configureSource("other", { target: "everything" });

api.configureTable("table_a", {
  map: (doc: any) => ({ ...doc, mapped: true, key: api.replicationKey }),
  deleteKey: (key: string[]) => key[0] === "0" ? [] : key,
  apply: async (ops: any[]) => { await api.getTX().apply(ops.filter((o) => o.action === "upsert")); },
});
