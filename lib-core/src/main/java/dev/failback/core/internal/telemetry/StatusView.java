package dev.failback.core.internal.telemetry;

import dev.failback.Hlc;
import dev.failback.State;
import dev.failback.Status;
import dev.failback.core.internal.Group;
import dev.failback.spi.Checkpoint;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds a {@link Status} from the groups' checkpoints, backlogs and leases. Stateless. */
public final class StatusView {

    private StatusView() {
    }

    /**
     * A snapshot of the pipeline.
     *
     * @param state    the lifecycle state
     * @param groups   the groups now
     * @param counters the counters' snapshot
     * @param instance this instance's identity
     * @return the status
     */
    public static Status of(State state, List<Group> groups, Status.Counters counters, String instance) {
        Hlc received = null;
        Hlc applied = null;
        long backlog = 0;
        String lastError = null;
        Map<String, Status.SchemaStatus> per = new LinkedHashMap<>();
        for (Group g : groups) {
            Checkpoint cp = g.checkpoint();
            received = received == null ? cp.resolved() : Hlc.max(received, cp.resolved());
            applied = applied == null || cp.applied().compareTo(applied) < 0 ? cp.applied() : applied;
            backlog += g.backlog.get();
            if (g.lastError != null) {
                lastError = g.name + ": " + g.lastError;
            }
            per.put(g.name, new Status.SchemaStatus(cp.resolved(), cp.applied(), g.backlog.get(), g.leaseHolder,
                    g.leaseEpoch, g.held != null));
        }
        Duration lag = applied == null || applied.equals(Hlc.ZERO) ? Duration.ZERO
                : Duration.between(applied.toInstant(), Instant.now());
        if (lag.isNegative()) {
            lag = Duration.ZERO;
        }
        return new Status(state, received, applied, backlog, lag, counters, per, lastError, instance);
    }
}
