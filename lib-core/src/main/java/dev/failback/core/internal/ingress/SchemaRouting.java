package dev.failback.core.internal.ingress;

import dev.failback.core.internal.RowJson;
import dev.failback.spi.TableInfo;
import dev.failback.transform.Route;
import dev.failback.transform.RowMeta;
import dev.failback.transform.SchemaTransform;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A target schema's {@link SchemaTransform} applied to the messages of a request, before any other check:
 * each message becomes the messages to stage instead (none when skipped, several when fanned out), each
 * naming its target table, with its key read from that table's primary-key columns. A transform that
 * throws, returns nothing usable, or routes to a table the target lacks refuses the request (4xx) naming
 * the message, table, key and timestamp; nothing of it is staged. Stateless.
 */
final class SchemaRouting {

    /** The tables of the group's target schema. */
    interface Tables {
        /**
         * Finds a table, reading the schema again once when it is not there (a table created a moment ago).
         *
         * @param name a table name as a transform gives it
         * @return the table, or null when the target has none of that name
         */
        TableInfo find(String name) throws SQLException;

        /**
         * Finds a table in the schema as last read, never reading it again: for the source table of a
         * delete, which the target often lacks on purpose (a table a transform skips).
         *
         * @param name a table name
         * @return the table, or null
         */
        TableInfo known(String name) throws SQLException;
    }

    private SchemaRouting() {
    }

    /**
     * Routes one message.
     *
     * @param transform the schema's transform
     * @param schema    the schema's name as MOLT names it (the group)
     * @param m         the message as sent
     * @param tables    the target's tables
     * @return the messages to check and stage, each with its target table as topic; empty when skipped
     * @throws WebhookException when the transform fails or routes somewhere it cannot
     */
    static List<RowMessage> route(SchemaTransform transform, String schema, RowMessage m, Tables tables)
            throws SQLException {
        String source = m.topic().substring(m.topic().lastIndexOf('.') + 1);
        String where = "payload[" + m.index() + "]: table " + source + " key " + m.key() + " at " + m.updated();
        Route route;
        try {
            RowMeta meta = new RowMeta(schema, source, m.updated(), RowJson.object(m.before()));
            route = m.isDelete() ? transform.onRowDelete(deleteRow(m, tables.known(source)), meta)
                    : transform.onRowUpsert(RowJson.object(m.after()), meta);
        } catch (WebhookException | SQLException | dev.failback.ClassifiedException e) {
            throw e; // the request's own trouble (a schema refused, staging down), not the transform's
        } catch (Exception e) {
            throw WebhookException.badRequest(where + ": the transform failed: " + message(e) + "; nothing was staged");
        }
        if (route == null) {
            throw WebhookException.badRequest(where + ": the transform returned no route (return Route.skip() to skip"
                    + " a row); nothing was staged");
        }
        if (route.isSkip()) {
            return List.of();
        }
        Map<String, List<Map<String, Object>>> targets = route.row() != null
                ? Map.of(source, List.of(route.row())) : route.tables();
        List<RowMessage> out = new ArrayList<>();
        for (Map.Entry<String, List<Map<String, Object>>> e : targets.entrySet()) {
            TableInfo table = tables.find(e.getKey());
            if (table == null) {
                throw WebhookException.notFound(where + ": the transform sent it to table \"" + e.getKey()
                        + "\", which target schema " + schema + " does not have (create it, or skip such rows in the"
                        + " transform); nothing was staged");
            }
            for (Map<String, Object> row : e.getValue()) {
                String key;
                try {
                    key = RowJson.writeKey(key(row, table, m.isDelete()), table);
                } catch (IllegalArgumentException ex) {
                    throw WebhookException.badRequest(where + ": the transform's row for " + table.name() + ": "
                            + ex.getMessage() + "; nothing was staged");
                }
                String after = m.isDelete() ? null : RowJson.write(row, table);
                out.add(new RowMessage(m.index(), table.name().name(), key, table.primaryKey().size(), m.updated(),
                        after, m.isDelete() ? List.of() : new ArrayList<>(row.keySet()), m.before()));
            }
        }
        return out;
    }

    /**
     * The key of a routed row: its target table's key columns; for a delete that carries only the key
     * array ({@link SchemaTransform#REPLICATION_KEY}, as sent for a source table the target lacks), that
     * array by position when it has as many values as the table's key.
     */
    @SuppressWarnings("unchecked")
    private static List<Object> key(Map<String, Object> row, TableInfo table, boolean delete) {
        if (delete && row.get(SchemaTransform.REPLICATION_KEY) instanceof List<?> values
                && values.size() == table.primaryKey().size()) {
            boolean named = true;
            for (String column : table.primaryKey()) {
                named &= row.containsKey(column);
            }
            if (!named) {
                return (List<Object>) values;
            }
        }
        return RowJson.key(row, table);
    }

    /**
     * The row a delete's transform gets: the key under the primary-key column names of the target table
     * named like the source table, over the previous image's columns when sent; the key array under
     * {@link SchemaTransform#REPLICATION_KEY} when no such table matches the key.
     */
    private static Map<String, Object> deleteRow(RowMessage m, TableInfo sameName) {
        Map<String, Object> before = RowJson.object(m.before());
        Map<String, Object> row = before != null ? before : new LinkedHashMap<>();
        List<Object> key = RowJson.array(m.key());
        if (sameName != null && sameName.primaryKey().size() == key.size()) {
            for (int i = 0; i < key.size(); i++) {
                row.put(sameName.primaryKey().get(i), key.get(i));
            }
        } else {
            row.put(SchemaTransform.REPLICATION_KEY, key);
        }
        return row;
    }

    private static String message(Exception e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
