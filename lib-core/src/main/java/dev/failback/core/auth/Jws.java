package dev.failback.core.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compact JWS through nimbus-jose-jwt, held to the algorithms MOLT Replicator accepts: ES256, ES384,
 * ES512, RS256, RS384 and RS512. HMAC, {@code none} and every other algorithm are refused, as is a
 * header with critical parameters ({@code crit}), before any key is tried. The token must be
 * strict base64url, three parts without padding: nimbus decodes leniently (it skips stray
 * characters), which would let one signed token be spelled many ways. The signing input is the
 * first two parts as sent (RFC 7515), so other header parameters change nothing. Stateless.
 */
final class Jws {
    /** What MOLT accepts, in the order messages list them. */
    static final List<JWSAlgorithm> ACCEPTED = List.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512,
            JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512);
    private static final Set<JWSAlgorithm> EC = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);
    private static final Base64.Decoder B64 = Base64.getUrlDecoder();

    private Jws() {
    }

    /**
     * A verifier for a trusted key: RSA keys verify RS*, EC keys the ES* of their curve.
     *
     * @return the verifier, or null when no accepted algorithm can use the key (another curve)
     */
    static JWSVerifier verifier(PublicKey key) {
        try {
            if (key instanceof RSAPublicKey rsa) {
                return new RSASSAVerifier(rsa);
            }
            if (key instanceof ECPublicKey ec && EC.contains(ECDSA.resolveAlgorithm(ec))) {
                return new ECDSAVerifier(ec);
            }
        } catch (JOSEException otherCurve) {
            // no accepted algorithm for this key
        }
        return null;
    }

    /**
     * Checks a token's length, form, header and signature.
     *
     * @param token     the compact JWS
     * @param verifiers one per trusted key
     * @return the claims text, not yet looked at
     * @throws InvalidJwtException when refused; the message says why, without the token
     */
    static String verify(String token, List<JWSVerifier> verifiers) {
        if (token.length() > JwtAuthenticator.MAX_TOKEN_LENGTH) {
            throw new InvalidJwtException("the token is longer than " + JwtAuthenticator.MAX_TOKEN_LENGTH + " characters");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new InvalidJwtException("not a signed JWT: " + parts.length + " dot-separated parts instead of 3");
        }
        JWSAlgorithm alg = algorithm(text(parts[0], "header"));
        byte[] signature = decode(parts[2], "signature");
        if (EC.contains(alg) && signature.length != ecSignatureLength(alg)) {
            throw new InvalidJwtException(alg + " signature of " + signature.length + " bytes instead of "
                    + ecSignatureLength(alg));
        }
        JWSHeader header = new JWSHeader(alg);
        byte[] input = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        int candidates = 0;
        for (JWSVerifier verifier : verifiers) {
            if (!verifier.supportedJWSAlgorithms().contains(alg)) {
                continue;
            }
            candidates++;
            try {
                if (verifier.verify(header, input, new Base64URL(parts[2]))) {
                    return text(parts[1], "claims");
                }
            } catch (JOSEException e) {
                // a malformed signature for this key; try the next
            }
        }
        throw new InvalidJwtException(candidates == 0 ? "no trusted public key can verify " + alg
                : "the " + alg + " signature does not verify with any of the " + candidates + " trusted keys that could");
    }

    /** The header's algorithm, when MOLT accepts it and the header has no critical parameters. */
    private static JWSAlgorithm algorithm(String json) {
        Map<String, Object> header;
        try {
            header = JSONObjectUtils.parse(json);
        } catch (ParseException e) {
            // Not the parser's message: nothing in the header is vouched for yet.
            throw new InvalidJwtException(json.stripLeading().startsWith("{") ? "the header is not valid JSON"
                    : "the header is not a JSON object");
        }
        Object name = header.get("alg");
        if (name == null) {
            throw new InvalidJwtException("the header has no alg");
        }
        if (!(name instanceof String)) {
            throw new InvalidJwtException("the header's alg is not a string");
        }
        JWSAlgorithm alg = JWSAlgorithm.parse((String) name);
        if (!ACCEPTED.contains(alg)) {
            throw new InvalidJwtException("algorithm " + printable((String) name)
                    + " is not accepted; only ES256, ES384, ES512, RS256, RS384 and RS512 are");
        }
        if (header.containsKey("crit")) {
            throw new InvalidJwtException("the header has critical extensions (crit), which are not supported");
        }
        return alg;
    }

    /**
     * Signs claims with the algorithm MOLT's {@code make-jwt} picks for the key, under MOLT's header
     * {@code {"alg":…,"typ":"JWT"}} (in golang-jwt's order).
     *
     * @throws IllegalArgumentException when the key cannot sign
     */
    static String sign(PrivateKey key, String claimsJson) {
        JWSAlgorithm alg = forSigning(key);
        try {
            JWSSigner signer = key instanceof RSAKey ? new RSASSASigner(key, true) // any size, as MOLT
                    : new ECDSASigner((ECPrivateKey) key);
            JWSHeader header = JWSHeader.parse(Base64URL.encode("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}"));
            JWSObject jws = new JWSObject(header, new Payload(claimsJson));
            jws.sign(signer);
            return jws.serialize();
        } catch (JOSEException | ClassCastException e) {
            throw new IllegalArgumentException("cannot sign with this " + key.getAlgorithm() + " key: " + e.getMessage(), e);
        } catch (ParseException e) {
            throw new IllegalStateException("MOLT's header does not parse", e);
        }
    }

    /** MOLT's {@code make-jwt} choice: P-256/384/521 → ES256/384/512, RSA → RS256. */
    static JWSAlgorithm forSigning(Key key) {
        if (key instanceof RSAKey) {
            return JWSAlgorithm.RS256;
        }
        if (key instanceof ECKey ec) {
            try {
                JWSAlgorithm alg = ECDSA.resolveAlgorithm(ec);
                if (EC.contains(alg)) {
                    return alg;
                }
            } catch (JOSEException otherCurve) {
                // reported below
            }
            throw new IllegalArgumentException("unexpected elliptic curve of "
                    + ec.getParams().getCurve().getField().getFieldSize() + " bits; use P-256, P-384 or P-521");
        }
        throw new IllegalArgumentException("unsupported key type " + key.getAlgorithm() + "; use an EC or RSA key");
    }

    private static int ecSignatureLength(JWSAlgorithm alg) {
        try {
            return ECDSA.getSignatureByteArrayLength(alg);
        } catch (JOSEException e) {
            throw new IllegalStateException(alg + " is an ECDSA algorithm", e);
        }
    }

    /** Strict base64url: no padding, no stray characters, not empty. */
    private static byte[] decode(String part, String what) {
        if (part.isEmpty() || part.indexOf('=') >= 0) {
            throw new InvalidJwtException("the " + what + " is " + (part.isEmpty() ? "empty" : "padded base64"));
        }
        try {
            return B64.decode(part);
        } catch (IllegalArgumentException e) {
            throw new InvalidJwtException("the " + what + " is not base64url");
        }
    }

    private static String text(String part, String what) {
        return new String(decode(part, what), StandardCharsets.UTF_8);
    }

    private static String printable(String s) {
        String cut = s.length() > 20 ? s.substring(0, 20) + "…" : s;
        return "\"" + cut.replaceAll("[^\\x20-\\x7e]", "?") + "\"";
    }
}
