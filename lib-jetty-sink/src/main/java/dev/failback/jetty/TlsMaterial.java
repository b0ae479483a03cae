package dev.failback.jetty;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The key, certificate chain and client CAs a TLS connector serves at one moment, read from the
 * files of a {@link TlsConfig} or generated (self-signed). {@code digest} identifies the file
 * contents it was read from, so a reload can tell whether anything changed.
 */
record TlsMaterial(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> clientCas, byte[] digest) {
    /** Validity of a self-signed certificate, as MOLT Replicator's {@code --tlsSelfSigned}. */
    static final Duration SELF_SIGNED_VALIDITY = Duration.ofDays(365);
    private static final SecureRandom RANDOM = new SecureRandom();

    TlsMaterial {
        chain = List.copyOf(chain);
        clientCas = List.copyOf(clientCas);
    }

    /** The file contents of a {@link TlsConfig}, read together. */
    record Files3(byte[] certificate, byte[] key, byte[] clientCa) {
        byte[] digest() {
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                for (byte[] b : new byte[][] {certificate, key, clientCa}) {
                    sha.update(BigInteger.valueOf(b == null ? -1 : b.length).toByteArray());
                    if (b != null) {
                        sha.update(b);
                    }
                }
                return sha.digest();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Reads the files of a configuration.
     *
     * @throws IllegalArgumentException naming the file that cannot be read
     */
    static Files3 read(TlsConfig config) {
        byte[] cert = config.certificateFile().map(f -> read(f, "TLS certificate file")).orElse(null);
        byte[] key = config.privateKeyFile().map(f -> read(f, "TLS private key file")).orElse(null);
        byte[] ca = config.clientCaFile().map(f -> read(f, "TLS client CA file")).orElse(null);
        return new Files3(cert, key, ca);
    }

    private static byte[] read(Path file, String what) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            String reason = e instanceof java.nio.file.NoSuchFileException ? "no such file"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            throw new IllegalArgumentException(what + " " + file + " cannot be read: " + reason, e);
        }
    }

    /**
     * Parses file contents read by {@link #read(TlsConfig)}, or generates a self-signed certificate
     * when the configuration says so.
     *
     * @throws IllegalArgumentException naming the file that is not usable
     */
    static TlsMaterial parse(TlsConfig config, Files3 files) {
        List<X509Certificate> cas = files.clientCa() == null ? List.of()
                : Pem.certificates(files.clientCa(), "TLS client CA file", config.clientCaFile().orElseThrow());
        if (config.isSelfSigned()) {
            return selfSigned(cas, files.digest());
        }
        Path certFile = config.certificateFile().orElseThrow();
        Path keyFile = config.privateKeyFile().orElseThrow();
        List<X509Certificate> chain = Pem.certificates(files.certificate(), "TLS certificate file", certFile);
        PrivateKey key = Pem.privateKey(files.key(), keyFile);
        Pem.checkKeyMatches(key, chain.get(0), keyFile, certFile);
        return new TlsMaterial(key, chain, cas, files.digest());
    }

    static TlsMaterial load(TlsConfig config) {
        return parse(config, read(config));
    }

    /** An ECDSA P-256 certificate for localhost, 127.0.0.1 and ::1, valid for a year, as MOLT's. */
    static TlsMaterial selfSigned(List<X509Certificate> clientCas, byte[] digest) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            KeyPair pair = generator.generateKeyPair();
            Instant now = Instant.now();
            X500Name subject = new X500Name("CN=localhost,O=Failback self-signed");
            byte[] serial = new byte[16];
            RANDOM.nextBytes(serial);
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, new BigInteger(1, serial),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(SELF_SIGNED_VALIDITY)), subject,
                    pair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.iPAddress, "::1")}));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            return new TlsMaterial(pair.getPrivate(), List.of(cert), clientCas, digest);
        } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
            throw new IllegalStateException("cannot generate a self-signed TLS certificate: " + e.getMessage(), e);
        }
    }

    /** A PKCS#12 key store holding the key and chain under the alias {@code server}, protected by {@code password}. */
    KeyStore keyStore(char[] password) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", key, password, chain.toArray(new Certificate[0]));
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the TLS key store: " + e.getMessage(), e);
        }
    }

    /** A key store of the client CAs, or null when client certificates are not required. */
    KeyStore trustStore() {
        if (clientCas.isEmpty()) {
            return null;
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < clientCas.size(); i++) {
                store.setCertificateEntry("client-ca-" + i, clientCas.get(i));
            }
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the TLS trust store: " + e.getMessage(), e);
        }
    }

    boolean sameSource(byte[] otherDigest) {
        return Arrays.equals(digest, otherDigest);
    }

    /** One line about the served certificate, without key material. */
    String describe() {
        X509Certificate leaf = chain.get(0);
        return "subject \"" + leaf.getSubjectX500Principal().getName() + "\", names " + names(leaf) + ", serial "
                + leaf.getSerialNumber().toString(16) + ", valid until " + leaf.getNotAfter().toInstant()
                + ", SHA-256 fingerprint " + fingerprint(leaf)
                + (chain.size() > 1 ? ", " + (chain.size() - 1) + " intermediate(s)" : "")
                + (clientCas.isEmpty() ? "" : "; client certificates required, " + clientCas.size() + " client CA(s)");
    }

    /** The base64 of the PEM of the leaf certificate, as CockroachDB's {@code ca_cert} parameter wants it. */
    String caCertParameter() {
        try {
            String pem = "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(chain.get(0).getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
            return Base64.getEncoder().encodeToString(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String fingerprint(X509Certificate cert) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
        } catch (GeneralSecurityException e) {
            return "?";
        }
    }

    private static List<String> names(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    names.add(String.valueOf(san.get(1)));
                }
            }
        } catch (CertificateParsingException e) {
            names.add("?");
        }
        return names;
    }
}
