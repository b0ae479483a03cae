package dev.failback.core.internal.apply;

import dev.failback.Mutation;
import dev.failback.spi.ErrorKind;
import dev.failback.spi.KeyCollision;
import dev.failback.spi.KeyHazard;
import dev.failback.spi.TableInfo;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Distinct source keys of one window that the target would store as one row ({@link
 * dev.failback.spi.Dialect#keyCollisions}): the window is not applied, so that no source row is merged
 * into another. Carried as the cause of the window's {@link dev.failback.ApplyException}, whose kind is
 * {@link ErrorKind#BAD_DATA}; with dead letters on, the mutations of each later key are set aside
 * ({@link #poison}) and the rest is applied.
 */
final class KeyCollisionError extends SQLException {
    private static final long serialVersionUID = 1L;
    /** Integrity constraint violation: the target cannot hold both rows. */
    static final String SQL_STATE = "23000";

    private final transient TableInfo table;
    private final transient List<KeyCollision> collisions;

    KeyCollisionError(TableInfo table, List<KeyCollision> collisions, List<KeyHazard> hazards) {
        super(describe(table, collisions.get(0)) + (collisions.size() > 1 ? " (and " + (collisions.size() - 1)
                + " more " + (collisions.size() == 2 ? "key" : "keys") + ")" : "") + "; nothing of the window was"
                + " applied, so no row was merged" + fixes(hazards), SQL_STATE);
        this.table = table;
        this.collisions = List.copyOf(collisions);
    }

    private static String describe(TableInfo table, KeyCollision c) {
        return "key collision in " + table.name() + ": source keys " + c.kept() + " and " + c.merged()
                + " are two rows in CockroachDB but one in the target (" + c.because() + ")";
    }

    private static String fixes(List<KeyHazard> hazards) {
        StringBuilder b = new StringBuilder();
        for (KeyHazard h : hazards) {
            b.append(b.length() == 0 ? "; fix: " : "; ").append(h.fix());
        }
        return b.toString();
    }

    /** The collisions found. */
    List<KeyCollision> collisions() {
        return collisions;
    }

    /**
     * The mutations of a window that would merge into an earlier key's row, as poison rows: every
     * mutation of each later key, the earlier key's own mutations kept.
     *
     * @param window the window
     * @return the poison rows, in window order
     */
    List<PoisonFinder.Poison> poison(List<Mutation> window) {
        List<PoisonFinder.Poison> poison = new ArrayList<>();
        for (Mutation m : window) {
            if (!m.table().folded().equals(table.name().folded())) {
                continue;
            }
            for (KeyCollision c : collisions) {
                if (c.merged().equals(m.key())) {
                    poison.add(new PoisonFinder.Poison(m, new SQLException(describe(table, c), SQL_STATE),
                            ErrorKind.BAD_DATA, true));
                    break;
                }
            }
        }
        return poison;
    }
}
