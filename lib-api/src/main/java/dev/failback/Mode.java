package dev.failback;

/** How staged changes reach the target. */
public enum Mode {
    /**
     * The default. Each batch is staged; on each resolved timestamp every staged change up to it is
     * applied in source-transaction order, so the target only ever shows states the source had.
     */
    CONSISTENT,
    /**
     * Each batch is applied in its own target transaction before it is acknowledged, without waiting
     * for resolved timestamps. Lower latency; a source transaction split across requests is not
     * applied atomically, and foreign keys may be seen out of order.
     */
    IMMEDIATE
}
