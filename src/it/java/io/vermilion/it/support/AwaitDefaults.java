package io.vermilion.it.support;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.pollinterval.IterativePollInterval;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Awaitility's defaults for every test (registered through
 * src/it/resources/META-INF/services and junit-platform.properties): the condition is checked at
 * once, then after 5 ms, the interval doubling up to 100 ms. Awaitility's own defaults (a first
 * check after 100 ms, then every 100 ms) added about 100 ms to every wait whose condition already
 * held or soon would, and the suite has hundreds of such waits (a crash loop waits several times
 * per kill). An await that sets its own poll delay or interval keeps it.
 */
public final class AwaitDefaults implements BeforeAllCallback {
    static {
        Awaitility.setDefaultPollDelay(Duration.ZERO);
        Awaitility.setDefaultPollInterval(new IterativePollInterval(
                d -> d.multipliedBy(2).compareTo(Duration.ofMillis(100)) > 0 ? Duration.ofMillis(100) : d.multipliedBy(2),
                Duration.ofMillis(5)));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // the static initializer did it, once per JVM
    }
}
