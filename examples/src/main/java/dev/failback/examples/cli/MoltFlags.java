package dev.failback.examples.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * MOLT Replicator {@code start} flags that Failback has no use for. None is silently ignored: harmless
 * tuning knobs are accepted with a warning that says why they change nothing; flags whose meaning
 * Failback cannot honour are refused with the reason (exit 2). Defaults shown are MOLT's.
 */
final class MoltFlags {
    /** Accepted, warned: flag → why it changes nothing. */
    static final Map<String, String> IGNORED = ignored();
    /** Refused: flag → why. */
    static final Map<String, String> REFUSED = refused();

    private static Map<String, String> ignored() {
        Map<String, String> m = new LinkedHashMap<>();
        String pool = "HikariCP manages connection lifetimes (idle 10m, max lifetime 30m)";
        m.put("--targetIdleTime", pool);
        m.put("--targetJitterTime", pool);
        m.put("--targetMaxLifetime", pool);
        m.put("--stagingIdleTime", pool);
        m.put("--stagingJitterTime", pool);
        m.put("--stagingMaxLifetime", pool);
        m.put("--targetStatementCacheSize", "the JDBC drivers cache prepared statements themselves"
                + " (PostgreSQL prepareThreshold, Connector/J prepStmtCacheSize in the connection URL)");
        m.put("--quiescentPeriod", "Failback has no idle-maintenance tick; see --flushPeriod");
        m.put("--taskGracePeriod", "Failback has no restartable tasks; --gracePeriod bounds the shutdown");
        m.put("--timestampLimit", "Failback has no best-effort mode, whose deferral cap this is");
        m.put("--bestEffortWindow", "Failback never switches to best-effort mode (as with --bestEffortWindow 0)");
        m.put("--limitLookahead", "Failback applies everything up to the resolved timestamp, paging through staging"
                + " by --scanSize");
        m.put("--disableCheckpointStream", "Failback keeps resolved timestamps in memory and its checkpoint table;"
                + " there is no checkpoint stream");
        m.put("--assumeIdempotent", "Failback always filters already-applied mutations; the cost is small");
        m.put("--ndjsonBufferSize", "the CockroachDB webhook sink sends JSON, not ndjson; see --maxBodyBytes");
        m.put("--httpResponseTimeout", "requests are bounded by --applyTimeout (immediate mode) and"
                + " --httpIdleTimeout");
        return java.util.Collections.unmodifiableMap(m);
    }

    private static Map<String, String> refused() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("--bestEffortOnly", "Failback has no best-effort mode; it applies whole source transactions in"
                + " order (default) or each batch as it arrives (--immediate)");
        m.put("--dlqTableName", "the dead-letter table's name is fixed (dead_letters in the staging schema):"
                + " use --deadLetter to turn it on");
        m.put("--discard", "throughput-testing mode of MOLT; not supported");
        m.put("--discardDelay", "throughput-testing mode of MOLT; not supported");
        return java.util.Collections.unmodifiableMap(m);
    }

    @Option(names = "--targetIdleTime", paramLabel = "DURATION", defaultValue = "1m",
            description = "MOLT compatibility; ignored with a warning (HikariCP manages idle connections).")
    String targetIdleTime;
    @Option(names = "--targetJitterTime", paramLabel = "DURATION", defaultValue = "15s",
            description = "MOLT compatibility; ignored with a warning.")
    String targetJitterTime;
    @Option(names = "--targetMaxLifetime", paramLabel = "DURATION", defaultValue = "5m",
            description = "MOLT compatibility; ignored with a warning (HikariCP max lifetime 30m).")
    String targetMaxLifetime;
    @Option(names = "--targetStatementCacheSize", paramLabel = "N", defaultValue = "128",
            description = "MOLT compatibility; ignored with a warning (set the driver's cache in the URL).")
    String targetStatementCacheSize;
    @Option(names = "--stagingIdleTime", paramLabel = "DURATION", defaultValue = "1m",
            description = "MOLT compatibility; ignored with a warning.")
    String stagingIdleTime;
    @Option(names = "--stagingJitterTime", paramLabel = "DURATION", defaultValue = "15s",
            description = "MOLT compatibility; ignored with a warning.")
    String stagingJitterTime;
    @Option(names = "--stagingMaxLifetime", paramLabel = "DURATION", defaultValue = "5m",
            description = "MOLT compatibility; ignored with a warning.")
    String stagingMaxLifetime;
    @Option(names = "--quiescentPeriod", paramLabel = "DURATION", defaultValue = "10s",
            description = "MOLT compatibility; ignored with a warning.")
    String quiescentPeriod;
    @Option(names = "--taskGracePeriod", paramLabel = "DURATION", defaultValue = "1m",
            description = "MOLT compatibility; ignored with a warning (see --gracePeriod).")
    String taskGracePeriod;
    @Option(names = "--timestampLimit", paramLabel = "N", defaultValue = "1000",
            description = "MOLT compatibility; ignored with a warning (best-effort mode only).")
    String timestampLimit;
    @Option(names = "--bestEffortWindow", paramLabel = "DURATION", defaultValue = "1h",
            description = "MOLT compatibility; ignored with a warning: Failback never switches to best effort.")
    String bestEffortWindow;
    @Option(names = "--limitLookahead", paramLabel = "N", defaultValue = "0",
            description = "MOLT compatibility; ignored with a warning.")
    String limitLookahead;
    @Option(names = "--disableCheckpointStream", description = "MOLT compatibility; ignored with a warning.")
    boolean disableCheckpointStream;
    @Option(names = "--assumeIdempotent", description = "MOLT compatibility; ignored with a warning.")
    boolean assumeIdempotent;
    @Option(names = "--ndjsonBufferSize", paramLabel = "BYTES", defaultValue = "65536",
            description = "MOLT compatibility; ignored with a warning (see --maxBodyBytes).")
    String ndjsonBufferSize;
    @Option(names = "--httpResponseTimeout", paramLabel = "DURATION", defaultValue = "2m",
            description = "MOLT compatibility; ignored with a warning.")
    String httpResponseTimeout;

    @Option(names = "--bestEffortOnly", description = "Not supported (refused): Failback has no best-effort mode.")
    boolean bestEffortOnly;
    @Option(names = "--dlqTableName", paramLabel = "NAME", defaultValue = "replicator_dlq",
            description = "Not supported (refused): use --deadLetter (table dead_letters in the staging schema).")
    String dlqTableName;
    @Option(names = "--discard", description = "Not supported (refused).")
    boolean discard;
    @Option(names = "--discardDelay", paramLabel = "DURATION", defaultValue = "0",
            description = "Not supported (refused).")
    String discardDelay;

    /**
     * Refuses the flags Failback cannot honour and lists the warnings for the ignored ones given.
     *
     * @param cl the parsed command line
     * @return one warning per ignored flag given
     * @throws ParameterException naming the first refused flag given and why
     */
    static List<String> check(CommandLine cl) {
        CommandLine.ParseResult parsed = cl.getParseResult();
        for (Map.Entry<String, String> e : REFUSED.entrySet()) {
            if (parsed != null && parsed.hasMatchedOption(e.getKey())) {
                throw new ParameterException(cl, e.getKey() + " is not supported: " + e.getValue());
            }
        }
        List<String> warnings = new ArrayList<>();
        for (Map.Entry<String, String> e : IGNORED.entrySet()) {
            if (parsed != null && parsed.hasMatchedOption(e.getKey())) {
                warnings.add(e.getKey() + " is accepted for MOLT compatibility and ignored: " + e.getValue());
            }
        }
        return warnings;
    }
}
