package dev.failback.dialect.postgres;

import dev.failback.spi.ColumnInfo;
import dev.failback.spi.TableInfo;
import java.util.List;

/**
 * How an upsert statement starts and ends around its row source ({@code SELECT ...} or
 * {@code VALUES ...}). This is the seam for PostgreSQL-compatible targets whose upsert differs
 * (CockroachDB's {@code UPSERT INTO}).
 */
enum UpsertSyntax {

    /**
     * {@code INSERT INTO t (cols) OVERRIDING SYSTEM VALUE <rows> ON CONFLICT (pk) DO UPDATE SET c = EXCLUDED.c}.
     * {@code OVERRIDING SYSTEM VALUE} lets rows set {@code GENERATED ALWAYS AS IDENTITY} columns (it is
     * a no-op on other tables); such columns are left out of {@code SET}, as PostgreSQL only lets them
     * be updated to DEFAULT. Only-key rows (or rows whose other columns are all identity) use
     * {@code DO NOTHING}.
     */
    INSERT_ON_CONFLICT("INSERT INTO ", ") OVERRIDING SYSTEM VALUE ") {
        @Override
        String tail(TableInfo table, List<ColumnInfo> columns) {
            StringBuilder b = new StringBuilder(" ON CONFLICT (");
            for (int i = 0; i < table.primaryKey().size(); i++) {
                b.append(i == 0 ? "" : ", ").append(Sql.quote(table.primaryKey().get(i)));
            }
            b.append(") DO ");
            boolean first = true;
            for (ColumnInfo c : columns) {
                if (table.primaryKey().contains(c.name()) || c.typeKind().equals(PostgresDialect.KIND_IDENTITY)) {
                    continue;
                }
                b.append(first ? "UPDATE SET " : ", ").append(Sql.quote(c.name())).append(" = EXCLUDED.")
                        .append(Sql.quote(c.name()));
                first = false;
            }
            return first ? b.append("NOTHING").toString() : b.toString();
        }
    },

    /**
     * CockroachDB's {@code UPSERT INTO t (cols) <rows>}: conflicts on the primary key; an existing row
     * gets the listed columns and keeps the others, a new row gets defaults for the others. Rows are
     * expanded with single-argument {@code unnest} calls in a select list (the form MOLT Replicator runs
     * on CockroachDB) and deletes use {@code WHERE (pk) IN (SELECT ...)}, see {@link UnnestWriter}.
     */
    UPSERT_INTO("UPSERT INTO ", ") ") {
        @Override
        String tail(TableInfo table, List<ColumnInfo> columns) {
            return "";
        }
    };

    private final String verb;
    private final String afterNames;

    UpsertSyntax(String verb, String afterNames) {
        this.verb = verb;
        this.afterNames = afterNames;
    }

    /** The text before the row source: the verb, the table and its column list. */
    String head(TableInfo table, List<ColumnInfo> columns) {
        StringBuilder b = new StringBuilder(verb).append(Sql.table(table.name())).append(" (");
        appendNames(b, columns);
        return b.append(afterNames).toString();
    }

    /** The text after the row source. */
    abstract String tail(TableInfo table, List<ColumnInfo> columns);

    static void appendNames(StringBuilder b, List<ColumnInfo> columns) {
        for (int i = 0; i < columns.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(Sql.quote(columns.get(i).name()));
        }
    }
}
