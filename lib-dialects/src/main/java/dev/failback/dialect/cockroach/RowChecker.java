package dev.failback.dialect.cockroach;

import dev.failback.dialect.postgres.PostgresDialect;
import dev.failback.spi.TableInfo;

/** Checks rows as PostgreSQL does: CockroachDB's input functions read the same texts. */
final class RowChecker {
    private static final PostgresDialect POSTGRES = new PostgresDialect();

    private RowChecker() {
    }

    /**
     * Checks a row before it is staged; see {@link dev.failback.spi.Dialect#checkRow}.
     *
     * @param table the table
     * @param after the row's JSON
     * @return why the row cannot be written, or null
     */
    static String check(TableInfo table, String after) {
        return POSTGRES.checkRow(table, after);
    }
}
