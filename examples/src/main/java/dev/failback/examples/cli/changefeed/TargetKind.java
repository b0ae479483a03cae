package dev.failback.examples.cli.changefeed;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The kind of database Failback writes to, which decides the webhook path the changefeed posts to
 * (MOLT Replicator's rules).
 *
 * <table>
 * <caption>Path per target</caption>
 * <tr><th>kind</th><th>path</th></tr>
 * <tr><td>{@link #POSTGRESQL}, {@link #COCKROACHDB}</td><td>{@code /<database>/<schema>}</td></tr>
 * <tr><td>{@link #MYSQL}, {@link #MARIADB}</td><td>{@code /<database>}</td></tr>
 * <tr><td>{@link #ORACLE}</td><td>{@code /<SCHEMA>} (the owner)</td></tr>
 * </table>
 */
public enum TargetKind {
    /** PostgreSQL: {@code /<database>/<schema>}. */
    POSTGRESQL,
    /** CockroachDB: {@code /<database>/<schema>}. */
    COCKROACHDB,
    /** MySQL: {@code /<database>}. */
    MYSQL,
    /** MariaDB: {@code /<database>}. */
    MARIADB,
    /** Oracle: {@code /<SCHEMA>}. */
    ORACLE;

    /**
     * Parses a kind by name, ignoring case; {@code postgres} and {@code crdb} are accepted too.
     *
     * @param name the name, never null
     * @return the kind, never null
     * @throws IllegalArgumentException when the name is unknown; the message lists the known ones
     */
    public static TargetKind parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        switch (n) {
            case "postgres", "pg" -> n = "postgresql";
            case "crdb", "cockroach" -> n = "cockroachdb";
            default -> {
            }
        }
        for (TargetKind k : values()) {
            if (k.name().toLowerCase(Locale.ROOT).equals(n)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown target dialect \"" + name + "\"; expected one of "
                + Arrays.stream(values()).map(k -> k.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
    }

    /** Returns the lower-case name ({@code postgresql}). */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
