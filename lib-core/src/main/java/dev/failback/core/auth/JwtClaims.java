package dev.failback.core.auth;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The claims of a verified MOLT Replicator JWT. Immutable and thread-safe. Claims are not secret (the
 * signature is what makes a token a credential), so {@link #toString()} shows them.
 */
public final class JwtClaims {
    private final String id;
    private final String issuer;
    private final Instant issuedAt;
    private final Instant notBefore;
    private final Instant expiresAt;
    private final List<List<String>> schemas;
    private final String json;

    JwtClaims(String id, String issuer, Instant issuedAt, Instant notBefore, Instant expiresAt,
            List<List<String>> schemas, String json) {
        this.id = Objects.requireNonNull(id, "id");
        this.issuer = issuer;
        this.issuedAt = issuedAt;
        this.notBefore = notBefore;
        this.expiresAt = expiresAt;
        this.schemas = schemas.stream().map(List::copyOf).toList();
        this.json = json;
    }

    /**
     * The token id ({@code jti}), the handle for revoking it in {@code jwt_revoked_ids}.
     *
     * @return the id, never empty
     */
    public String id() {
        return id;
    }

    /**
     * The issuer ({@code iss}); MOLT's {@code make-jwt} writes {@code replicator}.
     *
     * @return the issuer, if any
     */
    public Optional<String> issuer() {
        return Optional.ofNullable(issuer);
    }

    /**
     * When the token was issued ({@code iat}).
     *
     * @return the instant, if the token says
     */
    public Optional<Instant> issuedAt() {
        return Optional.ofNullable(issuedAt);
    }

    /**
     * The token's start of validity ({@code nbf}).
     *
     * @return the instant, if the token says
     */
    public Optional<Instant> notBefore() {
        return Optional.ofNullable(notBefore);
    }

    /**
     * The token's end of validity ({@code exp}); MOLT's tokens usually have none.
     *
     * @return the instant, if the token says
     */
    public Optional<Instant> expiresAt() {
        return Optional.ofNullable(expiresAt);
    }

    /**
     * The schemas the token may write to, from both the {@code https://github.com/cockroachdb/replicator}
     * and the legacy {@code https://github.com/cockroachdb/cdc-sink} namespaces; parts may be {@code *}.
     *
     * @return the schemas, never empty
     */
    public List<List<String>> schemas() {
        return schemas;
    }

    /**
     * Whether the token may write to a schema the target resolved: some allowed schema has as many
     * parts as the path, and each part is {@code *}, a quoted name equal to the path's, or an unquoted
     * name the target folds to the path's ({@link dev.failback.spi.Identifiers}). Unlike MOLT, never
     * ignoring case: a scope {@code db.other} does not open the distinct schema {@code "Other"}.
     *
     * @param schemaPath the resolved schema path, e.g. {@code [db, public]}
     * @param fold       how the target folds an unquoted identifier
     * @return true when allowed
     */
    public boolean allows(List<String> schemaPath, java.util.function.UnaryOperator<String> fold) {
        Objects.requireNonNull(schemaPath, "schemaPath");
        Objects.requireNonNull(fold, "fold");
        for (List<String> allowed : schemas) {
            if (dev.failback.spi.Identifiers.matches(allowed, schemaPath, fold)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether some target could resolve the path, as a request spelled it, to a schema the token
     * allows (quotes dropped, case ignored): the filter applied before the target is asked.
     *
     * @param schemaPath the request's schema path
     * @return false when no allowed schema can match
     */
    public boolean mayAllow(List<String> schemaPath) {
        Objects.requireNonNull(schemaPath, "schemaPath");
        for (List<String> allowed : schemas) {
            if (allowed.size() != schemaPath.size()) {
                continue;
            }
            boolean all = true;
            for (int i = 0; i < allowed.size() && all; i++) {
                all = dev.failback.spi.Identifiers.mayMatch(allowed.get(i), schemaPath.get(i));
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    /**
     * The claims JSON as the token carries it.
     *
     * @return the JSON object text
     */
    public String json() {
        return json;
    }

    @Override
    public String toString() {
        return json;
    }
}
