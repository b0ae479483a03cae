import * as api from "replicator@v2";
import { renamed } from "./names";

// Row shapes (type-only: stripped, never checked)
interface Employee {
  emp_id?: string;
  emp_name?: string;
  [column: string]: unknown;
}
type Row = { [column: string]: any };

const skipped: Set<string> = new Set(["audit_log", "tmp_import"]);
const piiColumns = ["ssn", "credit_card_number"];

function upsert(row: Row, meta: { table: string }): Row | Record<string, Row[]> | null {
  switch (meta.table) {
    case "debug_events":             // skip one table
      return null;
    case "orders":                   // drop soft-deleted rows
      return row.is_deleted == 1 ? null : row;
    case "inventory":                // drop a column
      delete row.qty;
      return row;
    case "employees": {              // rename columns, PK included
      const e = row as Employee;
      const out: Row = { employee_id: e.emp_id, employee_name: e.emp_name };
      for (const [k, v] of Object.entries(row)) if (k !== "emp_id" && k !== "emp_name") out[k] = v;
      return out;
    }
    case "items": {                  // route by id range
      const id = Number(row.id);
      const target = id <= 1000 ? "tbl1" : id <= 2000 ? "tbl2" : "tbl3";
      return { [target]: [row] };
    }
    case "line_items":               // computed column
      row.total = (Number(row.price) * Number(row.qty)).toFixed(2);
      return row;
    case "customers": {              // PII strip (and soft-deleted rows)
      if (row.is_deleted == 1) return null;
      const copy = { ...row };
      for (const c of piiColumns) delete copy[c];
      return copy;
    }
    case "users":                    // fan-out to two tables
      return { users_core: [{ id: row.id, name: row.name }], users_profile: [{ user_id: row.id, bio: row.bio }] };
  }
  if (skipped.has(meta.table)) return null;   // skip several
  const target = renamed[meta.table];         // rename tables
  return target ? { [target]: [row] } : row;
}

function del(row: Row, meta: { table: string }): Row | Record<string, Row[]> | null {
  if (meta.table === "debug_events" || skipped.has(meta.table)) return null;
  if (meta.table === "employees" && row.emp_id !== undefined) {
    return { employee_id: row.emp_id };
  }
  if (meta.table === "items") {
    const id = Number(row.id);
    return { [id <= 1000 ? "tbl1" : id <= 2000 ? "tbl2" : "tbl3"]: [row] };
  }
  const target = renamed[meta.table];
  return target ? { [target]: [row] } : row;
}

api.configureTargetSchema("defaultdb.public", { onRowUpsert: upsert, onRowDelete: del });
console.log("cookbook loaded", { tables: Object.keys(renamed).length });
