package dev.failback.examples.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot application that fails back a CockroachDB changefeed into its PostgreSQL database: with
 * {@code failback-spring-boot-starter} on the classpath, {@code application.yml} is all the
 * configuration. The changefeed POSTs to the sink port ({@code failback.sink.port}, 30004 here), the
 * application's own endpoints stay on {@code server.port}; {@code /actuator/health} shows a
 * {@code failback} component and {@code /actuator/prometheus} the {@code failback_*} meters.
 *
 * <pre>
 * ./mvnw -B -pl examples-spring-boot -am -DskipTests package
 * FAILBACK_AUTH_TOKEN=$(openssl rand -hex 32) java -jar examples-spring-boot/target/failback-example-spring-boot-0.1.0-SNAPSHOT.jar
 * CREATE CHANGEFEED FOR TABLE employees, orders INTO 'webhook-https://&lt;host&gt;:30004/postgres/public?insecure_tls_skip_verify=true'
 *   WITH updated, resolved = '1s', webhook_auth_header = 'Bearer &lt;the token&gt;';
 * </pre>
 */
@SpringBootApplication
public class FailbackBootApplication {
    /**
     * Runs the application.
     *
     * @param args Spring Boot's arguments ({@code --failback.sink.port=30005} and the like)
     */
    public static void main(String[] args) {
        SpringApplication.run(FailbackBootApplication.class, args);
    }
}
