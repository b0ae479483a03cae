package dev.failback.spring.boot;

import dev.failback.Failback;

/**
 * Adjusts the auto-configured {@link Failback.Builder} after the {@code failback.*} properties and the
 * application's beans were applied and before the pipeline starts: for settings that have no property
 * (a dialect, a staging store, a thread factory, another sink). Beans of this type are applied in
 * {@link org.springframework.core.annotation.Order @Order}.
 *
 * <pre>{@code
 * @Bean
 * FailbackBuilderCustomizer failbackThreads(ThreadFactory factory) {
 *     return builder -> builder.threadFactory(factory);
 * }
 * }</pre>
 */
@FunctionalInterface
public interface FailbackBuilderCustomizer {
    /**
     * Adjusts the builder.
     *
     * @param builder the builder, never null
     */
    void customize(Failback.Builder builder);
}
