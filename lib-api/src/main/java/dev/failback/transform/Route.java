package dev.failback.transform;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where a {@link SchemaTransform} sends a row: nowhere ({@link #skip()}), to the table of the same name
 * ({@link #row}), or to other tables, one or several rows each ({@link #to}, {@link #tables}). Every row
 * sent to a table must carry that table's primary-key columns: its key is read from them. Rows fanned
 * out from one source row keep its timestamp, so they are applied in the same transaction. Immutable.
 */
public final class Route {
    private static final Route SKIP = new Route(null, Map.of());

    private final Map<String, Object> row;
    private final Map<String, List<Map<String, Object>>> tables;

    private Route(Map<String, Object> row, Map<String, List<Map<String, Object>>> tables) {
        this.row = row;
        this.tables = tables;
    }

    /**
     * Skips the row: it is not staged (counted as filtered).
     *
     * @return the route
     */
    public static Route skip() {
        return SKIP;
    }

    /**
     * Sends a row to the target table named like the source table.
     *
     * @param row the row, its keys column names
     * @return the route
     */
    public static Route row(Map<String, Object> row) {
        return new Route(Objects.requireNonNull(row, "row"), Map.of());
    }

    /**
     * Sends one row to a table of the target schema.
     *
     * @param table the target table, as the target names it (unquoted; matched as the target folds names)
     * @param row   the row
     * @return the route
     */
    public static Route to(String table, Map<String, Object> row) {
        Objects.requireNonNull(table, "table");
        return new Route(null, Map.of(table, List.of(Objects.requireNonNull(row, "row"))));
    }

    /**
     * Sends rows to several tables (fan-out, or a reroute of one row).
     *
     * @param tables target table to its rows, in order
     * @return the route
     */
    public static Route tables(Map<String, List<Map<String, Object>>> tables) {
        Map<String, List<Map<String, Object>>> copy = new LinkedHashMap<>();
        tables.forEach((t, rows) -> copy.put(Objects.requireNonNull(t, "table"), List.copyOf(rows)));
        return copy.isEmpty() ? SKIP : new Route(null, copy);
    }

    /**
     * Returns whether the row is skipped.
     *
     * @return true when nothing is staged
     */
    public boolean isSkip() {
        return row == null && tables.isEmpty();
    }

    /**
     * Returns the row for the table named like the source table.
     *
     * @return the row, or null when the route names tables or skips
     */
    public Map<String, Object> row() {
        return row;
    }

    /**
     * Returns the rows per named table.
     *
     * @return target table to its rows; empty when the row goes to the same-named table or is skipped
     */
    public Map<String, List<Map<String, Object>>> tables() {
        return tables;
    }

    @Override
    public String toString() {
        return isSkip() ? "Route[skip]" : row != null ? "Route[" + row + "]" : "Route" + tables;
    }
}
