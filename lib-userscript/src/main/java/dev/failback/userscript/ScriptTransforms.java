package dev.failback.userscript;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.failback.Hlc;
import dev.failback.TableName;
import dev.failback.transform.Route;
import dev.failback.transform.RowMeta;
import dev.failback.transform.RowOp;
import dev.failback.transform.SchemaTransform;
import dev.failback.transform.TableTransform;
import dev.failback.transform.TableWriter;
import dev.failback.transform.Transforms;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyExecutable;

/** The {@link Transforms} of a loaded script: one adapter per configured schema and table. */
final class ScriptTransforms implements Transforms {
    private final ScriptRuntime rt;
    private final Transforms byName;

    private ScriptTransforms(ScriptRuntime rt, Transforms byName) {
        this.rt = rt;
        this.byName = byName;
    }

    static Transforms create(ScriptRuntime rt) {
        try {
            Transforms.Builder b = Transforms.builder();
            for (Object o : (List<?>) Json.read(rt.listSchemas())) {
                List<?> s = (List<?>) o;
                b.schema((String) s.get(1), new Schema(rt, (String) s.get(0), (String) s.get(2), (String) s.get(3),
                        (String) s.get(4)));
            }
            for (Object o : (List<?>) Json.read(rt.listTables())) {
                List<?> t = (List<?>) o;
                Table table = new Table(rt, (String) t.get(0), (String) t.get(2), (String) t.get(3),
                        (String) t.get(4), (String) t.get(5), (Boolean) t.get(6), (Boolean) t.get(7), (Boolean) t.get(8));
                // a table without onWrite keeps Failback's own write (deletes children first, no JSON round trip)
                b.table((String) t.get(1), table.hasWrite ? table.writing() : table);
            }
            return new ScriptTransforms(rt, b.build());
        } catch (RuntimeException e) {
            rt.close();
            throw e;
        }
    }

    @Override
    public SchemaTransform schema(String schema) {
        return byName.schema(schema);
    }

    @Override
    public TableTransform table(String schema, TableName table) {
        return byName.table(schema, table);
    }

    @Override
    public void close() {
        rt.close();
    }

    @Override
    public String toString() {
        return "Userscript[" + rt.mainName + ", " + byName + "]";
    }

    static void meta(JsonGenerator g, RowMeta m) throws IOException {
        g.writeStartObject();
        g.writeStringField("schema", m.schema());
        g.writeStringField("table", m.table());
        g.writeStringField("updated", m.updated().toString());
        g.writeStringField("nanos", Long.toString(m.updated().wall()));
        g.writeStringField("logical", Integer.toString(m.updated().logical()));
        if (m.before() != null) {
            g.writeFieldName("before");
            Json.value(g, m.before());
        }
        g.writeEndObject();
    }

    private static String rowAndMeta(Object row, RowMeta meta) {
        return Json.write(g -> {
            g.writeStartArray();
            Json.value(g, row);
            meta(g, meta);
            g.writeEndArray();
        });
    }

    /** configureTargetSchema / configureSource. */
    private static final class Schema implements SchemaTransform {
        private final ScriptRuntime rt;
        private final String key;
        private final String upsertWhat;
        private final String deleteWhat;

        Schema(ScriptRuntime rt, String key, String where, String upsertName, String deleteName) {
            this.rt = rt;
            this.key = key;
            this.upsertWhat = upsertName + " of " + where;
            this.deleteWhat = deleteName + " of " + where;
        }

        @Override
        public Route onRowUpsert(Map<String, Object> row, RowMeta meta) {
            return call(false, row, meta);
        }

        @Override
        public Route onRowDelete(Map<String, Object> row, RowMeta meta) {
            return call(true, row, meta);
        }

        @SuppressWarnings("unchecked")
        private Route call(boolean delete, Map<String, Object> row, RowMeta meta) {
            String json = rowAndMeta(row, meta);
            String out = rt.call(delete ? deleteWhat : upsertWhat, () -> {
                Value r = rt.schemaCall.execute(key, delete, json);
                return r.isNull() ? null : r.asString();
            });
            if (out == null) {
                return Route.skip();
            }
            Object parsed = Json.read(out.substring(1));
            if (out.charAt(0) == 'R') {
                return Route.row((Map<String, Object>) parsed);
            }
            return Route.tables((Map<String, List<Map<String, Object>>>) parsed);
        }
    }

    /** configureTargetTables / configureTable. */
    private static class Table implements TableTransform {
        private final ScriptRuntime rt;
        private final String key;
        private final String upsertWhat;
        private final String deleteWhat;
        private final String writeWhat;
        private final boolean hasUpsert;
        private final boolean hasDelete;
        private final boolean hasWrite;
        private final Map<TableName, List<String>> primaryKeys = new ConcurrentHashMap<>();

        Table(ScriptRuntime rt, String key, String where, String upsertName, String deleteName, String writeName,
                boolean hasUpsert, boolean hasDelete, boolean hasWrite) {
            this.rt = rt;
            this.key = key;
            this.upsertWhat = upsertName + " of " + where;
            this.deleteWhat = deleteName + " of " + where;
            this.writeWhat = writeName + " of " + where;
            this.hasUpsert = hasUpsert;
            this.hasDelete = hasDelete;
            this.hasWrite = hasWrite;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Map<String, Object> onRowUpsert(Map<String, Object> row, RowMeta meta) {
            if (!hasUpsert) {
                return row;
            }
            String json = rowAndMeta(row, meta);
            String out = rt.call(upsertWhat, () -> {
                Value r = rt.tableUpsert.execute(key, json);
                return r.isNull() ? null : r.asString();
            });
            return out == null ? null : (Map<String, Object>) Json.read(out);
        }

        @Override
        @SuppressWarnings("unchecked")
        public List<Object> onRowDelete(List<Object> keyValues, RowMeta meta) {
            if (!hasDelete) {
                return keyValues;
            }
            List<String> text = new ArrayList<>(keyValues.size());
            for (Object v : keyValues) {
                text.add(Json.keyText(v));
            }
            String json = rowAndMeta(text, meta);
            String out = rt.call(deleteWhat, () -> {
                Value r = rt.tableDelete.execute(key, json);
                return r.isNull() ? null : r.asString();
            });
            return out == null ? null : (List<Object>) Json.read(out);
        }

        /** The same handlers, writing through the script's {@code onWrite} / {@code apply}. */
        TableTransform writing() {
            Table handlers = this;
            return new TableTransform() {
                @Override
                public Map<String, Object> onRowUpsert(Map<String, Object> row, RowMeta meta) {
                    return handlers.onRowUpsert(row, meta);
                }

                @Override
                public List<Object> onRowDelete(List<Object> key, RowMeta meta) {
                    return handlers.onRowDelete(key, meta);
                }

                @Override
                public void onWrite(List<RowOp> ops, TableWriter writer) throws SQLException {
                    handlers.write(ops, writer);
                }
            };
        }

        void write(List<RowOp> ops, TableWriter writer) throws SQLException {
            Tx tx = new Tx(rt, writer, ops, this::primaryKey);
            String json = tx.opsJson();
            Object[] outcome = new Object[2];
            ProxyExecutable done = a -> {
                outcome[0] = a[0].asBoolean();
                outcome[1] = a[1];
                return null;
            };
            try {
                rt.call(writeWhat, () -> {
                    rt.tableWrite.execute(key, json, tx.proxy(), done);
                    if (outcome[0] == null) {
                        throw new UserscriptException(rt.mainName + ": " + writeWhat + ": its promise did not settle"
                                + " (awaiting something that never resolves?)", null);
                    }
                    if (!(Boolean) outcome[0]) {
                        throw rt.rejected(writeWhat, (Value) outcome[1], tx.failure());
                    }
                    return null;
                });
            } finally {
                tx.close();
            }
        }

        private List<String> primaryKey(TableWriter writer) {
            return primaryKeys.computeIfAbsent(writer.table(), t -> Sql.primaryKey(writer));
        }
    }

    static Hlc hlc(Object text, Hlc fallback) {
        if (text instanceof String s) {
            try {
                return Hlc.parse(s);
            } catch (IllegalArgumentException e) {
                return fallback;
            }
        }
        return fallback;
    }
}
