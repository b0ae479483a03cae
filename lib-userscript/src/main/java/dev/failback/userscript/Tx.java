package dev.failback.userscript;

import dev.failback.Hlc;
import dev.failback.TableName;
import dev.failback.spi.ColumnInfo;
import dev.failback.transform.RowMeta;
import dev.failback.transform.RowOp;
import dev.failback.transform.TableWriter;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.graalvm.polyglot.proxy.ProxyObject;

/** The host side of {@code api.write} and {@code api.getTX()} during one {@code onWrite} call. */
final class Tx {
    private final ScriptRuntime rt;
    private final TableWriter writer;
    private final List<RowOp> ops;
    private final Function<TableWriter, List<String>> primaryKey;
    private final Hlc latest;
    private Throwable failure;
    /** False once its onWrite call returned: the connection is back in the pool, whatever the script kept. */
    private volatile boolean open = true;

    Tx(ScriptRuntime rt, TableWriter writer, List<RowOp> ops, Function<TableWriter, List<String>> primaryKey) {
        this.rt = rt;
        this.writer = writer;
        this.ops = ops;
        this.primaryKey = primaryKey;
        Hlc l = Hlc.ZERO;
        for (RowOp op : ops) {
            if (op.meta().updated().compareTo(l) > 0) {
                l = op.meta().updated();
            }
        }
        this.latest = l;
    }

    /** The last host failure (a statement the target refused), the cause of a rejection that carries it. */
    Throwable failure() {
        return failure;
    }

    String opsJson() {
        List<String> pk = null;
        for (RowOp op : ops) {
            if (!op.delete() && op.key().isEmpty()) {
                pk = primaryKey.apply(writer);
                break;
            }
        }
        List<String> pkCols = pk;
        return Json.write(g -> {
            g.writeStartArray();
            for (RowOp op : ops) {
                g.writeStartObject();
                g.writeStringField("action", op.delete() ? "delete" : "upsert");
                if (!op.delete()) {
                    g.writeFieldName("data");
                    Json.value(g, op.data());
                }
                if (op.meta().before() != null) {
                    g.writeFieldName("before");
                    Json.value(g, op.meta().before());
                }
                g.writeFieldName("meta");
                ScriptTransforms.meta(g, op.meta());
                g.writeArrayFieldStart("pk");
                if (!op.key().isEmpty() || op.delete()) {
                    for (Object k : op.key()) {
                        g.writeString(Json.keyText(k));
                    }
                } else if (pkCols != null) {
                    for (String c : pkCols) {
                        g.writeString(Json.keyText(column(op.data(), c)));
                    }
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    private static Object column(Map<String, Object> data, String name) {
        Object v = data.get(name);
        if (v != null || data.containsKey(name)) {
            return v;
        }
        for (Map.Entry<String, Object> e : data.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    ProxyObject proxy() {
        return ProxyObject.fromMap(Map.of(
                "write", (ProxyExecutable) a -> host(() -> {
                    List<RowOp> parsed = fromJs(a[0].asString());
                    writer.write(parsed);
                    return "";
                }),
                "sql", (ProxyExecutable) a -> host(() -> {
                    boolean query = a[0].asBoolean();
                    return Sql.run(writer.connection(), query, a[1].asString(), (List<?>) Json.read(a[2].asString()));
                }),
                "columns", (ProxyExecutable) a -> host(() -> columnsJson()),
                "names", (ProxyExecutable) a -> host(() -> names(a[0].asBoolean()))));
    }

    private interface Work {
        String run() throws Exception;
    }

    /** Ends the transaction's use by the script: a later call through a kept {@code api.getTX()} fails. */
    void close() {
        open = false;
    }

    private Object host(Work work) {
        if (!open) {
            return "!api.getTX() and api.write() work only inside the onWrite call that got them";
        }
        try {
            return rt.hostWork(work::run);
        } catch (SQLException e) {
            failure = e;
            String state = e.getSQLState();
            return "!" + e.getMessage() + (state != null && !String.valueOf(e.getMessage()).contains("SQLSTATE " + state)
                    ? " (SQLSTATE " + state + ")" : "");
        } catch (Exception e) {
            failure = e;
            return "!" + (e.getMessage() != null ? e.getMessage() : e.toString());
        }
    }

    private String names(boolean table) throws SQLException {
        String q = writer.connection().getMetaData().getIdentifierQuoteString();
        q = q == null || q.isBlank() ? "\"" : q.trim();
        TableName t = writer.table();
        String schema = t.schema().isEmpty() ? "" : Sql.quote(t.schema(), q);
        if (!table) {
            return schema;
        }
        return (schema.isEmpty() ? "" : schema + ".") + Sql.quote(t.name(), q);
    }

    private String columnsJson() {
        List<String> pk = primaryKey.apply(writer);
        Set<String> keys = new HashSet<>(pk);
        List<ColumnInfo> cols = writer.columns();
        return Json.write(g -> {
            g.writeStartArray();
            for (ColumnInfo c : cols) {
                g.writeStartObject();
                g.writeStringField("name", c.name());
                g.writeStringField("type", c.sqlType());
                g.writeBooleanField("primary", keys.contains(c.name()));
                g.writeBooleanField("ignored", false);
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    @SuppressWarnings("unchecked")
    private List<RowOp> fromJs(String json) {
        List<?> list = (List<?>) Json.read(json);
        List<RowOp> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            Object o = list.get(i);
            if (!(o instanceof Map)) {
                throw new IllegalArgumentException("api.write: op " + i + " is not an object");
            }
            Map<String, Object> op = (Map<String, Object>) o;
            Object action = op.get("action");
            String a = action instanceof String s ? s.toLowerCase(Locale.ROOT) : "";
            Map<String, Object> meta = op.get("meta") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
            Map<String, Object> before = op.get("before") instanceof Map<?, ?> b ? (Map<String, Object>) b : null;
            String schema = meta.get("schema") instanceof String s ? s : writer.table().schema();
            String table = meta.get("table") instanceof String s ? s : writer.table().name();
            RowMeta rm = new RowMeta(schema, table, ScriptTransforms.hlc(meta.get("updated"), latest), before);
            switch (a) {
                case "upsert" -> {
                    if (!(op.get("data") instanceof Map<?, ?> data)) {
                        throw new IllegalArgumentException("api.write: op " + i + " is an upsert without a data object");
                    }
                    out.add(RowOp.upsert((Map<String, Object>) data, rm));
                }
                case "delete" -> {
                    if (!(op.get("pk") instanceof List<?> pk) || pk.isEmpty()) {
                        throw new IllegalArgumentException("api.write: op " + i + " is a delete without a pk array");
                    }
                    out.add(RowOp.delete(new ArrayList<>(pk), rm));
                }
                default -> throw new IllegalArgumentException("api.write: op " + i + " has action " + action
                        + "; expected \"upsert\" or \"delete\"");
            }
        }
        return out;
    }

}
