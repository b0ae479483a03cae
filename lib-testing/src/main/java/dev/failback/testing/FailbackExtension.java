package dev.failback.testing;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Locale;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each test method that declares a {@link PostgresSchema} or {@link MariaDbDatabase} parameter a
 * fresh one, and drops it after the test (after its {@code @AfterEach} methods).
 *
 * <pre>{@code
 * @ExtendWith(FailbackExtension.class)
 * class OrdersIT {
 *     @Test
 *     void appliesOrders(PostgresSchema target) throws SQLException {
 *         target.execute("CREATE TABLE $S.orders (id INT PRIMARY KEY)");
 *         // Failback.builder().target(...).stagingSchema(target.stagingSchema()) ... target.path()
 *     }
 * }
 * }</pre>
 *
 * <p>The schema is created before the test's {@code @BeforeEach} methods, so a database that cannot be
 * reached skips the test with the reason ({@code SKIPPED (no database): PostgreSQL is not reachable at
 * …}) in a developer run and fails it in CI, as {@link TestDatabases} does. Its name starts with the
 * test class's simple name in lower case. Only test method parameters are resolved, not those of
 * constructors or lifecycle methods.
 */
public final class FailbackExtension implements BeforeEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(FailbackExtension.class);

    /** Creates the extension; JUnit does this for {@code @ExtendWith(FailbackExtension.class)}. */
    public FailbackExtension() {
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        Method method = context.getRequiredTestMethod();
        Parameter[] parameters = method.getParameters();
        String prefix = prefix(context.getRequiredTestClass());
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        for (int i = 0; i < parameters.length; i++) {
            Class<?> type = parameters[i].getType();
            TestSchema schema;
            if (type == PostgresSchema.class) {
                schema = PostgresSchema.create(prefix);
            } else if (type == MariaDbDatabase.class) {
                schema = MariaDbDatabase.create(prefix);
            } else {
                continue;
            }
            store.put(i, new Dropped(schema));
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return (type == PostgresSchema.class || type == MariaDbDatabase.class)
                && parameter.getDeclaringExecutable() instanceof Method method
                && context.getTestMethod().filter(method::equals).isPresent();
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Dropped dropped = context.getStore(NAMESPACE).get(parameter.getIndex(), Dropped.class);
        if (dropped == null) {
            throw new ParameterResolutionException("no " + parameter.getParameter().getType().getSimpleName()
                    + " was created for parameter " + parameter.getIndex() + " of " + parameter.getDeclaringExecutable());
        }
        return dropped.schema;
    }

    /** A lower-case identifier prefix from the test class name, at most 20 characters. */
    static String prefix(Class<?> testClass) {
        String simple = testClass.getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (simple.isEmpty() || !Character.isLetter(simple.charAt(0))) {
            simple = "t_" + simple;
        }
        return simple.length() > 20 ? simple.substring(0, 20) : simple;
    }

    /** Drops the schema when JUnit closes the test's store. */
    private static final class Dropped implements ExtensionContext.Store.CloseableResource {
        final TestSchema schema;

        Dropped(TestSchema schema) {
            this.schema = schema;
        }

        @Override
        public void close() throws Exception {
            schema.close();
        }
    }
}
