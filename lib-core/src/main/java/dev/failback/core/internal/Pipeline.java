package dev.failback.core.internal;

import dev.failback.Failback;
import dev.failback.FailbackConfig;
import dev.failback.FailbackConfigurationException;
import dev.failback.Hlc;
import dev.failback.Mode;
import dev.failback.State;
import dev.failback.Status;
import dev.failback.WebhookHandler;
import dev.failback.core.internal.apply.SchemaDrift;
import dev.failback.core.internal.apply.TargetFence;
import dev.failback.core.internal.apply.WindowApplier;
import dev.failback.core.internal.ingress.SchemaGate;
import dev.failback.core.internal.ingress.WebhookService;
import dev.failback.core.internal.sequence.LeaseKeeper;
import dev.failback.core.internal.sequence.Sequencer;
import dev.failback.core.internal.stage.StagingStores;
import dev.failback.core.internal.telemetry.AdminService;
import dev.failback.core.internal.telemetry.Counters;
import dev.failback.core.internal.telemetry.Events;
import dev.failback.core.internal.telemetry.Health;
import dev.failback.core.internal.telemetry.Listeners;
import dev.failback.core.internal.telemetry.PipelineMetrics;
import dev.failback.core.internal.telemetry.Progress;
import dev.failback.core.internal.telemetry.StatusView;
import dev.failback.spi.Checkpoint;
import dev.failback.spi.CheckpointStore;
import dev.failback.spi.DeadLetterStore;
import dev.failback.spi.Dialect;
import dev.failback.spi.Sink;
import dev.failback.spi.StagingStore;
import dev.failback.spi.Store;
import dev.failback.spi.VersionStore;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running pipeline behind {@link Failback}. Thread-safe. */
public final class Pipeline implements Failback {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    private final FailbackConfig config;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private final Counters counters = new Counters();
    private final Groups groups;
    private final List<Thread> sequencerThreads = new ArrayList<>();
    private final Object progress = new Object();
    private final NamedThreadFactory applyThreads;
    private final ExecutorService timeoutExecutor;
    private final java.util.concurrent.ScheduledExecutorService progressExecutor;
    private final Progress progressLog;
    private final DataSource stagingDataSource;
    private final PipelineMetrics metrics;
    private final Listeners listeners;
    private final Events events;
    private Dialect dialect;
    private volatile SchemaGate gate;
    private StagingStore staging;
    /** Immediate mode's key versions; null in consistent mode when no store keeps them. */
    private VersionStore versions;
    /** Null when no store keeps dead letters: the builder refuses {@code deadLetter(true)} in consistent mode then. */
    private DeadLetterStore deadLetters;
    private CheckpointStore checkpoints;
    private WindowApplier applier;
    private WebhookService handler;
    private final List<Sink> startedSinks = new ArrayList<>();
    private AdminService admin;
    private dev.failback.spi.LeaseStore leases;
    private TargetFence fence;
    private LeaseKeeper leaseKeeper;
    private Thread leaseThread;
    private final Health health;

    private Pipeline(FailbackConfig config) {
        this.config = config;
        this.applyThreads = new NamedThreadFactory(config.name(), "apply", config.threadFactory().orElse(null));
        this.timeoutExecutor = Executors.newCachedThreadPool(
                new NamedThreadFactory(config.name(), "timeout", config.threadFactory().orElse(null)));
        this.stagingDataSource = config.staging().orElse(config.target());
        this.metrics = PipelineMetrics.of(config.meterRegistry().orElse(null), config.name());
        this.listeners = new Listeners(config.name(), config.listeners());
        this.events = new Events(config.name(), counters, listeners, progress);
        this.groups = new Groups(config.maxSchemas(), () -> {
            LeaseKeeper keeper = leaseKeeper;
            if (keeper != null) {
                keeper.wake();
            }
        });
        this.progressLog = new Progress(config.name(), config.instanceId(), this::status, counters, groups,
                () -> leaseKeeper != null);
        this.health = new Health(config.name(), stagingDataSource, config.target(), () -> startedSinks, timeoutExecutor);
        this.progressExecutor = Executors.newSingleThreadScheduledExecutor(
                new NamedThreadFactory(config.name(), "progress", config.threadFactory().orElse(null)));
    }

    /**
     * Starts a pipeline.
     *
     * @param config the configuration
     * @return the running pipeline
     */
    public static Pipeline start(FailbackConfig config) {
        Pipeline p = new Pipeline(config);
        try {
            p.doStart();
            return p;
        } catch (RuntimeException e) {
            p.transition(State.FAILED);
            p.shutdown();
            throw e;
        }
    }

    private void doStart() {
        transition(State.STARTING);
        LOG.info("{} - starting failback ({} mode)", config.name(), config.mode().name().toLowerCase());
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} - configuration: {}", config.name(), ConfigDump.describe(config));
        }
        if (config.authenticator().isEmpty()) {
            LOG.warn("{} - authentication disabled: any caller that can reach the sink may write to the target"
                    + " database", config.name());
        }
        metrics.instance(config.instanceId());
        LOG.info("{} - instance {}", config.name(), config.instanceId());
        admin = new AdminService(this, config.meterRegistry().orElse(null));
        handler = new WebhookService(this, admin);
        try {
            prepareDatabases();
        } catch (FailbackConfigurationException e) {
            if (Databases.classify(e) != dev.failback.spi.ErrorKind.TRANSIENT) {
                throw e;
            }
            notReady = e.getMessage();
            LOG.warn("{} - {}: accepting requests with 503 until the databases answer, checking every {} s",
                    config.name(), e.getMessage(), RETRY_DATABASES.maxMillis() / 1000);
            retryDatabasesLater();
        }
        for (Sink sink : config.sinks()) {
            try {
                sink.start(config.name(), handler);
                startedSinks.add(sink);
            } catch (Exception e) {
                throw new FailbackConfigurationException("sink " + sink + " did not start: " + e.getMessage(), e);
            }
        }
        transition(State.RUNNING);
        LOG.info("{} - started (instance {})", config.name(), config.instanceId());
        progressLog.restart();
        long every = config.progressInterval().toNanos();
        progressExecutor.scheduleAtFixedRate(() -> progressLog.log(state.get() == State.RUNNING), every, every,
                TimeUnit.NANOSECONDS);
    }

    /** How often a start that found a database unreachable tries again: every 2 s (a fixed interval). */
    static final Backoff RETRY_DATABASES = new Backoff(2_000, 2_000);
    /** The start's attempts that found a database unreachable; changed only before the next is scheduled. */
    private int databaseRetries;
    /** Null once the databases are prepared; else why not yet. */
    private volatile String notReady = "starting";

    public boolean ready() {
        return notReady == null;
    }

    public String notReady() {
        return notReady;
    }

    private void retryDatabases() {
        if (closing) {
            return;
        }
        try {
            prepareDatabases();
            if (closing) {
                return;
            }
            LOG.info("{} - the databases answer: applying", config.name());
        } catch (FailbackConfigurationException e) {
            if (closing) {
                return; // interrupted by close(): nothing to report
            }
            if (Databases.classify(e) != dev.failback.spi.ErrorKind.TRANSIENT) {
                LOG.error("{} - cannot start: {}", config.name(), e.getMessage());
                transition(State.FAILED);
                // not on this executor's thread: shutdown() waits for it
                new NamedThreadFactory(config.name(), "stop", config.threadFactory().orElse(null))
                        .newThread(this::shutdown).start();
                return;
            }
            notReady = e.getMessage();
            LOG.debug("{} - still waiting for the databases: {}", config.name(), e.getMessage());
            retryDatabasesLater();
        } catch (RuntimeException e) {
            if (closing) {
                return;
            }
            notReady = e.toString();
            LOG.warn("{} - preparing the databases failed, retrying: {}", config.name(), e.toString());
            retryDatabasesLater();
        }
    }

    private void retryDatabasesLater() {
        if (databaseRetries < Integer.MAX_VALUE) {
            databaseRetries++;
        }
        progressExecutor.schedule(this::retryDatabases, RETRY_DATABASES.pause(databaseRetries), TimeUnit.MILLISECONDS);
    }

    /**
     * Everything that needs the databases: the dialect, the staging, checkpoint and lease stores, the
     * fence, the groups to resume, the lease keeper. Run again until it succeeds when a database did
     * not answer at start.
     */
    private void prepareDatabases() {
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
            leases = config.leaseStore().orElseGet(() -> jdbc != null ? jdbc.leases()
                    : new dev.failback.core.memory.InMemoryLeaseStore());
        }
        try {
            leases.init();
        } catch (SQLException e) {
            throw new FailbackConfigurationException("staging database unusable for leases: " + e.getMessage(), e);
        }
        owner = Databases.targetIdentity(config.target());
        if (config.mode() == Mode.CONSISTENT && leaseKeeper == null) {
            leaseKeeper = new LeaseKeeper(config.name(), config.instanceId(), leases, fence, checkpoints, staging,
                    groups::all, config.leaseTtl(), config.leaseRenewal(), listeners,
                    metrics);
        }
        applier = new WindowApplier(config.target(), dialect, config.applyTimeout(), timeoutExecutor, metrics);
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
                    resume(e.getKey(), cp);
                } catch (RuntimeException | SQLException ex) {
                    LOG.warn("{} - cannot resume {} (resolved {}, applied {}): {}", config.name(), e.getKey(),
                            cp.resolved(), cp.applied(), ex.getMessage());
                }
            }
        } catch (SQLException e) {
            throw new FailbackConfigurationException("cannot read checkpoints: " + e.getMessage(), e);
        }
        if (leaseKeeper != null && leaseThread == null && !closing) {
            leaseThread = new NamedThreadFactory(config.name(), "lease", config.threadFactory().orElse(null))
                    .newThread(leaseKeeper);
            leaseThread.start();
        }
        notReady = null;
    }

    private void resume(String name, Checkpoint cp) throws SQLException {
        List<String> segments = Arrays.asList(name.split("\\."));
        if (segments.size() != dialect.schemaPathSegments()) {
            LOG.debug("{} - checkpoint {} is not a {} schema; skipped", config.name(), name, dialect.name());
            return;
        }
        List<String> canonical = resolve(segments);
        if (!String.join(".", canonical).equals(name)) {
            LOG.warn("{} - checkpoint {} was recorded under another spelling of target schema {}, which is now the"
                    + " group's name; it is not resumed (its staged rows stay in staging)", config.name(), name,
                    String.join(".", canonical));
            return;
        }
        Group g = groups.resume(canonical, this::create); // resumed whatever maxGroups says
        LOG.info("{} - resuming {}: resolved {}, applied {}, {} staged", config.name(), g.name, cp.resolved(),
                cp.applied(), g.backlog.get());
    }

    /** This deployment's identity ({@link Databases#targetIdentity}). */
    private String owner = "";

    public LeaseKeeper leaseKeeper() {
        return leaseKeeper;
    }

    public TargetFence fence() {
        return fence;
    }

    /** Finds a known group without asking the target ({@link Groups#known}). */
    public Group known(List<String> segments) {
        return groups.known(segments);
    }

    /** Resolves a path as sent to the target's names ({@link Groups#resolve}). */
    public List<String> resolve(List<String> segments) throws SQLException {
        return groups.resolve(config.target(), dialect, segments);
    }

    /** Finds or creates the group of a resolved path ({@link Groups#group}). */
    public Group group(List<String> canonical, List<String> asSent) throws SQLException {
        return groups.group(canonical, asSent, this::create);
    }

    /** Creates a group and starts its sequencer; called by {@link Groups} under its lock. */
    private Group create(String name, List<String> canonical) throws SQLException {
        String belongs = leases.own(name, owner);
        if (!belongs.equals(owner)) {
            LOG.warn("{} - {} is also replicated by the deployment on {} in the same staging schema {}; give each"
                    + " deployment its own staging schema", config.name(), name, belongs, config.stagingSchema());
        }
        String incarnation = leases.incarnation(name);
        Checkpoint cp = checkpoints.load(name);
        Group g = new Group(name, canonical, new SchemaCache(config.target(), dialect, canonical.get(canonical.size() - 1),
                config.schemaRefresh()), cp, versions, config.versionGuardMemoryKeys());
        g.incarnation = incarnation;
        g.backlog.set(staging.countAfter(name, cp.applied()));
        g.meters = metrics.register(g);
        if (config.mode() == Mode.CONSISTENT) {
            Sequencer s = new Sequencer(this, g);
            g.sequencer = s;
            Thread t = applyThreads.newThread(s);
            sequencerThreads.add(t);
            t.start();
        }
        LOG.info("{} - serving target schema {}", config.name(), name);
        return g;
    }

    /** Which schemas the webhook may write. */
    public SchemaGate gate() {
        return gate;
    }

    public FailbackConfig config() {
        return config;
    }

    public Counters counters() {
        return counters;
    }

    public Dialect dialect() {
        return dialect;
    }

    public PipelineMetrics metrics() {
        return metrics;
    }

    /**
     * The {@code kind} tag of {@code failback.errors} for a failure: staging, or the dialect's
     * classification of the target's error.
     *
     * @param e            the failure
     * @param sqlIsStaging whether a bare {@link SQLException} came from staging (else from the target)
     */
    public String errorKind(Throwable e, boolean sqlIsStaging) {
        if (e instanceof dev.failback.StagingException || (sqlIsStaging && e instanceof SQLException)) {
            return PipelineMetrics.STAGING;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && dialect != null) {
                return dialect.classify(sql).label();
            }
        }
        return PipelineMetrics.OTHER;
    }

    public StagingStore staging() {
        return staging;
    }

    /** The dead-letter store; null when none keeps dead letters (then dead letters are off). */
    public DeadLetterStore deadLetters() {
        return deadLetters;
    }

    /** The staging, version and dead-letter stores, each object once (the built-in store is all three). */
    private List<Store> stores() {
        List<Store> stores = new ArrayList<>(3);
        for (Store s : Arrays.asList(staging, versions, deadLetters)) {
            if (s != null && stores.stream().noneMatch(known -> known == s)) {
                stores.add(s);
            }
        }
        return stores;
    }

    public CheckpointStore checkpoints() {
        return checkpoints;
    }

    public WindowApplier applier() {
        return applier;
    }

    /**
     * Called after an apply failed with anything but a transient error: re-reads the target schema
     * (rate-limited) and compares the window with it, so that a table or column dropped from the
     * target since the mutations were received is reported as such instead of as the SQL error it
     * causes.
     *
     * @param group   the group
     * @param window  the window that failed
     * @param failure the failure
     * @return null when the window fits the schema (the failure is something else); else the window
     *         without the unknown columns ({@code ignoreUnknownColumns}), to apply again
     * @throws ApplyException ({@code BAD_DATA}: not retryable, a 400) naming the table and column, when the drift is not ignored
     * @throws SQLException   when the schema cannot be read
     */
    public List<dev.failback.Mutation> schemaDrift(Group group, List<dev.failback.Mutation> window, RuntimeException failure)
            throws SQLException {
        SchemaDrift drift = SchemaDrift.find(group.schema.refreshOnMiss(), window);
        if (drift.isEmpty()) {
            return null;
        }
        if (drift.missingTable() != null || !config.ignoreUnknownColumns()) {
            throw new dev.failback.ApplyException(drift.describe(), failure, dev.failback.spi.ErrorKind.BAD_DATA);
        }
        drift.unknown().forEach((table, columns) -> events.ignoredColumns(group.name, table, columns));
        return drift.strip(window);
    }

    /** Counts and announces what the stages did ({@link Events}). */
    public Events events() {
        return events;
    }

    /**
     * Checks readiness ({@link Health}).
     *
     * @return null when ready, else what is wrong, one line
     */
    public String healthProblem() {
        return health.problem(state.get());
    }

    private void transition(State to) {
        State from = state.getAndSet(to);
        if (from == to) {
            return;
        }
        LOG.debug("{} - state {} -> {}", config.name(), from, to);
        listeners.onStateChange(from, to);
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public State state() {
        return state.get();
    }

    @Override
    public Status status() {
        return StatusView.of(state.get(), groups.all(), counters.snapshot(applier == null ? 0 : applier.retries()),
                config.instanceId());
    }

    @Override
    public WebhookHandler webhookHandler() {
        return handler;
    }

    @Override
    public WebhookHandler adminHandler() {
        return admin;
    }

    @Override
    public boolean awaitApplied(Hlc resolved, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (true) {
                State s = state.get();
                if (s == State.STOPPED || s == State.FAILED) {
                    return allApplied(resolved);
                }
                if (allApplied(resolved)) {
                    return true;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(progress, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
        }
    }

    private boolean allApplied(Hlc resolved) {
        if (groups.isEmpty()) {
            return false;
        }
        for (Group g : groups.all()) {
            if (g.checkpoint().applied().compareTo(resolved) < 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (state.get() != State.STOPPED && state.get() != State.FAILED) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(progress, left);
            }
            return true;
        }
    }

    @Override
    public void close() {
        State s = state.get();
        if (s == State.STOPPING || s == State.STOPPED || s == State.FAILED) {
            return;
        }
        if (!state.compareAndSet(s, State.STOPPING)) {
            return;
        }
        transitionLogged(s, State.STOPPING);
        LOG.info("{} - stopping", config.name());
        shutdown();
        transition(State.STOPPED);
        LOG.info("{} - stopped", config.name());
    }

    private void transitionLogged(State from, State to) {
        listeners.onStateChange(from, to);
    }

    private NamedThreadFactory stopThreads() {
        return new NamedThreadFactory(config.name(), "stop", config.threadFactory().orElse(null));
    }

    /** Set first thing by {@link #shutdown()}: a start still waiting for its databases gives up. */
    private volatile boolean closing;

    private void shutdown() {
        closing = true;
        long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
        if (handler != null) {
            handler.stopAccepting();
        }
        Stopping.closeAll(config.name(), startedSinks, deadline, stopThreads(), config.shutdownTimeout());
        // A retry of the databases in flight finishes (or gives up) before its threads are stopped below.
        progressExecutor.shutdownNow();
        try {
            if (!progressExecutor.awaitTermination(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                LOG.warn("{} - a start waiting for its databases did not give up within the shutdown timeout",
                        config.name());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (handler != null) {
            try {
                if (!handler.awaitIdle(deadline)) {
                    LOG.warn("{} - {} webhook requests still running at the shutdown timeout", config.name(),
                            handler.active());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Group g : groups.all()) {
            if (g.sequencer != null) {
                g.sequencer.stop();
            }
        }
        for (Thread t : sequencerThreads) {
            if (!Stopping.join(t, deadline)) {
                LOG.warn("{} - {} did not stop within the shutdown timeout; interrupting", config.name(), t.getName());
                t.interrupt();
            }
        }
        if (leaseKeeper != null) {
            leaseKeeper.stop();
            if (leaseThread != null) {
                Stopping.join(leaseThread, deadline);
            }
            // a standby takes over at once, no TTL to wait for; bounded like the rest of the stop
            Thread release = new NamedThreadFactory(config.name(), "release", config.threadFactory().orElse(null))
                    .newThread(leaseKeeper::releaseAll);
            release.start();
            if (!Stopping.join(release, deadline)) {
                LOG.warn("{} - releasing the leases did not finish within the shutdown timeout; they expire after {}",
                        config.name(), config.leaseTtl());
            }
        }
        progressExecutor.shutdownNow();
        timeoutExecutor.shutdownNow();
        for (Store store : stores()) {
            store.close();
        }
        if (checkpoints != null) {
            checkpoints.close();
        }
        if (leases != null) {
            leases.close();
        }
        metrics.close();
    }
}
