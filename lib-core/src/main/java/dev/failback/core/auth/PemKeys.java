package dev.failback.core.auth;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemObjectParser;

/**
 * Reads keys from PEM text with BouncyCastle's {@link PEMParser} and {@link JcaPEMKeyConverter}, as
 * MOLT Replicator writes and reads them: public keys as {@code PUBLIC KEY} (PKIX, what
 * {@code openssl ec -pubout} writes and what {@code jwt_public_keys.public_key} holds),
 * {@code RSA PUBLIC KEY} (PKCS#1) or a {@code CERTIFICATE}; private keys as {@code PRIVATE KEY}
 * (PKCS#8), {@code EC PRIVATE KEY} (SEC1, what {@code openssl ecparam -genkey} writes) or
 * {@code RSA PRIVATE KEY} (PKCS#1). Keys become JDK keys through the JDK's key factories (no
 * BouncyCastle security provider is installed). Encrypted keys are refused. Stateless and
 * thread-safe; messages never contain key material.
 */
public final class PemKeys {
    private static final Set<String> PUBLIC_TYPES = Set.of(PEMParser.TYPE_PUBLIC_KEY, PEMParser.TYPE_RSA_PUBLIC_KEY,
            PEMParser.TYPE_CERTIFICATE);

    private PemKeys() {
    }

    /**
     * Reads every EC and RSA public key in PEM text.
     *
     * @param pem one or more PEM blocks; other block types are skipped
     * @return the keys, in order
     * @throws IllegalArgumentException when there is no public key or a block cannot be read
     */
    public static List<PublicKey> publicKeys(String pem) {
        Objects.requireNonNull(pem, "pem");
        List<PublicKey> keys = new ArrayList<>();
        try (Blocks blocks = new Blocks(pem)) {
            for (PemObject block = blocks.next(); block != null; block = blocks.next()) {
                if (!PUBLIC_TYPES.contains(block.getType())) {
                    continue;
                }
                try {
                    Object parsed = blocks.parse(block); // PUBLIC KEY and RSA PUBLIC KEY become SubjectPublicKeyInfo
                    PublicKey key = parsed instanceof SubjectPublicKeyInfo info ? new JcaPEMKeyConverter().getPublicKey(info)
                            : new JcaX509CertificateConverter().getCertificate((X509CertificateHolder) parsed).getPublicKey();
                    if (!key.getAlgorithm().equals("EC") && !key.getAlgorithm().equals("RSA")) {
                        throw new IllegalArgumentException("not an EC or RSA public key");
                    }
                    keys.add(key);
                } catch (IOException | GeneralSecurityException | RuntimeException e) {
                    throw new IllegalArgumentException("cannot read the " + block.getType() + " PEM block: "
                            + e.getMessage(), e);
                }
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
     * Reads the first private key in PEM text (MOLT's {@code make-jwt -k}, the CLI's {@code sslkey}).
     *
     * @param pem PEM text; {@code EC PARAMETERS} and other blocks before the key are skipped
     * @return the key, e.g. RSA, EC or Ed25519
     * @throws IllegalArgumentException when there is no readable, unencrypted private key
     */
    public static PrivateKey privateKey(String pem) {
        Objects.requireNonNull(pem, "pem");
        try (Blocks blocks = new Blocks(pem)) {
            for (PemObject block = blocks.next(); block != null; block = blocks.next()) {
                String type = block.getType();
                if (!type.endsWith("PRIVATE KEY")) {
                    continue;
                }
                PrivateKey key = null;
                try {
                    Object parsed = type.startsWith("ENCRYPTED") ? null : blocks.parse(block);
                    PrivateKeyInfo info = parsed instanceof PEMKeyPair pair ? pair.getPrivateKeyInfo() // SEC1, PKCS#1
                            : parsed instanceof PrivateKeyInfo pkcs8 ? pkcs8 : null;
                    if (info != null) { // (SEC1 need not hold the public key, so not getKeyPair)
                        key = new JcaPEMKeyConverter().getPrivateKey(info);
                    }
                } catch (IOException | RuntimeException e) {
                    throw new IllegalArgumentException("cannot read the " + type + " PEM block: " + e.getMessage(), e);
                }
                if (key == null) { // ENCRYPTED PRIVATE KEY, or Proc-Type: 4,ENCRYPTED (PEMEncryptedKeyPair)
                    throw new IllegalArgumentException("the private key is encrypted; decrypt it first, e.g."
                            + " openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.pk8.pem");
                }
                return key;
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

    /**
     * {@link PEMParser}'s blocks one at a time, skipping the block types it does not know. Lines are
     * stripped first, so that indented PEM (pasted into YAML or SQL) reads as before.
     */
    private static final class Blocks extends PEMParser {
        Blocks(String pem) {
            super(new StringReader(pem.lines().map(String::strip).collect(Collectors.joining("\n"))));
        }

        /** The next block of a known type, or null at the end. */
        PemObject next() {
            try {
                for (PemObject o = readPemObject(); o != null; o = readPemObject()) {
                    if (parsers.containsKey(o.getType())) {
                        return o;
                    }
                }
                return null;
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("not valid PEM: " + e.getMessage(), e);
            }
        }

        Object parse(PemObject block) throws IOException {
            return ((PemObjectParser) parsers.get(block.getType())).parseObject(block);
        }

        @Override
        public void close() {
            try {
                super.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e); // a StringReader does not fail to close
            }
        }
    }
}
