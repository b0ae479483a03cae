package dev.failback.core.internal.telemetry;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The newest failures, for the status page: when, where, their kind (the {@code kind} tag of
 * {@code failback.errors}), the SQLState and the exception's type. Never the message: a database's
 * message may quote a key or a value (PostgreSQL's {@code Key (id)=(7) already exists}). A failure
 * that repeats the newest one (the same group, stage, kind, SQLState and type, as a sequencer retrying
 * with backoff makes) counts on that entry instead of pushing the older ones out. Keeps
 * {@value #KEPT}. Thread-safe.
 */
public final class RecentErrors {
    /** How many failures are kept: {@value}. */
    public static final int KEPT = 20;

    /**
     * One failure, or a run of the same failure.
     *
     * @param first    when it first happened (in this run)
     * @param last     when it last happened
     * @param count    how many times in a row
     * @param group    the target schema, or null when not known (a request's staging)
     * @param stage    where: {@code apply}, {@code request} or {@code dead-letter}
     * @param kind     the kind, as the {@code kind} tag of {@code failback.errors}
     * @param sqlState the SQLState of the first {@link SQLException} in the causes, or null
     * @param type     the simple class name of the failure, or null
     */
    public record Entry(Instant first, Instant last, long count, String group, String stage, String kind,
            String sqlState, String type) {

        boolean sameAs(Entry o) {
            return Objects.equals(group, o.group) && stage.equals(o.stage) && kind.equals(o.kind)
                    && Objects.equals(sqlState, o.sqlState) && Objects.equals(type, o.type);
        }
    }

    private final Clock clock;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>(KEPT);

    /** Failures timed by the system clock. */
    public RecentErrors() {
        this(Clock.systemUTC());
    }

    /**
     * Failures timed by a given clock.
     *
     * @param clock the clock
     */
    public RecentErrors(Clock clock) {
        this.clock = clock;
    }

    /**
     * Records a failure.
     *
     * @param group the target schema, or null when not known
     * @param stage where it happened: {@code apply}, {@code request} or {@code dead-letter}
     * @param kind  its kind (a {@code kind} tag value of {@code failback.errors})
     * @param error the failure, or null when there is no exception (a dead-lettered row)
     */
    public void add(String group, String stage, String kind, Throwable error) {
        Instant now = clock.instant();
        Entry e = new Entry(now, now, 1, group, stage, kind, sqlState(error),
                error == null ? null : error.getClass().getSimpleName());
        synchronized (this) {
            Entry newest = entries.peekLast();
            if (newest != null && newest.sameAs(e)) {
                entries.removeLast();
                entries.addLast(new Entry(newest.first(), now, newest.count() + 1, group, stage, kind, e.sqlState(),
                        e.type()));
                return;
            }
            if (entries.size() == KEPT) {
                entries.removeFirst();
            }
            entries.addLast(e);
        }
    }

    /** The kept failures, the newest first; a copy. */
    public synchronized List<Entry> recent() {
        List<Entry> newestFirst = new ArrayList<>(entries);
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    private static String sqlState(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }
}
