import * as api from "replicator@v2";

type Row = Record<string, any>;
let writes = 0;

api.configureTargetTables(["accounts"], {
  onRowUpsert: (row: Row, meta: Row) => ({ ...row, replicated_at: meta.updated, status: String(row.status).toUpperCase() }),
  onRowDelete: (key: string[], meta: Row) => (Number(key[0]) < 100 ? null : key),   // protect low ids
});

// soft delete: a delete becomes an upsert that flags the row
api.configureTargetTables(["defaultdb.public.orders"], {
  onWrite: async (ops: any[]) => {
    const tx = api.getTX();
    const out = ops.map((op) => op.action === "delete"
      ? { action: "UPSERT", data: { ...(op.before ?? {}), id: op.pk[0], is_deleted: true }, meta: op.meta, pk: op.pk }
      : op);
    await api.write(out);
    writes++;
    await tx.exec("INSERT INTO audit (tbl, n, cols) VALUES ($1, $2, $3)", tx.table(), String(out.length),
      tx.columns().map((c: any) => c.name + (c.primary ? "*" : "")).join(","));
    const rows = await tx.query("SELECT count(*) FROM audit WHERE tbl = ?", tx.table());
    for (const r of rows) console.info("audit rows", r[0], "writes", writes);
  },
});

// DLQ: per-row savepoints, failed rows to a dead-letter table
api.configureTargetTables(["strict"], {
  onWrite: async (ops: any[]) => {
    const tx = api.getTX();
    for (const op of ops) {
      await tx.exec("SAVEPOINT s");
      try {
        await api.write([op]);
      } catch (e) {
        if (!String(e).includes("SQLSTATE 23502")) throw e;
        await tx.exec("ROLLBACK TO SAVEPOINT s");
        await tx.exec("INSERT INTO dlq (stmt, err) VALUES ($1, $2)", JSON.stringify(op), String(e));
      }
    }
  },
});

export function outside() {
  return api.getTX();
}
(globalThis as any).callOutside = outside;
