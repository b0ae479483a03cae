package dev.failback.jetty;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificate a {@link JettySink} serves over TLS: read (or generated) at start, put into Jetty's
 * SSL context, and re-read by a thread ({@code failback-<pipeline>-tls-reload}) that serves the files'
 * new certificate when their contents changed and still form a valid one. Logs as {@link JettySink}, the
 * category operators configure for the sink. Thread-safe.
 */
final class TlsReloader {
    private static final Logger LOG = LoggerFactory.getLogger(JettySink.class);

    private final TlsConfig tls;
    private final String pipelineName;
    private final SslContextFactory.Server sslContextFactory;
    private volatile TlsMaterial material;
    /** Touched only by the reload thread. */
    private byte[] rejectedDigest;
    /** Touched only by the reload thread. */
    private String lastReloadProblem;
    private ScheduledExecutorService reloader;

    /** Reads (or generates) the certificate; throws {@link IllegalArgumentException} when it is not usable. */
    TlsReloader(TlsConfig tls, String pipelineName) {
        this.tls = tls;
        this.pipelineName = pipelineName;
        this.material = TlsMaterial.load(tls);
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setIncludeProtocols(TlsConfig.PROTOCOLS.toArray(new String[0]));
        ssl.setCipherComparator(HTTP2Cipher.COMPARATOR);
        ssl.setUseCipherSuitesOrder(true);
        ssl.setSniRequired(false);
        ssl.setNeedClientAuth(tls.requiresClientCertificates());
        use(ssl, material);
        this.sslContextFactory = ssl;
    }

    /** The SSL context of the connector, serving the current certificate. */
    SslContextFactory.Server sslContextFactory() {
        return sslContextFactory;
    }

    /** The certificate served to new connections now. */
    TlsMaterial material() {
        return material;
    }

    TlsConfig config() {
        return tls;
    }

    /** Starts re-reading the files every {@linkplain TlsConfig#reloadInterval reload interval}. */
    synchronized void startReloading() {
        reloader = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "failback-" + pipelineName + "-tls-reload");
            t.setDaemon(true);
            return t;
        });
        long every = tls.reloadInterval().toMillis();
        reloader.scheduleWithFixedDelay(this::reloadIfChanged, every, every, TimeUnit.MILLISECONDS);
    }

    /** Stops the reload thread, if it runs. */
    synchronized void stop() {
        if (reloader != null) {
            reloader.shutdownNow();
        }
    }

    private static void use(SslContextFactory ssl, TlsMaterial material) {
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        String password = Base64.getEncoder().encodeToString(random);
        ssl.setKeyStore(material.keyStore(password.toCharArray()));
        ssl.setKeyStorePassword(password);
        ssl.setKeyManagerPassword(password);
        ssl.setTrustStore(material.trustStore());
    }

    /** Runs on the reload thread: serves the certificate of the files when their contents changed. */
    private void reloadIfChanged() {
        try {
            TlsMaterial.Files3 files = TlsMaterial.read(tls);
            byte[] digest = files.digest();
            if (material.sameSource(digest) || Arrays.equals(digest, rejectedDigest)) {
                return;
            }
            TlsMaterial next;
            try {
                next = TlsMaterial.parse(tls, files);
            } catch (IllegalArgumentException e) {
                rejectedDigest = digest;
                LOG.warn("{} - TLS files changed but are not usable, still serving serial {}: {}", pipelineName,
                        material.chain().get(0).getSerialNumber().toString(16), e.getMessage());
                return;
            }
            sslContextFactory.reload(f -> use(f, next));
            material = next;
            rejectedDigest = null;
            lastReloadProblem = null;
            LOG.info("{} - TLS certificate reloaded from {}: {}", pipelineName, tls.certificateFile().orElseThrow(),
                    next.describe());
        } catch (Exception e) {
            // Swallowed (the previous certificate stays in service), so logged; once per distinct problem.
            String problem = e.getMessage();
            if (!Objects.equals(problem, lastReloadProblem)) {
                lastReloadProblem = problem;
                LOG.warn("{} - cannot check the TLS files for a new certificate: {}", pipelineName, problem);
            }
        }
    }
}
