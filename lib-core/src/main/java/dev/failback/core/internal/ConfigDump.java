package dev.failback.core.internal;

import dev.failback.FailbackConfig;
import dev.failback.spi.Sink;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The one-line configuration dump logged at DEBUG when a pipeline starts: every duration and limit,
 * data sources by class, JDBC URL (password masked) and pool size, sinks (with their TLS files) and
 * the authenticator's description, which never shows a token. Stateless.
 */
final class ConfigDump {
    static final String MASK = "***";
    private static final Pattern USER_INFO = Pattern.compile("(//[^/@:?;]*:)[^@/]*@");
    private static final Pattern ORACLE_THIN = Pattern.compile("(?i)(:thin:[^/@:]*/)[^@]*@");
    private static final Pattern PASSWORD_PARAM = Pattern.compile(
            "(?i)((?:password|pwd|passwd|sslpassword|trustStorePassword|keyStorePassword|clientCertificateKeyStorePassword"
                    + "|trustCertificateKeyStorePassword|secret|token|access_token)=)[^&;)]*");

    private ConfigDump() {
    }

    static String describe(FailbackConfig c) {
        List<String> sinks = new ArrayList<>();
        for (Sink s : c.sinks()) {
            sinks.add(String.valueOf(s));
        }
        return "name=" + c.name()
                + ", mode=" + c.mode().name().toLowerCase(java.util.Locale.ROOT)
                + ", target=" + describe(c.target())
                + ", staging=" + c.staging().map(ConfigDump::describe).orElse("(the target)")
                + ", stagingSchema=" + c.stagingSchema()
                + ", createStagingSchema=" + c.createStagingSchema()
                + ", stagingStore=" + c.stagingStore().map(Object::toString).orElse("jdbc")
                + ", versionStore=" + c.versionStore().map(Object::toString).orElse("the staging store")
                + ", deadLetterStore=" + c.deadLetterStore().map(Object::toString).orElse("the staging store")
                + ", checkpointStore=" + c.checkpointStore().map(Object::toString).orElse("jdbc")
                + ", dialect=" + c.dialect().map(d -> d.name()).orElse("detect")
                + ", tables=" + (c.tables().isEmpty() ? "all" : c.tables())
                + ", flushSize=" + c.flushSize()
                + ", flushPeriod=" + c.flushPeriod()
                + ", scanSize=" + c.scanSize()
                + ", largeTransactionRows=" + c.largeTransactionRows()
                + ", applyTimeout=" + c.applyTimeout()
                + ", schemaRefresh=" + c.schemaRefresh()
                + ", ignoreUnknownColumns=" + c.ignoreUnknownColumns()
                + ", refuseFoldingKeys=" + c.refuseFoldingKeys()
                + ", retireOffset=" + c.retireOffset()
                + ", deadLetter=" + c.deadLetter()
                + ", progressInterval=" + c.progressInterval()
                + ", shutdownTimeout=" + c.shutdownTimeout()
                + ", maxBodyBytes=" + c.maxBodyBytes()
                + ", maxNestingDepth=" + c.maxNestingDepth()
                + ", maxInFlight=" + c.maxInFlight()
                + ", sinks=" + sinks
                + ", authentication=" + c.authenticator().map(a -> mask(String.valueOf(a))).orElse("disabled")
                + ", listeners=" + c.listeners().size()
                + ", metrics=" + c.meterRegistry().map(r -> r.getClass().getSimpleName()).orElse("off")
                + ", threadFactory=" + c.threadFactory().map(f -> f.getClass().getName()).orElse("default");
    }

    /** A data source: its class and, when it has them (HikariCP does), its masked JDBC URL, user and pool size. */
    static String describe(DataSource ds) {
        StringBuilder b = new StringBuilder(ds.getClass().getSimpleName()).append('[');
        Object url = getter(ds, "getJdbcUrl");
        if (url == null) {
            url = getter(ds, "getUrl");
        }
        b.append("url=").append(url == null ? "?" : mask(url.toString()));
        Object user = getter(ds, "getUsername");
        if (user != null) {
            b.append(", user=").append(user);
        }
        Object pool = getter(ds, "getMaximumPoolSize");
        if (pool != null) {
            b.append(", maxPoolSize=").append(pool);
        }
        return b.append(']').toString();
    }

    /** Masks the password of a URL ({@code user:pw@}, {@code thin:user/pw@}, {@code password=…}). */
    static String mask(String url) {
        String s = USER_INFO.matcher(url).replaceAll("$1" + MASK + "@");
        s = ORACLE_THIN.matcher(s).replaceAll("$1" + MASK + "@");
        return PASSWORD_PARAM.matcher(s).replaceAll("$1" + MASK);
    }

    private static Object getter(Object o, String name) {
        try {
            Method m = o.getClass().getMethod(name);
            return m.invoke(o);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }
}
