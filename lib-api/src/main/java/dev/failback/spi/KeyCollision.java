package dev.failback.spi;

import java.util.Objects;

/**
 * Two distinct source keys of one table that the target would store as one row. Immutable.
 *
 * @param kept    the key seen first, as the changefeed's JSON array text
 * @param merged  the other key, which would overwrite or delete the row of {@code kept}
 * @param because why the target compares them as equal, naming the column and its collation or type
 */
public record KeyCollision(String kept, String merged, String because) {

    /** Validates the components. */
    public KeyCollision {
        Objects.requireNonNull(kept, "kept");
        Objects.requireNonNull(merged, "merged");
        Objects.requireNonNull(because, "because");
    }
}
