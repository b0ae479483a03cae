package dev.failback.core.auth;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads RSA and EC keys from PEM text with the JDK alone, as MOLT Replicator writes and reads them:
 * public keys as {@code PUBLIC KEY} (PKIX, what {@code openssl ec -pubout} writes and what
 * {@code jwt_public_keys.public_key} holds), {@code RSA PUBLIC KEY} (PKCS#1) or a
 * {@code CERTIFICATE}; private keys as {@code PRIVATE KEY} (PKCS#8), {@code EC PRIVATE KEY} (SEC1,
 * what {@code openssl ecparam -genkey} writes) or {@code RSA PRIVATE KEY} (PKCS#1). Encrypted keys
 * are refused. Stateless and thread-safe; messages never contain key material.
 */
public final class PemKeys {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final byte[] OID_EC_PUBLIC_KEY = HexFormat.of().parseHex("06072a8648ce3d0201");
    private static final byte[] RSA_ALGORITHM = HexFormat.of().parseHex("300d06092a864886f70d0101010500");

    private PemKeys() {
    }

    /**
     * Reads every public key in PEM text.
     *
     * @param pem one or more PEM blocks; other block types are skipped
     * @return the keys, in order
     * @throws IllegalArgumentException when there is no public key or a block cannot be read
     */
    public static List<PublicKey> publicKeys(String pem) {
        Objects.requireNonNull(pem, "pem");
        List<PublicKey> keys = new ArrayList<>();
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            String type = m.group(1);
            try {
                switch (type) {
                    case "PUBLIC KEY" -> keys.add(publicKey(body(m)));
                    case "RSA PUBLIC KEY" -> keys.add(KeyFactory.getInstance("RSA").generatePublic(
                            new X509EncodedKeySpec(Der.encode(Der.SEQUENCE, RSA_ALGORITHM,
                                    Der.encode(0x03, new byte[] {0}, body(m))))));
                    case "CERTIFICATE" -> keys.add(CertificateFactory.getInstance("X.509")
                            .generateCertificate(new ByteArrayInputStream(body(m))).getPublicKey());
                    default -> {
                        // not a public key
                    }
                }
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new IllegalArgumentException("cannot read the " + type + " PEM block: " + e.getMessage(), e);
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no PEM public key (-----BEGIN PUBLIC KEY-----) found");
        }
        return keys;
    }

    /**
     * Reads the one public key in PEM text.
     *
     * @param pem PEM text
     * @return the key
     * @throws IllegalArgumentException when there is not exactly one public key
     */
    public static PublicKey publicKey(String pem) {
        List<PublicKey> keys = publicKeys(pem);
        if (keys.size() != 1) {
            throw new IllegalArgumentException("expected one PEM public key, but found " + keys.size());
        }
        return keys.get(0);
    }

    /**
     * Reads the first private key in PEM text (MOLT's {@code make-jwt -k}).
     *
     * @param pem PEM text; {@code EC PARAMETERS} and other blocks before the key are skipped
     * @return the RSA or EC key
     * @throws IllegalArgumentException when there is no readable, unencrypted RSA or EC private key
     */
    public static PrivateKey privateKey(String pem) {
        Objects.requireNonNull(pem, "pem");
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            String type = m.group(1);
            if (!type.endsWith("PRIVATE KEY")) {
                continue;
            }
            if (type.startsWith("ENCRYPTED") || m.group(2).contains("ENCRYPTED")) {
                throw new IllegalArgumentException("the private key is encrypted; decrypt it first, e.g."
                        + " openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.pk8.pem");
            }
            try {
                return switch (type) {
                    case "PRIVATE KEY" -> pkcs8(body(m));
                    case "EC PRIVATE KEY" -> KeyFactory.getInstance("EC")
                            .generatePrivate(new PKCS8EncodedKeySpec(sec1ToPkcs8(body(m))));
                    case "RSA PRIVATE KEY" -> KeyFactory.getInstance("RSA")
                            .generatePrivate(new PKCS8EncodedKeySpec(Der.encode(Der.SEQUENCE,
                                    Der.encode(Der.INTEGER, new byte[] {0}), RSA_ALGORITHM,
                                    Der.encode(Der.OCTET_STRING, body(m)))));
                    default -> throw new IllegalArgumentException("unsupported PEM block " + type);
                };
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new IllegalArgumentException("cannot read the " + type + " PEM block: " + e.getMessage(), e);
            }
        }
        throw new IllegalArgumentException("no PEM private key (-----BEGIN ... PRIVATE KEY-----) found");
    }

    /**
     * Writes a public key as a PKIX {@code PUBLIC KEY} PEM block, the form {@code jwt_public_keys} holds.
     *
     * @param key the key
     * @return the PEM text, ending with a newline
     */
    public static String pem(PublicKey key) {
        String b64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded());
        return "-----BEGIN PUBLIC KEY-----\n" + b64 + "\n-----END PUBLIC KEY-----\n";
    }

    private static byte[] body(Matcher m) {
        String text = m.group(2).replaceAll("(?m)^[A-Za-z-]+:.*$", "");
        return Base64.getMimeDecoder().decode(text.trim());
    }

    private static PublicKey publicKey(byte[] der) throws GeneralSecurityException {
        for (String algorithm : new String[] {"EC", "RSA"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException wrongAlgorithm) {
                // try the next one
            }
        }
        throw new GeneralSecurityException("not an EC or RSA public key");
    }

    private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        for (String algorithm : new String[] {"EC", "RSA"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException wrongAlgorithm) {
                // try the next one
            }
        }
        throw new GeneralSecurityException("not an EC or RSA PKCS#8 private key");
    }

    /** SEC1 ECPrivateKey {1, d, [0] namedCurve, [1] publicKey} to PKCS#8 PrivateKeyInfo. */
    static byte[] sec1ToPkcs8(byte[] sec1) {
        Der.Element key = Der.parse(sec1);
        byte[] curve = null;
        for (Der.Element e : key.children()) {
            if (e.tag() == 0xa0) {
                Der.Element oid = Der.parse(e.content());
                if (oid.tag() == Der.OID) {
                    curve = Der.tlv(oid);
                }
            }
        }
        if (curve == null) {
            throw new IllegalArgumentException("the EC private key does not name its curve");
        }
        return Der.encode(Der.SEQUENCE, Der.encode(Der.INTEGER, new byte[] {0}),
                Der.encode(Der.SEQUENCE, OID_EC_PUBLIC_KEY, curve), Der.encode(Der.OCTET_STRING, sec1));
    }
}
