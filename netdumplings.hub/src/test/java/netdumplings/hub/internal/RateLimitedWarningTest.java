package netdumplings.hub.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class RateLimitedWarningTest {

    private final List<Object[]> warnings = new ArrayList<>();
    private final Logger log = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(),
            new Class<?>[] {Logger.class}, (proxy, method, args) -> {
                if (method.getName().equals("warn")) {
                    warnings.add(args);
                }
                return method.getReturnType() == boolean.class ? Boolean.TRUE : null;
            });

    @Test
    void logsOncePerPeriodAndCountsWhatWasLeftOut() throws Exception {
        RateLimitedWarning warning = new RateLimitedWarning(log, 100);
        for (int i = 0; i < 1000; i++) {
            warning.warn("bad frame {}", i);
        }
        assertEquals(1, warnings.size());
        Thread.sleep(150);
        warning.warn("bad frame {}", "late");

        assertEquals(2, warnings.size());
        assertEquals("bad frame {} ({} similar warnings left out)", warnings.get(1)[0]);
        Object[] arguments = (Object[]) warnings.get(1)[1];
        assertEquals(List.of("late", 999L), Arrays.asList(arguments));
    }
}
