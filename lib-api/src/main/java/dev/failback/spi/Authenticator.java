package dev.failback.spi;

import dev.failback.WebhookRequest;
import java.util.List;
import java.util.function.UnaryOperator;

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
     * Authenticates a request whose path the target has resolved: {@code schemaPath} holds the names
     * as the target stores them ({@code [target, Sales]}), and an authenticator that scopes tokens to
     * schemas compares with {@link Identifiers#matches(List, List, UnaryOperator)}, so that a scope
     * {@code db.sales} never opens the distinct schema {@code "Sales"}. Called for every request
     * after the target resolved its path (a request whose path is not yet known is first checked with
     * {@link #authenticate(WebhookRequest, List)}, on the path as sent, before the target is asked).
     * The default ignores {@code fold} and calls {@link #authenticate(WebhookRequest, List)}.
     *
     * @param request    the request (read its headers, not its body)
     * @param schemaPath the resolved schema path
     * @param fold       how the target folds an unquoted identifier ({@link Dialect#foldIdentifier})
     * @return {@link Decision#allow()} or a refusal whose reason is safe to send back and to log
     */
    default Decision authenticate(WebhookRequest request, List<String> schemaPath, UnaryOperator<String> fold) {
        return authenticate(request, schemaPath);
    }

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
