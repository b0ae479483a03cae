package dev.failback.core.internal;

import dev.failback.Hlc;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Conditions on a timestamp stored as {@code (wall, logical)} columns, as staging, version and
 * checkpoint tables keep it, and the binding of their three parameters.
 */
public final class HlcBounds {
    /** Rows strictly after the bound. */
    public static final String AFTER = "(wall > ? OR (wall = ? AND logical > ?))";
    /** Rows at or before the bound. */
    public static final String AT_OR_BEFORE = "(wall < ? OR (wall = ? AND logical <= ?))";

    private HlcBounds() {
    }

    /**
     * Binds the three parameters of {@link #AFTER} or {@link #AT_OR_BEFORE}.
     *
     * @param ps    the statement
     * @param at    the first parameter's position
     * @param bound the timestamp
     * @return the position after the three
     * @throws SQLException when the driver refuses a parameter
     */
    public static int bind(PreparedStatement ps, int at, Hlc bound) throws SQLException {
        ps.setLong(at, bound.wall());
        ps.setLong(at + 1, bound.wall());
        ps.setLong(at + 2, bound.logical());
        return at + 3;
    }
}
