package dev.failback.spi;

import dev.failback.WebhookRequest;
import java.util.List;

/**
 * Decides whether a webhook request may write to the target schema its path names. Called for every
 * changefeed request before its body is read; health endpoints are not authenticated. Implementations
 * are thread-safe, fast, compare secrets in constant time, and never log them.
 */
@FunctionalInterface
public interface Authenticator {

    /**
     * Authenticates one request.
     *
     * @param request    the request (read its headers, not its body)
     * @param schemaPath the decoded path segments naming the target schema, e.g. {@code [db, public]}
     * @return {@link Decision#allow()} or a refusal whose reason is safe to send back and to log
     */
    Decision authenticate(WebhookRequest request, List<String> schemaPath);

    /**
     * The outcome of {@link #authenticate}: allowed, or refused with a reason that reveals no secret.
     *
     * @param allowed whether the request may proceed
     * @param reason  why it was refused (null when allowed)
     */
    record Decision(boolean allowed, String reason) {
        private static final Decision ALLOW = new Decision(true, null);

        /**
         * Allows the request.
         *
         * @return the decision
         */
        public static Decision allow() {
            return ALLOW;
        }

        /**
         * Refuses the request (HTTP 401).
         *
         * @param reason a short reason that reveals no secret, e.g. "missing or invalid access token"
         * @return the decision
         */
        public static Decision deny(String reason) {
            return new Decision(false, reason);
        }
    }
}
