// The intents of MOLT's userscript cookbook, as a MOLT user writes them (replicator@v2, TypeScript).
// TransformIT replaces __SCHEMA__ with the test's target schema before loading it.
import * as api from "replicator@v2";

type Row = { [column: string]: any };

const SKIPPED = new Set<string>(["audit_log"]);

/** A key that comes as a column or, for a table the target lacks, as the replication key. */
function id(row: Row): string {
  return row.__REPLICATION_KEY__ !== undefined ? row.__REPLICATION_KEY__[0] : row.id;
}

function route(row: Row, meta: { table: string }, isDelete: boolean): Row | Record<string, Row[]> | null {
  if (SKIPPED.has(meta.table)) {
    return null; // a table the target does not have
  }
  switch (meta.table) {
    case "notes": // soft-deleted rows are not replicated
      if (!isDelete && row.is_deleted == "1") {
        return null;
      }
      delete row.is_deleted;
      return row;
    case "products": { // routed by key range
      const key = id(row);
      delete row.__REPLICATION_KEY__;
      row.id = key;
      return { [Number(key) <= 100 ? "products_a" : "products_b"]: [row] };
    }
    case "orders": // fanned out to an audit table, in the same transaction
      return { orders: [row], order_audit: [{ ...row }] };
    case "emp": { // renamed table; renamed, dropped, masked and computed columns
      if (isDelete) {
        return { employees: [{ id: id(row) }] };
      }
      const email: string | null = row.email;
      return {
        employees: [{
          id: row.emp_id,
          name: row.emp_name,
          email: email === null ? null : "***" + email.substring(email.indexOf("@")),
          total: (Number(row.price) * Number(row.qty)).toFixed(2),
        }],
      };
    }
    case "kv": // loop prevention: rows this target wrote come back through the changefeed
      return row._source === "target" ? null : row;
    default:
      return row;
  }
}

api.configureTargetSchema("__SCHEMA__", {
  onRowUpsert: (row: Row, meta: any) => route(row, meta, false),
  onRowDelete: (row: Row, meta: any) => route(row, meta, true),
});

// soft delete: a delete becomes an update, in the apply transaction
api.configureTargetTables(["accounts"], {
  onWrite: async (ops: any[]) => {
    const tx = api.getTX();
    const upserts = [];
    for (const op of ops) {
      if (op.action === "delete") {
        await tx.exec("UPDATE " + tx.table() + " SET is_deleted = 1 WHERE id = $1", op.pk[0]);
      } else {
        upserts.push(op);
      }
    }
    await api.write(upserts);
  },
});

// at apply: a mapped column, and deletes skipped for protected keys
api.configureTargetTables(["kv"], {
  onRowUpsert: (row: Row) => {
    row.v = String(row.v).toUpperCase();
    return row;
  },
  onRowDelete: (keys: string[]) => (Number(keys[0]) < 100 ? null : keys),
});
