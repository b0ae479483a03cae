package dev.failback.jetty;

import dev.failback.WebhookHandler;
import dev.failback.WebhookResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * The paths under {@code /_/} ({@code healthz}, {@code livez}, {@code varz}, {@code status}), answered
 * without authentication, matched on the decoded path ignoring empty segments as the pipeline does.
 */
final class AdminPaths {
    private AdminPaths() {
    }

    /** Whether a decoded path is under {@code /_/}, answered without authentication. */
    static boolean isAdmin(String path) {
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                return segment.equals("_");
            }
        }
        return false;
    }

    /** Whether a decoded path names {@code /_/varz}, ignoring empty segments as the pipeline does. */
    static boolean isVarz(String path) {
        return segments(path).equals(List.of("_", "varz"));
    }

    /** Whether a decoded path names {@code /_/status}, ignoring empty segments as the pipeline does. */
    static boolean isStatus(String path) {
        return segments(path).equals(List.of("_", "status"));
    }

    private static List<String> segments(String path) {
        List<String> segments = new ArrayList<>(2);
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                segments.add(segment);
            }
        }
        return segments;
    }

    /**
     * Answers {@code /_/varz} and {@code /_/status} 404 instead of passing them on: they are served on
     * the metrics address.
     */
    static WebhookHandler withoutMetrics(WebhookHandler handler) {
        return request -> isVarz(request.path())
                ? new WebhookResponse(404, "metrics are not served on this port; scrape the metrics address")
                : isStatus(request.path())
                        ? new WebhookResponse(404, "the status page is not served on this port; see /_/status on"
                                + " the metrics address")
                        : handler.handle(request);
    }
}
