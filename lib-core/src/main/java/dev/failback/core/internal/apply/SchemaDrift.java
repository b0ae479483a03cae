package dev.failback.core.internal.apply;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.failback.ApplyException;
import dev.failback.Mutation;
import dev.failback.TableName;
import dev.failback.core.internal.Group;
import dev.failback.core.internal.telemetry.Events;
import dev.failback.spi.TableInfo;
import dev.failback.spi.TargetSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Differences between staged (or received) row images and the target schema as it is now: a table
 * that is gone, or columns a row carries that the table no longer has (dropped from the target after
 * the rows were staged). Looked for only after an apply failed, so it costs nothing while the schemas
 * agree. Immutable and thread-safe.
 *
 * @param missingTable a mutation for a table the schema lacks, or null
 * @param unknown      per table, the columns some row images carry that the table lacks, in first-seen order
 * @param firstCarrier per table with unknown columns, the first mutation carrying one
 */
public record SchemaDrift(Mutation missingTable, Map<TableName, Set<String>> unknown, Map<TableName, Mutation> firstCarrier) {

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE)
                    .maxNumberLength(Integer.MAX_VALUE).maxNestingDepth(Integer.MAX_VALUE).build())
            .build();

    /** Whether the window fits the schema. */
    public boolean isEmpty() {
        return missingTable == null && unknown.isEmpty();
    }

    /**
     * Compares a window with a schema.
     *
     * @param schema the target schema, freshly read
     * @param window the mutations
     * @return what does not fit; {@link #isEmpty()} when everything does
     */
    /**
     * Called after an apply failed with anything but a transient error: re-reads the target schema
     * (rate-limited) and compares the window with it, so that a table or column dropped from the
     * target since the mutations were received is reported as such instead of as the SQL error it
     * causes.
     *
     * @param group                the target schema
     * @param window               the window that failed
     * @param failure              the failure
     * @param ignoreUnknownColumns whether columns the target lacks are dropped (else refused)
     * @param events               hears of the dropped columns
     * @return null when the window fits the schema (the failure is something else); else the window
     *         without the unknown columns ({@code ignoreUnknownColumns}), to apply again
     * @throws ApplyException ({@code BAD_DATA}: not retryable, a 400) naming the table and column, when the drift is not ignored
     * @throws java.sql.SQLException when the schema cannot be read
     */
    public static List<Mutation> fit(Group group, List<Mutation> window, RuntimeException failure,
            boolean ignoreUnknownColumns, Events events) throws java.sql.SQLException {
        SchemaDrift drift = find(group.schema.refreshOnMiss(), window);
        if (drift.isEmpty()) {
            return null;
        }
        if (drift.missingTable() != null || !ignoreUnknownColumns) {
            throw new ApplyException(drift.describe(), failure, dev.failback.spi.ErrorKind.BAD_DATA);
        }
        drift.unknown().forEach((table, columns) -> events.ignoredColumns(group.name, table, columns));
        return drift.strip(window);
    }

    public static SchemaDrift find(TargetSchema schema, List<Mutation> window) {
        Map<TableName, Set<String>> unknown = new LinkedHashMap<>();
        Map<TableName, Mutation> first = new LinkedHashMap<>();
        Map<TableName, TableInfo> tables = new LinkedHashMap<>();
        for (Mutation m : window) {
            TableName key = m.table().folded();
            TableInfo table = tables.get(key);
            if (table == null) {
                table = schema.table(m.table());
                if (table == null) {
                    return new SchemaDrift(m, Map.of(), Map.of());
                }
                tables.put(key, table);
            }
            if (m.isDelete()) {
                continue;
            }
            List<String> missing = unknownColumns(table, keys(m.after()));
            if (!missing.isEmpty()) {
                unknown.computeIfAbsent(table.name(), t -> new LinkedHashSet<>()).addAll(missing);
                first.putIfAbsent(table.name(), m);
            }
        }
        return new SchemaDrift(null, unknown, first);
    }

    /**
     * Removes the unknown columns from the row images that carry them.
     *
     * @param window the mutations {@link #find} was given
     * @return the window with every row image fitting the schema, same order
     */
    public List<Mutation> strip(List<Mutation> window) {
        Map<TableName, Set<String>> byFolded = new LinkedHashMap<>();
        unknown.forEach((t, c) -> byFolded.put(t.folded(), c));
        List<Mutation> out = new ArrayList<>(window.size());
        for (Mutation m : window) {
            Set<String> drop = m.isDelete() ? null : byFolded.get(m.table().folded());
            String after = drop == null ? null : without(m.after(), drop);
            out.add(after == null || after == m.after() ? m : new Mutation(m.table(), m.key(), m.updated(), after, m.before()));
        }
        return out;
    }

    /**
     * Describes the drift for an operator: the table and column, the first staged mutation carrying
     * it, and what to do.
     *
     * @return the description, starting with {@code "schema drift: "}
     */
    public String describe() {
        if (missingTable != null) {
            return "schema drift: table " + missingTable.table() + " is not in the target any more, but mutations"
                    + " for it are waiting to be applied (first: key " + missingTable.key() + " at "
                    + missingTable.updated() + "); create the table again to let them apply";
        }
        Map.Entry<TableName, Set<String>> e = unknown.entrySet().iterator().next();
        Mutation m = firstCarrier.get(e.getKey());
        Set<String> columns = e.getValue();
        return "schema drift: table " + e.getKey() + " has no column" + (columns.size() > 1 ? "s " : " ")
                + quoted(columns) + ", but mutations waiting to be applied carry "
                + (columns.size() > 1 ? "them" : "it") + " (first: key " + m.key() + " at " + m.updated()
                + "); the column was dropped from the target after they were received. Add it back to the"
                + " target, or restart with ignoreUnknownColumns (CLI --ignoreUnknownColumns) to apply them"
                + " without it";
    }

    /** Quotes names: {@code "a", "b"}. */
    public static String quoted(Collection<String> names) {
        StringBuilder b = new StringBuilder();
        for (String n : names) {
            b.append(b.length() == 0 ? "" : ", ").append('"').append(n).append('"');
        }
        return b.toString();
    }

    /**
     * The names of a row image that name no column of the table.
     *
     * @param table the table
     * @param keys  the row image's top-level keys
     * @return the unknown ones, in order; empty when all are known
     */
    public static List<String> unknownColumns(TableInfo table, List<String> keys) {
        List<String> out = null;
        for (String k : keys) {
            if (table.column(k) == null) {
                if (out == null) {
                    out = new ArrayList<>(2);
                }
                out.add(k);
            }
        }
        return out == null ? List.of() : out;
    }

    /**
     * The top-level keys of a JSON object.
     *
     * @param json a JSON object text
     * @return its keys, in order
     * @throws IllegalArgumentException when the text is not a JSON object
     */
    static List<String> keys(String json) {
        List<String> keys = new ArrayList<>();
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                keys.add(p.currentName());
                p.nextToken();
                p.skipChildren();
            }
            return keys;
        } catch (IOException e) {
            throw new IllegalArgumentException("not a JSON object: " + e.getMessage(), e);
        }
    }

    /**
     * Removes top-level keys from a JSON object, keeping every other member exactly as written (the
     * value text is copied, never re-encoded, so numbers keep their digits).
     *
     * @param json a JSON object text
     * @param drop the keys to remove (exact names)
     * @return the object without them; {@code json} itself when it has none of them
     * @throws IllegalArgumentException when the text is not a JSON object
     */
    public static String without(String json, Set<String> drop) {
        List<int[]> kept = new ArrayList<>();
        boolean dropped = false;
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object");
            }
            JsonToken t = p.nextToken();
            while (t == JsonToken.FIELD_NAME) {
                int start = (int) p.currentTokenLocation().getCharOffset();
                boolean keep = !drop.contains(p.currentName());
                p.nextToken();
                p.skipChildren();
                t = p.nextToken();
                int end = (int) p.currentTokenLocation().getCharOffset(); // the next name or the closing brace
                if (keep) {
                    kept.add(new int[] {start, end});
                } else {
                    dropped = true;
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not a JSON object: " + e.getMessage(), e);
        }
        if (!dropped) {
            return json;
        }
        StringBuilder b = new StringBuilder(json.length()).append('{');
        for (int[] member : kept) {
            String text = json.substring(member[0], member[1]).stripTrailing();
            if (text.endsWith(",")) {
                text = text.substring(0, text.length() - 1).stripTrailing();
            }
            b.append(b.length() == 1 ? "" : ", ").append(text);
        }
        return b.append('}').toString();
    }
}
