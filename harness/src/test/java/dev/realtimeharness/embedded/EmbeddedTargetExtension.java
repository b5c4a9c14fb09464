package dev.realtimeharness.embedded;

import dev.realtimeharness.scenario.EmbeddedConfig;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One embedded target for every integration test in the JVM that needs just "a target" or "a database": started on
 * first use (about 4 s), closed when the JUnit engine finishes. A test class with
 * {@code @ExtendWith(EmbeddedTargetExtension.class)} asks for it as a parameter of a {@code @BeforeAll} or test
 * method: {@link EmbeddedTarget}, or {@link EmbeddedDatabase} for its PostgreSQL alone.
 *
 * <p>Classes that share it leave it as they found it: they delete the rows they add to tables others count
 * ({@code drivers}), undo the settings they change, drop the tables they create, and use topics no other class
 * uses. Rows in {@code orders} and {@code realtime.messages} pile up, so no test may count those, and the stand-in's
 * counters are shared, so tests compare them before and after. A class that needs limits, faults, a database it
 * restarts or a clean slate starts its own target.
 */
public final class EmbeddedTargetExtension implements ParameterResolver {
    /** Driver rows in the shared database: indexes 0, 1 and 2. */
    public static final int DRIVERS = 3;

    private static final Namespace NAMESPACE = Namespace.create(EmbeddedTargetExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == EmbeddedTarget.class || type == EmbeddedDatabase.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        EmbeddedTarget target = shared(context);
        return parameter.getParameter().getType() == EmbeddedDatabase.class ? target.database() : target;
    }

    private static EmbeddedTarget shared(ExtensionContext context) {
        // The root context's store lives as long as the engine: the value is computed once per JVM and, being
        // AutoCloseable, closed by JUnit when the root context closes (Store.CloseableResource is deprecated
        // since JUnit 5.13).
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(EmbeddedTarget.class, key -> start(), EmbeddedTarget.class);
    }

    private static EmbeddedTarget start() {
        try {
            return EmbeddedTarget.start(DRIVERS, EmbeddedConfig.none());
        } catch (Exception e) {
            throw new ParameterResolutionException("the shared embedded target failed to start: " + e.getMessage(),
                    e);
        }
    }
}
