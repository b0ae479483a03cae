package dev.failback.core.internal;

import dev.failback.Mutation;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** With dead letters on: records poison rows in the staging store's dead-letter table and skips them. Stateless. */
final class DeadLetters {
    private static final Logger LOG = LoggerFactory.getLogger(Sequencer.class); // the lines operators know

    private DeadLetters() {
    }

    /**
     * Records each poison row, counts and logs it, and returns the window without them.
     *
     * @param pipeline the pipeline (staging store, counters, metrics)
     * @param group    the group of the window
     * @param poison   the poison rows found
     * @param window   the window
     * @return the window without the poison rows, in order
     * @throws SQLException when staging fails
     */
    static List<Mutation> record(Pipeline pipeline, Group group, List<PoisonFinder.Poison> poison, List<Mutation> window)
            throws SQLException {
        Set<Mutation> skip = new HashSet<>();
        for (PoisonFinder.Poison p : poison) {
            String reason = p.describe();
            pipeline.staging().deadLetter(group.name, p.mutation(), reason);
            skip.add(p.mutation());
            pipeline.counters().deadLettered.increment();
            pipeline.metrics().deadLetter();
            pipeline.metrics().error(p.kind().label());
            LOG.warn("{} - dead-lettered in {} and skipped: {}", pipeline.name(), group.name, reason);
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
