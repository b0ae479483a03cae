import * as api from "replicator@v2";

// a comment, so that lines move when types are stripped
interface Unused { a: number; b: string }
type Also = Unused | null;

function check(row: any): any {
  if (row.bad) {
    throw new Error("bad row " + row.id);
  }
  return row;
}

api.configureTargetSchema("db", {
  onRowUpsert: (row: any, meta: any) => {
    if (row.loop) { while (true) { } }
    if (row.garbage === "number") return 42;
    if (row.garbage === "string") return "nope";
    if (row.garbage === "route") return { t1: [1, 2] };
    return check(row);
  },
  onRowDelete: (row: any) => row,
});
