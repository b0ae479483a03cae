import * as api from "replicator@v2";
api.configureTargetSchema("defaultdb.public", { onRowUpsert: (r) => r, onRowDelete: (r) => r });
