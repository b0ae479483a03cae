package dev.failback.examples.cli.changefeed;

import dev.failback.Hlc;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code CREATE CHANGEFEED} statement that feeds Failback, with the options the MOLT failback
 * runbook recommends. Immutable and thread-safe; build one with {@link #builder()}.
 *
 * <pre>{@code
 * ChangefeedSpec spec = ChangefeedSpec.builder()
 *         .tables("employees", "orders")
 *         .failbackUrl("https://failback-host:30004")
 *         .target(TargetKind.POSTGRESQL, "migration_db", "public")
 *         .cursor(Hlc.parse("1759246920563173000.0000000000"))
 *         .authToken(token)
 *         .build();
 * String printable = spec.sql(true);   // token and client key masked
 * }</pre>
 *
 * <p>Defaults: {@code updated}, {@code resolved = '250ms'}, {@code min_checkpoint_frequency = '250ms'}
 * (resolved timestamps are only emitted at checkpoints, so both move together), {@code initial_scan =
 * 'no'}, {@code webhook_client_timeout = '30s'} and {@code webhook_sink_config =
 * '{"Flush":{"Bytes":1048576,"Frequency":"1s"}}'}. The client timeout is set explicitly because
 * CockroachDB's own default depends on the version: 3s with the v1 sink, none at all with the batching
 * sink of v23.2 up to early 2026 (a stuck request then holds the feed forever), 3s again after that;
 * 3s is short for a batch that Failback stages durably, and a timeout only makes CockroachDB send the
 * same batch again.
 *
 * <p>The cursor is either an {@link Hlc} or "now", which {@link ChangefeedRunner} reads from the
 * cluster ({@code SELECT cluster_logical_timestamp()}) just before it creates the changefeed.
 *
 * <p>Certificates are PEM text; they go into the sink URL as CockroachDB wants them: base64, then
 * percent-encoded ({@code base64 -w0 ca.crt | jq -R -r '@uri'}). {@code toString()} and
 * {@link #sql(boolean) sql(true)} mask the bearer token and the client key.
 */
public final class ChangefeedSpec {
    /** What masked secrets are replaced with. */
    public static final String MASK = "****";

    private static final Pattern IDENTIFIER = Pattern.compile(
            "(?:[A-Za-z_][A-Za-z0-9_$]*|\"(?:[^\"]|\"\")+\")(?:\\.(?:[A-Za-z_][A-Za-z0-9_$]*|\"(?:[^\"]|\"\")+\")){0,2}");
    private static final Pattern BASE_URL = Pattern.compile("(?i)(?:webhook-)?https://([^/?#@\\s]+)/?");
    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]+");

    private final List<String> tables;
    private final String host;
    private final TargetKind targetKind;
    private final String targetDatabase;
    private final String targetSchema;
    private final Hlc cursor;
    private final Duration resolved;
    private final Duration minCheckpointFrequency;
    private final String initialScan;
    private final long flushBytes;
    private final int flushMessages;
    private final Duration flushFrequency;
    private final Integer retryMax;
    private final Duration retryBackoff;
    private final Duration webhookClientTimeout;
    private final String authToken;
    private final boolean diff;
    private final String caCertPem;
    private final String clientCertPem;
    private final String clientKeyPem;
    private final boolean insecureTlsSkipVerify;

    private ChangefeedSpec(Builder b) {
        this.tables = List.copyOf(b.tables);
        this.host = b.host;
        this.targetKind = b.targetKind;
        this.targetDatabase = b.targetDatabase;
        this.targetSchema = b.targetSchema == null
                && (b.targetKind == TargetKind.POSTGRESQL || b.targetKind == TargetKind.COCKROACHDB) ? "public" : b.targetSchema;
        this.cursor = b.cursor;
        this.resolved = b.resolved;
        this.minCheckpointFrequency = b.minCheckpointFrequency != null ? b.minCheckpointFrequency : b.resolved;
        this.initialScan = b.initialScan;
        this.flushBytes = b.flushBytes;
        this.flushMessages = b.flushMessages;
        this.flushFrequency = b.flushFrequency;
        this.retryMax = b.retryMax;
        this.retryBackoff = b.retryBackoff;
        this.webhookClientTimeout = b.webhookClientTimeout;
        this.authToken = b.authToken;
        this.diff = b.diff;
        this.caCertPem = b.caCertPem;
        this.clientCertPem = b.clientCertPem;
        this.clientKeyPem = b.clientKeyPem;
        this.insecureTlsSkipVerify = b.insecureTlsSkipVerify;
    }

    /**
     * Returns a builder with the runbook's defaults and cursor "now".
     *
     * @return a new builder, never null
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder holding this specification's values, to change some.
     *
     * @return a new builder, never null
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.tables.addAll(tables);
        b.host = host;
        b.targetKind = targetKind;
        b.targetDatabase = targetDatabase;
        b.targetSchema = targetSchema;
        b.cursor = cursor;
        b.resolved = resolved;
        b.minCheckpointFrequency = minCheckpointFrequency;
        b.initialScan = initialScan;
        b.flushBytes = flushBytes;
        b.flushMessages = flushMessages;
        b.flushFrequency = flushFrequency;
        b.retryMax = retryMax;
        b.retryBackoff = retryBackoff;
        b.webhookClientTimeout = webhookClientTimeout;
        b.authToken = authToken;
        b.diff = diff;
        b.caCertPem = caCertPem;
        b.clientCertPem = clientCertPem;
        b.clientKeyPem = clientKeyPem;
        b.insecureTlsSkipVerify = insecureTlsSkipVerify;
        return b;
    }

    /**
     * Returns this specification with a fixed cursor (what {@link ChangefeedRunner} does with "now").
     *
     * @param cursor the cursor, never null
     * @return a new specification, never null
     */
    public ChangefeedSpec withCursor(Hlc cursor) {
        return toBuilder().cursor(cursor).build();
    }

    /**
     * Returns the tables, as given.
     *
     * @return the tables, never empty, immutable
     */
    public List<String> tables() {
        return tables;
    }

    /**
     * Returns the cursor, or empty for "now" (read from the cluster at creation).
     *
     * @return the cursor
     */
    public Optional<Hlc> cursor() {
        return Optional.ofNullable(cursor);
    }

    /**
     * Returns the target kind.
     *
     * @return the kind, never null
     */
    public TargetKind targetKind() {
        return targetKind;
    }

    /**
     * Returns the webhook path for the target: {@code /db/schema}, {@code /db} or {@code /SCHEMA}.
     *
     * @return the percent-encoded path, never null
     */
    public String path() {
        return switch (targetKind) {
            case POSTGRESQL, COCKROACHDB -> "/" + encodeUri(targetDatabase) + "/" + encodeUri(targetSchema);
            case MYSQL, MARIADB -> "/" + encodeUri(targetDatabase);
            case ORACLE -> "/" + encodeUri(targetSchema);
        };
    }

    /**
     * Returns the sink URI ({@code webhook-https://host:port/path?ca_cert=…}).
     *
     * @param masked whether to replace the client key with {@value #MASK}
     * @return the URI, never null
     */
    public String sinkUri(boolean masked) {
        StringBuilder uri = new StringBuilder("webhook-https://").append(host).append(path());
        char sep = '?';
        if (caCertPem != null) {
            uri.append(sep).append("ca_cert=").append(encodePem(caCertPem));
            sep = '&';
        }
        if (clientCertPem != null) {
            uri.append(sep).append("client_cert=").append(encodePem(clientCertPem));
            sep = '&';
        }
        if (clientKeyPem != null) {
            uri.append(sep).append("client_key=").append(masked ? MASK : encodePem(clientKeyPem));
            sep = '&';
        }
        if (insecureTlsSkipVerify) {
            uri.append(sep).append("insecure_tls_skip_verify=true");
        }
        return uri.toString();
    }

    /**
     * Returns the statement with its secrets, ready to run.
     *
     * @return the {@code CREATE CHANGEFEED} text, without a semicolon, never null
     * @throws IllegalStateException when the cursor is "now" (not read yet)
     */
    public String sql() {
        return sql(false);
    }

    /**
     * Returns the statement, one option per line.
     *
     * @param masked whether to replace the bearer token and the client key with {@value #MASK} (for
     *               printing and logging)
     * @return the {@code CREATE CHANGEFEED} text, without a semicolon, never null
     * @throws IllegalStateException when the cursor is "now" (not read yet); see {@link ChangefeedRunner}
     */
    public String sql(boolean masked) {
        if (cursor == null) {
            throw new IllegalStateException("the cursor is \"now\": read it with ChangefeedRunner or set one with"
                    + " withCursor(Hlc) before rendering the statement");
        }
        List<String> options = new ArrayList<>();
        options.add("updated");
        options.add("resolved = " + literal(goDuration(resolved)));
        options.add("min_checkpoint_frequency = " + literal(goDuration(minCheckpointFrequency)));
        options.add("initial_scan = " + literal(initialScan));
        options.add("cursor = " + literal(cursor.toString()));
        if (diff) {
            options.add("diff");
        }
        if (authToken != null) {
            options.add("webhook_auth_header = " + literal("Bearer " + (masked ? MASK : authToken)));
        }
        options.add("webhook_client_timeout = " + literal(goDuration(webhookClientTimeout)));
        options.add("webhook_sink_config = " + literal(sinkConfigJson()));
        return "CREATE CHANGEFEED FOR TABLE " + String.join(", ", tables) + "\n"
                + "  INTO " + literal(sinkUri(masked)) + "\n"
                + "  WITH " + String.join(",\n       ", options);
    }

    /**
     * Returns the {@code webhook_sink_config} JSON.
     *
     * @return the JSON, never null
     */
    public String sinkConfigJson() {
        StringBuilder flush = new StringBuilder();
        if (flushMessages > 0) {
            flush.append("\"Messages\":").append(flushMessages).append(',');
        }
        flush.append("\"Bytes\":").append(flushBytes).append(",\"Frequency\":\"").append(goDuration(flushFrequency)).append('"');
        StringBuilder json = new StringBuilder("{\"Flush\":{").append(flush).append('}');
        if (retryMax != null || retryBackoff != null) {
            json.append(",\"Retry\":{");
            if (retryMax != null) {
                json.append("\"Max\":").append(retryMax == 0 ? "\"inf\"" : retryMax.toString());
            }
            if (retryBackoff != null) {
                json.append(retryMax != null ? "," : "").append("\"Backoff\":\"").append(goDuration(retryBackoff)).append('"');
            }
            json.append('}');
        }
        return json.append('}').toString();
    }

    /** Returns the masked statement (or a summary while the cursor is "now"). */
    @Override
    public String toString() {
        return cursor != null ? sql(true)
                : "ChangefeedSpec[tables=" + tables + ", sink=" + sinkUri(true) + ", cursor=now, auth="
                        + (authToken == null ? "none" : "Bearer " + MASK) + "]";
    }

    /**
     * Encodes PEM text the way the webhook sink wants it: base64 of the UTF-8 bytes (no line breaks),
     * then percent-encoded like {@code jq -R -r '@uri'}.
     *
     * @param pem the PEM text, never null
     * @return the URL parameter value, never null
     */
    public static String encodePem(String pem) {
        return encodeUri(Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Percent-encodes everything except the unreserved characters {@code A-Z a-z 0-9 - _ . ~}, as
     * {@code jq}'s {@code @uri} does (UTF-8, upper-case hex).
     *
     * @param s the text, never null
     * @return the encoded text, never null
     */
    public static String encodeUri(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c == '.' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /**
     * Writes a duration as a Go duration literal: {@code 250ms}, {@code 1s}, {@code 5m}, {@code 1h},
     * {@code 1500us}.
     *
     * @param d a positive duration, never null
     * @return the text, never null
     */
    static String goDuration(Duration d) {
        long nanos = d.toNanos();
        if (nanos % 3_600_000_000_000L == 0) {
            return nanos / 3_600_000_000_000L + "h";
        }
        if (nanos % 60_000_000_000L == 0) {
            return nanos / 60_000_000_000L + "m";
        }
        if (nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + "s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + "ms";
        }
        if (nanos % 1_000L == 0) {
            return nanos / 1_000L + "us";
        }
        return nanos + "ns";
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    /** Builds a {@link ChangefeedSpec}. Not thread-safe; {@link #build()} validates and copies. */
    public static final class Builder {
        private final List<String> tables = new ArrayList<>();
        private String host;
        private TargetKind targetKind;
        private String targetDatabase;
        private String targetSchema;
        private Hlc cursor;
        private Duration resolved = Duration.ofMillis(250);
        private Duration minCheckpointFrequency;
        private String initialScan = "no";
        private long flushBytes = 1 << 20;
        private int flushMessages;
        private Duration flushFrequency = Duration.ofSeconds(1);
        private Integer retryMax;
        private Duration retryBackoff;
        private Duration webhookClientTimeout = Duration.ofSeconds(30);
        private String authToken;
        private boolean diff;
        private String caCertPem;
        private String clientCertPem;
        private String clientKeyPem;
        private boolean insecureTlsSkipVerify;

        private Builder() {
        }

        /**
         * Adds tables: {@code employees}, {@code public.employees}, {@code db.public.employees} or
         * double-quoted parts ({@code "Mixed Case"}).
         *
         * @param names the table names, never null
         * @return this builder
         * @throws IllegalArgumentException when a name is not a (qualified) SQL identifier
         */
        public Builder tables(String... names) {
            return tables(List.of(names));
        }

        /**
         * Adds tables; see {@link #tables(String...)}.
         *
         * @param names the table names, never null
         * @return this builder
         */
        public Builder tables(Collection<String> names) {
            for (String name : names) {
                String n = Objects.requireNonNull(name, "table").trim();
                if (!IDENTIFIER.matcher(n).matches()) {
                    throw new IllegalArgumentException("not a table name (expected table, schema.table or"
                            + " database.schema.table; quote other names with double quotes): " + name);
                }
                if (!tables.contains(n)) {
                    tables.add(n);
                }
            }
            return this;
        }

        /**
         * Sets Failback's public base URL, the address CockroachDB reaches it at.
         *
         * @param url {@code https://host:port} (or {@code webhook-https://host:port}); no path
         * @return this builder
         * @throws IllegalArgumentException when the URL is not https or has a path, query or user
         */
        public Builder failbackUrl(String url) {
            var m = BASE_URL.matcher(Objects.requireNonNull(url, "failbackUrl").trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("failbackUrl must be https://host:port without a path, query or"
                        + " user (CockroachDB only sends changefeeds to webhook-https URLs; the path is derived"
                        + " from the target): " + url);
            }
            this.host = m.group(1);
            return this;
        }

        /**
         * Sets the target and the names that make up the path.
         *
         * @param kind     the target kind, never null
         * @param database the database (PostgreSQL, CockroachDB, MySQL, MariaDB); ignored for Oracle
         * @param schema   the schema (PostgreSQL, CockroachDB: default {@code public}; Oracle: the
         *                 owner, required, as stored, usually upper case); ignored for MySQL
         * @return this builder
         */
        public Builder target(TargetKind kind, String database, String schema) {
            this.targetKind = Objects.requireNonNull(kind, "kind");
            this.targetDatabase = blankToNull(database);
            this.targetSchema = blankToNull(schema);
            return this;
        }

        /**
         * Starts the changefeed at a fixed timestamp, for example the one the forward replication
         * stopped at.
         *
         * @param cursor the cursor; null means "now"
         * @return this builder
         */
        public Builder cursor(Hlc cursor) {
            this.cursor = cursor;
            return this;
        }

        /**
         * Starts the changefeed at the cluster's current timestamp, read by {@link ChangefeedRunner}
         * (the default).
         *
         * @return this builder
         */
        public Builder cursorNow() {
            this.cursor = null;
            return this;
        }

        /**
         * Sets the {@code resolved} interval, and {@code min_checkpoint_frequency} too unless set
         * apart (resolved timestamps are only emitted at checkpoints). Default 250ms.
         *
         * @param interval a positive duration
         * @return this builder
         */
        public Builder resolved(Duration interval) {
            this.resolved = positive(interval, "resolved");
            return this;
        }

        /**
         * Sets {@code min_checkpoint_frequency}. Default: the {@code resolved} interval.
         *
         * @param interval a positive duration
         * @return this builder
         */
        public Builder minCheckpointFrequency(Duration interval) {
            this.minCheckpointFrequency = positive(interval, "minCheckpointFrequency");
            return this;
        }

        /**
         * Sets {@code initial_scan}: {@code no} (default: the target already holds the data),
         * {@code yes} or {@code only}.
         *
         * @param value the value
         * @return this builder
         */
        public Builder initialScan(String value) {
            String v = Objects.requireNonNull(value, "initialScan").trim().toLowerCase(Locale.ROOT);
            if (!v.equals("no") && !v.equals("yes") && !v.equals("only")) {
                throw new IllegalArgumentException("initialScan must be no, yes or only, but was " + value);
            }
            this.initialScan = v;
            return this;
        }

        /**
         * Sets {@code webhook_sink_config.Flush.Bytes}. Default 1 MiB.
         *
         * @param bytes a positive size
         * @return this builder
         */
        public Builder flushBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("flushBytes must be > 0, but was " + bytes);
            }
            this.flushBytes = bytes;
            return this;
        }

        /**
         * Sets {@code webhook_sink_config.Flush.Messages}. Default 0 (not written: no limit).
         *
         * @param messages the count, 0 for none
         * @return this builder
         */
        public Builder flushMessages(int messages) {
            if (messages < 0) {
                throw new IllegalArgumentException("flushMessages must be >= 0, but was " + messages);
            }
            this.flushMessages = messages;
            return this;
        }

        /**
         * Sets {@code webhook_sink_config.Flush.Frequency}. Default 1s.
         *
         * @param frequency a positive duration
         * @return this builder
         */
        public Builder flushFrequency(Duration frequency) {
            this.flushFrequency = positive(frequency, "flushFrequency");
            return this;
        }

        /**
         * Sets {@code webhook_sink_config.Retry.Max}, HTTP retries per batch. Unset by default
         * (CockroachDB: 3).
         *
         * @param max the count, or 0 for {@code "inf"}
         * @return this builder
         */
        public Builder retryMax(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("retryMax must be >= 0 (0 for inf), but was " + max);
            }
            this.retryMax = max;
            return this;
        }

        /**
         * Sets {@code webhook_sink_config.Retry.Backoff}, the first retry's delay. Unset by default
         * (CockroachDB: 500ms, doubling up to 30s).
         *
         * @param backoff a positive duration
         * @return this builder
         */
        public Builder retryBackoff(Duration backoff) {
            this.retryBackoff = positive(backoff, "retryBackoff");
            return this;
        }

        /**
         * Sets {@code webhook_client_timeout}. Default 30s (see the class comment for why it is set).
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder webhookClientTimeout(Duration timeout) {
            this.webhookClientTimeout = positive(timeout, "webhookClientTimeout");
            return this;
        }

        /**
         * Sets the bearer token ({@code webhook_auth_header = 'Bearer <token>'}): one of Failback's
         * {@code --authToken}s or a JWT from {@code make-jwt}. Masked when printed.
         *
         * @param token the token, or null for none
         * @return this builder
         */
        public Builder authToken(String token) {
            String t = blankToNull(token);
            if (t != null && !TOKEN.matcher(t).matches()) {
                throw new IllegalArgumentException("the auth token must be printable ASCII without spaces");
            }
            this.authToken = t;
            return this;
        }

        /**
         * Sets the {@code diff} option (rows carry {@code before}). Off by default: Failback does not
         * need it and it costs the cluster a read per change.
         *
         * @param diff whether to add {@code diff}
         * @return this builder
         */
        public Builder diff(boolean diff) {
            this.diff = diff;
            return this;
        }

        /**
         * Sets the CA certificate(s) that signed Failback's server certificate ({@code ca_cert}); leave
         * unset for a public CA.
         *
         * @param pem PEM text, or null
         * @return this builder
         */
        public Builder caCertPem(String pem) {
            this.caCertPem = pem(pem, "caCert");
            return this;
        }

        /**
         * Sets the client certificate for mutual TLS ({@code client_cert}); needs
         * {@link #clientKeyPem(String)}.
         *
         * @param pem PEM text, or null
         * @return this builder
         */
        public Builder clientCertPem(String pem) {
            this.clientCertPem = pem(pem, "clientCert");
            return this;
        }

        /**
         * Sets the client private key for mutual TLS ({@code client_key}); masked when printed.
         *
         * @param pem PEM text, or null
         * @return this builder
         */
        public Builder clientKeyPem(String pem) {
            this.clientKeyPem = pem(pem, "clientKey");
            return this;
        }

        /**
         * Adds {@code insecure_tls_skip_verify=true}: CockroachDB then accepts any server certificate.
         * Only for trials with a self-signed certificate.
         *
         * @param skip whether to skip verification
         * @return this builder
         */
        public Builder insecureTlsSkipVerify(boolean skip) {
            this.insecureTlsSkipVerify = skip;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the specification, never null
         * @throws IllegalStateException when something required is missing or options conflict; the
         *                               message names it
         */
        public ChangefeedSpec build() {
            if (tables.isEmpty()) {
                throw new IllegalStateException("at least one table is required");
            }
            if (host == null) {
                throw new IllegalStateException("failbackUrl is required (https://host:port)");
            }
            if (targetKind == null) {
                throw new IllegalStateException("target is required (kind, database, schema)");
            }
            String database = targetDatabase;
            switch (targetKind) {
                case POSTGRESQL, COCKROACHDB -> {
                    if (database == null) {
                        throw new IllegalStateException(targetKind + " needs the target database (path /database/schema)");
                    }
                }
                case MYSQL, MARIADB -> {
                    if (database == null) {
                        throw new IllegalStateException(targetKind + " needs the target database (path /database)");
                    }
                }
                case ORACLE -> {
                    if (targetSchema == null) {
                        throw new IllegalStateException("oracle needs the target schema, the owner of the tables"
                                + " (path /SCHEMA, usually upper case)");
                    }
                }
                default -> throw new AssertionError(targetKind);
            }
            if ((clientCertPem == null) != (clientKeyPem == null)) {
                throw new IllegalStateException("clientCert and clientKey go together; got only "
                        + (clientCertPem == null ? "clientKey" : "clientCert"));
            }
            if (insecureTlsSkipVerify && caCertPem != null) {
                throw new IllegalStateException("caCert and insecureTlsSkipVerify contradict each other; pick one");
            }
            return new ChangefeedSpec(this);
        }

        private static String pem(String pem, String what) {
            if (pem == null) {
                return null;
            }
            if (!pem.contains("-----BEGIN ")) {
                throw new IllegalArgumentException(what + " is not PEM text (no -----BEGIN line)");
            }
            return pem;
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be > 0, but was " + d);
            }
            return d;
        }

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s.trim();
        }
    }
}
