package dev.failback.testing.simulator;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The options of a {@link ChangefeedSimulator} as its {@link ChangefeedSimulator.Builder} collected
 * them, and the argument checks the builder applies; {@code authorization} and {@code listener} may
 * be null. Immutable.
 */
record SimulatorConfig(List<URI> urls, int nodes, int maxBatch, Duration resolvedInterval, long seed,
        String authorization, Duration requestTimeout, Duration retryBackoff, boolean diff, boolean mvccTimestamp,
        double transactionsPerSecond, Workload workload, Consumer<SourceTransaction> listener,
        double restartProbability) {

    /** Checks the required options, reporting every missing one at once. */
    SimulatorConfig {
        List<String> problems = new ArrayList<>();
        if (urls == null) {
            problems.add("url is required");
        }
        if (workload == null) {
            problems.add("workload is required");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(String.join("; ", problems));
        }
        urls = List.copyOf(urls);
    }

    static URI checkUrl(URI url) {
        Objects.requireNonNull(url, "url");
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
            throw new IllegalArgumentException("url must be http or https, but was " + url);
        }
        return url;
    }

    static List<URI> checkUrls(List<URI> urls) {
        Objects.requireNonNull(urls, "urls");
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("urls must not be empty");
        }
        List<URI> checked = new ArrayList<>();
        for (URI u : urls) {
            checked.add(checkUrl(u));
        }
        return List.copyOf(checked);
    }

    static double rate(double rate) {
        if (rate < 0 || Double.isNaN(rate)) {
            throw new IllegalArgumentException("transactionsPerSecond must be >= 0, but was " + rate);
        }
        return rate;
    }

    static double probability(double probability) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("restartProbability must be in [0, 1], but was " + probability);
        }
        return probability;
    }

    static int atLeast(String what, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(what + " must be >= " + min + ", but was " + value);
        }
        return value;
    }

    static Duration positive(String what, Duration value) {
        Objects.requireNonNull(value, what);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, but was " + value);
        }
        return value;
    }
}
