package dev.failback.spring.boot;

import dev.failback.Failback;
import dev.failback.Mode;
import dev.failback.core.auth.JwtAuthenticator;
import dev.failback.jetty.JettySink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code failback.*} properties: what {@link Failback.Builder}, {@link JettySink.Builder} and the
 * authenticators take, named after the CLI's flags ({@code failback start --help}) in kebab case. Every
 * default is the builder's own ({@link Failback.Builder#DEFAULT_FLUSH_SIZE} and so on). Not thread-safe:
 * Spring binds it once at start.
 */
@ConfigurationProperties(prefix = FailbackProperties.PREFIX)
public class FailbackProperties {
    /** The prefix of every property: {@value}. */
    public static final String PREFIX = "failback";

    /** Whether to start a Failback pipeline and its webhook sink. */
    private boolean enabled = true;
    /** The pipeline's name: thread names, logs and the "name" tag of its meters. */
    private String name = Failback.Builder.DEFAULT_NAME;
    /**
     * The target tables this pipeline serves, as "table" or "schema.table"; changes for others are refused with 404.
     * Empty: every table of the target schema the webhook path names.
     */
    private List<String> tables = new ArrayList<>();
    /**
     * The target schemas the changefeed may write to ("database.schema" or "schema" on PostgreSQL, the database on
     * MySQL, the SCHEMA on Oracle); other paths are refused with 404. Empty: every schema but the staging and system
     * schemas.
     */
    private List<String> schemas = new ArrayList<>();
    /**
     * How changes reach the target: consistent (transactions follow the resolved timestamps) or immediate (each batch
     * applied before it is acknowledged).
     */
    private Mode mode = Mode.CONSISTENT;
    /** The schema holding staging tables, checkpoints and leases (in the staging DataSource). */
    private String stagingSchema = Failback.Builder.DEFAULT_STAGING_SCHEMA;
    /** Whether to create the staging schema when it is missing (staging tables are always created). */
    private boolean stagingCreateSchema;
    /** Ideal number of mutations per target transaction (a source transaction is never split). */
    private int flushSize = Failback.Builder.DEFAULT_FLUSH_SIZE;
    /** How often to look for work when not woken by a resolved timestamp. */
    private Duration flushPeriod = Failback.Builder.DEFAULT_FLUSH_PERIOD;
    /** Rows read from staging per query. */
    private int scanSize = Failback.Builder.DEFAULT_SCAN_SIZE;
    /** A source transaction with more mutations is applied from staging page by page instead of held in memory. */
    private int largeTransactionRows = Failback.Builder.DEFAULT_LARGE_TRANSACTION_ROWS;
    /** Immediate mode: recently applied keys whose versions are kept in memory (0: always ask the versions table). */
    private int versionGuardMemoryKeys = Failback.Builder.DEFAULT_VERSION_GUARD_MEMORY_KEYS;
    /** Longest a target transaction may take before it is abandoned and retried. */
    private Duration applyTimeout = Failback.Builder.DEFAULT_APPLY_TIMEOUT;
    /** How often the target schema is re-read. */
    private Duration schemaRefresh = Failback.Builder.DEFAULT_SCHEMA_REFRESH;
    /** Longest the pipeline's graceful stop may take (Failback.Builder#shutdownTimeout). */
    private Duration gracePeriod = Failback.Builder.DEFAULT_SHUTDOWN_TIMEOUT;
    /** How long applied staged rows are kept (source time) before they are deleted; 0 deletes them once applied. */
    private Duration retireOffset = Failback.Builder.DEFAULT_RETIRE_OFFSET;
    /** How long a target schema's lease lasts without renewal (several replicas on one staging database). */
    private Duration leaseTtl = Failback.Builder.DEFAULT_LEASE_TTL;
    /** How often the holder renews its leases and a standby tries to take them; shorter than lease-ttl. */
    private Duration leaseRenewal = Failback.Builder.DEFAULT_LEASE_RENEWAL;
    /** This instance's name among the replicas of one deployment. Default: host name, process id and a suffix. */
    private String instanceId;
    /** Write mutations the target rejects permanently to the dead_letters staging table instead of stopping on them. */
    private boolean deadLetter;
    /** Drop values for columns the target table lacks instead of refusing the batch. */
    private boolean ignoreUnknownColumns;
    /** Refuse a target schema whose primary keys could fold two CockroachDB keys into one row, instead of warning. */
    private boolean refuseFoldingKeys;
    /** How often to log a progress line while replicating. */
    private Duration progressInterval = Failback.Builder.DEFAULT_PROGRESS_INTERVAL;
    /** Largest request body in bytes after decompression; larger ones get 413. */
    private long maxBodyBytes = Failback.Builder.DEFAULT_MAX_BODY_BYTES;
    /** Deepest accepted JSON nesting in a request body. */
    private int maxNestingDepth = Failback.Builder.DEFAULT_MAX_NESTING_DEPTH;
    /** Most requests staging at once; more get 503 and the changefeed retries. */
    private int maxInFlight = Failback.Builder.DEFAULT_MAX_IN_FLIGHT;
    /** Most request-body bytes held by all requests together. Default: a quarter of the heap, at least max-body-bytes. */
    private Long maxBytesInFlight;
    /** Most target schemas served (the CLI's --maxGroups); a request for one more gets 404. */
    private int maxSchemas = Failback.Builder.DEFAULT_MAX_SCHEMAS;
    /** Furthest a resolved or row timestamp may lie ahead of this machine's clock. */
    private Duration maxClockSkew = Failback.Builder.DEFAULT_MAX_CLOCK_SKEW;

    private final Sink sink = new Sink();
    private final Auth auth = new Auth();
    private final Metrics metrics = new Metrics();

    /** The webhook sink: a Jetty server of its own, on its own port (not the application's server.port). */
    public static class Sink {
        /** The interface to listen on; empty for all interfaces. */
        private String host = "";
        /** The port changefeeds POST to (0: an ephemeral port, see the JettySink bean's port()). */
        private int port = JettySink.DEFAULT_PORT;
        private final Tls tls = new Tls();
        /** Largest request line plus headers in bytes; larger requests get 431. */
        private int maxRequestHeaderBytes = JettySink.DEFAULT_REQUEST_HEADER_SIZE;
        /** How long a connection (or a stalled body) may be idle before it is closed. */
        private Duration httpIdleTimeout = JettySink.DEFAULT_IDLE_TIMEOUT;
        /** How long a connection has to send complete request headers. */
        private Duration httpHeaderTimeout = JettySink.DEFAULT_HEADER_TIMEOUT;
        /** How long a request body may take to arrive once it is read. */
        private Duration httpBodyTimeout = JettySink.DEFAULT_BODY_TIMEOUT;
        /** Slowest average rate in bytes per second a request body may arrive at (0: no check). */
        private long httpMinRequestDataRate = JettySink.DEFAULT_MIN_REQUEST_DATA_RATE;
        /** Most open connections; beyond it a new one evicts the oldest idle unauthenticated connection. */
        private int maxConnections = JettySink.DEFAULT_MAX_CONNECTIONS;
        /** Most open connections from one remote address. */
        private int maxConnectionsPerAddress = JettySink.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
        /** Most request threads. */
        private int maxThreads = JettySink.DEFAULT_MAX_THREADS;
        /** Whether the sink port also answers /_/varz (Prometheus text, when the registry is a Prometheus one). */
        private boolean varz = true;

        public String getHost() {
            return host;
        }

        public void setHost(String host) {
            this.host = host;
        }

        public int getPort() {
            return port;
        }

        public void setPort(int port) {
            this.port = port;
        }

        public Tls getTls() {
            return tls;
        }

        public int getMaxRequestHeaderBytes() {
            return maxRequestHeaderBytes;
        }

        public void setMaxRequestHeaderBytes(int maxRequestHeaderBytes) {
            this.maxRequestHeaderBytes = maxRequestHeaderBytes;
        }

        public Duration getHttpIdleTimeout() {
            return httpIdleTimeout;
        }

        public void setHttpIdleTimeout(Duration httpIdleTimeout) {
            this.httpIdleTimeout = httpIdleTimeout;
        }

        public Duration getHttpHeaderTimeout() {
            return httpHeaderTimeout;
        }

        public void setHttpHeaderTimeout(Duration httpHeaderTimeout) {
            this.httpHeaderTimeout = httpHeaderTimeout;
        }

        public Duration getHttpBodyTimeout() {
            return httpBodyTimeout;
        }

        public void setHttpBodyTimeout(Duration httpBodyTimeout) {
            this.httpBodyTimeout = httpBodyTimeout;
        }

        public long getHttpMinRequestDataRate() {
            return httpMinRequestDataRate;
        }

        public void setHttpMinRequestDataRate(long httpMinRequestDataRate) {
            this.httpMinRequestDataRate = httpMinRequestDataRate;
        }

        public int getMaxConnections() {
            return maxConnections;
        }

        public void setMaxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
        }

        public int getMaxConnectionsPerAddress() {
            return maxConnectionsPerAddress;
        }

        public void setMaxConnectionsPerAddress(int maxConnectionsPerAddress) {
            this.maxConnectionsPerAddress = maxConnectionsPerAddress;
        }

        public int getMaxThreads() {
            return maxThreads;
        }

        public void setMaxThreads(int maxThreads) {
            this.maxThreads = maxThreads;
        }

        public boolean isVarz() {
            return varz;
        }

        public void setVarz(boolean varz) {
            this.varz = varz;
        }
    }

    /** HTTPS for the sink (CockroachDB sends only to webhook-https:// URLs). Without any of these: plain HTTP. */
    public static class Tls {
        /** PEM certificate chain, server certificate first; needs private-key. Re-read when the file changes. */
        private Path certificate;
        /** Unencrypted PEM private key of the certificate (PKCS#8, PKCS#1 RSA or SEC1 EC). */
        private Path privateKey;
        /** Serve HTTPS with a self-signed certificate for localhost generated at start; for trials only. */
        private boolean selfSigned;
        /** Require client certificates signed by a CA of this PEM bundle (mutual TLS). */
        private Path clientCa;

        public Path getCertificate() {
            return certificate;
        }

        public void setCertificate(Path certificate) {
            this.certificate = certificate;
        }

        public Path getPrivateKey() {
            return privateKey;
        }

        public void setPrivateKey(Path privateKey) {
            this.privateKey = privateKey;
        }

        public boolean isSelfSigned() {
            return selfSigned;
        }

        public void setSelfSigned(boolean selfSigned) {
            this.selfSigned = selfSigned;
        }

        public Path getClientCa() {
            return clientCa;
        }

        public void setClientCa(Path clientCa) {
            this.clientCa = clientCa;
        }
    }

    /**
     * Who may send changes. One of these is required (or an {@code Authenticator} bean, or
     * {@code failback.auth.disabled=true}): the starter refuses to start an open sink by accident.
     */
    public static class Auth {
        /** Accept "Authorization: Bearer TOKEN" (webhook_auth_header) for any of these tokens. */
        private List<String> tokens = new ArrayList<>();
        /** Like tokens, one token per line of each file (blank lines and # comments skipped). */
        private List<Path> tokenFiles = new ArrayList<>();
        /** Accept MOLT Replicator JWTs signed by the PEM public key(s) in these files. */
        private List<Path> jwtPublicKeys = new ArrayList<>();
        /** Accept JWTs signed by the keys in <staging-schema>.jwt_public_keys, as MOLT Replicator does. */
        private boolean jwtFromStaging;
        /** How often jwt-from-staging re-reads the JWT tables. */
        private Duration jwtRefresh = JwtAuthenticator.DEFAULT_REFRESH;
        /** Accept every request without authentication (insecure; anyone reaching the sink can write the target). */
        private boolean disabled;

        public List<String> getTokens() {
            return tokens;
        }

        public void setTokens(List<String> tokens) {
            this.tokens = tokens;
        }

        public List<Path> getTokenFiles() {
            return tokenFiles;
        }

        public void setTokenFiles(List<Path> tokenFiles) {
            this.tokenFiles = tokenFiles;
        }

        public List<Path> getJwtPublicKeys() {
            return jwtPublicKeys;
        }

        public void setJwtPublicKeys(List<Path> jwtPublicKeys) {
            this.jwtPublicKeys = jwtPublicKeys;
        }

        public boolean isJwtFromStaging() {
            return jwtFromStaging;
        }

        public void setJwtFromStaging(boolean jwtFromStaging) {
            this.jwtFromStaging = jwtFromStaging;
        }

        public Duration getJwtRefresh() {
            return jwtRefresh;
        }

        public void setJwtRefresh(Duration jwtRefresh) {
            this.jwtRefresh = jwtRefresh;
        }

        public boolean isDisabled() {
            return disabled;
        }

        public void setDisabled(boolean disabled) {
            this.disabled = disabled;
        }

        /** Whether any property names a credential. */
        boolean any() {
            return !tokens.isEmpty() || !tokenFiles.isEmpty() || !jwtPublicKeys.isEmpty() || jwtFromStaging;
        }
    }

    /** Metrics, published to the application's MeterRegistry (Actuator's) when there is one. */
    public static class Metrics {
        /** Whether to publish Failback's meters (failback.*) to the application's MeterRegistry. */
        private boolean enabled = true;
        /** Also publish MOLT Replicator's metric names (apply_upserts_total, target_lag_seconds, ...). */
        private boolean moltNames;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public boolean isMoltNames() {
            return moltNames;
        }

        public void setMoltNames(boolean moltNames) {
            this.moltNames = moltNames;
        }
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public List<String> getTables() {
        return tables;
    }

    public void setTables(List<String> tables) {
        this.tables = tables;
    }

    public List<String> getSchemas() {
        return schemas;
    }

    public void setSchemas(List<String> schemas) {
        this.schemas = schemas;
    }

    public Mode getMode() {
        return mode;
    }

    public void setMode(Mode mode) {
        this.mode = mode;
    }

    public String getStagingSchema() {
        return stagingSchema;
    }

    public void setStagingSchema(String stagingSchema) {
        this.stagingSchema = stagingSchema;
    }

    public boolean isStagingCreateSchema() {
        return stagingCreateSchema;
    }

    public void setStagingCreateSchema(boolean stagingCreateSchema) {
        this.stagingCreateSchema = stagingCreateSchema;
    }

    public int getFlushSize() {
        return flushSize;
    }

    public void setFlushSize(int flushSize) {
        this.flushSize = flushSize;
    }

    public Duration getFlushPeriod() {
        return flushPeriod;
    }

    public void setFlushPeriod(Duration flushPeriod) {
        this.flushPeriod = flushPeriod;
    }

    public int getScanSize() {
        return scanSize;
    }

    public void setScanSize(int scanSize) {
        this.scanSize = scanSize;
    }

    public int getLargeTransactionRows() {
        return largeTransactionRows;
    }

    public void setLargeTransactionRows(int largeTransactionRows) {
        this.largeTransactionRows = largeTransactionRows;
    }

    public int getVersionGuardMemoryKeys() {
        return versionGuardMemoryKeys;
    }

    public void setVersionGuardMemoryKeys(int versionGuardMemoryKeys) {
        this.versionGuardMemoryKeys = versionGuardMemoryKeys;
    }

    public Duration getApplyTimeout() {
        return applyTimeout;
    }

    public void setApplyTimeout(Duration applyTimeout) {
        this.applyTimeout = applyTimeout;
    }

    public Duration getSchemaRefresh() {
        return schemaRefresh;
    }

    public void setSchemaRefresh(Duration schemaRefresh) {
        this.schemaRefresh = schemaRefresh;
    }

    public Duration getGracePeriod() {
        return gracePeriod;
    }

    public void setGracePeriod(Duration gracePeriod) {
        this.gracePeriod = gracePeriod;
    }

    public Duration getRetireOffset() {
        return retireOffset;
    }

    public void setRetireOffset(Duration retireOffset) {
        this.retireOffset = retireOffset;
    }

    public Duration getLeaseTtl() {
        return leaseTtl;
    }

    public void setLeaseTtl(Duration leaseTtl) {
        this.leaseTtl = leaseTtl;
    }

    public Duration getLeaseRenewal() {
        return leaseRenewal;
    }

    public void setLeaseRenewal(Duration leaseRenewal) {
        this.leaseRenewal = leaseRenewal;
    }

    public String getInstanceId() {
        return instanceId;
    }

    public void setInstanceId(String instanceId) {
        this.instanceId = instanceId;
    }

    public boolean isDeadLetter() {
        return deadLetter;
    }

    public void setDeadLetter(boolean deadLetter) {
        this.deadLetter = deadLetter;
    }

    public boolean isIgnoreUnknownColumns() {
        return ignoreUnknownColumns;
    }

    public void setIgnoreUnknownColumns(boolean ignoreUnknownColumns) {
        this.ignoreUnknownColumns = ignoreUnknownColumns;
    }

    public boolean isRefuseFoldingKeys() {
        return refuseFoldingKeys;
    }

    public void setRefuseFoldingKeys(boolean refuseFoldingKeys) {
        this.refuseFoldingKeys = refuseFoldingKeys;
    }

    public Duration getProgressInterval() {
        return progressInterval;
    }

    public void setProgressInterval(Duration progressInterval) {
        this.progressInterval = progressInterval;
    }

    public long getMaxBodyBytes() {
        return maxBodyBytes;
    }

    public void setMaxBodyBytes(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    public int getMaxNestingDepth() {
        return maxNestingDepth;
    }

    public void setMaxNestingDepth(int maxNestingDepth) {
        this.maxNestingDepth = maxNestingDepth;
    }

    public int getMaxInFlight() {
        return maxInFlight;
    }

    public void setMaxInFlight(int maxInFlight) {
        this.maxInFlight = maxInFlight;
    }

    public Long getMaxBytesInFlight() {
        return maxBytesInFlight;
    }

    public void setMaxBytesInFlight(Long maxBytesInFlight) {
        this.maxBytesInFlight = maxBytesInFlight;
    }

    public int getMaxSchemas() {
        return maxSchemas;
    }

    public void setMaxSchemas(int maxSchemas) {
        this.maxSchemas = maxSchemas;
    }

    public Duration getMaxClockSkew() {
        return maxClockSkew;
    }

    public void setMaxClockSkew(Duration maxClockSkew) {
        this.maxClockSkew = maxClockSkew;
    }

    public Sink getSink() {
        return sink;
    }

    public Auth getAuth() {
        return auth;
    }

    public Metrics getMetrics() {
        return metrics;
    }
}
