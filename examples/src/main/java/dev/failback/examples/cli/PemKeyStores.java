package dev.failback.examples.cli;

import dev.failback.core.auth.PemKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the PEM files of a MOLT {@code mysql://} connection string ({@code sslrootcert},
 * {@code sslcert}, {@code sslkey}) into what MySQL Connector/J reads: it takes trust and client
 * material only from Java key stores ({@code trustCertificateKeyStoreUrl},
 * {@code clientCertificateKeyStoreUrl}; JKS or PKCS#12, not PEM). Each call writes owner-only
 * PKCS#12 files with a random password to the temporary directory, deleted when the JVM exits.
 *
 * <p>Keys are read by {@link PemKeys} (BouncyCastle): unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}: RSA, EC,
 * Ed25519), PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}) or SEC1 EC ({@code BEGIN EC PRIVATE KEY}). Encrypted
 * or unreadable keys are refused with the {@code openssl pkcs8 -topk8 -nocrypt} command that converts them.
 */
final class PemKeyStores {
    private static final SecureRandom RANDOM = new SecureRandom();

    private PemKeyStores() {
    }

    /**
     * Returns the Connector/J properties that load the PEM material.
     *
     * @param pem the PEM files
     * @return {@code trustCertificateKeyStore*} and/or {@code clientCertificateKeyStore*} properties
     * @throws IllegalArgumentException when a file cannot be read or parsed; the message names it
     */
    static Map<String, String> connectorJProperties(ConnectionUrls.Pem pem) {
        Map<String, String> props = new LinkedHashMap<>();
        try {
            if (pem.rootCert() != null) {
                KeyStore trust = emptyStore();
                int i = 0;
                for (Certificate c : certificates(pem.rootCert(), "sslrootcert")) {
                    trust.setCertificateEntry("ca" + i++, c);
                }
                String password = password();
                props.put("trustCertificateKeyStoreUrl", write(trust, password, "failback-trust"));
                props.put("trustCertificateKeyStoreType", "PKCS12");
                props.put("trustCertificateKeyStorePassword", password);
            }
            if (pem.cert() != null) {
                KeyStore client = emptyStore();
                String password = password();
                List<Certificate> chain = certificates(pem.cert(), "sslcert");
                client.setKeyEntry("client", privateKey(pem.key()), password.toCharArray(), chain.toArray(new Certificate[0]));
                props.put("clientCertificateKeyStoreUrl", write(client, password, "failback-client"));
                props.put("clientCertificateKeyStoreType", "PKCS12");
                props.put("clientCertificateKeyStorePassword", password);
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot build a key store from the PEM files: " + e.getMessage(), e);
        }
        return props;
    }

    private static KeyStore emptyStore() throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        return ks;
    }

    private static List<Certificate> certificates(String file, String parameter) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            List<Certificate> certs = new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
            if (certs.isEmpty()) {
                throw new IllegalArgumentException(parameter + " " + file + " holds no certificate");
            }
            return certs;
        }
    }

    static PrivateKey privateKey(String file) throws IOException {
        try {
            return PemKeys.privateKey(Files.readString(Path.of(file), StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sslkey " + file + ": " + e.getMessage() + "; if it is in another format,"
                    + " convert it with: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pk8.pem", e);
        }
    }

    private static String password() {
        byte[] b = new byte[18];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String write(KeyStore store, String password, String prefix) throws IOException, GeneralSecurityException {
        Path file;
        try {
            file = Files.createTempFile(prefix, ".p12",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            file = Files.createTempFile(prefix, ".p12");
        }
        file.toFile().deleteOnExit();
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password.toCharArray());
        }
        return file.toUri().toString();
    }
}
