package dev.failback.examples.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.failback.Failback;
import dev.failback.Mode;
import dev.failback.State;
import dev.failback.core.auth.JwtAuthenticator;
import dev.failback.jetty.JettyAdminServer;
import dev.failback.jetty.JettySink;
import dev.failback.jetty.TlsConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code failback start}: the in-process equivalent of {@code replicator start} in failback mode,
 * with the same flag names. Blocks until SIGTERM or SIGINT, then closes the pipeline gracefully.
 */
@Command(name = "start", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
        description = {"Receive a CockroachDB changefeed over the webhook sink and apply it to the target database.",
            "Point the changefeed at webhook-https://<host>:<port>/<database>/<schema>; serve TLS with --tlsCertificate",
            "and --tlsPrivateKey (or --tlsSelfSigned), or put a TLS-terminating proxy in front."},
        footer = {"", "Secrets: every local user can read the command line (ps, /proc/<pid>/cmdline).",
            "Give the token and connection URLs holding a password as env:NAME or file:PATH,",
            "in " + Secrets.TARGET_CONN_ENV + ", " + Secrets.STAGING_CONN_ENV + " and " + Secrets.AUTH_TOKEN_ENV + ",",
            "or in a file of arguments: failback start @/etc/failback/args",
            "(arguments separated by blanks or newlines, \"quoted\" when they hold blanks,",
            "# comments; a value starting with @ is written --opt=@value or @@value).",
            "Keys (--tlsPrivateKey, sslkey=) are files already: keep all of them mode 600."})
class StartCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--targetConn", paramLabel = "URL", converter = Secrets.class,
            description = {"The database to apply changes to: postgres://user:pass@host:port/db?sslmode=…,",
                "mysql://user:pass@host:port/db (or @tcp(host:port)) with sslmode/sslrootcert/sslcert/sslkey,",
                "oracle://user:pass@host:port/SERVICE, or jdbc:…",
                "Required; default: $" + Secrets.TARGET_CONN_ENV + ". " + Secrets.FORMS})
    String targetConn;

    @Option(names = "--stagingConn", paramLabel = "URL", converter = Secrets.class,
            description = "The database for staging tables and checkpoints (default: $" + Secrets.STAGING_CONN_ENV
                    + ", else the target database). " + Secrets.FORMS)
    String stagingConn;

    @Option(names = "--stagingSchema", paramLabel = "NAME", defaultValue = Failback.Builder.DEFAULT_STAGING_SCHEMA,
            description = "The schema holding staging tables and checkpoints.")
    String stagingSchema;

    @Option(names = "--stagingCreateSchema", description = "Create the staging schema when it is missing.")
    boolean stagingCreateSchema;

    @Option(names = "--bindAddr", paramLabel = "HOST:PORT", defaultValue = ":26258", converter = BindAddress.Converter.class,
            description = "The address to listen on for changefeed requests; an empty host means all interfaces.")
    BindAddress bindAddr;

    @Mixin
    TlsOptions tls = new TlsOptions();
    TlsConfig tlsConfig;

    @Option(names = "--disableAuthentication",
            description = "Accept every request without checking the Authorization header (insecure).")
    boolean disableAuthentication;

    @Mixin
    AuthOptions auth = new AuthOptions();

    @Option(names = "--immediate",
            description = "Apply each batch before acknowledging it, without waiting for resolved timestamps.")
    boolean immediate;

    @Option(names = "--flushSize", paramLabel = "N", defaultValue = "" + Failback.Builder.DEFAULT_FLUSH_SIZE,
            description = "Ideal number of mutations per target transaction.")
    int flushSize;

    @Option(names = "--flushPeriod", paramLabel = "DURATION", defaultValue = "1s", converter = GoDuration.class,
            description = "How often to look for work when not woken by a resolved timestamp.")
    Duration flushPeriod;

    @Option(names = "--scanSize", paramLabel = "N", defaultValue = "" + Failback.Builder.DEFAULT_SCAN_SIZE,
            description = "Rows read from staging per query.")
    int scanSize;

    @Option(names = "--largeTransactionRows", paramLabel = "N",
            defaultValue = "" + Failback.Builder.DEFAULT_LARGE_TRANSACTION_ROWS,
            description = "A source transaction with more mutations is applied in one target transaction read from"
                    + " staging page by page instead of held in memory.")
    int largeTransactionRows;

    @Option(names = "--versionGuardMemoryKeys", paramLabel = "N",
            defaultValue = "" + Failback.Builder.DEFAULT_VERSION_GUARD_MEMORY_KEYS,
            description = "Immediate mode: recently applied keys whose versions are kept in memory before the staging"
                    + " versions table is asked (0: always ask the table).")
    int versionGuardMemoryKeys;

    @Option(names = "--applyTimeout", paramLabel = "DURATION", defaultValue = "30s", converter = GoDuration.class,
            description = "Longest a target transaction may take before it is abandoned and retried.")
    Duration applyTimeout;

    @Option(names = "--schemaRefresh", paramLabel = "DURATION", defaultValue = "1m", converter = GoDuration.class,
            description = "How often the target schema is re-read.")
    Duration schemaRefresh;

    @Option(names = "--targetMaxPoolSize", paramLabel = "N", defaultValue = "32",
            description = "Most connections to the target.")
    int targetMaxPoolSize;

    @Option(names = "--stagingMaxPoolSize", paramLabel = "N", defaultValue = "32",
            description = "Most connections to the staging database.")
    int stagingMaxPoolSize;

    @Option(names = "--gracePeriod", paramLabel = "DURATION", defaultValue = "30s", converter = GoDuration.class,
            description = "Longest a graceful shutdown may take.")
    Duration gracePeriod;

    @Option(names = "--metricsAddr", paramLabel = "HOST:PORT", converter = BindAddress.Converter.class,
            description = {"Serve /_/healthz, /_/livez, /_/varz (Prometheus) and /_/status (a page for people) on this",
                "separate plain-HTTP address, unauthenticated; /_/varz and /_/status are then not served on --bindAddr.",
                "Default: all four on --bindAddr."})
    BindAddress metricsAddr;

    @Option(names = "--moltMetrics", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = {"Also publish MOLT Replicator's metric names (apply_upserts_total, apply_deletes_total,",
                "source_lag_seconds, target_lag_seconds, target_apply_queue_size, ...), so that its dashboards and the",
                "runbook's drain alert work unchanged; --no-moltMetrics publishes only failback_*."})
    boolean moltMetrics;

    @Option(names = "--maxBodyBytes", paramLabel = "BYTES", defaultValue = "" + Failback.Builder.DEFAULT_MAX_BODY_BYTES,
            description = {"Largest request body after decompression; larger ones get 413 and nothing is staged.",
                "CockroachDB never splits a batch: keep it above the changefeed's Flush.Bytes plus one row."})
    long maxBodyBytes;

    @Option(names = "--maxNestingDepth", paramLabel = "N", defaultValue = "" + Failback.Builder.DEFAULT_MAX_NESTING_DEPTH,
            description = "Deepest accepted JSON nesting in a request body (400 beyond).")
    int maxNestingDepth;

    @Option(names = "--maxInFlight", paramLabel = "N", defaultValue = "" + Failback.Builder.DEFAULT_MAX_IN_FLIGHT,
            description = "Most requests staging at once; more get 503 and the changefeed retries.")
    int maxInFlight;

    @Option(names = "--maxBytesInFlight", paramLabel = "BYTES",
            description = "Most request-body bytes (decompressed, with their decoding cost) held by all requests together;"
                    + " one more gets 503 with Retry-After and the changefeed retries. Default: a quarter of the heap"
                    + " (-Xmx), at least --maxBodyBytes.")
    Long maxBytesInFlight;

    @Option(names = "--maxGroups", paramLabel = "N", defaultValue = "" + Failback.Builder.DEFAULT_MAX_SCHEMAS,
            description = "Most target schemas served; a request for one more gets 404 and creates nothing.")
    int maxGroups;

    @Option(names = "--maxClockSkew", paramLabel = "DURATION", defaultValue = "5m", converter = GoDuration.class,
            description = "Furthest a resolved or row timestamp may lie ahead of this machine's clock; one further"
                    + " gets 400 and changes nothing (a far-future resolved timestamp would make every later row of its"
                    + " schema look already applied).")
    Duration maxClockSkew;

    @Option(names = "--schemas", paramLabel = "SCHEMA", split = ",",
            showDefaultValue = picocli.CommandLine.Help.Visibility.NEVER,
            description = "Accept changes only for these target schemas (database.schema or schema on PostgreSQL and"
                    + " CockroachDB, the database on MySQL, the SCHEMA on Oracle); others get 404. Comma-separated or"
                    + " repeatable. Default: every schema but the staging and system schemas, which are never writable.")
    List<String> schemas = new ArrayList<>();

    @Option(names = "--maxRequestHeaderBytes", paramLabel = "BYTES", defaultValue = "" + JettySink.DEFAULT_REQUEST_HEADER_SIZE,
            description = "Largest request line plus headers; larger requests get 431.")
    int maxRequestHeaderBytes;

    @Option(names = "--httpIdleTimeout", paramLabel = "DURATION", defaultValue = "1m", converter = GoDuration.class,
            description = "How long a changefeed connection (or a stalled body) may be idle before it is closed.")
    Duration httpIdleTimeout;

    @Option(names = "--httpHeaderTimeout", paramLabel = "DURATION", defaultValue = "10s", converter = GoDuration.class,
            description = {"How long a connection has to send complete request headers, from when it opened or",
                "from its last answer; then it is closed (authenticated connections idle between requests excepted)."})
    Duration httpHeaderTimeout;

    @Option(names = "--httpBodyTimeout", paramLabel = "DURATION", defaultValue = "1m", converter = GoDuration.class,
            description = "How long a request body may take to arrive once it is read; then the connection is closed.")
    Duration httpBodyTimeout;

    @Option(names = "--httpMinRequestDataRate", paramLabel = "BYTES", defaultValue = "" + JettySink.DEFAULT_MIN_REQUEST_DATA_RATE,
            description = "Slowest average rate (bytes per second, 0 for no check) a request body may arrive at.")
    long httpMinRequestDataRate;

    @Option(names = "--maxConnections", paramLabel = "N", defaultValue = "" + JettySink.DEFAULT_MAX_CONNECTIONS,
            description = {"Most open connections on --bindAddr; beyond it a new one evicts the connection idle the",
                "longest that never carried an authenticated request (authenticated ones are never evicted)."})
    int maxConnections;

    @Option(names = "--maxConnectionsPerAddress", paramLabel = "N",
            defaultValue = "" + JettySink.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
            description = {"Most open connections on --bindAddr from one remote address; raise it when many",
                "CockroachDB nodes reach Failback through one NAT address."})
    int maxConnectionsPerAddress;

    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "16",
            description = {"MOLT's concurrent target transactions. Accepted and validated (> 0) but bounds nothing:",
                "Failback applies one window at a time per target schema to keep source-transaction order",
                "(a warning says so when given)."})
    int parallelism;

    @Option(names = "--retireOffset", paramLabel = "DURATION", defaultValue = "24h", converter = GoDuration.class,
            description = {"Keep applied staged rows this long (source time) before deleting them, as MOLT does;",
                "0 deletes them right after they are applied. Kept rows are never applied again."})
    Duration retireOffset;

    @Option(names = "--leaseTtl", paramLabel = "DURATION", defaultValue = "5s", converter = GoDuration.class,
            description = {"How long a target schema's lease lasts without renewal. Every instance on one staging",
                "database accepts and stages; only the lease holder applies. A standby takes over within",
                "2 x this after the holder dies or hangs; a stopped holder hands over at once."})
    Duration leaseTtl;

    @Option(names = "--leaseRenewal", paramLabel = "DURATION", defaultValue = "1s", converter = GoDuration.class,
            description = "How often the holder renews its leases and a standby tries to take them (< --leaseTtl).")
    Duration leaseRenewal;

    @Option(names = "--instanceId", paramLabel = "ID",
            description = "This instance's name among the replicas of one deployment (logs, status, metrics)."
                    + " Default: host name, process id and a random suffix.")
    String instanceId;

    @Option(names = "--deadLetter", description = "Write mutations the target rejects permanently (poison rows)"
            + " to the dead_letters staging table and apply without them, instead of stopping until fixed.")
    boolean deadLetter;

    @Option(names = "--ignoreUnknownColumns", description = {"Drop values for columns the target table lacks (even after",
            "re-reading its schema) and apply the rest of the row, instead of refusing the batch with a 400",
            "and stopping on staged rows that carry a column dropped from the target."})
    boolean ignoreUnknownColumns;

    @Option(names = "--refuseFoldingKeys", description = {"Refuse a target schema whose primary-key columns can store two",
            "keys CockroachDB keeps apart as one row (a case- or accent-insensitive collation such as",
            "utf8mb4_general_ci, trailing spaces, DECIMAL(p,s), DATETIME(0)) instead of warning at start;",
            "either way, keys of one window that would merge are refused as poison rows, never merged."})
    boolean refuseFoldingKeys;

    @Option(names = "--progressInterval", paramLabel = "DURATION", defaultValue = "30s", converter = GoDuration.class,
            description = "How often to log a progress line (rows/s applied, lags, backlog) while replicating.")
    Duration progressInterval;

    @Option(names = "--logFormat", paramLabel = "FORMAT", defaultValue = "text",
            description = {"Log format: text, or json (one JSON object per line: timestamp, level, threadName,",
                "loggerName, mdc, formattedMessage, throwable); MOLT's fluent means json."})
    String logFormat;

    @Option(names = "--logDestination", paramLabel = "FILE",
            description = "Write the log to this file instead of standard error.")
    String logDestination;

    @Mixin
    MoltFlags molt = new MoltFlags();

    @Option(names = "--userscript", paramLabel = "PATH",
            description = {"A MOLT userscript (replicator@v2 or v1, .ts or .js) transforming rows before staging",
                "(configureTargetSchema) and at apply (configureTargetTables)."})
    java.nio.file.Path userscript;

    @Option(names = {"-v", "--verbose"}, description = "Log more: -v debug, -vv trace.",
            showDefaultValue = picocli.CommandLine.Help.Visibility.NEVER)
    boolean[] verbose = new boolean[0];

    /** Where the FAILBACK_* defaults come from; tests replace it. */
    java.util.function.Function<String, String> env = System::getenv;

    private final AtomicBoolean closed = new AtomicBoolean();
    /** Counted down by SIGTERM/SIGINT: the main thread stops everything. */
    private final java.util.concurrent.CountDownLatch stopRequested = new java.util.concurrent.CountDownLatch(1);
    /** The webhook sink, once built (its port is the one bound, also when --bindAddr asked for port 0). */
    private volatile dev.failback.jetty.JettySink sink;
    /** Counted down once {@link #shutdown} has stopped everything. */
    private final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
    private volatile Failback failback;
    private volatile HikariDataSource target;
    private volatile HikariDataSource staging;
    private volatile Metrics metrics;
    private volatile JettyAdminServer admin;
    private volatile JwtAuthenticator jwt;
    private volatile dev.failback.transform.Transforms transforms;

    @Override
    public Integer call() throws Exception {
        try {
            Logging.format(logFormat);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Logging.verbosity(verbose.length);
        if (logDestination != null) {
            try {
                Logging.destination(logDestination);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        applyEnvironment();
        auth.validate(spec.commandLine(), disableAuthentication);
        validate();
        java.util.List<String> warnings = MoltFlags.check(spec.commandLine());
        if (userscript != null) {
            try {
                transforms = dev.failback.userscript.Userscript.load(userscript);
            } catch (dev.failback.userscript.UserscriptException e) {
                throw new ParameterException(spec.commandLine(), "--userscript " + userscript + ": " + e.getMessage());
            }
        }
        Logger log = LoggerFactory.getLogger(StartCommand.class);
        warnings.addAll(exposedSecrets());
        for (String w : warnings) {
            log.warn("{}", w);
        }
        if (spec.commandLine().getParseResult().hasMatchedOption("--parallelism")) {
            log.warn("--parallelism {} is accepted for MOLT compatibility but bounds nothing: Failback applies one"
                    + " window at a time per target schema to keep source-transaction order", parallelism);
        }
        if (immediate && spec.commandLine().getParseResult().hasMatchedOption("--retireOffset")) {
            log.warn("--retireOffset has no effect with --immediate: nothing is staged");
        }
        Thread hook = new Thread(() -> {
            log.info("received shutdown signal (grace period {})", GoDuration.format(gracePeriod));
            shutdown(log);
        }, "failback-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        // SIGTERM (Kubernetes, systemd, docker stop) and Ctrl-C stop the pipeline in order and the process then
        // exits with 0 like any clean stop, not with the 143/130 of a JVM ended by the signal
        // The signal only asks: this thread stops everything, between start-up steps or once started, so that a
        // signal that arrives while starting is not lost; a second signal ends the process at once.
        Object previousHandlers = onSignals(() -> {
            if (stopRequested.getCount() > 0) {
                log.info("received shutdown signal (grace period {})", GoDuration.format(gracePeriod));
                stopRequested.countDown();
            }
        });
        try {
            // a database that does not answer is said at once, naming which and why: the target is retried (requests
            // are answered 503 meanwhile), a staging database given apart must answer to start
            warnUnreachable(log, "target", targetConn);
            target = Pools.openLazily("failback-target", targetConn, targetMaxPoolSize);
            if (stagingConn != null) {
                String why = Pools.unreachable(stagingConn);
                if (why != null) {
                    throw new IllegalStateException("cannot connect to the staging database "
                            + ConnectionUrls.mask(stagingConn) + " within " + Pools.PROBE_SECONDS + " s: " + why);
                }
                staging = Pools.open("failback-staging", stagingConn, stagingMaxPoolSize);
            }
            stagingSchema = postgresStagingSchema(staging != null ? staging : target, stagingSchema, log);
            metrics = new Metrics();
            // the pools' own meters (hikaricp_connections_active, _pending, _timeout_total, _acquire_seconds…, tag pool)
            target.setMetricRegistry(metrics.registry());
            if (staging != null) {
                staging.setMetricRegistry(metrics.registry());
            }
            Failback.Builder builder = Failback.builder()
                    .target(target)
                    .stagingSchema(stagingSchema)
                    .createStagingSchema(stagingCreateSchema)
                    .mode(immediate ? Mode.IMMEDIATE : Mode.CONSISTENT)
                    .flushSize(flushSize)
                    .flushPeriod(flushPeriod)
                    .scanSize(scanSize)
                    .largeTransactionRows(largeTransactionRows)
                    .versionGuardMemoryKeys(versionGuardMemoryKeys)
                    .applyTimeout(applyTimeout)
                    .schemaRefresh(schemaRefresh)
                    .shutdownTimeout(gracePeriod)
                    .retireOffset(retireOffset)
                    .leaseTtl(leaseTtl)
                    .leaseRenewal(leaseRenewal)
                    .deadLetter(deadLetter)
                    .ignoreUnknownColumns(ignoreUnknownColumns)
                    .refuseFoldingKeys(refuseFoldingKeys)
                    .progressInterval(progressInterval)
                    .maxBodyBytes(maxBodyBytes)
                    .maxNestingDepth(maxNestingDepth)
                    .maxInFlight(maxInFlight)
                    .maxSchemas(maxGroups)
                    .maxClockSkew(maxClockSkew)
                    .meterRegistry(metrics.registry())
                    .moltMetricNames(moltMetrics)
                    .sink(sink = TlsOptions.sink(bindAddr, tlsConfig).requestHeaderSize(maxRequestHeaderBytes)
                            .idleTimeout(httpIdleTimeout).headerTimeout(httpHeaderTimeout).bodyTimeout(httpBodyTimeout)
                            .minRequestDataRate(httpMinRequestDataRate).maxConnections(maxConnections)
                            .maxConnectionsPerAddress(maxConnectionsPerAddress).varz(metricsAddr == null).build());
            if (staging != null) {
                builder.staging(staging);
            }
            if (transforms != null) {
                builder.transforms(transforms);
            }
            if (!schemas.isEmpty()) {
                builder.schemas(schemas.toArray(String[]::new));
            }
            if (maxBytesInFlight != null) {
                builder.maxBytesInFlight(maxBytesInFlight);
            }
            if (instanceId != null) {
                builder.instanceId(instanceId);
            }
            AuthOptions.Built built = null;
            if (disableAuthentication) {
                builder.disableAuthentication();
            } else {
                built = auth.build(staging != null ? staging : target, stagingSchema);
                jwt = built.jwt();
                builder.authenticator(built.authenticator());
            }
            if (stopRequested.getCount() == 0) {
                return 0;
            }
            failback = builder.start();
            if (built != null) {
                try {
                    auth.loadStagingKeys(built);
                } catch (IllegalStateException e) {
                    // the keys are read again every --jwtRefresh: requests get 401 until then, as with no key yet
                    log.warn("{}; every request is refused (401) until they can be read (tried again every {})",
                            e.getMessage(), GoDuration.format(auth.jwtRefresh));
                }
            }
            if (auth.defaulted) {
                String keys = stagingSchema + "." + dev.failback.core.auth.JdbcJwtKeyStore.PUBLIC_KEYS_TABLE;
                log.info("no authentication flag: as MOLT Replicator does, accepting JWTs signed by a key in {} (every"
                        + " request is refused with 401 until one is there). To let a changefeed in: openssl ecparam -out"
                        + " ec.key -genkey -name prime256v1 && openssl ec -in ec.key -pubout -out ec.pub; failback make-jwt"
                        + " -k ec.key -a <database>.<schema> -o out.jwt; INSERT INTO {} (public_key) VALUES ('<contents of"
                        + " ec.pub>'); then CREATE CHANGEFEED ... WITH webhook_auth_header = 'Bearer <contents of out.jwt>'."
                        + " Or pass --authToken/--authTokenFile/--jwtPublicKey, or --disableAuthentication for a trial",
                        keys, keys);
            }
            if (metricsAddr != null) {
                admin = JettyAdminServer.bind(metricsAddr.host(), metricsAddr.port());
                try {
                    admin.start(failback.name(), failback.adminHandler());
                } catch (Exception e) {
                    throw new IllegalStateException("cannot serve --metricsAddr " + metricsAddr + ": " + e.getMessage(), e);
                }
            }
            log.info("failback {} ready in {} mode; target {}; staging {}; target schemas: {}; {}; changefeed URL: {};"
                    + " waiting for changefeed requests", FailbackCli.version(), immediate ? "immediate" : "consistent",
                    ConnectionUrls.mask(targetConn), stagingConn == null ? "in the target database, schema "
                            + stagingSchema : ConnectionUrls.mask(stagingConn) + ", schema " + stagingSchema,
                    schemas.isEmpty() ? "any the changefeed's paths name" : String.join(", ", schemas),
                    built == null ? "authentication disabled" : "accepting " + built.description(), changefeedUrl());
            while (stopRequested.getCount() > 0 && !failback.awaitTermination(Duration.ofMillis(200))) {
                // until a signal asks to stop (closed below) or the pipeline ends (failed, or closed elsewhere)
            }
            return failback.state() == State.FAILED ? 1 : 0;
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            return 1;
        } finally {
            shutdown(log);
            if (transforms != null) {
                transforms.close();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
            restoreSignals(previousHandlers); // in-process callers (tests, embedders) get their handlers back
        }
    }

    /**
     * The sink URL to give {@code CREATE CHANGEFEED … INTO}: this process's address and a path naming a
     * target schema (from {@code --schemas}, else the target database's default one), for the start-up line.
     */
    String changefeedUrl() {
        String host = bindAddr.host();
        if (host == null || host.isEmpty() || host.equals("0.0.0.0") || host.equals("::")) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                host = "<this-host>";
            }
        } else if (host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        String path;
        if (!schemas.isEmpty()) {
            path = "/" + schemas.get(0).replace('.', '/');
        } else {
            path = defaultPath(targetConn);
        }
        dev.failback.jetty.JettySink bound = sink;
        int port = bound != null && bound.port() > 0 ? bound.port() : bindAddr.port();
        String url = "webhook-https://" + host + ":" + port + path;
        return tlsConfig != null ? url : url + " (this sink speaks plain HTTP: CockroachDB sends only to https, so pass"
                + " --tlsCertificate and --tlsPrivateKey or put a TLS proxy in front)";
    }

    /** The path of a target's default schema: {@code /<database>/public}, {@code /<database>} (MySQL), {@code /<USER>} (Oracle). */
    static String defaultPath(String conn) {
        try {
            String c = conn.startsWith("jdbc:") ? conn.substring(5) : conn;
            String scheme = c.substring(0, Math.max(0, c.indexOf(':'))).toLowerCase(java.util.Locale.ROOT);
            if (scheme.startsWith("ora")) { // the schema is the user's, as ConnectionUrls reads it
                String user = ConnectionUrls.toJdbc(conn).user();
                return "/" + (user == null ? "<SCHEMA>" : user.toUpperCase(java.util.Locale.ROOT));
            }
            java.net.URI u = java.net.URI.create(c);
            String db = u.getPath() == null || u.getPath().length() <= 1 ? "<database>" : u.getPath().substring(1);
            return scheme.startsWith("mysql") || scheme.startsWith("mariadb") ? "/" + db : "/" + db + "/public";
        } catch (RuntimeException e) {
            return "/<database>/<schema>";
        }
    }

    /**
     * Fills {@code --targetConn}, {@code --stagingConn} and {@code --authToken} from the FAILBACK_*
     * environment variables when the command line leaves them out.
     */
    void applyEnvironment() {
        try {
            if (targetConn == null) {
                targetConn = Secrets.fromEnv(Secrets.TARGET_CONN_ENV, env);
            }
            if (stagingConn == null) {
                stagingConn = Secrets.fromEnv(Secrets.STAGING_CONN_ENV, env);
            }
            auth.applyEnvironment(env);
        } catch (picocli.CommandLine.TypeConversionException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (targetConn == null) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--targetConn=URL' (or "
                    + Secrets.TARGET_CONN_ENV + " in the environment)");
        }
    }

    /** A warning for each secret typed on the command line itself, where every local user can read it. */
    List<String> exposedSecrets() {
        picocli.CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        List<String> out = new ArrayList<>();
        if (parsed == null) {
            return out;
        }
        List<String> args = parsed.originalArgs();
        String how = " is visible to every local user in the process list (ps): pass it as env:NAME or file:PATH, in ";
        if (Secrets.hasPassword(targetConn) && Secrets.onCommandLine(args, "--targetConn", targetConn)) {
            out.add("--targetConn holds a password that" + how + Secrets.TARGET_CONN_ENV + " or in an @FILE of arguments");
        }
        if (Secrets.hasPassword(stagingConn) && Secrets.onCommandLine(args, "--stagingConn", stagingConn)) {
            out.add("--stagingConn holds a password that" + how + Secrets.STAGING_CONN_ENV + " or in an @FILE of arguments");
        }
        if (auth.authTokens.stream().anyMatch(t -> Secrets.onCommandLine(args, "--authToken", t))) {
            out.add("--authToken" + how + Secrets.AUTH_TOKEN_ENV + ", with --authTokenFile or in an @FILE of arguments");
        }
        return out;
    }

    void validate() {
        if (flushSize <= 0 || scanSize <= 0 || largeTransactionRows <= 0 || targetMaxPoolSize <= 0 || stagingMaxPoolSize <= 0 || parallelism <= 0) {
            throw new ParameterException(spec.commandLine(),
                    "--flushSize, --scanSize, --largeTransactionRows, --parallelism and the pool sizes must be positive");
        }
        if (leaseTtl.isNegative() || leaseTtl.isZero() || leaseRenewal.isNegative() || leaseRenewal.isZero()
                || leaseRenewal.compareTo(leaseTtl) >= 0) {
            throw new ParameterException(spec.commandLine(), "--leaseRenewal (" + GoDuration.format(leaseRenewal)
                    + ") and --leaseTtl (" + GoDuration.format(leaseTtl) + ") must be positive, the renewal shorter");
        }
        if (retireOffset.isNegative()) {
            throw new ParameterException(spec.commandLine(), "--retireOffset must not be negative, but was "
                    + GoDuration.format(retireOffset));
        }
        if (maxBodyBytes <= 0 || maxNestingDepth <= 0 || maxInFlight <= 0 || maxRequestHeaderBytes < 1024) {
            throw new ParameterException(spec.commandLine(), "--maxBodyBytes, --maxNestingDepth and --maxInFlight must"
                    + " be positive and --maxRequestHeaderBytes at least 1024");
        }
        if (versionGuardMemoryKeys < 0) {
            throw new ParameterException(spec.commandLine(), "--versionGuardMemoryKeys must not be negative, but was "
                    + versionGuardMemoryKeys);
        }
        if (metricsAddr != null && metricsAddr.port() != 0 && metricsAddr.equals(bindAddr)) {
            throw new ParameterException(spec.commandLine(), "--metricsAddr must differ from --bindAddr");
        }
        for (Duration d : new Duration[] {flushPeriod, applyTimeout, schemaRefresh, gracePeriod, httpIdleTimeout, progressInterval}) {
            if (d.isZero() || d.isNegative()) {
                throw new ParameterException(spec.commandLine(), "durations must be positive, but one was " + d);
            }
        }
        if (maxGroups <= 0 || maxBytesInFlight != null && maxBytesInFlight <= 0
                || maxClockSkew.isZero() || maxClockSkew.isNegative()) {
            throw new ParameterException(spec.commandLine(), "--maxGroups, --maxBytesInFlight and --maxClockSkew must be"
                    + " positive");
        }
        for (String schema : schemas) {
            if (schema.isBlank()) {
                throw new ParameterException(spec.commandLine(), "--schemas must not name a blank schema");
            }
        }
        tlsConfig = tls.config(spec.commandLine());
        try {
            ConnectionUrls.toJdbc(targetConn);
            if (stagingConn != null) {
                ConnectionUrls.toJdbc(stagingConn);
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /**
     * MOLT's {@code --stagingSchema database.schema} (the runbook's {@code defaultdb._replicator}) on a PostgreSQL
     * staging database: a connection reaches the schemas of its own database only, so the schema part is used, in
     * the connected database (said at INFO, or at WARN when the database part names another one); on MySQL the
     * last part names the staging database. CockroachDB keeps the name as given; so does a database that cannot be
     * reached now (the start then reports what it finds).
     */
    static String postgresStagingSchema(javax.sql.DataSource ds, String schema, Logger log) {
        int dot = schema.indexOf('.');
        if (dot < 0) {
            return schema;
        }
        try (java.sql.Connection c = ds.getConnection(); java.sql.Statement st = c.createStatement()) {
            String product = c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT);
            if (product.contains("mysql") || product.contains("mariadb")) {
                // a MySQL database is the schema: no name of it holds a dot, the last part is the one meant
                log.info("--stagingSchema {}: database {} (MySQL has no schemas within a database)", schema,
                        schema.substring(dot + 1));
                return schema.substring(dot + 1);
            }
            if (!product.contains("postgres")) {
                return schema;
            }
            String current;
            try (java.sql.ResultSet rs = st.executeQuery("SELECT current_database(), version()")) {
                if (!rs.next() || rs.getString(2).contains("CockroachDB")) {
                    return schema;
                }
                current = rs.getString(1);
            }
            String database = schema.substring(0, dot);
            String own = schema.substring(dot + 1);
            if (database.equals(current)) {
                log.info("--stagingSchema {}: schema {} of the staging database {}", schema, own, current);
            } else {
                log.warn("--stagingSchema {} names database {}, but the staging connection is to database {}; PostgreSQL"
                        + " cannot reach another database from it, so schema {} of {} is used (connect to {} to stage"
                        + " there)", schema, database, current, own, current, database);
            }
            return own;
        } catch (java.sql.SQLException e) {
            return schema;
        }
    }

    /** Logs at WARN, within {@value Pools#PROBE_SECONDS} s, when a database cannot be connected to: which one and why. */
    static void warnUnreachable(Logger log, String which, String conn) {
        String why = Pools.unreachable(conn);
        if (why != null) {
            log.warn("cannot connect to the {} database {} within {} s: {}", which, ConnectionUrls.mask(conn),
                    Pools.PROBE_SECONDS, why);
        }
    }

    /** Runs {@code stop} on its own thread at SIGTERM or SIGINT; where signals cannot be handled, the shutdown hook does. */
    static Object onSignals(Runnable stop) {
        return onSignals(signal -> stop.run());
    }

    /**
     * Gives {@code stop} the signal's name ({@code TERM}, {@code INT}) on its own thread at SIGTERM or SIGINT; a second
     * signal ends the process at once.
     */
    @SuppressWarnings("restriction")
    static Object onSignals(java.util.function.Consumer<String> stop) {
        java.util.Map<String, Object> previous = new java.util.HashMap<>();
        for (String name : SIGNALS) {
            try {
                sun.misc.Signal signal = new sun.misc.Signal(name);
                previous.put(name, sun.misc.Signal.handle(signal, s -> {
                    for (String n : SIGNALS) { // a second signal ends the process at once (a stop that hangs)
                        try {
                            sun.misc.Signal.handle(new sun.misc.Signal(n), sun.misc.SignalHandler.SIG_DFL);
                        } catch (IllegalArgumentException e) {
                            // not handled here
                        }
                    }
                    stop.accept(s.getName());
                }));
            } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
                // the JVM keeps the signal: its shutdown hook stops the pipeline (exit status 128 + signal)
            }
        }
        return previous;
    }

    private static final String[] SIGNALS = {"TERM", "INT"};

    /** Puts back the handlers {@link #onSignals} replaced. */
    @SuppressWarnings("unchecked")
    static void restoreSignals(Object previous) {
        try {
            ((java.util.Map<String, Object>) previous).forEach((name, handler) ->
                    sun.misc.Signal.handle(new sun.misc.Signal(name), (sun.misc.SignalHandler) handler));
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            // nothing to restore
        }
    }

    private void shutdown(Logger log) {
        if (!closed.compareAndSet(false, true)) {
            try { // another thread (a signal's) is stopping: the process exits once it is done
                stopped.await(gracePeriod.toMillis() + 30_000, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        try {
            stopAll();
        } finally {
            stopped.countDown();
        }
    }

    private void stopAll() {
        // each on its own: one that throws must not leave the others (the pipeline above all) open
        quietly(admin);
        quietly(failback); // logs "stopping" and "stopped"
        quietly(jwt);
        quietly(staging);
        quietly(target);
        quietly(metrics);
    }

    private static void quietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception | LinkageError e) {
            LoggerFactory.getLogger(StartCommand.class).warn("stopping {} failed: {}", c, e.toString());
        }
    }
}
