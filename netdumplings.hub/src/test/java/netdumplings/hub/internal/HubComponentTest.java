package netdumplings.hub.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

class HubComponentTest {

    /** A configuration with the annotation's defaults, except for {@code values}. */
    private static HubConfiguration config(Map<String, Object> values) {
        return (HubConfiguration) Proxy.newProxyInstance(HubConfiguration.class.getClassLoader(),
                new Class<?>[] {HubConfiguration.class}, (proxy, method, args) -> {
                    if (method.getName().equals("annotationType")) {
                        return HubConfiguration.class;
                    }
                    return values.containsKey(method.getName()) ? values.get(method.getName()) : method.getDefaultValue();
                });
    }

    /** The component's framework: only its properties are read, and none is set here. */
    private static org.osgi.framework.BundleContext noProperties() {
        return (org.osgi.framework.BundleContext) Proxy.newProxyInstance(HubComponentTest.class.getClassLoader(),
                new Class<?>[] {org.osgi.framework.BundleContext.class}, (proxy, method, args) -> null);
    }

    private static boolean listening(int port) {
        try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * Issue 17: Config Admin's nats_creds_file and nats_nkey_file name owner-only files,
     * one of them at most; the settings carry the paths, never the content.
     */
    @Test
    void natsCredentialFilesMustBeOwnerOnlyAndOneAtMost(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path creds = java.nio.file.Files.writeString(dir.resolve("hub.creds"), "not read here\n");
        java.nio.file.Files.setPosixFilePermissions(creds, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        var settings = HubComponent.toFederation(config(Map.of("nats__servers", new String[] {"nats://localhost:4222"},
                "nats__creds__file", creds.toString())));
        assertEquals(creds, settings.credsFile());
        assertEquals(null, settings.nkeyFile());
        assertTrue(!settings.toString().contains("not read here"), settings.toString());

        java.nio.file.Files.setPosixFilePermissions(creds, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw----"));
        assertEquals("nats_creds_file '" + creds + "' holds a secret but others may read or write it (rw-rw----): chmod 600 it",
                assertThrows(IllegalArgumentException.class,
                        () -> HubComponent.toFederation(config(Map.of("nats__creds__file", creds.toString())))).getMessage());
        assertEquals("nats_nkey_file '" + dir.resolve("none") + "' is not a readable file",
                assertThrows(IllegalArgumentException.class, () -> HubComponent.toFederation(
                        config(Map.of("nats__nkey__file", dir.resolve("none").toString())))).getMessage());
        java.nio.file.Files.setPosixFilePermissions(creds, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertEquals("nats_creds_file and nats_nkey_file: give one of them, not both",
                assertThrows(IllegalArgumentException.class, () -> HubComponent.toFederation(config(
                        Map.of("nats__creds__file", creds.toString(), "nats__nkey__file", creds.toString())))).getMessage());
    }

    /**
     * Issue 11: a configuration the hub cannot bind is refused like an invalid value; the
     * hub keeps listening where it did, and says why in failure().
     */
    @Test
    void unbindableConfigurationsKeepTheRunningHub() throws Exception {
        int in = freePort();
        int out = freePort();
        HubComponent component = new HubComponent(noProperties(),
                config(Map.of("in__port", in, "out__port", out)), Map.of());
        try {
            assertTrue(listening(in) && listening(out));
            assertEquals(null, component.failure());

            component.modified(config(Map.of("in__port", out, "out__port", out)));
            assertEquals("configuration refused: in_port and out_port must differ, both are " + out,
                    component.failure());
            assertTrue(listening(in) && listening(out), "the hub keeps its ports");

            try (java.net.ServerSocket taken = new java.net.ServerSocket()) {
                taken.bind(new java.net.InetSocketAddress("localhost", 0));
                component.modified(config(Map.of("in__port", taken.getLocalPort(), "out__port", out)));
                assertEquals("configuration refused: cannot listen on localhost:" + taken.getLocalPort()
                        + ": address already in use", component.failure());
                assertTrue(listening(in) && listening(out), "the hub keeps its ports");
            }

            // RFC 2606: .invalid never resolves.
            component.modified(config(Map.of("address", "no-such-host.invalid", "in__port", in, "out__port", out)));
            assertTrue(component.failure().startsWith("configuration refused: cannot listen on no-such-host.invalid:"),
                    component.failure());
            assertTrue(listening(in) && listening(out), "the hub keeps its ports");

            int moved = freePort();
            component.modified(config(Map.of("in__port", moved, "out__port", out)));
            assertEquals(null, component.failure(), "a good configuration clears the failure");
            assertTrue(listening(moved) && listening(out));
            assertTrue(!listening(in), "the old kitchen port is let go");
        } finally {
            component.deactivate();
        }
    }

    /** Issue 11: a hub that cannot start at all stays down with the reason; nothing exits. */
    @Test
    void aHubThatCannotStartSaysWhy() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket()) {
            taken.bind(new java.net.InetSocketAddress("localhost", 0));
            HubComponent component = new HubComponent(noProperties(),
                    config(Map.of("in__port", taken.getLocalPort(), "out__port", freePort())), Map.of());
            try {
                assertEquals(null, component.statistics());
                assertEquals("cannot listen on localhost:" + taken.getLocalPort() + ": address already in use",
                        component.failure());
            } finally {
                component.deactivate();
            }
        }
    }

    @Test
    void defaultsAreTheOriginalHubs() {
        assertEquals(HubSettings.defaults(), HubComponent.toSettings(config(Map.of())));
    }

    @Test
    void valuesAreMapped() {
        HubSettings settings = HubComponent.toSettings(config(Map.of("address", "127.0.0.1", "in__port", 0,
                "out__port", 2000, "status__freq", 0.25, "max__message__bytes", 4096, "eater__queue__limit", 7)));
        assertEquals(new HubSettings("127.0.0.1", 0, 2000, Duration.ofMillis(250), 4096, 7), settings);
    }

    @Test
    void portOutOfRangeIsRefusedByName() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> HubComponent.toSettings(config(Map.of("in__port", 70000))));
        assertTrue(e.getMessage().startsWith("in_port "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> HubComponent.toSettings(config(Map.of("out__port", -1))));
        assertTrue(e.getMessage().startsWith("out_port "), e.getMessage());
    }

    @Test
    void negativeStatusFrequencyIsRefusedByName() {
        for (double freq : new double[] {-0.5, -1, Double.NaN}) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> HubComponent.toSettings(config(Map.of("status__freq", freq))));
            assertTrue(e.getMessage().startsWith("status_freq "), e.getMessage());
        }
    }

    /** Issue 12: the original's -f 0 is accepted, as the shortest interval (0.1 s). */
    @Test
    void zeroStatusFrequencyIsTheShortestInterval() {
        assertEquals(Duration.ofMillis(100),
                HubComponent.toSettings(config(Map.of("status__freq", 0.0))).statusInterval());
    }

    @Test
    void otherInvalidValuesAreRefusedByName() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> HubComponent.toSettings(config(Map.of("max__message__bytes", 0)))).getMessage()
                .startsWith("max_message_bytes "));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> HubComponent.toSettings(config(Map.of("eater__queue__limit", -5)))).getMessage()
                .startsWith("eater_queue_limit "));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> HubComponent.toSettings(config(Map.of("address", " ")))).getMessage()
                .startsWith("address "));
    }
}
