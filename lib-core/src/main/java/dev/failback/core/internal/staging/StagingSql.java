package dev.failback.core.internal.staging;

/**
 * Quoting and naming for the staging schema. The SQL issued by the JDBC stores stays inside what both
 * PostgreSQL and CockroachDB accept: {@code CREATE ... IF NOT EXISTS}, {@code INSERT ... ON CONFLICT},
 * single-argument {@code unnest} calls side by side in a select list (zipped row by row by both, the
 * form MOLT Replicator stages with on CockroachDB), row-value comparisons.
 */
final class StagingSql {
    private StagingSql() {
    }

    /**
     * Quotes a possibly two-part schema name ({@code schema} or {@code database.schema}).
     *
     * @param schema the name
     * @return the quoted name
     */
    static String quoteSchema(String schema) {
        StringBuilder sb = new StringBuilder();
        for (String part : schema.split("\\.")) {
            if (sb.length() > 0) {
                sb.append('.');
            }
            sb.append('"').append(part.replace("\"", "\"\"")).append('"');
        }
        return sb.toString();
    }
}
