package dev.failback.spring.boot;

import dev.failback.Failback;
import dev.failback.FailbackConfigurationException;
import dev.failback.FailbackListener;
import dev.failback.jetty.JettySink;
import dev.failback.jetty.TlsConfig;
import dev.failback.spi.Authenticator;
import dev.failback.transform.Transforms;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * The auto-configured pipeline's place in the application's lifecycle. {@link #start(Inputs)} configures
 * the builder from the properties and the application's beans, reporting every problem at once, and
 * starts the pipeline and its webhook sink while the context refreshes; {@link #stop()}, in the
 * application's shutdown (phase {@value #PHASE}, before the web server's graceful shutdown and before
 * any bean, DataSource or MeterRegistry is destroyed), closes it: the sink stops taking requests and
 * drains those in flight, then the pipeline finishes the window it applies and stops (bounded by
 * {@code failback.grace-period}). Thread-safe.
 */
public final class FailbackLifecycle implements SmartLifecycle, DisposableBean {
    /** Stopped before Spring Boot's web server graceful shutdown ({@code SmartLifecycle.DEFAULT_PHASE - 1024}). */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

    private static final Logger LOG = LoggerFactory.getLogger(FailbackLifecycle.class);

    private final Failback failback;
    private final JettySink sink;
    private final PropertiesAuthenticator authenticator;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    private FailbackLifecycle(Failback failback, JettySink sink, PropertiesAuthenticator authenticator) {
        this.failback = failback;
        this.sink = sink;
        this.authenticator = authenticator;
    }

    /** What the pipeline is made of: the properties and the beans the application supplies. */
    record Inputs(FailbackProperties properties, FailbackDataSources dataSources, List<String> problems,
            Authenticator authenticator, MeterRegistry meterRegistry, List<FailbackListener> listeners,
            Transforms transforms, List<FailbackBuilderCustomizer> customizers) {
    }

    /**
     * Configures and starts the pipeline.
     *
     * @param in the properties and beans
     * @return the running pipeline's lifecycle
     * @throws FailbackConfigurationException listing every problem, each naming its property
     */
    static FailbackLifecycle start(Inputs in) {
        FailbackProperties p = in.properties();
        String prefix = FailbackProperties.PREFIX + ".";
        List<String> problems = new ArrayList<>(in.problems());
        FailbackDataSources ds = in.dataSources();

        FailbackProperties.Auth auth = p.getAuth();
        PropertiesAuthenticator fromProperties = null;
        if (auth.isDisabled()) {
            if (auth.any()) {
                problems.add(prefix + "auth.disabled=true contradicts " + prefix + "auth.tokens, token-files,"
                        + " jwt-public-keys and jwt-from-staging: set one or the other");
            }
            if (in.authenticator() != null) {
                problems.add(prefix + "auth.disabled=true contradicts the Authenticator bean " + in.authenticator());
            }
        } else if (in.authenticator() != null) {
            if (auth.any()) {
                problems.add("an Authenticator bean (" + in.authenticator() + ") and " + prefix + "auth.* credentials"
                        + " are both given: use one or the other");
            }
        } else {
            fromProperties = PropertiesAuthenticator.of(auth, ds == null ? null
                    : ds.staging() != null ? ds.staging() : ds.target(), p.getStagingSchema());
            problems.addAll(fromProperties.problems());
        }

        JettySink.Builder sinkBuilder = JettySink.builder();
        FailbackProperties.Sink s = p.getSink();
        set(problems, prefix + "sink.host", () -> sinkBuilder.host(s.getHost()));
        set(problems, prefix + "sink.port", () -> sinkBuilder.port(s.getPort()));
        set(problems, prefix + "sink.max-request-header-bytes", () -> sinkBuilder.requestHeaderSize(s.getMaxRequestHeaderBytes()));
        set(problems, prefix + "sink.http-idle-timeout", () -> sinkBuilder.idleTimeout(s.getHttpIdleTimeout()));
        set(problems, prefix + "sink.http-header-timeout", () -> sinkBuilder.headerTimeout(s.getHttpHeaderTimeout()));
        set(problems, prefix + "sink.http-body-timeout", () -> sinkBuilder.bodyTimeout(s.getHttpBodyTimeout()));
        set(problems, prefix + "sink.http-min-request-data-rate", () -> sinkBuilder.minRequestDataRate(s.getHttpMinRequestDataRate()));
        set(problems, prefix + "sink.max-connections", () -> sinkBuilder.maxConnections(s.getMaxConnections()));
        set(problems, prefix + "sink.max-connections-per-address", () -> sinkBuilder.maxConnectionsPerAddress(s.getMaxConnectionsPerAddress()));
        set(problems, prefix + "sink.max-threads", () -> sinkBuilder.maxThreads(s.getMaxThreads()));
        try {
            sinkBuilder.stopTimeout(p.getGracePeriod());
        } catch (RuntimeException e) {
            // reported once, under failback.grace-period, by the pipeline's shutdownTimeout below
        }
        sinkBuilder.varz(s.isVarz());
        TlsConfig tls = tls(s.getTls(), prefix + "sink.tls.", problems);
        if (tls != null) {
            sinkBuilder.tls(tls);
        }

        Failback.Builder b = Failback.builder();
        set(problems, prefix + "name", () -> b.name(p.getName()));
        set(problems, prefix + "tables", () -> b.tables(p.getTables().toArray(String[]::new)));
        set(problems, prefix + "schemas", () -> b.schemas(p.getSchemas().toArray(String[]::new)));
        set(problems, prefix + "mode", () -> b.mode(p.getMode()));
        set(problems, prefix + "staging-schema", () -> b.stagingSchema(p.getStagingSchema()));
        b.createStagingSchema(p.isStagingCreateSchema());
        set(problems, prefix + "flush-size", () -> b.flushSize(p.getFlushSize()));
        set(problems, prefix + "flush-period", () -> b.flushPeriod(p.getFlushPeriod()));
        set(problems, prefix + "scan-size", () -> b.scanSize(p.getScanSize()));
        set(problems, prefix + "large-transaction-rows", () -> b.largeTransactionRows(p.getLargeTransactionRows()));
        set(problems, prefix + "version-guard-memory-keys", () -> b.versionGuardMemoryKeys(p.getVersionGuardMemoryKeys()));
        set(problems, prefix + "apply-timeout", () -> b.applyTimeout(p.getApplyTimeout()));
        set(problems, prefix + "schema-refresh", () -> b.schemaRefresh(p.getSchemaRefresh()));
        set(problems, prefix + "grace-period", () -> b.shutdownTimeout(p.getGracePeriod()));
        set(problems, prefix + "retire-offset", () -> b.retireOffset(p.getRetireOffset()));
        set(problems, prefix + "lease-ttl", () -> b.leaseTtl(p.getLeaseTtl()));
        set(problems, prefix + "lease-renewal", () -> b.leaseRenewal(p.getLeaseRenewal()));
        if (p.getLeaseRenewal() != null && p.getLeaseTtl() != null && p.getLeaseRenewal().compareTo(p.getLeaseTtl()) >= 0) {
            problems.add(prefix + "lease-renewal (" + p.getLeaseRenewal() + ") must be shorter than " + prefix
                    + "lease-ttl (" + p.getLeaseTtl() + ")");
        }
        if (p.getInstanceId() != null) {
            set(problems, prefix + "instance-id", () -> b.instanceId(p.getInstanceId()));
        }
        b.deadLetter(p.isDeadLetter());
        b.ignoreUnknownColumns(p.isIgnoreUnknownColumns());
        b.refuseFoldingKeys(p.isRefuseFoldingKeys());
        set(problems, prefix + "progress-interval", () -> b.progressInterval(p.getProgressInterval()));
        set(problems, prefix + "max-body-bytes", () -> b.maxBodyBytes(p.getMaxBodyBytes()));
        set(problems, prefix + "max-nesting-depth", () -> b.maxNestingDepth(p.getMaxNestingDepth()));
        set(problems, prefix + "max-in-flight", () -> b.maxInFlight(p.getMaxInFlight()));
        if (p.getMaxBytesInFlight() != null) {
            set(problems, prefix + "max-bytes-in-flight", () -> b.maxBytesInFlight(p.getMaxBytesInFlight()));
        }
        set(problems, prefix + "max-schemas", () -> b.maxSchemas(p.getMaxSchemas()));
        set(problems, prefix + "max-clock-skew", () -> b.maxClockSkew(p.getMaxClockSkew()));

        if (!problems.isEmpty()) {
            if (fromProperties != null) {
                fromProperties.close();
            }
            throw new FailbackConfigurationException(problems);
        }

        b.target(ds.target());
        if (ds.staging() != null) {
            b.staging(ds.staging());
        }
        if (auth.isDisabled()) {
            b.disableAuthentication();
        } else {
            b.authenticator(fromProperties != null ? fromProperties : in.authenticator());
        }
        if (in.meterRegistry() != null) {
            b.meterRegistry(in.meterRegistry()).moltMetricNames(p.getMetrics().isMoltNames());
        }
        in.listeners().forEach(b::listener);
        if (in.transforms() != null) {
            b.transforms(in.transforms());
        }
        JettySink sink = sinkBuilder.build();
        b.sink(sink);
        in.customizers().forEach(c -> c.customize(b));

        Failback failback;
        try {
            failback = b.start();
        } catch (RuntimeException e) {
            sink.close();
            if (fromProperties != null) {
                fromProperties.close();
            }
            throw e;
        }
        if (fromProperties != null) {
            fromProperties.loadStagingKeys();
        }
        LOG.info("{} - started in {} mode: changefeed sink on {}, target {}, staging in {}, {}{}", failback.name(),
                p.getMode().name().toLowerCase(java.util.Locale.ROOT), sink.uri(), ds.targetBean(),
                ds.describeStaging(p.getStagingSchema()),
                auth.isDisabled() ? "authentication DISABLED" : fromProperties != null ? fromProperties : "authenticated by "
                        + in.authenticator(), in.meterRegistry() == null ? ", metrics off" : "");
        return new FailbackLifecycle(failback, sink, fromProperties);
    }

    private static TlsConfig tls(FailbackProperties.Tls t, String prefix, List<String> problems) {
        if ((t.getCertificate() == null) != (t.getPrivateKey() == null)) {
            problems.add(prefix + "certificate and " + prefix + "private-key go together: set both or neither");
            return null;
        }
        if (t.isSelfSigned() && t.getCertificate() != null) {
            problems.add(prefix + "self-signed cannot be combined with " + prefix + "certificate and " + prefix
                    + "private-key: choose one");
            return null;
        }
        if (t.getClientCa() != null && t.getCertificate() == null && !t.isSelfSigned()) {
            problems.add(prefix + "client-ca needs TLS: set " + prefix + "certificate and " + prefix + "private-key (or "
                    + prefix + "self-signed=true)");
            return null;
        }
        if (t.getCertificate() == null && !t.isSelfSigned()) {
            return null;
        }
        try {
            TlsConfig.Builder b = t.isSelfSigned() ? TlsConfig.selfSigned() : TlsConfig.pem(t.getCertificate(), t.getPrivateKey());
            if (t.getClientCa() != null) {
                b.clientCa(t.getClientCa());
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            problems.add(prefix + "*: " + e.getMessage());
            return null;
        }
    }

    /** Runs one builder setter, turning its refusal into a problem that names the property. */
    private static void set(List<String> problems, String property, Runnable setter) {
        try {
            setter.run();
        } catch (IllegalArgumentException | NullPointerException | IllegalStateException e) {
            problems.add(property + ": " + (e.getMessage() == null ? "must be set" : e.getMessage()));
        }
    }

    /**
     * Returns the running pipeline.
     *
     * @return the pipeline, never null
     */
    public Failback failback() {
        return failback;
    }

    /**
     * Returns the webhook sink (its {@link JettySink#port()} is the port bound, also for {@code failback.sink.port=0}).
     *
     * @return the sink, never null
     */
    public JettySink sink() {
        return sink;
    }

    /**
     * The pipeline was started while the context refreshed; this only marks it running for Spring. A pipeline
     * closed by {@link #stop()} does not start again (a closed {@link Failback} is final): a context stopped and
     * started again must be refreshed anew to get one.
     */
    @Override
    public void start() {
        if (closed.get()) {
            LOG.warn("{} - the context was started again after a stop: the pipeline stays closed; refresh the"
                    + " application context to get a new one", failback.name());
            return;
        }
        running.set(true);
    }

    /**
     * Closes the sink, then the pipeline ({@link Failback#close()}: the sink first, the pipeline after), then
     * the JWT refresh thread. Idempotent.
     */
    @Override
    public void stop() {
        running.set(false);
        if (closed.compareAndSet(false, true)) {
            LOG.info("{} - application shutdown: stopping the changefeed sink, then the pipeline", failback.name());
            try {
                failback.close();
            } finally {
                if (authenticator != null) {
                    authenticator.close();
                }
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** Closes everything when the context closes without having stopped the lifecycle (a failed refresh). */
    @Override
    public void destroy() {
        stop();
    }
}
