package dev.failback.spi;

import dev.failback.Hlc;
import java.util.Objects;

/**
 * The progress of one target schema: the newest resolved timestamp received, and the timestamp up
 * to which everything is applied ({@code applied <= resolved}). Immutable.
 *
 * @param resolved newest resolved timestamp received, {@link Hlc#ZERO} before the first
 * @param applied  everything up to this is in the target, {@link Hlc#ZERO} before the first
 */
public record Checkpoint(Hlc resolved, Hlc applied) {

    /** No progress yet. */
    public static final Checkpoint NONE = new Checkpoint(Hlc.ZERO, Hlc.ZERO);

    /** Validates the components. */
    public Checkpoint {
        Objects.requireNonNull(resolved, "resolved");
        Objects.requireNonNull(applied, "applied");
    }
}
