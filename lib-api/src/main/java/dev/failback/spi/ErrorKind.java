package dev.failback.spi;

/**
 * What a failure means, decided once by whoever saw it (a {@link Dialect} for the target's errors, a
 * {@link StagingStore} for staging's) and carried with it ({@code ApplyException#kind()},
 * {@code StagingException#kind()}). Every caller asks the kind instead of deciding again:
 * {@link #retryable()} and {@link #webhookStatus()}; only {@link #TRANSIENT} is retried in place.
 */
public enum ErrorKind {
    /**
     * Connection lost, deadlock, serialization failure, lock or statement timeout, overload: retried in place
     * with backoff, then with the pipeline's slower backoff; a webhook request that meets it gets 503. At
     * start, a database that does not answer yet: the start is retried.
     */
    TRANSIENT(true, "transient"),
    /**
     * Bad data that may depend on row order: a constraint (foreign key, unique, not null, check) rejected
     * the change. A window is applied again in other orders (upserts first, one source transaction at a
     * time) before its rows are judged poison; retried with backoff (a parent may arrive later), 503.
     */
    CONSTRAINT(true, "constraint"),
    /**
     * This data can never be applied or staged as sent: a value out of range, too long or in a bad
     * format, a key too large for the staging index, a row naming a table or column the target lacks, a
     * poison row. Not retryable: a webhook request that meets it gets 400.
     */
    BAD_DATA(false, "data"),
    /**
     * An operator must act: a missing table, column, schema or database, a missing privilege, wrong
     * credentials (SQLState classes {@code 42}, {@code 28}, {@code 3D}, and {@code 3F000}). Fails a start;
     * while running, retried with the pipeline's slow backoff until fixed, and a webhook request gets 503.
     */
    CONFIGURATION(true, "other"),
    /**
     * Anything else, including a bug: handled as {@link #CONFIGURATION} (fails a start; while running,
     * retried with the slow backoff, 503), so that nothing the changefeed sent is lost.
     */
    FATAL(true, "other");

    private final boolean retryable;
    private final String label;

    ErrorKind(boolean retryable, String label) {
        this.retryable = retryable;
        this.label = label;
    }

    /**
     * Whether trying the same work again later may succeed: every kind but {@link #BAD_DATA}. Only
     * {@link #TRANSIENT} is worth retrying at once.
     *
     * @return false for {@link #BAD_DATA}
     */
    public boolean retryable() {
        return retryable;
    }

    /**
     * The HTTP status of a webhook request that failed with this kind: 400 (the changefeed must not send
     * it again) when it is not {@linkplain #retryable() retryable} ({@link #BAD_DATA}), else 503 (the
     * changefeed retries).
     *
     * @return 400 or 503
     */
    public int webhookStatus() {
        return retryable ? 503 : 400;
    }

    /**
     * The word for this kind in messages and in the {@code kind} tag of {@code failback.errors}:
     * {@code transient}, {@code constraint}, {@code data}, or {@code other} for both {@link #CONFIGURATION}
     * and {@link #FATAL} (the words these had before they were told apart; kept so that dashboards and
     * messages do not change).
     *
     * @return a lowercase word, never null
     */
    public String label() {
        return label;
    }

    /**
     * The kind of a failure that is neither transient, nor a constraint, nor bad data, by its SQLState:
     * {@link #CONFIGURATION} for {@code 42*} (missing object, privilege {@code 42501}, syntax), {@code 28*}
     * (credentials), {@code 3D*} (no such database) and {@code 3F000} (no such schema); else {@link #FATAL}.
     *
     * @param sqlState the SQLState, may be null
     * @return {@link #CONFIGURATION} or {@link #FATAL}
     */
    public static ErrorKind configurationOrFatal(String sqlState) {
        if (sqlState != null && (sqlState.startsWith("42") || sqlState.startsWith("28") || sqlState.startsWith("3D")
                || sqlState.equals("3F000"))) {
            return CONFIGURATION;
        }
        return FATAL;
    }
}
