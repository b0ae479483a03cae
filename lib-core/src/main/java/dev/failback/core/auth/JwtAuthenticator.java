package dev.failback.core.auth;

import com.nimbusds.jose.JWSVerifier;
import dev.failback.WebhookRequest;
import dev.failback.spi.Authenticator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies MOLT Replicator's JWTs, sent as {@code Authorization: Bearer <jwt>} (CockroachDB's
 * {@code webhook_auth_header}) or as {@code ?access_token=<jwt>} when there is no Authorization header.
 * A token is accepted when, as in MOLT ({@code internal/util/auth/jwt}):
 * <ul>
 * <li>its {@code alg} is ES256, ES384, ES512, RS256, RS384 or RS512 (HMAC, {@code none} and everything
 *     else are refused) and one trusted public key of the matching type (and curve) verifies its signature;</li>
 * <li>it has a {@code jti} that is not revoked;</li>
 * <li>{@code exp}, {@code nbf} and {@code iat}, when present, hold at the current time, give or take
 *     the clock skew (default {@link #DEFAULT_CLOCK_SKEW});</li>
 * <li>one schema of its {@code https://github.com/cockroachdb/replicator} (or legacy
 *     {@code https://github.com/cockroachdb/cdc-sink}) {@code schemas} claim matches the request's
 *     schema path part by part, {@code *} matching any part, with equal part counts
 *     ({@link JwtClaims#allows}).</li>
 * </ul>
 * Trusted keys and revocations come from PEM given to the builder and, optionally, from a
 * {@link JwtKeyStore} such as MOLT's staging tables ({@link JdbcJwtKeyStore}), read on
 * {@link #refresh()} (call it once at start) and re-read every {@link #DEFAULT_REFRESH} on a daemon thread. Refusals carry only
 * {@value Authenticators#REFUSED}; why is logged at DEBUG, never with the token.
 *
 * <p>The JOSE part (header, algorithm allow-list, signature) is done by nimbus-jose-jwt ({@code Jws}), MOLT's
 * claim rules by {@code MoltClaims}; this class holds the trusted keys, revocations and the cache.
 *
 * <p>Thread-safe. {@link #close()} stops the refresh thread; it does not close the key store.
 */
public final class JwtAuthenticator implements Authenticator, AutoCloseable {
    /** How often the key store is re-read by default, as MOLT's {@code jwtRefresh}. */
    public static final Duration DEFAULT_REFRESH = Duration.ofMinutes(1);
    /** How far {@code exp}, {@code nbf} and {@code iat} may be off by default. */
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
    /** Longer tokens are refused without parsing. */
    public static final int MAX_TOKEN_LENGTH = 16 * 1024;
    private static final int MAX_CACHED = 1024;
    private static final Logger LOG = LoggerFactory.getLogger(JwtAuthenticator.class);

    /** Keys (and a verifier for each that an accepted algorithm can use) and revocations in force; replaced whole on refresh. */
    private record Trust(List<PublicKey> keys, List<JWSVerifier> verifiers, Set<String> revoked, Instant loadedAt) {
        Trust(List<PublicKey> keys, Set<String> revoked, Instant loadedAt) {
            this(keys, keys.stream().map(Jws::verifier).filter(Objects::nonNull).toList(), revoked, loadedAt);
        }
    }

    private final List<PublicKey> staticKeys;
    private final Set<String> staticRevoked;
    private final JwtKeyStore store;
    private final Duration clockSkew;
    private final Clock clock;
    private final ScheduledExecutorService refresher;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Signature-verified claims by token digest; cleared whenever the keys change. */
    private final Map<String, JwtClaims> verified = new ConcurrentHashMap<>();
    private volatile Trust trust;

    private JwtAuthenticator(Builder b) {
        this.staticKeys = List.copyOf(b.keys);
        this.staticRevoked = Set.copyOf(b.revoked);
        this.store = b.store;
        this.clockSkew = b.clockSkew;
        this.clock = b.clock;
        this.trust = new Trust(staticKeys, staticRevoked, null);
        if (store != null && !b.refresh.isZero()) {
            refresher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "failback-jwt-refresh");
                t.setDaemon(true);
                return t;
            });
            long millis = b.refresh.toMillis();
            refresher.scheduleWithFixedDelay(this::refreshQuietly, millis, millis, TimeUnit.MILLISECONDS);
        } else {
            refresher = null;
        }
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Checks the path as sent: a cheap filter before the target resolves it (a scope part matches
     * a path part spelled in any case); {@link #authenticate(WebhookRequest, List, UnaryOperator)}
     * decides on the resolved path.
     */
    @Override
    public Decision authenticate(WebhookRequest request, List<String> schemaPath) {
        return decide(request, schemaPath, null);
    }

    /**
     * {@inheritDoc}
     *
     * <p>A scope part matches as {@link dev.failback.spi.Identifiers#matches(String, String, UnaryOperator)}
     * says: quoted parts exactly, unquoted parts folded by the target's rule.
     */
    @Override
    public Decision authenticate(WebhookRequest request, List<String> schemaPath, UnaryOperator<String> fold) {
        return decide(request, schemaPath, Objects.requireNonNull(fold, "fold"));
    }

    private Decision decide(WebhookRequest request, List<String> schemaPath, UnaryOperator<String> fold) {
        String token = AccessTokens.bearer(request);
        if (token == null) {
            LOG.debug("JWT refused for {}: no bearer token or access_token parameter", schemaPath);
            return Decision.deny(Authenticators.REFUSED);
        }
        try {
            JwtClaims claims = fold == null ? verify(token, schemaPath) : verify(token, schemaPath, fold);
            LOG.debug("JWT {} accepted for {}", claims.id(), schemaPath);
            return Decision.allow();
        } catch (InvalidJwtException e) {
            LOG.debug("JWT refused for {}: {}", schemaPath, e.getMessage());
            return Decision.deny(Authenticators.REFUSED);
        }
    }

    /**
     * Verifies a token and that it may write to a schema as a request spelled it: the filter applied
     * before the target resolves the path (case ignored, quotes dropped, as MOLT compares); the
     * pipeline decides with {@link #verify(String, List, UnaryOperator)} on the resolved path.
     *
     * @param token      the compact JWT
     * @param schemaPath the schema as sent, e.g. {@code [db, public]}
     * @return its claims
     * @throws InvalidJwtException when refused; the message says why, without the token
     */
    public JwtClaims verify(String token, List<String> schemaPath) {
        JwtClaims claims = verify(token);
        if (!claims.mayAllow(schemaPath)) {
            throw notAllowed(claims, schemaPath);
        }
        return claims;
    }

    /**
     * Verifies a token and that it may write to a schema whose names the target resolved.
     *
     * @param token      the compact JWT
     * @param schemaPath the schema as the target stores it, e.g. {@code [db, public]}
     * @param fold       how the target folds an unquoted identifier
     * @return its claims
     * @throws InvalidJwtException when refused; the message says why, without the token
     */
    public JwtClaims verify(String token, List<String> schemaPath, UnaryOperator<String> fold) {
        JwtClaims claims = verify(token);
        if (!claims.allows(schemaPath, fold)) {
            throw notAllowed(claims, schemaPath);
        }
        return claims;
    }

    /**
     * Verifies a token's algorithm, signature, id, revocation and times, without looking at schemas.
     *
     * @param token the compact JWT
     * @return its claims
     * @throws InvalidJwtException when refused; the message says why, without the token
     */
    public JwtClaims verify(String token) {
        Objects.requireNonNull(token, "token");
        Trust t = trust;
        String digest = digest(token);
        JwtClaims claims = verified.get(digest);
        if (claims == null) {
            claims = MoltClaims.parse(Jws.verify(token, t.verifiers()));
            if (verified.size() >= MAX_CACHED) {
                verified.clear();
            }
            if (trust == t) {
                verified.put(digest, claims);
            }
        }
        MoltClaims.check(claims, t.revoked(), clock.instant(), clockSkew);
        return claims;
    }

    private static InvalidJwtException notAllowed(JwtClaims claims, List<String> schemaPath) {
        return new InvalidJwtException("token " + claims.id() + " does not allow schema "
                + String.join(".", schemaPath) + " (it allows " + claims.schemas() + ")");
    }

    private static String digest(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * Re-reads the key store now (MOLT re-reads on SIGHUP). Without a key store this does nothing.
     * Rows whose key cannot be read are skipped with a WARN naming their id.
     *
     * @throws SQLException when the store cannot be read; the keys in force stay
     */
    public void refresh() throws SQLException {
        if (store == null) {
            return;
        }
        JwtKeyStore.Contents contents = store.load();
        List<PublicKey> keys = new ArrayList<>(staticKeys);
        for (Map.Entry<String, String> e : contents.publicKeys().entrySet()) {
            try {
                keys.addAll(PemKeys.publicKeys(e.getValue()));
            } catch (IllegalArgumentException bad) {
                LOG.warn("skipping JWT public key {} from {}: {}", e.getKey(), store, bad.getMessage());
            }
        }
        Set<String> revoked = new java.util.HashSet<>(staticRevoked);
        revoked.addAll(contents.revokedIds());
        Trust before = trust;
        trust = new Trust(List.copyOf(keys), Set.copyOf(revoked), clock.instant());
        if (!before.keys().equals(keys)) {
            verified.clear();
        }
        LOG.debug("loaded {} JWT public keys and {} revoked ids from {}", keys.size() - staticKeys.size(),
                contents.revokedIds().size(), store);
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("cannot reload JWT keys from {}; keeping the {} keys in force: {}", store,
                    trust.keys().size(), e.getMessage());
        }
    }

    /**
     * When the key store was last read successfully.
     *
     * @return the instant, or null when it never was (or there is no key store)
     */
    public Instant lastRefresh() {
        return trust.loadedAt();
    }

    /**
     * The number of trusted public keys in force.
     *
     * @return the count
     */
    public int publicKeyCount() {
        return trust.keys().size();
    }

    /** Stops the refresh thread. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true) && refresher != null) {
            refresher.shutdownNow();
        }
    }

    @Override
    public String toString() {
        Trust t = trust;
        return "JwtAuthenticator[" + t.keys().size() + " keys, " + t.revoked().size() + " revoked"
                + (store == null ? "" : ", from " + store) + "]";
    }

    /** Configures a {@link JwtAuthenticator}. Not thread-safe. */
    public static final class Builder {
        private final List<PublicKey> keys = new ArrayList<>();
        private final List<String> revoked = new ArrayList<>();
        private JwtKeyStore store;
        private Duration refresh = DEFAULT_REFRESH;
        private Duration clockSkew = DEFAULT_CLOCK_SKEW;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * Trusts a public key (EC P-256/384/521 or RSA).
         *
         * @param key the key
         * @return this builder
         */
        public Builder publicKey(PublicKey key) {
            Objects.requireNonNull(key, "key");
            if (!key.getAlgorithm().equals("EC") && !key.getAlgorithm().equals("RSA")) {
                throw new IllegalArgumentException("JWT public keys must be EC or RSA, but was " + key.getAlgorithm());
            }
            keys.add(key);
            return this;
        }

        /**
         * Trusts every public key in PEM text ({@code PUBLIC KEY}, as {@code jwt_public_keys} holds).
         *
         * @param pem the PEM text
         * @return this builder
         * @throws IllegalArgumentException when it holds no readable public key
         */
        public Builder publicKeyPem(String pem) {
            PemKeys.publicKeys(pem).forEach(this::publicKey);
            return this;
        }

        /**
         * Trusts every public key in a PEM file.
         *
         * @param file the file
         * @return this builder
         * @throws IllegalArgumentException when it cannot be read or holds no public key; names the file
         */
        public Builder publicKeyFile(Path file) {
            Objects.requireNonNull(file, "file");
            String pem;
            try {
                pem = Files.readString(file, StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the JWT public key file " + file + ": " + e, e);
            }
            try {
                return publicKeyPem(pem);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("JWT public key file " + file + ": " + e.getMessage(), e);
            }
        }

        /**
         * Refuses tokens with these ids ({@code jti}) in addition to the key store's revocations.
         *
         * @param ids the token ids
         * @return this builder
         */
        public Builder revokedIds(java.util.Collection<String> ids) {
            ids.forEach(id -> revoked.add(Objects.requireNonNull(id, "id")));
            return this;
        }

        /**
         * Also trusts the keys and revocations of a store, re-read every {@link #refreshInterval}.
         *
         * @param store the store, e.g. {@link JdbcJwtKeyStore#of}
         * @return this builder
         */
        public Builder keyStore(JwtKeyStore store) {
            Objects.requireNonNull(store, "store");
            if (this.store != null) {
                throw new IllegalStateException("keyStore was already set to " + this.store);
            }
            this.store = store;
            return this;
        }

        /**
         * How often the key store is re-read on a daemon thread; zero reads it only on
         * {@link JwtAuthenticator#refresh()}. Default {@link #DEFAULT_REFRESH} (one minute).
         *
         * @param interval the interval, zero or positive
         * @return this builder
         */
        public Builder refreshInterval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.isNegative()) {
                throw new IllegalArgumentException("refreshInterval must not be negative, but was " + interval);
            }
            this.refresh = interval;
            return this;
        }

        /**
         * How far {@code exp}, {@code nbf} and {@code iat} may be off. Default {@link #DEFAULT_CLOCK_SKEW}.
         *
         * @param skew the tolerance, zero or positive
         * @return this builder
         */
        public Builder clockSkew(Duration skew) {
            Objects.requireNonNull(skew, "skew");
            if (skew.isNegative()) {
                throw new IllegalArgumentException("clockSkew must not be negative, but was " + skew);
            }
            this.clockSkew = skew;
            return this;
        }

        /**
         * The clock for time claims (tests).
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Creates the authenticator. It does not read the key store: call
         * {@link JwtAuthenticator#refresh()} once the store is reachable (e.g. right after the pipeline
         * has created the staging schema) to load it and see errors; the refresh thread then re-reads it
         * every {@link #refreshInterval}.
         *
         * @return the authenticator
         * @throws IllegalStateException when there is neither a public key nor a key store
         */
        public JwtAuthenticator build() {
            if (keys.isEmpty() && store == null) {
                throw new IllegalStateException("a JWT authenticator needs public keys (publicKey, publicKeyPem,"
                        + " publicKeyFile) or a keyStore");
            }
            return new JwtAuthenticator(this);
        }
    }
}
