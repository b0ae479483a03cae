package dev.failback.core.auth;

import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;

/** The JWS algorithms MOLT Replicator accepts (HMAC and {@code none} are refused). */
enum Alg {
    ES256("SHA256withECDSAinP1363Format", 256, "secp256r1"),
    ES384("SHA384withECDSAinP1363Format", 384, "secp384r1"),
    ES512("SHA512withECDSAinP1363Format", 521, "secp521r1"),
    RS256("SHA256withRSA", 0, null),
    RS384("SHA384withRSA", 0, null),
    RS512("SHA512withRSA", 0, null);

    /** The JCA signature algorithm; EC signatures are JOSE's raw R||S (IEEE P1363), not DER. */
    final String jca;
    /** The EC curve size in bits, 0 for RSA. */
    final int curveBits;

    /** The curve's parameters, for EC. */
    private final ECParameterSpec curve;

    Alg(String jca, int curveBits, String curveName) {
        this.jca = jca;
        this.curveBits = curveBits;
        this.curve = curveName == null ? null : curve(curveName);
    }

    private static ECParameterSpec curve(String name) {
        try {
            AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
            p.init(new ECGenParameterSpec(name));
            return p.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK lacks the EC curve " + name, e);
        }
    }

    private boolean onCurve(ECKey key) {
        ECParameterSpec p = key.getParams();
        return p.getCurve().equals(curve.getCurve()) && p.getOrder().equals(curve.getOrder())
                && p.getGenerator().equals(curve.getGenerator());
    }

    boolean isEc() {
        return curveBits != 0;
    }

    /** The raw signature length for EC: twice the curve size in bytes. */
    int ecSignatureLength() {
        return 2 * ((curveBits + 7) / 8);
    }

    /** Whether this algorithm verifies with that key: RSA for RS*, the matching curve for ES*. */
    boolean fits(Key key) {
        if (isEc()) {
            return key instanceof ECKey ec && onCurve(ec);
        }
        return key instanceof RSAKey;
    }

    /** The name in a JWT header, or null when not one MOLT accepts. */
    static Alg named(String name) {
        for (Alg a : values()) {
            if (a.name().equals(name)) {
                return a;
            }
        }
        return null;
    }

    /** MOLT's {@code make-jwt} choice: P-256/384/521 → ES256/384/512, RSA → RS256. */
    static Alg forSigning(Key key) {
        if (key instanceof RSAKey) {
            return RS256;
        }
        if (key instanceof ECKey ec) {
            for (Alg a : values()) {
                if (a.isEc() && a.onCurve(ec)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("unexpected elliptic curve of "
                    + ec.getParams().getCurve().getField().getFieldSize() + " bits; use P-256, P-384 or P-521");
        }
        throw new IllegalArgumentException("unsupported key type " + key.getAlgorithm() + "; use an EC or RSA key");
    }
}
