package dev.failback.spring.boot;

import dev.failback.Failback;
import dev.failback.FailbackListener;
import dev.failback.jetty.JettySink;
import dev.failback.spi.Authenticator;
import dev.failback.transform.Transforms;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Starts a Failback pipeline with a Jetty webhook sink on a port of its own, from the {@code failback.*}
 * properties ({@link FailbackProperties}) and the application's beans:
 *
 * <ul>
 * <li>target: the DataSource bean named {@code failbackTargetDataSource}, else the application's primary
 * (or only) DataSource; staging: the bean named {@code failbackStagingDataSource}, else the target database
 * under {@code failback.staging-schema}. Failback never closes them.
 * <li>authentication: {@code failback.auth.*}, or an {@link Authenticator} bean; one of them is required
 * unless {@code failback.auth.disabled=true}.
 * <li>metrics: the application's {@link MeterRegistry} (Actuator's) when there is one and
 * {@code failback.metrics.enabled} is true (the default).
 * <li>{@link FailbackListener} beans become listeners, a {@link Transforms} bean the row transforms, and
 * {@link FailbackBuilderCustomizer} beans adjust the builder last.
 * </ul>
 *
 * <p>Beans: {@code failback} ({@link Failback}), {@code failbackSink} ({@link JettySink}, to read the port
 * bound), {@code failbackLifecycle} ({@link FailbackLifecycle}: closes them in order at shutdown) and,
 * with Actuator, {@code failbackHealthIndicator} ({@link FailbackHealthIndicator}, shown as
 * {@code failback}; {@code management.health.failback.enabled=false} removes it). An application's own
 * {@link Failback} bean replaces the first three (and keeps the health indicator); {@code failback.enabled=false}
 * turns everything off. A configuration problem stops the start with one
 * {@link dev.failback.FailbackConfigurationException} listing every problem, each naming its property.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.export.prometheus.PrometheusMetricsExportAutoConfiguration"})
@ConditionalOnClass({Failback.class, JettySink.class})
@ConditionalOnProperty(prefix = FailbackProperties.PREFIX, name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(FailbackProperties.class)
public class FailbackAutoConfiguration {
    /** The name of the lifecycle bean: {@value}. */
    static final String LIFECYCLE_BEAN = "failbackLifecycle";

    /** Not for applications: Spring creates it. */
    public FailbackAutoConfiguration() {
    }

    /** The pipeline, unless the application defines its own {@link Failback} bean. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingBean(Failback.class)
    static class PipelineConfiguration {
        @Bean(LIFECYCLE_BEAN)
        // after Flyway, Liquibase and spring.sql.init: nothing is served or applied before the target is migrated
        @org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization
        FailbackLifecycle failbackLifecycle(FailbackProperties properties, ListableBeanFactory beans,
                ObjectProvider<Authenticator> authenticators, ObjectProvider<MeterRegistry> registries,
                ObjectProvider<FailbackListener> listeners, ObjectProvider<Transforms> transforms,
                ObjectProvider<FailbackBuilderCustomizer> customizers) {
            List<String> problems = new ArrayList<>();
            FailbackDataSources dataSources = FailbackDataSources.resolve(beans, problems);
            if (dataSources != null && beans instanceof ConfigurableBeanFactory factory) {
                // the DataSources are destroyed after the pipeline, as if they had been injected
                factory.registerDependentBean(dataSources.targetBean(), LIFECYCLE_BEAN);
                if (dataSources.stagingBean() != null) {
                    factory.registerDependentBean(dataSources.stagingBean(), LIFECYCLE_BEAN);
                }
            }
            Authenticator authenticator = authenticators.getIfUnique();
            if (authenticator == null && authenticators.stream().findAny().isPresent()) {
                problems.add("several Authenticator beans and none is @Primary: mark one @Primary or combine them with"
                        + " dev.failback.core.auth.Authenticators.anyOf");
            }
            MeterRegistry registry = properties.getMetrics().isEnabled() ? registries.getIfUnique() : null;
            return FailbackLifecycle.start(new FailbackLifecycle.Inputs(properties, dataSources, problems, authenticator,
                    registry, listeners.orderedStream().toList(), transforms.getIfUnique(),
                    customizers.orderedStream().toList()));
        }

        /** The running pipeline; the lifecycle closes it first at shutdown, this close is a no-op then. */
        @Bean(destroyMethod = "close")
        Failback failback(FailbackLifecycle lifecycle) {
            return lifecycle.failback();
        }

        /** The webhook sink, to read the port bound; the pipeline closes it (hence no destroy method). */
        @Bean(destroyMethod = "")
        JettySink failbackSink(FailbackLifecycle lifecycle) {
            return lifecycle.sink();
        }
    }

    /** The {@code failback} health indicator, with Actuator. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
    @ConditionalOnEnabledHealthIndicator("failback")
    static class HealthConfiguration {
        @Bean
        @ConditionalOnMissingBean(name = "failbackHealthIndicator")
        FailbackHealthIndicator failbackHealthIndicator(Failback failback) {
            return new FailbackHealthIndicator(failback);
        }
    }
}
