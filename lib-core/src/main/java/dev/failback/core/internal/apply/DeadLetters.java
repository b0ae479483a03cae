package dev.failback.core.internal.apply;

import dev.failback.Mutation;
import dev.failback.core.internal.Group;
import dev.failback.core.internal.sequence.Sequencer;
import dev.failback.core.internal.telemetry.Telemetry;
import dev.failback.spi.DeadLetterStore;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** With dead letters on: records poison rows in the dead-letter store and skips them. Stateless. */
public final class DeadLetters {
    private static final Logger LOG = LoggerFactory.getLogger(Sequencer.class); // the lines operators know

    private DeadLetters() {
    }

    /**
     * Records each poison row, counts and logs it, and returns the window without them.
     *
     * @param name     the pipeline's name, for the log
     * @param telemetry where the stages report
     * @param store    the dead-letter store
     * @param group    the group of the window
     * @param poison   the poison rows found
     * @param window   the window
     * @return the window without the poison rows, in order
     * @throws SQLException when the dead-letter store fails
     */
    public static List<Mutation> record(String name, Telemetry telemetry, DeadLetterStore store, Group group, List<PoisonFinder.Poison> poison,
            List<Mutation> window) throws SQLException {
        Set<Mutation> skip = new HashSet<>();
        for (PoisonFinder.Poison p : poison) {
            String reason = p.describe();
            store.deadLetter(group.name, p.mutation(), reason);
            skip.add(p.mutation());
            telemetry.counters().deadLettered.increment();
            telemetry.metrics().deadLetter();
            telemetry.error(group.name, "dead-letter", p.kind().label(), null);
            LOG.warn("{} - dead-lettered in {} and skipped: {}", name, group.name, reason);
        }
        List<Mutation> next = new ArrayList<>(window.size());
        for (Mutation m : window) {
            if (!skip.contains(m)) {
                next.add(m);
            }
        }
        return next;
    }
}
