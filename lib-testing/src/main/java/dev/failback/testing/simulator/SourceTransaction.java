package dev.failback.testing.simulator;

import dev.failback.Hlc;
import java.util.List;
import java.util.Objects;

/**
 * A source transaction as the simulator committed it: every row it wrote (each row once, the last
 * write winning) and the commit timestamp they share. Immutable.
 *
 * @param sequence the transaction's number in this run, from 1
 * @param updated  the commit timestamp, the {@code updated} of every message it produced
 * @param changes  the rows written
 */
public record SourceTransaction(long sequence, Hlc updated, List<RowChange> changes) {

    /** Validates and copies the components. */
    public SourceTransaction {
        Objects.requireNonNull(updated, "updated");
        changes = List.copyOf(changes);
    }
}
