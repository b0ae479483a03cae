/**
 * Authenticators for the changefeed endpoint, compatible with MOLT Replicator's callers.
 *
 * <ul>
 * <li>{@link dev.failback.core.auth.BearerTokenAuthenticator}: shared secrets sent as
 *     {@code Authorization: Bearer <token>} (CockroachDB's {@code webhook_auth_header}) or
 *     {@code ?access_token=}, compared in constant time; several tokens may be active for rotation.</li>
 * <li>{@link dev.failback.core.auth.JwtAuthenticator}: MOLT Replicator's JWTs (ES256/384/512,
 *     RS256/384/512; {@code jti} required and checked against revocations; schema claims in the
 *     {@code https://github.com/cockroachdb/replicator} namespace), with public keys from PEM and,
 *     optionally, from MOLT's {@code jwt_public_keys} / {@code jwt_revoked_ids} staging tables
 *     ({@link dev.failback.core.auth.JdbcJwtKeyStore}).</li>
 * <li>{@link dev.failback.core.auth.Authenticators#anyOf}: accepts a request that any of several
 *     authenticators accepts.</li>
 * <li>{@link dev.failback.core.auth.Jwts}: mints MOLT-style tokens ({@code make-jwt}).</li>
 * </ul>
 *
 * <p>Refusals carry only the generic reason {@value dev.failback.core.auth.Authenticators#REFUSED};
 * details are logged at DEBUG. No class here logs, returns or prints a token. Nothing here is null
 * unless documented.
 *
 * <pre>{@code
 * Authenticator auth = Authenticators.anyOf(
 *         BearerTokenAuthenticator.of(System.getenv("FAILBACK_TOKEN")),
 *         JwtAuthenticator.builder().publicKeyPem(Files.readString(Path.of("ec.pub"))).build());
 * Failback.builder().authenticator(auth)...
 * }</pre>
 */
package dev.failback.core.auth;
