package dev.failback.jetty;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.X509TrustedCertificateBlock;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads PEM certificates and unencrypted private keys (PKCS#8 {@code PRIVATE KEY}, PKCS#1
 * {@code RSA PRIVATE KEY}, SEC1 {@code EC PRIVATE KEY}) with BouncyCastle's {@link PEMParser}, and turns
 * keys into JDK keys with {@link JcaPEMKeyConverter} over the JDK's own key factories (no BouncyCastle
 * security provider is installed). Every error is an {@link IllegalArgumentException} whose message
 * names the file.
 *
 * <p>The same reading as {@code dev.failback.core.auth.PemKeys}, kept here so that the Jetty sink
 * depends on {@code failback-api} and BouncyCastle only, not on {@code failback-core} (HikariCP,
 * Micrometer, Jackson, nimbus) for two PEM calls.
 */
final class Pem {
    /** Keys that can sign a TLS handshake (X25519 and other key-agreement keys cannot). */
    private static final Set<ASN1ObjectIdentifier> SIGNING_KEYS = Set.of(PKCSObjectIdentifiers.rsaEncryption,
            PKCSObjectIdentifiers.id_RSASSA_PSS, X9ObjectIdentifiers.id_ecPublicKey, EdECObjectIdentifiers.id_Ed25519,
            EdECObjectIdentifiers.id_Ed448, X9ObjectIdentifiers.id_dsa);

    private Pem() {
    }

    /**
     * Returns every certificate of a PEM file, in file order, skipping other PEM blocks.
     *
     * @param pem  the file's bytes
     * @param what what the file is, for messages ("TLS certificate file")
     * @param file the file, for messages
     * @return one or more certificates
     */
    static List<X509Certificate> certificates(byte[] pem, String what, Path file) {
        List<X509Certificate> certs = new ArrayList<>();
        try (PEMParser parser = parser(pem)) {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                X509CertificateHolder holder = o instanceof X509CertificateHolder h ? h
                        : o instanceof X509TrustedCertificateBlock t ? t.getCertificateHolder() : null;
                if (holder != null) {
                    certs.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(holder.getEncoded())));
                }
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException(what + " " + file + " is not valid PEM: " + e.getMessage(), e);
        }
        if (certs.isEmpty()) {
            throw new IllegalArgumentException(what + " " + file + " holds no PEM certificate (BEGIN CERTIFICATE)");
        }
        return certs;
    }

    /**
     * Returns the first private key of a PEM file.
     *
     * @param pem  the file's bytes
     * @param file the file, for messages
     * @return the key
     */
    static PrivateKey privateKey(byte[] pem, Path file) {
        String what = "TLS private key file " + file;
        try (PEMParser parser = parser(pem)) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof PrivateKeyInfo info) {
                    return toKey(info, what);
                }
                if (o instanceof PEMKeyPair pair) {
                    return toKey(pair.getPrivateKeyInfo(), what);
                }
                if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new IllegalArgumentException(what + " is encrypted; decrypt it first, for example with:"
                            + " openssl pkey -in " + file + " -out server.key");
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae && iae.getMessage() != null
                    && iae.getMessage().startsWith(what)) {
                throw iae;
            }
            throw new IllegalArgumentException(what + " is not valid PEM: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException(what + " holds no PEM private key"
                + " (BEGIN PRIVATE KEY, BEGIN RSA PRIVATE KEY or BEGIN EC PRIVATE KEY)");
    }

    private static PrivateKey toKey(PrivateKeyInfo info, String what) {
        ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
        if (!SIGNING_KEYS.contains(oid)) {
            throw new IllegalArgumentException(what + " holds a key of an unsupported algorithm (OID " + oid + ")");
        }
        try {
            return new JcaPEMKeyConverter().getPrivateKey(info);
        } catch (PEMException e) {
            throw new IllegalArgumentException(what + " holds an unreadable key: " + e.getMessage(), e);
        }
    }

    /**
     * Checks that a private key belongs to a certificate by signing a random message with the key
     * and verifying it with the certificate's public key.
     *
     * @throws IllegalArgumentException naming both files when they do not match
     */
    static void checkKeyMatches(PrivateKey key, X509Certificate certificate, Path keyFile, Path certificateFile) {
        String mismatch = "TLS private key file " + keyFile + " does not match the certificate in " + certificateFile;
        String keyAlgorithm = key.getAlgorithm();
        String certAlgorithm = certificate.getPublicKey().getAlgorithm();
        if (!sameFamily(keyAlgorithm, certAlgorithm)) {
            throw new IllegalArgumentException(mismatch + " (a " + keyAlgorithm + " key for a " + certAlgorithm
                    + " certificate)");
        }
        String signature = switch (keyAlgorithm) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> keyAlgorithm;
            case "DSA" -> "SHA256withDSA";
            default -> null; // RSASSA-PSS needs parameters; trust the algorithm check above
        };
        if (signature == null) {
            return;
        }
        try {
            byte[] message = new byte[32];
            new SecureRandom().nextBytes(message);
            Signature signer = Signature.getInstance(signature);
            signer.initSign(key);
            signer.update(message);
            byte[] signed = signer.sign();
            Signature verifier = Signature.getInstance(signature);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(message);
            if (!verifier.verify(signed)) {
                throw new IllegalArgumentException(mismatch);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(mismatch + ": " + e.getMessage(), e);
        }
    }

    private static boolean sameFamily(String a, String b) {
        return a.equals(b) || a.startsWith("Ed") && b.startsWith("Ed") || a.equals("EdDSA") || b.equals("EdDSA");
    }

    private static PEMParser parser(byte[] pem) {
        return new PEMParser(new StringReader(new String(pem, StandardCharsets.US_ASCII)));
    }
}
