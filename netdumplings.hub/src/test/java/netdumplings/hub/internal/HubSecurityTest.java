package netdumplings.hub.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import netdumplings.testing.TestKeystores;

/** Issue 6, security: tokens, TLS, Origin allow-list, connection limit, localhost by default. */
class HubSecurityTest {

    private static final String KITCHEN_HELLO = "{\"kitchen_name\": \"k\", \"interface\": \"lo\", \"filter\": \"\", "
            + "\"chefs\": [], \"poke_interval\": 5.0}";
    private static final String DUMPLING = "{\"metadata\": {\"chef\": \"C\"}, \"payload\": 1}";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    final HubFixture hubs = new HubFixture();
    private HubServer hub;

    private void start(HubSettings settings) {
        hub = hubs.start(settings.withStatusInterval(Duration.ofHours(1)));
    }

    private WebSocketTestClient connect(String uri, Map<String, String> headers) throws Exception {
        return connect(HTTP, uri, headers);
    }

    private WebSocketTestClient connect(HttpClient http, String uri, Map<String, String> headers) throws Exception {
        return hubs.closeLater(WebSocketTestClient.connect(http, uri, headers));
    }

    private String kitchenUri() {
        return "ws://localhost:" + hub.kitchenPort() + "/";
    }

    private String eaterUri() {
        return "ws://localhost:" + hub.eaterPort() + "/";
    }

    @Test
    void listeningBeyondThisMachineWithoutTokensIsWarnedAbout() {
        start(HubSettings.ephemeral().withAddress("0.0.0.0").withSecurity(HubSecurity.NONE.withTokens(null, "e")));
        String warning = hub.exposure().orElseThrow();
        assertTrue(warning.contains("0.0.0.0") && warning.contains("kitchen_token")
                && warning.contains(String.valueOf(hub.kitchenPort())), warning);
        assertFalse(warning.contains("eater_token"), warning);
    }

    @Test
    void noWarningOnLoopbackOrWithBothTokens() {
        HubServer local = hubs.start(HubSettings.ephemeral().withAddress("127.0.0.1"));
        assertTrue(local.exposure().isEmpty());
        HubServer guarded = hubs.start(HubSettings.ephemeral().withAddress("0.0.0.0")
                .withSecurity(HubSecurity.NONE.withTokens("k", "e")));
        assertTrue(guarded.exposure().isEmpty());
    }

    @Test
    void kitchenTokenIsRequiredWhenConfiguredAndNeverShown() throws Exception {
        start(HubSettings.ephemeral().withSecurity(HubSecurity.NONE.withTokens("k-secret", null)));
        WebSocketTestClient eater = connect(eaterUri(), Map.of());
        eater.send("{\"eater_name\": \"e\"}"); // no eater token configured: the original's eater works

        WebSocketTestClient none = connect(kitchenUri(), Map.of());
        none.send(KITCHEN_HELLO);
        WebSocketTestClient wrong = connect(kitchenUri(), Map.of("Authorization", "Bearer k-secreT"));
        wrong.send(KITCHEN_HELLO);
        WebSocketTestClient wrongInHello = connect(kitchenUri(), Map.of());
        wrongInHello.send(KITCHEN_HELLO.replace("{", "{\"token\": \"nope\", "));
        assertEquals(1008, none.awaitCloseCode());
        assertEquals(1008, wrong.awaitCloseCode());
        assertEquals(1008, wrongInHello.awaitCloseCode());
        assertEquals(0, hub.statistics().kitchenCount(), "a refused kitchen leaves no status entry");

        WebSocketTestClient bearer = connect(kitchenUri(), Map.of("Authorization", "Bearer k-secret"));
        bearer.send(KITCHEN_HELLO);
        WebSocketTestClient query = connect(kitchenUri() + "?token=k-secret", Map.of());
        query.send(KITCHEN_HELLO);
        WebSocketTestClient inHello = connect(kitchenUri(), Map.of());
        inHello.send(KITCHEN_HELLO.replace("{", "{\"token\": \"k-secret\", "));
        hubs.await(s -> s.kitchenCount() == 3 && s.eaterCount() == 1);
        bearer.send(DUMPLING);
        assertEquals(DUMPLING, eater.next());
        String status = String.valueOf(hub.statusPayload());
        assertFalse(status.contains("k-secret"), "the token never reaches the status: " + status);
    }

    @Test
    void eaterTokenIsRequiredWhenConfigured() throws Exception {
        start(HubSettings.ephemeral().withSecurity(HubSecurity.NONE.withTokens(null, "e-secret")));
        WebSocketTestClient none = connect(eaterUri(), Map.of());
        none.send("{\"eater_name\": \"intruder\"}");
        assertEquals(1008, none.awaitCloseCode());
        WebSocketTestClient ok = connect(eaterUri() + "?token=e-secret", Map.of());
        ok.send("{\"eater_name\": \"e\"}");
        WebSocketTestClient kitchen = connect(kitchenUri(), Map.of()); // no kitchen token configured
        kitchen.send(KITCHEN_HELLO);
        hubs.await(s -> s.kitchenCount() == 1 && s.eaterCount() == 1);
        kitchen.send(DUMPLING);
        assertEquals(DUMPLING, ok.next());
        assertEquals("e", hub.statistics().eaters().get(0).name());
    }

    @Test
    void tokensCompareExactly() {
        assertTrue(HubSecurity.tokenMatches(null, null));
        assertTrue(HubSecurity.tokenMatches("a", "a"));
        assertFalse(HubSecurity.tokenMatches("a", null));
        assertFalse(HubSecurity.tokenMatches("a", "a "));
        assertFalse(HubSecurity.tokenMatches("abc", "ab"));
    }

    @Test
    void tlsFromAKeystoreServesWssOnly() throws Exception {
        Path keystore = TestKeystores.selfSignedLocalhost(Path.of("target", "hub-tls-test.p12"), "changeit");

        start(HubSettings.ephemeral().withSecurity(HubSecurity.NONE.withTls(keystore, "changeit")));
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            trusted.load(in, "changeit".toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        HttpClient https = HttpClient.newBuilder().sslContext(ssl).build();

        WebSocketTestClient eater = connect(https, "wss://localhost:" + hub.eaterPort() + "/", Map.of());
        eater.send("{\"eater_name\": \"e\"}");
        WebSocketTestClient kitchen = connect(https, "wss://localhost:" + hub.kitchenPort() + "/", Map.of());
        kitchen.send(KITCHEN_HELLO);
        hubs.await(s -> s.kitchenCount() == 1 && s.eaterCount() == 1);
        kitchen.send(DUMPLING);
        assertEquals(DUMPLING, eater.next());

        assertThrows(Exception.class, () -> connect(eaterUri(), Map.of()), "plain ws:// is not served");
    }

    @Test
    void browserOriginsAreCheckedAgainstTheAllowListAndTheHubItself() throws Exception {
        start(HubSettings.ephemeral().withSecurity(HubSecurity.NONE.withAllowedOrigins(List.of("https://Allowed.example/"))));
        WebSocketHandshakeException refused = assertThrows(WebSocketHandshakeException.class,
                () -> connect(eaterUri(), Map.of("Origin", "https://evil.example")));
        assertEquals(403, refused.getResponse().statusCode());
        WebSocketHandshakeException kitchenRefused = assertThrows(WebSocketHandshakeException.class,
                () -> connect(kitchenUri(), Map.of("Origin", "http://localhost:1")));
        assertEquals(403, kitchenRefused.getResponse().statusCode());

        connect(eaterUri(), Map.of("Origin", "https://allowed.example")).send("{\"eater_name\": \"listed\"}");
        // The dashboard's page, served from the eater port, connects back to it.
        connect(eaterUri(), Map.of("Origin", "http://localhost:" + hub.eaterPort())).send("{\"eater_name\": \"self\"}");
        connect(eaterUri(), Map.of()).send("{\"eater_name\": \"no-browser\"}");
        hubs.await(s -> s.eaterCount() == 3);
    }

    @Test
    void connectionsOverTheLimitAreRefused() throws Exception {
        start(HubSettings.ephemeral().withMaxConnections(2));
        WebSocketTestClient a = connect(eaterUri(), Map.of());
        a.send("{\"eater_name\": \"a\"}");
        WebSocketTestClient b = connect(kitchenUri(), Map.of());
        b.send(KITCHEN_HELLO);
        hubs.await(s -> s.eaterCount() == 1 && s.kitchenCount() == 1);
        WebSocketHandshakeException refused = assertThrows(WebSocketHandshakeException.class,
                () -> connect(eaterUri(), Map.of()));
        assertEquals(503, refused.getResponse().statusCode());
        assertTrue(hub.refusedUpgrades() >= 1);

        a.close();
        hubs.await(s -> s.eaterCount() == 0);
        connect(eaterUri(), Map.of()).send("{\"eater_name\": \"c\"}");
        hubs.await(s -> s.eaterCount() == 1);
    }

    @Test
    void listensOnLocalhostUnlessConfigured() throws Exception {
        assertTrue(java.net.InetAddress.getByName(HubSettings.defaults().address()).isLoopbackAddress());
        assertEquals(HubSettings.defaults(), HubComponent.toSettings(config(Map.of())));
    }

    @Test
    void securityIsConfiguredByName() {
        HubSettings s = HubComponent.toSettings(config(Map.of("kitchen__token", "kt", "eater__token", " ",
                "allowed__origins", new String[] {"https://a.example/"}, "max__connections", 9,
                "eater__queue__bytes", 1234L, "eater__stall__timeout", 2.5, "hello__timeout", 0.5)));
        assertEquals("kt", s.security().kitchenToken());
        assertEquals(null, s.security().eaterToken(), "blank means none");
        assertEquals(List.of("https://a.example"), s.security().allowedOrigins());
        assertEquals(9, s.maxConnections());
        assertEquals(1234L, s.eaterQueueBytes());
        assertEquals(Duration.ofMillis(2500), s.eaterStallTimeout());
        assertEquals(Duration.ofMillis(500), s.helloTimeout());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HubComponent.toSettings(config(Map.of("tls__keystore", "/no/such/keystore.p12"))));
        assertTrue(e.getMessage().startsWith("tls_keystore "), e.getMessage());
        assertFalse(s.toString().contains("kt"), "secrets are never printed: " + s);
    }

    private static HubConfiguration config(Map<String, Object> values) {
        return (HubConfiguration) java.lang.reflect.Proxy.newProxyInstance(HubConfiguration.class.getClassLoader(),
                new Class<?>[] {HubConfiguration.class}, (proxy, method, args) -> method.getName().equals("annotationType")
                        ? HubConfiguration.class
                        : values.containsKey(method.getName()) ? values.get(method.getName()) : method.getDefaultValue());
    }
}
