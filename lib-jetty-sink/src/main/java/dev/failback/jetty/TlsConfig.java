package dev.failback.jetty;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link JettySink} serves HTTPS: its certificate and key, and optionally the CAs whose client
 * certificates it requires (mutual TLS). Immutable and thread-safe.
 *
 * <pre>{@code
 * TlsConfig tls = TlsConfig.pem(Path.of("certs/server.crt"), Path.of("certs/server.key"))
 *         .clientCa(Path.of("certs/ca.crt"))     // optional: require client certificates
 *         .build();
 * JettySink sink = JettySink.builder().port(30004).tls(tls).build();
 * }</pre>
 *
 * <p><b>Certificate.</b> Either PEM files, {@link #pem(Path, Path)}: a certificate chain (the server
 * certificate first, then any intermediates) and its unencrypted private key (PKCS#8
 * {@code BEGIN PRIVATE KEY}, PKCS#1 {@code BEGIN RSA PRIVATE KEY} or SEC1 {@code BEGIN EC PRIVATE KEY}),
 * as MOLT Replicator's {@code --tlsCertificate}/{@code --tlsPrivateKey}; or {@link #selfSigned()},
 * as {@code --tlsSelfSigned}: an ECDSA P-256 certificate for {@code localhost}, {@code 127.0.0.1} and
 * {@code ::1}, valid for a year, generated in memory each time the sink starts (its SHA-256
 * fingerprint is logged; for tests and trials only).
 *
 * <p><b>Client certificates.</b> With {@link Builder#clientCa(Path)} every connection must present a
 * client certificate that chains to one of the certificates of that PEM bundle, or the handshake fails
 * (Jetty's {@code needClientAuth}, not {@code wantClientAuth}). MOLT Replicator has no such option.
 *
 * <p><b>Protocols.</b> TLS 1.3 and TLS 1.2 only ({@link #PROTOCOLS}); over TLS the sink offers
 * {@code h2} and {@code http/1.1} by ALPN, so CockroachDB (whose webhook client sets Go's
 * {@code ForceAttemptHTTP2}) talks HTTP/2.
 *
 * <p><b>Rotation.</b> While the sink runs it re-reads the PEM files every {@linkplain
 * Builder#reloadInterval reload interval} and, when their contents changed and still form a valid
 * certificate and key, serves the new certificate to new connections without a restart (Jetty's
 * {@code SslContextFactory.reload}); connections already open keep theirs. A change that does not
 * form a valid pair (say the certificate was replaced but not yet its key) is logged at WARN and the
 * previous certificate stays in service until the files are consistent again. Replace files
 * atomically (write, then rename) where you can.
 *
 * <p><b>The changefeed side.</b> CockroachDB only sends to {@code webhook-https://} URLs. Its TLS
 * settings are query parameters that it removes from the URL before sending, each the base64 of a
 * PEM file, URL-encoded ({@code base64 -w0 ca.crt | jq -R -r '@uri'}):
 *
 * <pre>{@code
 * CREATE CHANGEFEED FOR TABLE ... INTO
 *   'webhook-https://failback.example.com:30004/molt/public?ca_cert=<base64 PEM of the CA that signed server.crt>
 *       &client_cert=<base64 PEM of a client certificate signed by a clientCa>&client_key=<base64 PEM of its key>'
 *   WITH updated, resolved = '1s', webhook_auth_header = 'Bearer ...';
 * }</pre>
 *
 * <p>{@code ca_cert} lets CockroachDB verify this server's certificate (not needed when a public CA
 * signed it; the host name in the URL must be one of the certificate's names); {@code client_cert}
 * and {@code client_key} (each needs the other) are what {@link Builder#clientCa(Path)} verifies.
 * {@code insecure_tls_skip_verify=true} turns verification of the server off; use it only with
 * {@link #selfSigned()} in trials.
 */
public final class TlsConfig {
    /** The TLS protocol versions the sink accepts: TLS 1.3 and TLS 1.2. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    /** Default interval between checks of the PEM files for a new certificate: 30 seconds. */
    public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(30);

    private final Path certificateFile;
    private final Path privateKeyFile;
    private final Path clientCaFile;
    private final Duration reloadInterval;

    private TlsConfig(Builder b) {
        this.certificateFile = b.certificateFile;
        this.privateKeyFile = b.privateKeyFile;
        this.clientCaFile = b.clientCaFile;
        this.reloadInterval = b.reloadInterval;
    }

    /**
     * Starts a configuration that serves a certificate chain and private key from PEM files.
     *
     * @param certificateChain the PEM certificate chain, server certificate first
     * @param privateKey       the PEM private key of the server certificate, unencrypted
     * @return a builder, never null
     */
    public static Builder pem(Path certificateChain, Path privateKey) {
        return new Builder(Objects.requireNonNull(certificateChain, "certificateChain"),
                Objects.requireNonNull(privateKey, "privateKey"));
    }

    /**
     * Starts a configuration that serves a self-signed ECDSA P-256 certificate for {@code localhost},
     * {@code 127.0.0.1} and {@code ::1}, valid for a year and generated in memory when the sink starts.
     * For tests and trials: a changefeed accepts it only with {@code insecure_tls_skip_verify=true}
     * or with the certificate, logged at start, as {@code ca_cert}.
     *
     * @return a builder, never null
     */
    public static Builder selfSigned() {
        return new Builder(null, null);
    }

    /**
     * Returns the PEM certificate chain file.
     *
     * @return the file, empty when {@linkplain #isSelfSigned() self-signed}
     */
    public Optional<Path> certificateFile() {
        return Optional.ofNullable(certificateFile);
    }

    /**
     * Returns the PEM private key file.
     *
     * @return the file, empty when {@linkplain #isSelfSigned() self-signed}
     */
    public Optional<Path> privateKeyFile() {
        return Optional.ofNullable(privateKeyFile);
    }

    /**
     * Returns the PEM bundle of CAs that client certificates must chain to.
     *
     * @return the file, empty when client certificates are not required
     */
    public Optional<Path> clientCaFile() {
        return Optional.ofNullable(clientCaFile);
    }

    /**
     * Tells whether the sink generates a self-signed certificate.
     *
     * @return true for {@link #selfSigned()}
     */
    public boolean isSelfSigned() {
        return certificateFile == null;
    }

    /**
     * Tells whether every client must present a certificate signed by a {@linkplain #clientCaFile() client CA}.
     *
     * @return true when a client CA file is set
     */
    public boolean requiresClientCertificates() {
        return clientCaFile != null;
    }

    /**
     * Returns how often the files are checked for a new certificate.
     *
     * @return a positive duration, or zero when the files are read only at start
     */
    public Duration reloadInterval() {
        return reloadInterval;
    }

    @Override
    public String toString() {
        return "TlsConfig[" + (isSelfSigned() ? "self-signed" : "certificate=" + certificateFile + ", key=" + privateKeyFile)
                + (clientCaFile == null ? "" : ", clientCa=" + clientCaFile) + ", reloadInterval=" + reloadInterval + "]";
    }

    /** Configures a {@link TlsConfig}. Not thread-safe. */
    public static final class Builder {
        private final Path certificateFile;
        private final Path privateKeyFile;
        private Path clientCaFile;
        private Duration reloadInterval = DEFAULT_RELOAD_INTERVAL;

        private Builder(Path certificateFile, Path privateKeyFile) {
            this.certificateFile = certificateFile;
            this.privateKeyFile = privateKeyFile;
        }

        /**
         * Requires every client to present a certificate that chains to one of the certificates of a
         * PEM bundle (mutual TLS). Default: client certificates are neither requested nor required.
         *
         * @param caBundle a PEM file of one or more CA certificates
         * @return this builder
         */
        public Builder clientCa(Path caBundle) {
            this.clientCaFile = Objects.requireNonNull(caBundle, "caBundle");
            return this;
        }

        /**
         * How often the running sink checks the PEM files (certificate, key, client CAs) for new
         * contents. Default 30 seconds. Not used with {@link TlsConfig#selfSigned()}.
         *
         * @param interval a positive duration, or {@link Duration#ZERO} to read the files only at start
         * @return this builder
         */
        public Builder reloadInterval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.isNegative()) {
                throw new IllegalArgumentException("reloadInterval must be zero or positive, but was " + interval);
            }
            this.reloadInterval = interval;
            return this;
        }

        /**
         * Returns the configuration, after reading the PEM files once so that a missing, unreadable or
         * mismatched file is reported now rather than when the sink starts. The sink reads them again
         * at start. The builder is unchanged.
         *
         * @return the configuration, never null
         * @throws IllegalArgumentException when a file is missing, unreadable, not PEM, holds no
         *                                  certificate or key, is encrypted, or the key does not match the
         *                                  certificate; the message names the file
         */
        public TlsConfig build() {
            TlsConfig config = new TlsConfig(this);
            if (!config.isSelfSigned() || config.clientCaFile != null) {
                TlsMaterial.Files3 files = TlsMaterial.read(config);
                if (!config.isSelfSigned()) {
                    TlsMaterial.parse(config, files);
                } else {
                    Pem.certificates(files.clientCa(), "TLS client CA file", config.clientCaFile);
                }
            }
            return config;
        }
    }
}
