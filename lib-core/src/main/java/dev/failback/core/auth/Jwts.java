package dev.failback.core.auth;

import java.security.Key;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Mints JWTs in MOLT Replicator's format, as its {@code make-jwt} does: header
 * {@code {"alg":"ES256","typ":"JWT"}} (ES256/384/512 for EC P-256/384/521 keys, RS256 for RSA),
 * claims {@code iss} = {@code replicator}, a random UUID {@code jti}, {@code iat}, an optional
 * {@code exp}, and {@code {"https://github.com/cockroachdb/replicator": {"schemas": [["db","schema"]]}}}.
 * Such tokens verify in MOLT Replicator and in {@link JwtAuthenticator}. Signed by nimbus-jose-jwt.
 * Stateless and thread-safe.
 */
public final class Jwts {
    private Jwts() {
    }

    /**
     * Mints a token.
     *
     * @param key     an EC (P-256/384/521) or RSA private key, never null
     * @param schemas the schemas the token may write to, e.g. {@code [[db, public]]}, {@code [[*, *]]}
     * @param ttl     how long the token is valid, or null for no {@code exp} (like MOLT's tokens)
     * @return the compact JWT
     * @throws IllegalArgumentException when the key, a schema or the ttl is not acceptable
     */
    public static String mint(PrivateKey key, List<List<String>> schemas, Duration ttl) {
        return mint(key, schemas, ttl, Clock.systemUTC());
    }

    /**
     * Mints a token with a given clock.
     *
     * @param key     an EC (P-256/384/521) or RSA private key, never null
     * @param schemas the schemas the token may write to
     * @param ttl     how long the token is valid, or null for no {@code exp}
     * @param clock   the clock for {@code iat} and {@code exp}
     * @return the compact JWT
     */
    public static String mint(PrivateKey key, List<List<String>> schemas, Duration ttl, Clock clock) {
        Objects.requireNonNull(clock, "clock");
        if (ttl != null && (ttl.isZero() || ttl.isNegative())) {
            throw new IllegalArgumentException("ttl must be positive, but was " + ttl);
        }
        Instant now = clock.instant();
        return sign(key, MoltClaims.write(UUID.randomUUID().toString(), now, ttl == null ? null : now.plus(ttl),
                checkSchemas(schemas), false));
    }

    /**
     * MOLT's {@code make-jwt --claim}: an unsigned claim, indented, for an external identity provider
     * to sign. It has {@code iss}, a random {@code jti} and the schemas, and no times.
     *
     * @param schemas the schemas the token may write to
     * @return the claims JSON
     */
    public static String claim(List<List<String>> schemas) {
        return MoltClaims.write(UUID.randomUUID().toString(), null, null, checkSchemas(schemas), true);
    }

    /**
     * Signs arbitrary claims JSON with the algorithm MOLT picks for the key.
     *
     * @param key        an EC (P-256/384/521) or RSA private key
     * @param claimsJson the claims, a JSON object
     * @return the compact JWT
     */
    public static String sign(PrivateKey key, String claimsJson) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(claimsJson, "claimsJson");
        return Jws.sign(key, claimsJson);
    }

    /**
     * The algorithm MOLT's {@code make-jwt} uses for a key.
     *
     * @param key an EC or RSA key
     * @return {@code ES256}, {@code ES384}, {@code ES512} or {@code RS256}
     * @throws IllegalArgumentException for other keys and curves
     */
    public static String algorithm(Key key) {
        return Jws.forSigning(Objects.requireNonNull(key, "key")).getName();
    }

    private static List<List<String>> checkSchemas(List<List<String>> schemas) {
        Objects.requireNonNull(schemas, "schemas");
        if (schemas.isEmpty()) {
            throw new IllegalArgumentException("at least one schema is required, but none was given");
        }
        for (List<String> s : schemas) {
            if (s.isEmpty() || s.stream().anyMatch(p -> p == null || p.isEmpty())) {
                throw new IllegalArgumentException("a schema must have non-empty parts, but was " + s);
            }
        }
        return schemas;
    }
}
