package dev.failback.spi;

/** What a database error means for retrying, as a {@link Dialect} classifies it. */
public enum ErrorKind {
    /** Connection lost, deadlock, serialization failure, overload: retry with backoff. */
    TRANSIENT,
    /** A constraint (foreign key, unique, not null, check) rejected the change. */
    CONSTRAINT,
    /** A value cannot be stored in its column (bad format, out of range, too long). */
    DATA,
    /** Anything else (permissions, missing objects, syntax). */
    OTHER
}
