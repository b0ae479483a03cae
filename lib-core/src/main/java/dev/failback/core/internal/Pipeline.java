package dev.failback.core.internal;

import dev.failback.Failback;
import dev.failback.FailbackConfig;
import dev.failback.FailbackConfigurationException;
import dev.failback.Hlc;
import dev.failback.Mode;
import dev.failback.State;
import dev.failback.Status;
import dev.failback.WebhookHandler;
import dev.failback.core.internal.ingress.WebhookService;
import dev.failback.core.internal.sequence.LeaseKeeper;
import dev.failback.core.internal.sequence.Sequencer;
import dev.failback.core.internal.telemetry.AdminService;
import dev.failback.core.internal.telemetry.Counters;
import dev.failback.core.internal.telemetry.Events;
import dev.failback.core.internal.telemetry.Health;
import dev.failback.core.internal.telemetry.Listeners;
import dev.failback.core.internal.telemetry.PipelineMetrics;
import dev.failback.core.internal.telemetry.Progress;
import dev.failback.core.internal.telemetry.StatusHistory;
import dev.failback.core.internal.telemetry.StatusPage;
import dev.failback.core.internal.telemetry.StatusView;
import dev.failback.core.internal.telemetry.Telemetry;
import dev.failback.spi.Checkpoint;
import dev.failback.spi.Dialect;
import dev.failback.spi.Sink;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
    private final Telemetry telemetry;
    private final Backends backends;
    private WebhookService handler;
    private final List<Sink> startedSinks = new java.util.concurrent.CopyOnWriteArrayList<>();
    private AdminService admin;
    private final Health health;
    private final StatusHistory history = new StatusHistory();
    private final StatusPage statusPage;

    private Pipeline(FailbackConfig config) {
        this.config = config;
        this.applyThreads = new NamedThreadFactory(config.name(), "apply", config.threadFactory().orElse(null));
        this.timeoutExecutor = Executors.newCachedThreadPool(
                new NamedThreadFactory(config.name(), "timeout", config.threadFactory().orElse(null)));
        this.stagingDataSource = config.staging().orElse(config.target());
        this.metrics = PipelineMetrics.of(config.meterRegistry().orElse(null), config.name());
        this.metrics.molt(config.moltMetricNames());
        this.listeners = new Listeners(config.name(), config.listeners());
        this.events = new Events(config.name(), counters, listeners, progress);
        this.telemetry = new Telemetry(counters, metrics, events);
        this.backends = new Backends(config, stagingDataSource, timeoutExecutor, metrics, listeners, this::groupsNow);
        this.groups = new Groups(config.maxSchemas(), () -> {
            LeaseKeeper keeper = backends.leaseKeeper();
            if (keeper != null) {
                keeper.wake();
            }
        }, config.target(), backends::dialect, this::create);
        this.progressLog = new Progress(config.name(), config.instanceId(), this::status, counters, groups,
                () -> backends.leaseKeeper() != null);
        this.health = new Health(config.name(), stagingDataSource, config.target(), () -> startedSinks, timeoutExecutor);
        this.statusPage = new StatusPage(config.name(), config.instanceId(), config.mode(), this::status,
                this::healthProblem, groups::all, () -> backends.leaseKeeper() != null, counters, history);
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
            p.fail();
            p.shutdown();
            throw e;
        }
    }

    private void doStart() {
        transition(State.NEW, State.STARTING);
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
        admin = new AdminService(config.name(), this::healthProblem, config.meterRegistry().orElse(null),
                statusPage::html);
        handler = new WebhookService(config, backends, groups, telemetry, admin);
        try {
            prepareDatabases();
        } catch (FailbackConfigurationException e) {
            if (Databases.classify(e) != dev.failback.spi.ErrorKind.TRANSIENT) {
                throw e;
            }
            backends.notReady(e.getMessage());
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
        if (!transition(State.STARTING, State.RUNNING)) {
            // failed meanwhile: a database retry found a configuration error (logged) and is stopping
            throw new FailbackConfigurationException(List.of(config.name() + " failed while starting: " + backends.notReady()));
        }
        LOG.info("{} - started (instance {})", config.name(), config.instanceId());
        progressLog.restart();
        long every = config.progressInterval().toNanos();
        progressExecutor.scheduleAtFixedRate(() -> progressLog.log(state.get() == State.RUNNING), every, every,
                TimeUnit.NANOSECONDS);
        long sampleEvery = StatusHistory.INTERVAL.toNanos();
        progressExecutor.scheduleAtFixedRate(this::sampleHistory, 0, sampleEvery, TimeUnit.NANOSECONDS);
    }

    /** Samples the status for the status page's chart: what {@link #status()} holds, no database query. */
    private void sampleHistory() {
        try {
            history.sample(status(), counters.appliedByGroup(), java.time.Instant.now());
        } catch (RuntimeException e) {
            LOG.warn("{} - sampling the status for /_/status failed: {}", config.name(), e.toString());
        }
    }

    /** How often a start that found a database unreachable tries again: every 2 s (a fixed interval). */
    static final Backoff RETRY_DATABASES = new Backoff(2_000, 2_000);
    /** The start's attempts that found a database unreachable; changed only before the next is scheduled. */
    private int databaseRetries;

    private void prepareDatabases() {
        backends.prepare(this::resume, () -> closing);
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
                backends.notReady(e.getMessage());
                fail();
                // not on this executor's thread: shutdown() waits for it
                new NamedThreadFactory(config.name(), "stop", config.threadFactory().orElse(null))
                        .newThread(this::shutdown).start();
                return;
            }
            backends.notReady(e.getMessage());
            LOG.debug("{} - still waiting for the databases: {}", config.name(), e.getMessage());
            retryDatabasesLater();
        } catch (RuntimeException e) {
            if (closing) {
                return;
            }
            backends.notReady(e.toString());
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

    private void resume(String name, Checkpoint cp) throws SQLException {
        List<String> segments = Arrays.asList(name.split("\\."));
        Dialect dialect = backends.dialect();
        if (segments.size() != dialect.schemaPathSegments()) {
            LOG.debug("{} - checkpoint {} is not a {} schema; skipped", config.name(), name, dialect.name());
            return;
        }
        List<String> canonical = groups.resolve(segments);
        if (!String.join(".", canonical).equals(name)) {
            LOG.warn("{} - checkpoint {} was recorded under another spelling of target schema {}, which is now the"
                    + " group's name; it is not resumed (its staged rows stay in staging)", config.name(), name,
                    String.join(".", canonical));
            return;
        }
        Group g = groups.resume(canonical); // resumed whatever maxGroups says
        LOG.info("{} - resuming {}: resolved {}, applied {}, {} staged", config.name(), g.name, cp.resolved(),
                cp.applied(), g.backlog.get());
    }

    private java.util.Collection<Group> groupsNow() {
        return groups.all();
    }

    /** Creates a group and starts its sequencer; called by {@link Groups} under its lock. */
    private Group create(String name, List<String> canonical) throws SQLException {
        String owner = backends.owner();
        String belongs = backends.leases().own(name, owner);
        if (!belongs.equals(owner)) {
            LOG.warn("{} - {} is also replicated by the deployment on {} in the same staging schema {}; give each"
                    + " deployment its own staging schema", config.name(), name, belongs, config.stagingSchema());
        }
        String incarnation = backends.leases().incarnation(name);
        Checkpoint cp = backends.checkpoints().load(name);
        Group g = new Group(name, canonical, new SchemaCache(config.target(), backends.dialect(),
                canonical.get(canonical.size() - 1), config.schemaRefresh(), config.refuseFoldingKeys()), cp, backends.versions(),
                config.versionGuardMemoryKeys());
        g.incarnation = incarnation;
        g.backlog.set(backends.staging().countAfter(name, cp.applied()));
        g.meters = metrics.register(g);
        if (config.mode() == Mode.CONSISTENT) {
            Sequencer s = new Sequencer(config, backends, telemetry, g);
            g.sequencer = s;
            Thread t = applyThreads.newThread(s);
            sequencerThreads.add(t);
            t.start();
        }
        LOG.info("{} - serving target schema {}", config.name(), name);
        return g;
    }

    /**
     * Checks readiness ({@link Health}).
     *
     * @return null when ready, else what is wrong, one line
     */
    private String healthProblem() {
        return health.problem(state.get());
    }

    /**
     * Moves the lifecycle from {@code from} to {@code to} by compare-and-set, logs the change at INFO and
     * tells the listeners and those waiting.
     *
     * @return whether this call made the change (false: the state was no longer {@code from})
     */
    private boolean transition(State from, State to) {
        if (!state.compareAndSet(from, to)) {
            return false;
        }
        LOG.info("{} - state {} -> {}", config.name(), from, to);
        listeners.onStateChange(from, to);
        synchronized (progress) {
            progress.notifyAll();
        }
        return true;
    }

    /** Fails the pipeline from the state it is in, unless it has already stopped or failed. */
    private void fail() {
        for (State s = state.get(); s != State.STOPPED && s != State.FAILED; s = state.get()) {
            if (transition(s, State.FAILED)) {
                return;
            }
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
        return StatusView.of(state.get(), groups.all(), counters.snapshot(backends.applier() == null ? 0 : backends.applier().retries()),
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
        if (!transition(s, State.STOPPING)) {
            return;
        }
        LOG.info("{} - stopping", config.name());
        shutdown();
        transition(State.STOPPING, State.STOPPED);
        LOG.info("{} - stopped", config.name());
    }

    private NamedThreadFactory stopThreads() {
        return new NamedThreadFactory(config.name(), "stop", config.threadFactory().orElse(null));
    }

    /** Set first thing by {@link #shutdown()}: a start still waiting for its databases gives up. */
    private volatile boolean closing;

    /** Set by the first {@link #shutdown()}; a second one (a start failing while a stop runs) does nothing. */
    private final java.util.concurrent.atomic.AtomicBoolean shutDown = new java.util.concurrent.atomic.AtomicBoolean();

    private void shutdown() {
        closing = true;
        if (!shutDown.compareAndSet(false, true)) {
            return;
        }
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
        LeaseKeeper leaseKeeper = backends.leaseKeeper();
        if (leaseKeeper != null) {
            leaseKeeper.stop();
            if (backends.leaseThread() != null) {
                Stopping.join(backends.leaseThread(), deadline);
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
        backends.close();
        metrics.close();
        try {
            config.transforms().close();
        } catch (RuntimeException e) {
            LOG.warn("{} - closing the transforms failed: {}", config.name(), e.toString());
        }
    }
}
