package dev.failback.jetty.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Test PKI written as PEM files into a directory: a CA, a server certificate for {@code localhost},
 * {@code 127.0.0.1} and {@code ::1} signed by it, a client certificate signed by it, and a client
 * certificate signed by another CA. Plus {@link SSLContext}s for clients. Uses BouncyCastle only to
 * build certificates and write PEM; signing uses the JDK's providers.
 */
public final class TestCertificates {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** How a private key is written. */
    public enum KeyFormat {
        /** {@code BEGIN PRIVATE KEY}. */
        PKCS8,
        /** {@code BEGIN RSA PRIVATE KEY} for RSA keys, {@code BEGIN EC PRIVATE KEY} (SEC1) for EC keys. */
        TRADITIONAL
    }

    /** A key and its certificate, with its files. */
    public record Issued(PrivateKey key, X509Certificate certificate, Path certificateFile, Path keyFile) {
    }

    private final Path dir;
    public final Issued ca;
    public final Issued server;
    public final Issued client;
    public final Issued otherCa;
    public final Issued otherClient;

    private TestCertificates(Path dir) throws Exception {
        this.dir = dir;
        ca = issue("ca", "CN=Failback Test CA", null, Role.CA, "EC", KeyFormat.PKCS8);
        server = issue("server", "CN=localhost", ca, Role.SERVER, "EC", KeyFormat.PKCS8);
        client = issue("client", "CN=changefeed", ca, Role.CLIENT, "EC", KeyFormat.PKCS8);
        otherCa = issue("other-ca", "CN=Other CA", null, Role.CA, "EC", KeyFormat.PKCS8);
        otherClient = issue("other-client", "CN=intruder", otherCa, Role.CLIENT, "EC", KeyFormat.PKCS8);
    }

    /**
     * Generates the test PKI into a directory.
     *
     * @param dir an existing directory
     * @return the certificates and their files
     */
    public static TestCertificates create(Path dir) {
        try {
            return new TestCertificates(dir);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** What a certificate is for. */
    public enum Role { CA, SERVER, CLIENT }

    /**
     * Issues a new server certificate signed by the test CA, written to {@code <name>.crt} and
     * {@code <name>.key}.
     *
     * @param name      the file name stem
     * @param algorithm {@code EC} or {@code RSA}
     * @param format    how to write the key
     * @return the new certificate
     */
    public Issued newServer(String name, String algorithm, KeyFormat format) {
        try {
            return issue(name, "CN=localhost", ca, Role.SERVER, algorithm, format);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Issued issue(String name, String subject, Issued issuer, Role role, String algorithm, KeyFormat format)
            throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        if (algorithm.equals("EC")) {
            generator.initialize(new ECGenParameterSpec("secp256r1"));
        } else {
            generator.initialize(2048);
        }
        KeyPair pair = generator.generateKeyPair();
        Instant now = Instant.now();
        X500Name subjectName = new X500Name(subject);
        X500Name issuerName = issuer == null ? subjectName
                : new X500Name(issuer.certificate().getSubjectX500Principal().getName());
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName, new BigInteger(64, RANDOM).add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(30))), subjectName,
                pair.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
        if (issuer != null) {
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuer.certificate()));
        }
        switch (role) {
            case CA -> {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            }
            case SERVER -> {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.iPAddress, "::1")}));
            }
            case CLIENT -> {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            }
        }
        PrivateKey signingKey = issuer == null ? pair.getPrivate() : issuer.key();
        String signature = signingKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        X509Certificate cert = new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder(signature).build(signingKey)));
        Path certFile = dir.resolve(name + ".crt");
        Path keyFile = dir.resolve(name + ".key");
        Files.writeString(certFile, pem(cert), StandardCharsets.US_ASCII);
        Files.writeString(keyFile, keyPem(pair.getPrivate(), format), StandardCharsets.US_ASCII);
        return new Issued(pair.getPrivate(), cert, certFile, keyFile);
    }

    /**
     * Returns PEM text for objects BouncyCastle's PEM writer knows (certificates, keys).
     *
     * @param objects the objects
     * @return the PEM text
     */
    public static String pem(Object... objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                w.writeObject(o);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * Returns a private key as PEM.
     *
     * @param key    the key
     * @param format PKCS#8 or the traditional (PKCS#1 / SEC1) form
     * @return the PEM text
     */
    public static String keyPem(PrivateKey key, KeyFormat format) {
        try {
            if (format == KeyFormat.PKCS8) {
                return pem(new JcaPKCS8Generator(key, null));
            }
            if (key.getAlgorithm().equals("EC")) {
                // SEC1 with the curve named inside, as openssl writes it.
                PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
                ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
                ECPrivateKey sec1 = new ECPrivateKey(256, inner.getKey(), info.getPrivateKeyAlgorithm().getParameters());
                return pem(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
            }
            return pem(key); // PKCS#1 for RSA
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Returns a client TLS context that trusts the test CA (and extra certificates) and presents a
     * client certificate.
     *
     * @param clientCertificate the certificate to present, or null for none
     * @param alsoTrust         more certificates to trust
     * @return the context
     */
    public SSLContext clientContext(Issued clientCertificate, X509Certificate... alsoTrust) {
        X509Certificate[] all = new X509Certificate[alsoTrust.length + 1];
        all[0] = ca.certificate();
        System.arraycopy(alsoTrust, 0, all, 1, alsoTrust.length);
        return trustingContext(clientCertificate, all);
    }

    /**
     * Returns a client TLS context.
     *
     * @param clientCertificate the certificate to present, or null for none
     * @param trusted           the certificates to trust
     * @return the context
     */
    public static SSLContext trustingContext(Issued clientCertificate, X509Certificate... trusted) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            List<X509Certificate> all = new ArrayList<>(List.of(trusted));
            for (int i = 0; i < all.size(); i++) {
                trust.setCertificateEntry("trusted-" + i, all.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (clientCertificate != null) {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                char[] password = "test".toCharArray();
                keys.setKeyEntry("client", clientCertificate.key(), password,
                        new java.security.cert.Certificate[] {clientCertificate.certificate()});
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, password);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
