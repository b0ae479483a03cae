package dev.failback.examples.cli;

import dev.failback.jetty.JettySink;
import dev.failback.jetty.TlsConfig;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The TLS flags of {@code failback start}: MOLT Replicator's {@code --tlsCertificate},
 * {@code --tlsPrivateKey} and {@code --tlsSelfSigned}, plus {@code --tlsClientCA} for mutual TLS
 * (MOLT has none). Without any of them the sink speaks plain HTTP/1.1.
 */
final class TlsOptions {
    @Option(names = "--tlsCertificate", paramLabel = "FILE",
            description = {"PEM certificate chain to serve HTTPS with, server certificate first; needs --tlsPrivateKey.",
                "HTTP/2 and HTTP/1.1 by ALPN; re-read without a restart when the files change."})
    Path certificate;

    @Option(names = "--tlsPrivateKey", paramLabel = "FILE",
            description = "Unencrypted PEM private key of --tlsCertificate (PKCS#8, PKCS#1 RSA or SEC1 EC).")
    Path privateKey;

    @Option(names = "--tlsSelfSigned",
            description = {"Serve HTTPS with a self-signed ECDSA P-256 certificate for localhost, 127.0.0.1 and ::1,",
                "generated in memory at start and valid for a year; for trials only."})
    boolean selfSigned;

    @Option(names = "--tlsClientCA", paramLabel = "FILE",
            description = {"Require every client to present a certificate signed by a CA of this PEM bundle (mutual TLS:",
                "the changefeed's client_cert/client_key). Needs --tlsCertificate or --tlsSelfSigned."})
    Path clientCa;

    /**
     * Returns the TLS configuration the flags describe, reading the files once to report problems early.
     *
     * @param commandLine for errors
     * @return the configuration, or null for plain HTTP
     * @throws ParameterException when the flags conflict or a file is not usable
     */
    TlsConfig config(CommandLine commandLine) {
        if ((certificate == null) != (privateKey == null)) {
            throw new ParameterException(commandLine,
                    "--tlsCertificate and --tlsPrivateKey go together: pass both or neither");
        }
        if (selfSigned && certificate != null) {
            throw new ParameterException(commandLine,
                    "--tlsSelfSigned cannot be combined with --tlsCertificate and --tlsPrivateKey: choose one");
        }
        if (clientCa != null && certificate == null && !selfSigned) {
            throw new ParameterException(commandLine,
                    "--tlsClientCA needs TLS: pass --tlsCertificate and --tlsPrivateKey (or --tlsSelfSigned)");
        }
        if (certificate == null && !selfSigned) {
            return null;
        }
        TlsConfig.Builder b = selfSigned ? TlsConfig.selfSigned() : TlsConfig.pem(certificate, privateKey);
        if (clientCa != null) {
            b.clientCa(clientCa);
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(commandLine, e.getMessage(), e);
        }
    }

    /**
     * Returns the sink for a bind address, serving HTTPS when the flags ask for it.
     *
     * @param bind the address
     * @param tls  the configuration from {@link #config}, or null
     * @return a sink, not yet started
     */
    static JettySink.Builder sink(BindAddress bind, TlsConfig tls) {
        JettySink.Builder b = JettySink.builder().host(bind.host()).port(bind.port());
        if (tls != null) {
            b.tls(tls);
        }
        return b;
    }
}
