package dev.failback.examples.cli.changefeed;

import java.util.Objects;

/**
 * One CockroachDB cluster setting to apply before creating the changefeed, with why and at what cost.
 * Immutable.
 *
 * @param name        the setting, for example {@code kv.rangefeed.enabled}
 * @param value       the SQL value as written after {@code =}, for example {@code true} or {@code '250ms'}
 * @param required    whether changefeeds fail without it (only {@code kv.rangefeed.enabled})
 * @param explanation what it does and its trade-off, one sentence or two
 */
public record ClusterSetting(String name, String value, boolean required, String explanation) {

    /** Checks that nothing is null. */
    public ClusterSetting {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(explanation, "explanation");
    }

    /**
     * Returns the statement that applies the setting.
     *
     * @return {@code SET CLUSTER SETTING name = value}, without a semicolon
     */
    public String sql() {
        return "SET CLUSTER SETTING " + name + " = " + value;
    }
}
