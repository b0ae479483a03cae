package dev.failback.dialect.oracle;

import dev.failback.TableName;

/** SQL text helpers. Stateless. */
final class Sql {

    private Sql() {
    }

    /** Quotes an identifier, doubling embedded quotes. */
    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** The owner-qualified, quoted table name. */
    static String table(TableName table) {
        return quote(table.schema()) + "." + quote(table.name());
    }
}
