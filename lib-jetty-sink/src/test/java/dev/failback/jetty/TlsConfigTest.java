package dev.failback.jetty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failback.jetty.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsConfigTest {
    /** Only to write encrypted test keys; never registered, and not used by the code under test. */
    private static final java.security.Provider BC = new org.bouncycastle.jce.provider.BouncyCastleProvider();
    @TempDir
    Path dir;
    private TestCertificates pki;

    @BeforeEach
    void pki() {
        pki = TestCertificates.create(dir);
    }

    @Test
    void pemConfigurationReadsTheFilesAtBuild() {
        TlsConfig tls = TlsConfig.pem(pki.server.certificateFile(), pki.server.keyFile())
                .clientCa(pki.ca.certificateFile()).reloadInterval(Duration.ZERO).build();
        assertThat(tls.isSelfSigned()).isFalse();
        assertThat(tls.requiresClientCertificates()).isTrue();
        assertThat(tls.certificateFile()).hasValue(pki.server.certificateFile());
        assertThat(tls.privateKeyFile()).hasValue(pki.server.keyFile());
        assertThat(tls.clientCaFile()).hasValue(pki.ca.certificateFile());
        assertThat(tls.reloadInterval()).isZero();
        assertThat(tls.toString()).doesNotContain("PRIVATE");
    }

    @Test
    void selfSignedNeedsNoFiles() {
        TlsConfig tls = TlsConfig.selfSigned().build();
        assertThat(tls.isSelfSigned()).isTrue();
        assertThat(tls.certificateFile()).isEmpty();
        assertThat(tls.requiresClientCertificates()).isFalse();
        assertThat(tls.reloadInterval()).isEqualTo(TlsConfig.DEFAULT_RELOAD_INTERVAL);
    }

    @Test
    void missingCertificateFileIsNamed() {
        Path missing = dir.resolve("nope.crt");
        assertThatThrownBy(() -> TlsConfig.pem(missing, pki.server.keyFile()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TLS certificate file " + missing + " cannot be read: no such file");
    }

    @Test
    void missingKeyFileIsNamed() {
        Path missing = dir.resolve("nope.key");
        assertThatThrownBy(() -> TlsConfig.pem(pki.server.certificateFile(), missing).build())
                .hasMessage("TLS private key file " + missing + " cannot be read: no such file");
    }

    @Test
    void missingClientCaFileIsNamed() {
        Path missing = dir.resolve("ca-nope.crt");
        assertThatThrownBy(() -> TlsConfig.pem(pki.server.certificateFile(), pki.server.keyFile()).clientCa(missing).build())
                .hasMessage("TLS client CA file " + missing + " cannot be read: no such file");
        assertThatThrownBy(() -> TlsConfig.selfSigned().clientCa(missing).build())
                .hasMessage("TLS client CA file " + missing + " cannot be read: no such file");
    }

    @Test
    void keyOfAnotherCertificateIsAMismatch() {
        assertThatThrownBy(() -> TlsConfig.pem(pki.server.certificateFile(), pki.client.keyFile()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TLS private key file " + pki.client.keyFile() + " does not match the certificate in "
                        + pki.server.certificateFile());
        TestCertificates.Issued rsa = pki.newServer("rsa", "RSA", TestCertificates.KeyFormat.TRADITIONAL);
        assertThatThrownBy(() -> TlsConfig.pem(pki.server.certificateFile(), rsa.keyFile()).build())
                .hasMessageContaining("does not match the certificate in " + pki.server.certificateFile());
    }

    @Test
    void swappedFilesAreExplained() {
        assertThatThrownBy(() -> TlsConfig.pem(pki.server.keyFile(), pki.server.certificateFile()).build())
                .hasMessage("TLS certificate file " + pki.server.keyFile()
                        + " holds no PEM certificate (BEGIN CERTIFICATE)");
    }

    @Test
    void certificateInTheKeyFileIsNotAKey() throws Exception {
        assertThatThrownBy(() -> TlsConfig.pem(pki.server.certificateFile(), pki.server.certificateFile()).build())
                .hasMessageStartingWith("TLS private key file " + pki.server.certificateFile() + " holds no PEM private key");
    }

    @Test
    void encryptedKeyIsRefusedWithAHint() throws Exception {
        Path encrypted = dir.resolve("encrypted.key");
        Files.writeString(encrypted, TestCertificates.pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(
                pki.server.key(), new org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder(
                        org.bouncycastle.openssl.PKCS8Generator.AES_256_CBC).setProvider(BC).setPassword("secret".toCharArray()).build())));
        assertThat(Files.readString(encrypted)).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
        Path traditional = dir.resolve("encrypted-traditional.key");
        try (var w = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(Files.newBufferedWriter(traditional))) {
            w.writeObject(pki.server.key(), new org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder("AES-128-CBC")
                    .setProvider(BC).build("secret".toCharArray()));
        }
        assertThatThrownBy(() -> TlsConfig.pem(pki.server.certificateFile(), traditional).build())
                .hasMessageStartingWith("TLS private key file " + traditional + " is encrypted; decrypt it first");
        assertThatThrownBy(() -> TlsConfig.pem(pki.server.certificateFile(), encrypted).build())
                .hasMessageStartingWith("TLS private key file " + encrypted + " is encrypted; decrypt it first");
    }

    @Test
    void garbageIsNotPem() throws Exception {
        Path garbage = dir.resolve("garbage.crt");
        Files.writeString(garbage, "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> TlsConfig.pem(garbage, pki.server.keyFile()).build())
                .hasMessageStartingWith("TLS certificate file " + garbage + " is not valid PEM");
        Path empty = dir.resolve("empty.crt");
        Files.writeString(empty, "");
        assertThatThrownBy(() -> TlsConfig.pem(pki.server.certificateFile(), pki.server.keyFile()).clientCa(empty).build())
                .hasMessage("TLS client CA file " + empty + " holds no PEM certificate (BEGIN CERTIFICATE)");
    }

    @Test
    void builderRejectsNullsAndNegativeIntervals() {
        assertThatThrownBy(() -> TlsConfig.pem(null, pki.server.keyFile())).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> TlsConfig.pem(pki.server.certificateFile(), null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> TlsConfig.selfSigned().reloadInterval(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("but was PT-1S");
        assertThatThrownBy(() -> JettySink.builder().tls(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void sinkWithTlsReportsHttps() throws Exception {
        JettySink sink = JettySink.builder().host("127.0.0.1").port(0).tls(TlsConfig.selfSigned().build()).build();
        try {
            sink.start("uri", r -> new dev.failback.WebhookResponse(200, ""));
            assertThat(sink.uri().getScheme()).isEqualTo("https");
            assertThat(sink.tls()).isPresent();
            assertThat(sink.toString()).startsWith("JettySink[https ");
        } finally {
            sink.close();
        }
    }
}
