package netdumplings.kitchen.internal.uplink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import netdumplings.api.Dumpling;
import netdumplings.api.DumplingDriver;
import netdumplings.api.json.DumplingJson;
import netdumplings.hub.internal.HubSecurity;
import netdumplings.hub.internal.HubServer;
import netdumplings.hub.internal.HubSettings;
import netdumplings.testing.Await;
import netdumplings.testing.TestKeystores;

/**
 * The hub sender over {@code wss://} to a hub serving a self-signed certificate, which the
 * kitchen trusts the JDK's way: through {@code javax.net.ssl.trustStore}. (A JVM of its
 * own, as every test class of this module: the trust store properties stay here.)
 */
class HubSenderTlsTest {

    private static final String HELLO = "{\"kitchen_name\": \"tls_kitchen\", \"interface\": \"all\", "
            + "\"filter\": \"\", \"chefs\": [], \"poke_interval\": 5.0}";

    /** A PKCS#12 keystore with a key and a self-signed certificate for localhost, by keytool. */
    private static Path keystore() throws Exception {
        return TestKeystores.selfSignedLocalhost(Path.of("target", "kitchen-tls-test.p12"), "changeit");
    }

    @Test
    void sendsOverWssTrustingTheJdkTrustStore() throws Exception {
        Path keystore = keystore();
        Map<String, String> trust = Map.of("javax.net.ssl.trustStore", keystore.toString(),
                "javax.net.ssl.trustStoreType", "PKCS12", "javax.net.ssl.trustStorePassword", "changeit");
        trust.forEach(System::setProperty);
        HubSettings settings = HubSettings.ephemeral().withStatusInterval(Duration.ofHours(1))
                .withSecurity(HubSecurity.NONE.withTls(keystore, "changeit"));
        try (HubServer hub = new HubServer(settings)) {
            hub.start();
            try (HubSender sender = new HubSender("wss://localhost:" + hub.kitchenPort() + "/", () -> HELLO, 100)) {
                sender.start();
                for (int i = 0; i < 10; i++) {
                    sender.accept(DumplingJson.toJsonBytes(
                            new Dumpling("TestChef", "tls_kitchen", 1.5, DumplingDriver.PACKET, i)));
                }
                Await.until(() -> hub.statistics().dumplingsIn() == 10, "10 dumplings over wss://");
                assertEquals("tls_kitchen", hub.statistics().kitchens().get(0).name());
                assertEquals(1, sender.connections());
            }
        } finally {
            trust.keySet().forEach(System::clearProperty);
        }
    }
}
