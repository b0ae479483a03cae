package dev.failback.core.internal.telemetry;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.Supplier;

/**
 * Finds the Prometheus registry to scrape for {@code /_/varz}: the registry given to
 * {@code Failback.Builder#meterRegistry} when it is a {@code PrometheusMeterRegistry}, or one inside
 * a {@code CompositeMeterRegistry}. {@code micrometer-registry-prometheus} is an optional dependency:
 * when it is not on the class path, metrics are simply off. Stateless.
 */
final class PrometheusScrape {
    private static final boolean PRESENT = present();

    private PrometheusScrape() {
    }

    /**
     * Returns what scrapes the registry in the Prometheus text format (0.0.4).
     *
     * @param registry the registry given to the builder, may be null
     * @return the scrape, or null when there is no Prometheus registry to scrape
     */
    static Supplier<String> of(MeterRegistry registry) {
        if (!PRESENT || registry == null) {
            return null;
        }
        return Holder.scrape(registry);
    }

    private static boolean present() {
        try {
            Class.forName("io.micrometer.prometheusmetrics.PrometheusMeterRegistry", false,
                    PrometheusScrape.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Touches the Prometheus classes only once {@link #PRESENT} said they load. */
    private static final class Holder {
        static Supplier<String> scrape(MeterRegistry registry) {
            PrometheusMeterRegistry prometheus = find(registry);
            return prometheus == null ? null : prometheus::scrape;
        }

        static PrometheusMeterRegistry find(MeterRegistry registry) {
            if (registry instanceof PrometheusMeterRegistry p) {
                return p;
            }
            if (registry instanceof CompositeMeterRegistry composite) {
                for (MeterRegistry r : composite.getRegistries()) {
                    PrometheusMeterRegistry p = find(r);
                    if (p != null) {
                        return p;
                    }
                }
            }
            return null;
        }
    }
}
