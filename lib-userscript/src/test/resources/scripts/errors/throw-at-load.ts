import * as api from "replicator@v2";

type T = { a: string };

throw new Error("not today");
