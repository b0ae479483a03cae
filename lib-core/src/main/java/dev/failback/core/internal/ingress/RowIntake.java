package dev.failback.core.internal.ingress;

import dev.failback.FailbackConfig;

import dev.failback.core.internal.telemetry.Events;

import dev.failback.core.internal.Backends;

import dev.failback.Hlc;
import dev.failback.Mutation;
import dev.failback.TableName;
import dev.failback.core.internal.Group;
import dev.failback.core.internal.apply.SchemaDrift;
import dev.failback.spi.TableInfo;
import dev.failback.spi.TargetSchema;
import dev.failback.transform.SchemaTransform;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The ingress checks of a decoded batch: each message's table resolved in the group's target
 * schema (re-read on a miss), served by this pipeline, with a primary key of the message's arity;
 * timestamps within the clock skew; unknown columns refused or dropped; values the target can store
 * (the dialect's row check, then {@link RowChecks}). The first failure is a {@link WebhookException}
 * naming the message, table and column; nothing of the batch goes further. Thread-safe.
 */
final class RowIntake {
    private final FailbackConfig config;
    private final Backends backends;
    private final Events events;
    private final TableFilter filter;

    RowIntake(FailbackConfig config, Backends backends, Events events) {
        this.config = config;
        this.backends = backends;
        this.events = events;
        this.filter = new TableFilter(config.tables());
    }

    /**
     * The mutations of a batch that are newer than the group's applied checkpoint, how many were not, and
     * how many rows a transform skipped.
     */
    record Accepted(List<Mutation> mutations, int stale, int filtered) {
    }

    /**
     * Checks every message of a batch and turns the fresh ones into mutations.
     *
     * @throws WebhookException for the first message that fails a check
     */
    Accepted accept(Group group, List<RowMessage> messages) throws SQLException {
        group.schema.get(); // re-read when older than schemaRefresh
        List<Mutation> mutations = new ArrayList<>(messages.size());
        Hlc applied = group.checkpoint().applied();
        int stale = 0;
        java.time.Duration skew = config.maxClockSkew();
        long bound = bound(skew); // once per batch: the clock is read once, not per row
        SchemaTransform transform = config.transforms().schema(group.name);
        int filtered = 0;
        for (RowMessage sent : messages) {
            List<RowMessage> routed = transform == null ? List.of(sent)
                    : SchemaRouting.route(transform, group.name, sent, tables(group));
            if (routed.isEmpty()) {
                filtered++;
            }
            for (RowMessage m : routed) {
                stale += accept(group, m, applied, bound, skew, mutations);
            }
        }
        return new Accepted(mutations, stale, filtered);
    }

    /**
     * Checks one message and adds its mutation.
     *
     * @return 1 when the message is already applied (not added), else 0
     */
    private int accept(Group group, RowMessage m, Hlc applied, long bound, java.time.Duration skew,
            List<Mutation> mutations) throws SQLException {
        TableInfo table = table(group, m);
        String ahead = m.updated().wall() <= bound ? null : ahead(m.updated(), skew);
        if (ahead != null) {
            throw WebhookException.badRequest("payload[" + m.index() + "]: table " + table.name() + ": \"updated\" "
                    + ahead + "; nothing was staged");
        }
        String after = m.after();
        List<String> unknown = SchemaDrift.unknownColumns(table, m.afterColumns());
        if (!unknown.isEmpty()) {
            // a column added to the target (and the source) while running: re-read the schema, then decide
            // (without waiting when unknown columns are ignored: then they may come in every request)
            table = table(group, m, config.ignoreUnknownColumns() ? group.schema.refreshIfDue()
                    : group.schema.refreshOnMiss());
            unknown = SchemaDrift.unknownColumns(table, m.afterColumns());
            if (!unknown.isEmpty()) {
                after = unknownColumns(group, table, m, unknown);
            }
        }
        if (after != null) {
            String problem;
            try {
                problem = backends.dialect().checkRow(table, after);
            } catch (RuntimeException e) {
                // a value the checker cannot even read (e.g. a number beyond any exponent range) is bad input
                problem = "a value cannot be read: " + e.getMessage();
            }
            if (problem != null) {
                throw WebhookException.badRequest("payload[" + m.index() + "]: table " + table.name() + ": " + problem);
            }
        }
        // after the type checks, whose messages say more about a value that is wrong in itself
        String invalid = RowChecks.check(table, m);
        if (invalid != null) {
            throw WebhookException.badRequest("payload[" + m.index() + "]: table " + table.name() + ": " + invalid
                    + "; nothing was staged");
        }
        if (!m.updated().isAfter(applied)) {
            return 1;
        }
        mutations.add(new Mutation(table.name(), m.key(), m.updated(), after, m.before()));
        return 0;
    }

    /** The tables of a group's target schema, for its transform's routes. */
    private static SchemaRouting.Tables tables(Group group) {
        return new SchemaRouting.Tables() {
            @Override
            public TableInfo find(String name) throws SQLException {
                TableInfo t = lookup(group.schema.get(), name);
                return t != null ? t : lookup(group.schema.refreshOnMiss(), name);
            }

            @Override
            public TableInfo known(String name) throws SQLException {
                return lookup(group.schema.get(), name);
            }
        };
    }

    /**
     * Whether a timestamp lies further in the future of this machine's clock than {@code maxClockSkew}:
     * accepted, a far-future resolved timestamp would make every later change of its schema look
     * "already applied".
     *
     * @return the problem, naming the value and the bound, or null
     */
    static String ahead(Hlc hlc, java.time.Duration skew) {
        if (hlc.wall() <= bound(skew)) {
            return null;
        }
        long now = System.currentTimeMillis();
        long nowNanos = now * 1_000_000L;
        return hlc + " lies " + describe(hlc.wall() - nowNanos) + " ahead of this machine's clock ("
                + java.time.Instant.ofEpochMilli(now) + "), more than maxClockSkew " + skew.toString().substring(2)
                .toLowerCase(Locale.ROOT) + " (--maxClockSkew) allows; check the clocks of CockroachDB's nodes and of this machine";
    }

    /** The latest wall time (nanoseconds) a timestamp may carry now: the local clock plus the skew. */
    static long bound(java.time.Duration skew) {
        long skewNanos;
        try {
            skewNanos = skew.toNanos();
        } catch (ArithmeticException e) {
            skewNanos = Long.MAX_VALUE;
        }
        long nowNanos = System.currentTimeMillis() * 1_000_000L;
        return nowNanos > Long.MAX_VALUE - skewNanos ? Long.MAX_VALUE : nowNanos + skewNanos;
    }

    private static String describe(long nanos) {
        long seconds = nanos / 1_000_000_000L;
        if (seconds >= 86_400L * 365) {
            return (seconds / (86_400L * 365)) + " years";
        }
        if (seconds >= 86_400L) {
            return (seconds / 86_400L) + " days";
        }
        return seconds + " s";
    }

    /** Resolves a message's table in the current schema, re-reading it once when the table is not there. */
    private TableInfo table(Group group, RowMessage m) throws SQLException {
        TableInfo t = lookup(group.schema.get(), m.topic());
        return t != null ? check(group, t, m) : table(group, m, group.schema.refreshOnMiss());
    }

    /** Resolves a message's table in a schema just read. */
    private TableInfo table(Group group, RowMessage m, TargetSchema fresh) {
        String topic = m.topic();
        TableInfo t = lookup(fresh, topic);
        if (t == null) {
            throw WebhookException.notFound("payload[" + m.index() + "]: unknown table \"" + topic + "\": target schema "
                    + group.name + " has no such table (create it in the target; the changefeed's retry is then"
                    + " accepted); nothing was staged");
        }
        return check(group, t, m);
    }

    private TableInfo check(Group group, TableInfo t, RowMessage m) {
        String where = "payload[" + m.index() + "]";
        if (!filter.allows(t.name())) {
            throw WebhookException.notFound(where + ": table " + t.name() + " is not served by this pipeline"
                    + " (tables: " + filter + ")");
        }
        if (t.primaryKey().isEmpty()) {
            throw WebhookException.badRequest(where + ": table " + t.name() + " has no primary key in the target;"
                    + " Failback needs one to apply changes");
        }
        if (m.keyArity() != t.primaryKey().size()) {
            throw WebhookException.badRequest(where + ": \"key\" has " + m.keyArity() + " values but the primary key of "
                    + t.name() + " has " + t.primaryKey().size() + " columns " + t.primaryKey());
        }
        return t;
    }

    /** Resolves a topic: the table name, or a qualified name ({@code full_table_name}) whose last part is the table. */
    private static TableInfo lookup(TargetSchema schema, String topic) {
        TableInfo t = schema.table(topic);
        int dot = topic.indexOf('.');
        while (t == null && dot >= 0) {
            t = schema.table(topic.substring(dot + 1));
            dot = topic.indexOf('.', dot + 1);
        }
        return t;
    }

    /**
     * A row carries columns the table lacks even after re-reading the schema: refused (400, the
     * default) or, with {@code ignoreUnknownColumns}, dropped from the row image.
     *
     * @return the row image to stage
     */
    private String unknownColumns(Group group, TableInfo table, RowMessage m, List<String> unknown) {
        if (!config.ignoreUnknownColumns()) {
            throw WebhookException.badRequest("payload[" + m.index() + "]: table " + table.name() + " has no column"
                    + (unknown.size() > 1 ? "s " : " ") + SchemaDrift.quoted(unknown) + " (the changefeed sends a column"
                    + " the target lacks: add it to the target, or start Failback with ignoreUnknownColumns to drop"
                    + " such values); nothing was staged");
        }
        events.ignoredColumns(group.name, table.name(), unknown);
        return SchemaDrift.without(m.after(), new java.util.HashSet<>(unknown));
    }

    /** Which tables a pipeline serves. */
    static final class TableFilter {
        private final List<String> names;

        TableFilter(List<String> names) {
            this.names = names;
        }

        boolean allows(TableName table) {
            if (names.isEmpty()) {
                return true;
            }
            for (String n : names) {
                int dot = n.lastIndexOf('.');
                if (dot < 0 ? n.equalsIgnoreCase(table.name())
                        : n.substring(dot + 1).equalsIgnoreCase(table.name())
                                && n.substring(0, dot).toLowerCase(Locale.ROOT).endsWith(table.schema().toLowerCase(Locale.ROOT))) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return String.join(", ", names);
        }
    }

}
