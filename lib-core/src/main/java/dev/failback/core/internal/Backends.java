package dev.failback.core.internal;

import dev.failback.FailbackConfig;
import dev.failback.FailbackConfigurationException;
import dev.failback.Mode;
import dev.failback.core.internal.apply.TargetFence;
import dev.failback.core.internal.apply.WindowApplier;
import dev.failback.core.internal.ingress.SchemaGate;
import dev.failback.core.internal.sequence.LeaseKeeper;
import dev.failback.core.internal.stage.StagingStores;
import dev.failback.core.internal.telemetry.Listeners;
import dev.failback.core.internal.telemetry.PipelineMetrics;
import dev.failback.core.memory.InMemoryLeaseStore;
import dev.failback.spi.Checkpoint;
import dev.failback.spi.CheckpointStore;
import dev.failback.spi.DeadLetterStore;
import dev.failback.spi.Dialect;
import dev.failback.spi.LeaseStore;
import dev.failback.spi.StagingStore;
import dev.failback.spi.Store;
import dev.failback.spi.VersionStore;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the databases give the stages: the target's dialect, the schema gate, the staging, version,
 * dead-letter, checkpoint and lease stores, the target fence, the window applier and the lease keeper.
 * {@link #prepare} sets them up once the databases answer (again until they do, when they did not at
 * start); until then {@link #ready()} is false and the stages answer 503. The runtime wires it into the
 * stages; it never calls back into the runtime except through the resumer it is given. Fields are
 * written by the one thread that prepares and read after {@link #ready()} (a volatile write) by others.
 */
public final class Backends {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class); // the start's lines, as before

    /** Resumes a target schema found in the checkpoints. */
    @FunctionalInterface
    public interface Resumer {
        /**
         * @param name       the target schema's name as the checkpoint spells it
         * @param checkpoint its checkpoint
         * @throws SQLException when the target or staging cannot be read
         */
        void resume(String name, Checkpoint checkpoint) throws SQLException;
    }

    private final FailbackConfig config;
    private final DataSource stagingDataSource;
    private final Executor timeoutExecutor;
    private final PipelineMetrics metrics;
    private final Listeners listeners;
    private final Supplier<java.util.Collection<Group>> groups;
    private Dialect dialect;
    private SchemaGate gate;
    private StagingStore staging;
    /** Immediate mode's key versions; null in consistent mode when no store keeps them. */
    private VersionStore versions;
    /** Null when no store keeps dead letters: the builder refuses {@code deadLetter(true)} in consistent mode then. */
    private DeadLetterStore deadLetters;
    private CheckpointStore checkpoints;
    private LeaseStore leases;
    private TargetFence fence;
    private WindowApplier applier;
    private LeaseKeeper leaseKeeper;
    private Thread leaseThread;
    /** This deployment's identity ({@link Databases#targetIdentity}). */
    private String owner = "";
    /** Null once the databases are prepared; else why not yet. */
    private volatile String notReady = "starting";

    /**
     * @param config            the configuration
     * @param stagingDataSource the staging database (the target when none is given)
     * @param timeoutExecutor   runs the window applier's statement timeouts
     * @param metrics           the pipeline's metrics
     * @param listeners         the configured listeners
     * @param groups            the target schemas served so far (for the lease keeper)
     */
    public Backends(FailbackConfig config, DataSource stagingDataSource, Executor timeoutExecutor, PipelineMetrics metrics,
            Listeners listeners, Supplier<java.util.Collection<Group>> groups) {
        this.config = config;
        this.stagingDataSource = stagingDataSource;
        this.timeoutExecutor = timeoutExecutor;
        this.metrics = metrics;
        this.listeners = listeners;
        this.groups = groups;
    }

    /**
     * Everything that needs the databases: the dialect, the staging, checkpoint and lease stores, the
     * fence, the target schemas to resume, the lease keeper. Run again until it succeeds when a database
     * did not answer at start.
     *
     * @param resumer resumes each target schema found in the checkpoints
     * @param closing whether the pipeline is stopping (then no lease thread is started)
     * @throws FailbackConfigurationException when a database cannot be used (yet)
     */
    public void prepare(Resumer resumer, BooleanSupplier closing) {
        if (dialect == null) {
            dialect = config.dialect().orElseGet(() -> Dialects.detect(config.target()));
            LOG.info("{} - target dialect: {}", config.name(), dialect.name());
        }
        if (gate == null) {
            try {
                gate = new SchemaGate(dialect, config.stagingSchema(), config.schemas());
            } catch (IllegalArgumentException e) {
                throw new FailbackConfigurationException(e.getMessage(), e);
            }
        }
        StagingStores.Stores jdbc = config.stagingStore().isPresent() && config.checkpointStore().isPresent() ? null
                : StagingStores.jdbc(stagingDataSource, config.stagingSchema(), config.createStagingSchema());
        if (staging == null) {
            staging = config.stagingStore().orElseGet(() -> jdbc.staging());
            versions = config.versionStore().orElse(staging instanceof VersionStore v ? v : null);
            deadLetters = config.deadLetterStore().orElse(staging instanceof DeadLetterStore d ? d : null);
            checkpoints = config.checkpointStore().orElseGet(() -> jdbc.checkpoints());
        }
        try {
            for (Store store : stores()) {
                store.init();
            }
            checkpoints.init();
        } catch (SQLException e) {
            throw new FailbackConfigurationException("staging database unusable: " + e.getMessage(), e);
        }
        LOG.info("{} - staging database name: {} ({}, {})", config.name(), config.stagingSchema(), staging, checkpoints);
        fence = Databases.openFence(config, dialect);
        if (leases == null) {
            leases = config.leaseStore().orElseGet(() -> jdbc != null ? jdbc.leases() : new InMemoryLeaseStore());
        }
        try {
            leases.init();
        } catch (SQLException e) {
            throw new FailbackConfigurationException("staging database unusable for leases: " + e.getMessage(), e);
        }
        owner = Databases.targetIdentity(config.target());
        if (config.mode() == Mode.CONSISTENT && leaseKeeper == null) {
            leaseKeeper = new LeaseKeeper(config.name(), config.instanceId(), leases, fence, checkpoints, staging,
                    groups, config.leaseTtl(), config.leaseRenewal(), listeners, metrics);
        }
        applier = new WindowApplier(config.target(), dialect, config.applyTimeout(), timeoutExecutor, metrics);
        applier.transforms(config.transforms(), schema -> groupOf(groups, schema));
        resumeAll(resumer);
        if (leaseKeeper != null && leaseThread == null && !closing.getAsBoolean()) {
            leaseThread = new NamedThreadFactory(config.name(), "lease", config.threadFactory().orElse(null))
                    .newThread(leaseKeeper);
            leaseThread.start();
        }
        notReady = null;
    }

    private void resumeAll(Resumer resumer) {
        try {
            Map<String, String> owners = leases.owners();
            for (Map.Entry<String, Checkpoint> e : checkpoints.loadAll().entrySet()) {
                Checkpoint cp = e.getValue();
                String other = owners.get(e.getKey());
                if (other != null && !other.equals(owner)) {
                    // another deployment's group in a shared staging schema: not ours to resume, lease or log
                    LOG.debug("{} - group {} belongs to the deployment on {}; not resumed", config.name(), e.getKey(),
                            other);
                    continue;
                }
                try {
                    resumer.resume(e.getKey(), cp);
                } catch (RuntimeException | SQLException ex) {
                    LOG.warn("{} - cannot resume {} (resolved {}, applied {}): {}", config.name(), e.getKey(),
                            cp.resolved(), cp.applied(), ex.getMessage());
                }
            }
        } catch (SQLException e) {
            throw new FailbackConfigurationException("cannot read checkpoints: " + e.getMessage(), e);
        }
    }

    /** Records why the databases are not prepared yet. */
    void notReady(String why) {
        notReady = why;
    }

    /** Whether the databases are prepared. */
    public boolean ready() {
        return notReady == null;
    }

    /** Null once the databases are prepared; else why not yet. */
    public String notReady() {
        return notReady;
    }

    public Dialect dialect() {
        return dialect;
    }

    /** Which schemas the webhook may write. */
    public SchemaGate gate() {
        return gate;
    }

    public StagingStore staging() {
        return staging;
    }

    /** Immediate mode's key versions; null in consistent mode when no store keeps them. */
    public VersionStore versions() {
        return versions;
    }

    /** The dead-letter store; null when none keeps dead letters (then dead letters are off). */
    public DeadLetterStore deadLetters() {
        return deadLetters;
    }

    public CheckpointStore checkpoints() {
        return checkpoints;
    }

    public LeaseStore leases() {
        return leases;
    }

    /** This deployment's identity ({@link Databases#targetIdentity}). */
    public String owner() {
        return owner;
    }

    public TargetFence fence() {
        return fence;
    }

    public WindowApplier applier() {
        return applier;
    }

    /** The lease keeper (consistent mode), or null. */
    public LeaseKeeper leaseKeeper() {
        return leaseKeeper;
    }

    /** The lease keeper's thread, or null when none started. */
    Thread leaseThread() {
        return leaseThread;
    }

    /** Closes the stores, each object once (the built-in staging store is also the version and dead-letter store). */
    void close() {
        for (Store store : stores()) {
            store.close();
        }
        if (checkpoints != null) {
            checkpoints.close();
        }
        if (leases != null) {
            leases.close();
        }
    }

    private List<Store> stores() {
        List<Store> stores = new ArrayList<>(3);
        for (Store s : Arrays.asList(staging, versions, deadLetters)) {
            if (s != null && stores.stream().noneMatch(known -> known == s)) {
                stores.add(s);
            }
        }
        return stores;
    }

    /** The name of the group serving a target schema (as the target spells it); the schema itself when none does yet. */
    private static String groupOf(java.util.function.Supplier<java.util.Collection<Group>> groups, String schema) {
        for (Group g : groups.get()) {
            if (g.segments.get(g.segments.size() - 1).equals(schema)) {
                return g.name;
            }
        }
        return schema;
    }
}
