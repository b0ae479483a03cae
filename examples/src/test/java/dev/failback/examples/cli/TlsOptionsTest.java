package dev.failback.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failback.jetty.JettySink;
import dev.failback.jetty.TlsConfig;
import dev.failback.jetty.testing.TestCertificates;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

class TlsOptionsTest {
    @TempDir
    Path dir;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return FailbackCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private static TlsConfig config(String... args) {
        TlsOptions options = new TlsOptions();
        CommandLine cl = new CommandLine(options);
        cl.parseArgs(args);
        return options.config(cl);
    }

    @Test
    void withoutTlsFlagsTheSinkSpeaksPlainHttp() {
        assertThat(config()).isNull();
        JettySink sink = TlsOptions.sink(new BindAddress("127.0.0.1", 0), null).build();
        assertThat(sink.tls()).isEmpty();
    }

    @Test
    void certificateAndKeyMakeAnHttpsSinkWithOptionalClientCa() {
        TestCertificates pki = TestCertificates.create(dir);
        TlsConfig tls = config("--tlsCertificate", pki.server.certificateFile().toString(),
                "--tlsPrivateKey", pki.server.keyFile().toString(), "--tlsClientCA", pki.ca.certificateFile().toString());
        assertThat(tls.certificateFile()).hasValue(pki.server.certificateFile());
        assertThat(tls.privateKeyFile()).hasValue(pki.server.keyFile());
        assertThat(tls.clientCaFile()).hasValue(pki.ca.certificateFile());
        assertThat(TlsOptions.sink(new BindAddress("", 26258), tls).build().tls()).hasValue(tls);

        TlsConfig selfSigned = config("--tlsSelfSigned");
        assertThat(selfSigned.isSelfSigned()).isTrue();
        assertThat(selfSigned.requiresClientCertificates()).isFalse();
    }

    @Test
    void certificateAndKeyGoTogether() {
        assertThatThrownBy(() -> config("--tlsCertificate", "server.crt")).isInstanceOf(ParameterException.class)
                .hasMessage("--tlsCertificate and --tlsPrivateKey go together: pass both or neither");
        assertThatThrownBy(() -> config("--tlsPrivateKey", "server.key"))
                .hasMessage("--tlsCertificate and --tlsPrivateKey go together: pass both or neither");
    }

    @Test
    void selfSignedConflictsWithACertificateFile() {
        assertThatThrownBy(() -> config("--tlsSelfSigned", "--tlsCertificate", "a.crt", "--tlsPrivateKey", "a.key"))
                .hasMessage("--tlsSelfSigned cannot be combined with --tlsCertificate and --tlsPrivateKey: choose one");
    }

    @Test
    void clientCaNeedsTls() {
        assertThatThrownBy(() -> config("--tlsClientCA", "ca.crt"))
                .hasMessage("--tlsClientCA needs TLS: pass --tlsCertificate and --tlsPrivateKey (or --tlsSelfSigned)");
    }

    @Test
    void unusableFilesAreNamedBeforeAnythingStarts() {
        TestCertificates pki = TestCertificates.create(dir);
        Path missing = dir.resolve("missing.key");
        assertThat(run("start", "--targetConn", "postgres://u@127.0.0.1:1/db", "--disableAuthentication",
                "--tlsCertificate", pki.server.certificateFile().toString(), "--tlsPrivateKey", missing.toString()))
                .as(err::toString).isEqualTo(2);
        assertThat(err.toString()).contains("TLS private key file " + missing + " cannot be read: no such file");
        err.getBuffer().setLength(0);
        assertThat(run("start", "--targetConn", "postgres://u@127.0.0.1:1/db", "--disableAuthentication",
                "--tlsCertificate", pki.server.certificateFile().toString(),
                "--tlsPrivateKey", pki.client.keyFile().toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("TLS private key file " + pki.client.keyFile()
                + " does not match the certificate in " + pki.server.certificateFile());
    }

    @Test
    void helpListsTheTlsFlags() {
        assertThat(run("start", "--help")).isZero();
        assertThat(out.toString()).contains("--tlsCertificate=FILE", "--tlsPrivateKey=FILE", "--tlsSelfSigned",
                "--tlsClientCA=FILE", "--bindAddr", "--disableAuthentication");
    }
}
