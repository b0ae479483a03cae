package dev.failback.examples.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the PEM files of a MOLT {@code mysql://} connection string ({@code sslrootcert},
 * {@code sslcert}, {@code sslkey}) into what MySQL Connector/J reads: it takes trust and client
 * material only from Java key stores ({@code trustCertificateKeyStoreUrl},
 * {@code clientCertificateKeyStoreUrl}; JKS or PKCS#12, not PEM). Each call writes owner-only
 * PKCS#12 files with a random password to the temporary directory, deleted when the JVM exits.
 *
 * <p>Keys: unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}: RSA, EC, Ed25519) or PKCS#1 RSA
 * ({@code BEGIN RSA PRIVATE KEY}). Encrypted keys and SEC1 EC keys ({@code BEGIN EC PRIVATE KEY}) are
 * refused with the {@code openssl pkcs8 -topk8 -nocrypt} command that converts them.
 */
final class PemKeyStores {
    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
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

    static PrivateKey privateKey(String file) throws IOException, GeneralSecurityException {
        String text = Files.readString(Path.of(file), StandardCharsets.US_ASCII);
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            if (!type.endsWith("PRIVATE KEY")) {
                continue;
            }
            byte[] der = Base64.getMimeDecoder().decode(m.group(2).replaceAll("(?m)^[A-Za-z-]+:.*$", "").trim());
            switch (type) {
                case "PRIVATE KEY":
                    return pkcs8(der, file);
                case "RSA PRIVATE KEY":
                    if (m.group(2).contains("ENCRYPTED")) {
                        break;
                    }
                    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(rsaPkcs1ToPkcs8(der)));
                default:
                    break;
            }
            throw new IllegalArgumentException("sslkey " + file + " holds a " + type + " that cannot be read here;"
                    + " convert it with: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pk8.pem");
        }
        throw new IllegalArgumentException("sslkey " + file + " holds no PEM private key");
    }

    private static PrivateKey pkcs8(byte[] der, String file) throws GeneralSecurityException {
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "EdDSA"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException wrongAlgorithm) {
                // try the next one
            }
        }
        throw new IllegalArgumentException("sslkey " + file + ": not an RSA, EC or Ed25519 PKCS#8 key");
    }

    /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo (version 0, rsaEncryption, NULL). */
    static byte[] rsaPkcs1ToPkcs8(byte[] pkcs1) {
        byte[] algorithm = HexFormat.of().parseHex("020100300d06092a864886f70d0101010500");
        byte[] octets = der(0x04, pkcs1);
        byte[] body = new byte[algorithm.length + octets.length];
        System.arraycopy(algorithm, 0, body, 0, algorithm.length);
        System.arraycopy(octets, 0, body, algorithm.length, octets.length);
        return der(0x30, body);
    }

    private static byte[] der(int tag, byte[] content) {
        int n = content.length;
        byte[] length = n < 0x80 ? new byte[] {(byte) n}
                : n < 0x100 ? new byte[] {(byte) 0x81, (byte) n}
                : n < 0x10000 ? new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n}
                : new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
        byte[] out = new byte[1 + length.length + n];
        out[0] = (byte) tag;
        System.arraycopy(length, 0, out, 1, length.length);
        System.arraycopy(content, 0, out, 1 + length.length, n);
        return out;
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
