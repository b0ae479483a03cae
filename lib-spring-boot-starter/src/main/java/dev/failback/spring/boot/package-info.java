/**
 * Spring Boot 3.5 auto-configuration for Failback: add {@code dev.failback:failback-spring-boot-starter}
 * and a JDBC driver, set {@code spring.datasource.*} (the target) and one authentication property, and
 * the application runs a pipeline with its changefeed webhook sink on a port of its own
 * ({@code failback.sink.port}, default 26258).
 *
 * <pre>{@code
 * failback:
 *   tables: employees, orders
 *   sink.port: 30004
 *   auth.tokens: ${FAILBACK_AUTH_TOKEN}
 * }</pre>
 *
 * <p>{@link dev.failback.spring.boot.FailbackAutoConfiguration} says which beans it makes and when;
 * {@link dev.failback.spring.boot.FailbackProperties} lists the properties. Nothing in this package
 * returns or accepts null unless its documentation says so.
 */
package dev.failback.spring.boot;
