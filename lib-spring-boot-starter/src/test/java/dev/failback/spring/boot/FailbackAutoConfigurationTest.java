package dev.failback.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.Failback;
import dev.failback.FailbackConfigurationException;
import dev.failback.Hlc;
import dev.failback.State;
import dev.failback.Status;
import dev.failback.WebhookHandler;
import dev.failback.WebhookResponse;
import dev.failback.jetty.JettySink;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The auto-configuration's conditions and its refusals, without starting a pipeline: turned off by
 * {@code failback.enabled=false}, replaced by an application's own {@link Failback} bean, and stopped
 * at start with one message naming every missing or unusable property. (Starting a pipeline on
 * PostgreSQL is {@code FailbackSpringBootIT}'s, in examples-spring-boot.)
 */
class FailbackAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(FailbackAutoConfiguration.class));

    /** A DataSource that is never connected to by these tests (they stop before the pipeline starts). */
    @Configuration(proxyBeanMethods = false)
    static class TargetConfig {
        @Bean
        DataSource dataSource() {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl("jdbc:postgresql://127.0.0.1:5432/postgres");
            ds.setUser("postgres");
            return ds;
        }
    }

    @Test
    void enabledFalseCreatesNoPipelineSinkOrHealthIndicator() {
        runner.withUserConfiguration(TargetConfig.class)
                .withPropertyValues("failback.enabled=false", "failback.auth.tokens=secret-token-1")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(Failback.class);
                    assertThat(context).doesNotHaveBean(JettySink.class);
                    assertThat(context).doesNotHaveBean(FailbackLifecycle.class);
                    assertThat(context).doesNotHaveBean(FailbackHealthIndicator.class);
                });
    }

    @Test
    void missingAuthenticationStopsTheStartNamingTheProperties() {
        runner.withUserConfiguration(TargetConfig.class).run(context -> {
            assertThat(context).hasFailed();
            FailbackConfigurationException e = rootCause(context.getStartupFailure());
            assertThat(e.problems()).singleElement().asString()
                    .startsWith("no authentication is configured")
                    .contains("failback.auth.tokens", "failback.auth.jwt-from-staging=true",
                            "dev.failback.spi.Authenticator", "failback.auth.disabled=true");
        });
    }

    @Test
    void anEmptyTokenAsFromAnUnsetVariableIsNoAuthentication() {
        // application.yml's failback.auth.tokens: ${FAILBACK_AUTH_TOKEN:} without the variable
        runner.withUserConfiguration(TargetConfig.class).withPropertyValues("failback.auth.tokens=").run(context -> {
            FailbackConfigurationException e = rootCause(context.getStartupFailure());
            assertThat(e.problems()).singleElement().asString().startsWith("no authentication is configured");
        });
    }

    @Test
    void missingDataSourceAndAuthenticationAreReportedTogether() {
        runner.run(context -> {
            assertThat(context).hasFailed();
            FailbackConfigurationException e = rootCause(context.getStartupFailure());
            assertThat(e.problems()).hasSize(2);
            assertThat(e.problems().get(0)).contains("no target DataSource", "spring.datasource.url",
                    "failbackTargetDataSource", "failback.enabled=false");
            assertThat(e.problems().get(1)).contains("failback.auth.tokens");
            FailureAnalysis analysis = new FailbackFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).startsWith("Failback could not start:\n  - no target DataSource")
                    .contains("\n  - no authentication is configured");
            assertThat(analysis.getAction()).contains("failback.enabled=false");
        });
    }

    @Test
    void unusableValuesAreEachNamedByTheirProperty() {
        runner.withUserConfiguration(TargetConfig.class)
                .withPropertyValues("failback.auth.tokens=secret-token-1", "failback.sink.port=70000",
                        "failback.flush-size=0", "failback.lease-ttl=1s", "failback.lease-renewal=2s",
                        "failback.sink.tls.certificate=/nonexistent/server.crt")
                .run(context -> {
                    assertThat(context).hasFailed();
                    FailbackConfigurationException e = rootCause(context.getStartupFailure());
                    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("failback.sink.port: "))
                            .anySatisfy(p -> assertThat(p).startsWith("failback.flush-size: "))
                            .anySatisfy(p -> assertThat(p).startsWith("failback.lease-renewal (PT2S) must be shorter"))
                            .anySatisfy(p -> assertThat(p).startsWith(
                                    "failback.sink.tls.certificate and failback.sink.tls.private-key go together"))
                            .hasSize(4);
                });
    }

    @Test
    void authenticationDisabledWithATokenIsAContradiction() {
        runner.withUserConfiguration(TargetConfig.class)
                .withPropertyValues("failback.auth.disabled=true", "failback.auth.tokens=secret-token-1")
                .run(context -> {
                    FailbackConfigurationException e = rootCause(context.getStartupFailure());
                    assertThat(e.problems()).singleElement().asString()
                            .startsWith("failback.auth.disabled=true contradicts failback.auth.tokens");
                    assertThat(e.getMessage()).doesNotContain("secret-token-1");
                });
    }

    @Test
    void anApplicationsOwnFailbackBeanWinsAndKeepsTheHealthIndicator() {
        UserFailback own = new UserFailback();
        runner.withBean("myFailback", Failback.class, () -> own)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).getBean(Failback.class).isSameAs(own);
                    assertThat(context).doesNotHaveBean(JettySink.class);
                    assertThat(context).doesNotHaveBean(FailbackLifecycle.class);
                    FailbackHealthIndicator health = context.getBean("failbackHealthIndicator", FailbackHealthIndicator.class);
                    assertThat(health.health().getStatus().getCode()).isEqualTo("UP");
                    own.ready = false;
                    Health down = health.health();
                    assertThat(down.getStatus().getCode()).isEqualTo("DOWN");
                    assertThat(down.getDetails()).containsEntry("reason", "target database unreachable (SQLState 08001)")
                            .containsEntry("name", "mine").containsEntry("state", "RUNNING");
                });
        assertThat(own.closed).as("the application's bean is closed by Spring (inferred close), once").isTrue();
    }

    @Test
    void healthIndicatorCanBeTurnedOffLikeAnyOther() {
        runner.withBean("myFailback", Failback.class, UserFailback::new)
                .withPropertyValues("management.health.failback.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(FailbackHealthIndicator.class));
    }

    private static FailbackConfigurationException rootCause(Throwable t) {
        Throwable c = t;
        while (c != null && !(c instanceof FailbackConfigurationException)) {
            c = c.getCause();
        }
        assertThat(c).as("a FailbackConfigurationException in the causes of " + t).isNotNull();
        return (FailbackConfigurationException) c;
    }

    /** An application's own pipeline: a hand-written double whose readiness the test sets. */
    static final class UserFailback implements Failback {
        volatile boolean ready = true;
        volatile boolean closed;

        @Override
        public String name() {
            return "mine";
        }

        @Override
        public State state() {
            return State.RUNNING;
        }

        @Override
        public Status status() {
            return new Status(State.RUNNING, null, null, 0, Duration.ZERO, Status.Counters.builder().build(), Map.of(),
                    null);
        }

        @Override
        public WebhookHandler webhookHandler() {
            return r -> new WebhookResponse(404, "none");
        }

        @Override
        public WebhookHandler adminHandler() {
            return r -> r.path().equals("/_/healthz") && ready ? new WebhookResponse(200, "OK")
                    : new WebhookResponse(503, "target database unreachable (SQLState 08001)");
        }

        @Override
        public boolean awaitApplied(Hlc resolved, Duration timeout) {
            return false;
        }

        @Override
        public boolean awaitTermination(Duration timeout) {
            return closed;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
