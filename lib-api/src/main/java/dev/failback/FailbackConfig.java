package dev.failback;

import dev.failback.spi.Authenticator;
import dev.failback.spi.CheckpointStore;
import dev.failback.spi.Dialect;
import dev.failback.spi.Sink;
import dev.failback.spi.StagingStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import javax.sql.DataSource;

/**
 * The immutable configuration of one pipeline, made by {@link Failback.Builder#build()}. See the
 * builder's methods for the meaning and default of each value. Thread-safe.
 */
public final class FailbackConfig {
    private final String name;
    private final DataSource staging;
    private final DataSource target;
    private final List<String> tables;
    private final String stagingSchema;
    private final boolean createStagingSchema;
    private final Mode mode;
    private final List<Sink> sinks;
    private final Dialect dialect;
    private final StagingStore stagingStore;
    private final dev.failback.spi.VersionStore versionStore;
    private final dev.failback.spi.DeadLetterStore deadLetterStore;
    private final CheckpointStore checkpointStore;
    private final dev.failback.spi.LeaseStore leaseStore;
    private final int flushSize;
    private final int scanSize;
    private final int largeTransactionRows;
    private final long maxBodyBytes;
    private final int maxNestingDepth;
    private final int maxInFlight;
    private final Duration flushPeriod;
    private final Duration schemaRefresh;
    private final Duration shutdownTimeout;
    private final Duration applyTimeout;
    private final Duration progressInterval;
    private final Duration retireOffset;
    private final Duration leaseTtl;
    private final Duration leaseRenewal;
    private final String instanceId;
    private final boolean deadLetter;
    private final boolean ignoreUnknownColumns;
    private final boolean refuseFoldingKeys;
    private final dev.failback.transform.Transforms transforms;
    private final List<FailbackListener> listeners;
    private final ThreadFactory threadFactory;
    private final MeterRegistry meterRegistry;
    private final boolean moltMetricNames;
    private final Authenticator authenticator;
    private final List<String> schemas;
    private final Duration maxClockSkew;
    private final int maxSchemas;
    private final long maxBytesInFlight;
    private final int versionGuardMemoryKeys;

    FailbackConfig(Failback.Builder b) {
        this.name = b.name;
        this.staging = b.staging;
        this.target = b.target;
        this.tables = List.copyOf(b.tables);
        this.stagingSchema = b.stagingSchema;
        this.createStagingSchema = b.createStagingSchema;
        this.mode = b.mode;
        this.sinks = List.copyOf(b.sinks);
        this.dialect = b.dialect;
        this.stagingStore = b.stagingStore;
        this.versionStore = b.versionStore;
        this.deadLetterStore = b.deadLetterStore;
        this.checkpointStore = b.checkpointStore;
        this.leaseStore = b.leaseStore;
        this.flushSize = b.flushSize;
        this.scanSize = b.scanSize;
        this.largeTransactionRows = b.largeTransactionRows;
        this.maxBodyBytes = b.maxBodyBytes;
        this.maxNestingDepth = b.maxNestingDepth;
        this.maxInFlight = b.maxInFlight;
        this.flushPeriod = b.flushPeriod;
        this.schemaRefresh = b.schemaRefresh;
        this.shutdownTimeout = b.shutdownTimeout;
        this.applyTimeout = b.applyTimeout;
        this.progressInterval = b.progressInterval;
        this.retireOffset = b.retireOffset;
        this.leaseTtl = b.leaseTtl;
        this.leaseRenewal = b.leaseRenewal;
        this.instanceId = b.instanceId != null ? b.instanceId : defaultInstanceId();
        this.deadLetter = b.deadLetter;
        this.ignoreUnknownColumns = b.ignoreUnknownColumns;
        this.refuseFoldingKeys = b.refuseFoldingKeys;
        this.transforms = b.transforms;
        this.listeners = List.copyOf(b.listeners);
        this.threadFactory = b.threadFactory;
        this.meterRegistry = b.meterRegistry;
        this.moltMetricNames = b.moltMetricNames;
        this.authenticator = b.authenticator;
        this.schemas = List.copyOf(b.schemas);
        this.maxClockSkew = b.maxClockSkew;
        this.maxSchemas = b.maxSchemas;
        this.versionGuardMemoryKeys = b.versionGuardMemoryKeys;
        this.maxBytesInFlight = b.maxBytesInFlight > 0 ? b.maxBytesInFlight
                : Math.max(b.maxBodyBytes, Runtime.getRuntime().maxMemory() / 4);
    }

    /** @return the pipeline name */
    public String name() {
        return name;
    }

    /** @return the staging data source, empty when staging lives in the target */
    public Optional<DataSource> staging() {
        return Optional.ofNullable(staging);
    }

    /** @return the target data source */
    public DataSource target() {
        return target;
    }

    /** @return the served tables, empty for every table of the target schema */
    public List<String> tables() {
        return tables;
    }

    /** @return the target schemas the webhook may write to, empty for every non-system schema */
    public List<String> schemas() {
        return schemas;
    }

    /** @return how far into the future a resolved or row timestamp may lie */
    public Duration maxClockSkew() {
        return maxClockSkew;
    }

    /** @return the most target schemas served */
    public int maxSchemas() {
        return maxSchemas;
    }

    /** @return the most decoded request bytes held in memory at once */
    public long maxBytesInFlight() {
        return maxBytesInFlight;
    }

    /** @return how many recently applied keys immediate mode keeps in memory before asking the version store */
    public int versionGuardMemoryKeys() {
        return versionGuardMemoryKeys;
    }

    /** @return the staging schema */
    public String stagingSchema() {
        return stagingSchema;
    }

    /** @return whether to create the staging schema when missing */
    public boolean createStagingSchema() {
        return createStagingSchema;
    }

    /** @return the mode */
    public Mode mode() {
        return mode;
    }

    /** @return the sinks */
    public List<Sink> sinks() {
        return sinks;
    }

    /** @return the forced dialect, empty to detect it */
    public Optional<Dialect> dialect() {
        return Optional.ofNullable(dialect);
    }

    /** @return the replacement staging store, empty for the JDBC store */
    public Optional<StagingStore> stagingStore() {
        return Optional.ofNullable(stagingStore);
    }

    /** @return the store of immediate mode's key versions, empty for the staging store's */
    public Optional<dev.failback.spi.VersionStore> versionStore() {
        return Optional.ofNullable(versionStore);
    }

    /** @return the dead-letter store, empty for the staging store's */
    public Optional<dev.failback.spi.DeadLetterStore> deadLetterStore() {
        return Optional.ofNullable(deadLetterStore);
    }

    /** @return the replacement checkpoint store, empty for the JDBC store */
    public Optional<CheckpointStore> checkpointStore() {
        return Optional.ofNullable(checkpointStore);
    }

    /** @return the custom lease store, if any */
    public Optional<dev.failback.spi.LeaseStore> leaseStore() {
        return Optional.ofNullable(leaseStore);
    }

    /** @return mutations per target transaction */
    public int flushSize() {
        return flushSize;
    }

    /** @return staging page size */
    public int scanSize() {
        return scanSize;
    }

    /** @return mutations of one source transaction above which it is applied from staging page by page */
    public int largeTransactionRows() {
        return largeTransactionRows;
    }

    /** @return largest accepted body */
    public long maxBodyBytes() {
        return maxBodyBytes;
    }

    /** @return deepest accepted JSON nesting */
    public int maxNestingDepth() {
        return maxNestingDepth;
    }

    /** @return most requests staging at once */
    public int maxInFlight() {
        return maxInFlight;
    }

    /** @return the applier's polling period */
    public Duration flushPeriod() {
        return flushPeriod;
    }

    /** @return the schema refresh period */
    public Duration schemaRefresh() {
        return schemaRefresh;
    }

    /** @return the bound on close */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /** @return the bound on one target transaction */
    public Duration applyTimeout() {
        return applyTimeout;
    }

    /** @return the interval between progress lines */
    public Duration progressInterval() {
        return progressInterval;
    }

    /** @return how long a target schema's lease lasts without renewal */
    public Duration leaseTtl() {
        return leaseTtl;
    }

    /** @return how often leases are renewed (holder) or tried (standby) */
    public Duration leaseRenewal() {
        return leaseRenewal;
    }

    /** @return this process's identity among the processes of one deployment */
    public String instanceId() {
        return instanceId;
    }

    private static String defaultInstanceId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException | RuntimeException e) {
            host = "localhost";
        }
        String suffix = Integer.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        String id = host + "-" + ProcessHandle.current().pid() + "-" + suffix;
        return id.length() <= 128 ? id : id.substring(id.length() - 128);
    }

    /** @return how long applied staged rows are kept; zero to delete them right after applying */
    public Duration retireOffset() {
        return retireOffset;
    }

    /** @return whether poison rows are dead-lettered (true) or stop their target schema until fixed (false) */
    public boolean deadLetter() {
        return deadLetter;
    }

    /**
     * @return whether values for columns the target lacks are dropped (true) or refused (false); see
     *         {@link Failback.Builder#ignoreUnknownColumns(boolean)}
     */
    public boolean ignoreUnknownColumns() {
        return ignoreUnknownColumns;
    }

    /**
     * @return whether a target schema whose key columns can merge keys is refused (true) or served with a
     *         warning (false); see {@link Failback.Builder#refuseFoldingKeys(boolean)}
     */
    public boolean refuseFoldingKeys() {
        return refuseFoldingKeys;
    }

    /**
     * @return the transforms, {@link dev.failback.transform.Transforms#NONE} when none; see
     *         {@link Failback.Builder#transforms}
     */
    public dev.failback.transform.Transforms transforms() {
        return transforms;
    }

    /** @return the listeners */
    public List<FailbackListener> listeners() {
        return listeners;
    }

    /** @return the thread factory, empty for Failback's own */
    public Optional<ThreadFactory> threadFactory() {
        return Optional.ofNullable(threadFactory);
    }

    /** @return the authenticator, empty when authentication is disabled */
    public Optional<Authenticator> authenticator() {
        return Optional.ofNullable(authenticator);
    }

    /** @return the Micrometer registry, empty when metrics are off */
    public Optional<MeterRegistry> meterRegistry() {
        return Optional.ofNullable(meterRegistry);
    }

    /** @return whether MOLT Replicator's metric names are published too ({@link Failback.Builder#moltMetricNames}) */
    public boolean moltMetricNames() {
        return moltMetricNames;
    }
}
