package dev.failback.core.auth;

import java.sql.SQLException;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Where a {@link JwtAuthenticator} finds trusted public keys and revoked token ids that may change
 * while it runs, like MOLT Replicator's {@code jwt_public_keys} and {@code jwt_revoked_ids} staging
 * tables ({@link JdbcJwtKeyStore}). Implementations are thread-safe; {@link #load()} is called from
 * the authenticator's refresh thread and from {@link JwtAuthenticator#refresh()}.
 */
@FunctionalInterface
public interface JwtKeyStore {

    /**
     * Reads the current keys and revocations.
     *
     * @return the contents, never null
     * @throws SQLException when the store cannot be read; the authenticator keeps what it had
     */
    Contents load() throws SQLException;

    /**
     * What a store holds.
     *
     * @param publicKeys active public keys in PEM (PKIX), by id (the id only names a key in logs)
     * @param revokedIds revoked token ids ({@code jti})
     */
    record Contents(Map<String, String> publicKeys, Set<String> revokedIds) {
        /** Validates and copies the components. */
        public Contents {
            publicKeys = Map.copyOf(Objects.requireNonNull(publicKeys, "publicKeys"));
            revokedIds = Set.copyOf(Objects.requireNonNull(revokedIds, "revokedIds"));
        }
    }
}
