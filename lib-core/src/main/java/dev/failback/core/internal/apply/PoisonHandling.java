package dev.failback.core.internal.apply;

import dev.failback.ApplyException;
import dev.failback.FailbackConfig;
import dev.failback.Mutation;
import dev.failback.core.internal.Group;
import dev.failback.core.internal.telemetry.Telemetry;
import dev.failback.spi.DeadLetterStore;
import dev.failback.spi.ErrorKind;
import dev.failback.spi.TargetSchema;
import java.sql.SQLException;
import java.util.List;

/**
 * What consistent mode does when the target rejects a window: compares it with the target schema read
 * again ({@link SchemaDrift}), then finds the poison rows ({@link PoisonFinder}) and reports them or,
 * with dead letters on, sets them aside ({@link DeadLetters}) and applies the rest. Stateless.
 */
public final class PoisonHandling {
    private final FailbackConfig config;
    private final Telemetry telemetry;

    /**
     * @param config   the configuration (dead letters, unknown columns)
     * @param telemetry where the stages report (counters, metrics, events)
     */
    public PoisonHandling(FailbackConfig config, Telemetry telemetry) {
        this.config = config;
        this.telemetry = telemetry;
    }

    /** Rounds of dead-lettering in one window before giving up (each round removes every rejected row found). */
    private static final int MAX_DEAD_LETTER_ROUNDS = 5;

    /**
     * Applies a window of a target schema; when the target rejects it permanently, finds the poison rows and either reports
     * them (an {@link ApplyException} naming the first, retried by the caller with backoff) or, with dead letters on,
     * records them in the dead-letter table and applies the window without them. Before looking for
     * poison rows, a failed window is compared with the target schema read again, so that a table or
     * column dropped from the target since the window was staged is named as such
     * ({@link SchemaDrift#fit}).
     */
    public WindowApplier.Result apply(WindowApplier applier, DeadLetterStore letters, Group group, List<Mutation> window,
            WindowApplier.Guard guard) throws SQLException {
        TargetSchema schema = group.schema.get();
        List<Mutation> rest = window;
        boolean driftChecked = false;
        for (int round = 0;; round++) {
            try {
                return applier.apply(schema, rest, e -> group.lastError = "retrying a window: " + e.getMessage(), guard);
            } catch (LeaseLostException e) {
                throw e;
            } catch (RuntimeException e) {
                if (e instanceof ApplyException a && a.kind() == ErrorKind.TRANSIENT) {
                    throw e;
                }
                if (e.getCause() instanceof KeyCollisionError collision) {
                    // two source rows the target would store as one: never merged; set aside like poison rows
                    if (!config.deadLetter() || round >= MAX_DEAD_LETTER_ROUNDS) {
                        throw new ApplyException(e.getMessage() + (config.deadLetter() ? "" : "; retried until the"
                                + " column keeps the keys apart (fix above), or enable dead letters to set the later"
                                + " keys aside"), collision, ErrorKind.BAD_DATA);
                    }
                    rest = DeadLetters.record(config.name(), telemetry, letters, group, collision.poison(rest), rest);
                    continue;
                }
                if (!driftChecked) {
                    // a table or column dropped from the target since these rows were received?
                    driftChecked = true;
                    List<Mutation> fitted = SchemaDrift.fit(group, rest, e, config.ignoreUnknownColumns(), telemetry.events());
                    TargetSchema fresh = group.schema.get();
                    if (fitted != null || !fresh.equals(schema)) {
                        // apply again without the ignored columns, or with the schema as it is now (a table created again)
                        rest = fitted != null ? fitted : rest;
                        schema = fresh;
                        continue;
                    }
                }
                if (!(e instanceof ApplyException) || !(e.getCause() instanceof SQLException)) {
                    throw e;
                }
                boolean deadLetter = config.deadLetter();
                List<PoisonFinder.Poison> poison = applier.findPoison(schema, rest, deadLetter);
                if (poison.isEmpty()) {
                    throw e; // applies stepwise after all (the target changed meanwhile): the next retry will tell
                }
                PoisonFinder.Poison first = poison.get(0);
                if (!deadLetter || round >= MAX_DEAD_LETTER_ROUNDS || poison.stream().anyMatch(p -> !p.alone())) {
                    throw new ApplyException(first.describe() + (deadLetter ? "" : "; retried until the target"
                            + " accepts it (fix the row or the constraint), or enable dead letters"), first.error(),
                            ErrorKind.BAD_DATA);
                }
                rest = DeadLetters.record(config.name(), telemetry, letters, group, poison, rest);
            }
        }
    }
}
