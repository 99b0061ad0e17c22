package netdumplings.hub.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.nats.client.NKey;
import netdumplings.hub.internal.federation.FederationSettings;
import netdumplings.testing.Await;
import netdumplings.testing.NatsServer;

/**
 * Issue 17: hubs authenticate to a real nats-server with an NKey seed file. The server's
 * configuration (written here) knows one user by its public key, generated here with
 * jnats's {@code NKey.createUser}; a hub given that user's seed federates, one given
 * another user's seed does not, and a seed file that others may read is refused with a
 * one-line reason that never shows the seed.
 */
class NatsCredentialsTest extends NatsTestBase {

    /** @return a file holding the seed, with the given POSIX permissions */
    private Path seedFile(String name, NKey user, String permissions) throws Exception {
        Path file = tmp.resolve(name);
        Files.writeString(file, new String(user.getSeed()) + "\n", StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
        return file;
    }

    private HubServer hub(String name, Path nkeyFile) {
        return hub(name, null, nkeyFile);
    }

    private HubServer hub(String name, Path credsFile, Path nkeyFile) {
        FederationSettings federation = FederationSettings.OFF.withServers(List.of(nats.url())).withHubName(name)
                .withCredentials(credsFile, nkeyFile);
        HubServer hub = new HubServer(HubFixture.quiet(), federation);
        closeAfter(hub);
        hub.start();
        return hub;
    }

    @Test
    void hubsWithTheUsersNkeySeedFederateOthersAreRefused() throws Exception {
        NKey user = NKey.createUser(null);
        Path conf = tmp.resolve("nats.conf");
        // The server knows the user by its public key only (nats-server's nkey users).
        Files.writeString(conf, "authorization {\n  users = [ { nkey: \"" + new String(user.getPublicKey()) + "\" } ]\n}\n");
        nats = NatsServer.start(tmp.resolve("nats"), "-c", conf.toString());
        Path seed = seedFile("user.nk", user, "rw-------");

        HubServer a = hub("hub-a", seed);
        HubServer b = hub("hub-b", seed);
        aDumplingCrosses(a, b, "the NKey");

        // Another user's seed: the server refuses it, and the hub says so in one line
        // (nats-server's own words: "Authorization Violation").
        Path other = seedFile("other.nk", NKey.createUser(null), "rw-------");
        HubStartException refused = assertThrows(HubStartException.class, () -> hub("stranger", other));
        assertTrue(refused.getMessage().startsWith("cannot federate: NATS [" + nats.url() + "] refused the connection: "),
                refused.getMessage());
        assertTrue(refused.getMessage().contains("Authorization Violation"), refused.getMessage());
    }

    @Test
    void aSeedFileOthersMayReadIsRefusedWithoutShowingTheSeed() throws Exception {
        nats = NatsServer.start(tmp.resolve("nats"));
        NKey user = NKey.createUser(null);
        Path seed = seedFile("open.nk", user, "rw-r--r--");
        HubStartException e = assertThrows(HubStartException.class, () -> hub("open", seed));
        assertEquals("cannot federate: nats_nkey_file '" + seed + "' holds a secret but others may read or write it"
                + " (rw-r--r--): chmod 600 it", e.getMessage());
        assertFalse(e.getMessage().contains(new String(user.getSeed())));
        assertEquals("nats_creds_file and nats_nkey_file: give one of them, not both",
                assertThrows(IllegalArgumentException.class,
                        () -> FederationSettings.OFF.withCredentials(seed, seed)).getMessage());
    }

    /**
     * A server in operator mode (decentralized JWT auth, as {@code nsc} sets up): the
     * operator and account JWTs are made here with jnats's {@code JwtUtils} and preloaded in
     * the server's memory resolver (with the system account JetStream needs there); the
     * account may use JetStream. A hub given a
     * {@code .creds} file (a user JWT the account signed, and the user's seed, in the format
     * {@code nsc} writes) federates and its kitchen's dumpling reaches the other hub's eater
     * through the stream; a user signed by an account the server does not know is refused
     * in one line with the server's words.
     */
    @Test
    void hubsWithACredsFileFederateThroughAServerInOperatorMode() throws Exception {
        NKey operator = NKey.createOperator(null);
        NKey account = NKey.createAccount(null);
        String operatorKey = new String(operator.getPublicKey());
        String accountKey = new String(account.getPublicKey());
        long now = io.nats.client.support.JwtUtils.currentTimeSeconds();
        String operatorJwt = io.nats.client.support.JwtUtils.issueJWT(operator, operatorKey, "netdumplings-test", null,
                now, operatorKey, () -> "{\"type\":\"operator\",\"version\":2}");
        // -1: no limit; JetStream is on for an account only with storage limits.
        String accountJwt = io.nats.client.support.JwtUtils.issueJWT(operator, accountKey, "hubs", null, now,
                operatorKey, () -> "{\"type\":\"account\",\"version\":2,\"limits\":{\"subs\":-1,\"data\":-1,"
                        + "\"payload\":-1,\"imports\":-1,\"exports\":-1,\"wildcards\":true,\"conn\":-1,\"leaf\":-1,"
                        + "\"mem_storage\":-1,\"disk_storage\":-1,\"streams\":-1,\"consumer\":-1}}");
        // JetStream in operator mode needs a system account.
        NKey system = NKey.createAccount(null);
        String systemKey = new String(system.getPublicKey());
        String systemJwt = io.nats.client.support.JwtUtils.issueJWT(operator, systemKey, "SYS", null, now, operatorKey,
                () -> "{\"type\":\"account\",\"version\":2}");
        Path conf = tmp.resolve("operator.conf");
        Files.writeString(conf, "operator: " + operatorJwt + "\nsystem_account: " + systemKey
                + "\nresolver: MEMORY\nresolver_preload: {\n  " + accountKey + ": " + accountJwt + "\n  " + systemKey + ": "
                + systemJwt + "\n}\n");
        nats = NatsServer.start(tmp.resolve("nats"), "-c", conf.toString());
        Path creds = credsFile("hub.creds", account, accountKey);

        HubServer a = hub("hub-a", creds, null);
        HubServer b = hub("hub-b", creds, null);
        aDumplingCrosses(a, b, "the .creds file");

        // A user of an account the server was never given.
        NKey strangerAccount = NKey.createAccount(null);
        Path stranger = credsFile("stranger.creds", strangerAccount, new String(strangerAccount.getPublicKey()));
        HubStartException refused = assertThrows(HubStartException.class, () -> hub("stranger", stranger, null));
        assertTrue(refused.getMessage().contains("Authorization Violation"), refused.getMessage());
        assertFalse(refused.getMessage().contains("SU"), "a seed in the message: " + refused.getMessage());
    }

    /**
     * Once both hubs federate (authenticated with {@code how}), a kitchen's dumpling on hub A
     * reaches an eater on hub B through the stream: it carries the stream's first offset.
     */
    private void aDumplingCrosses(HubServer a, HubServer b, String how) throws Exception {
        Await.until(() -> a.isFederating() && b.isFederating(), () -> "both hubs federating with " + how, WAIT);
        WebSocketTestClient eater = client(b.eaterPort());
        eater.send("{\"eater_name\": \"on-b\"}");
        Await.until(() -> b.statistics().eaterCount() == 1, () -> "the eater on hub B", WAIT);
        WebSocketTestClient kitchen = client(a.kitchenPort());
        kitchen.send("{\"kitchen_name\": \"k\", \"interface\": \"lo\", \"filter\": \"\", \"chefs\": [\"C\"], \"poke_interval\": 5.0}");
        Await.until(() -> a.statistics().kitchenCount() == 1, () -> "the kitchen on hub A", WAIT);
        kitchen.send("{\"metadata\": {\"chef\": \"C\", \"kitchen\": \"k\", \"creation_time\": 1.0, \"driver\": \"packet\"},"
                + " \"payload\": 1}");
        String got = null;
        while (got == null) {
            String text = eater.texts.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(text, "nothing reached hub B's eater through NATS");
            if (!text.contains("SystemStatusChef")) {
                got = text;
            }
        }
        assertTrue(got.contains("\"offset\":1,"), "came through the stream: " + got);
    }

    /** @return an owner-only {@code .creds} file of a new user that {@code account} signed */
    private Path credsFile(String name, NKey account, String accountKey) throws Exception {
        NKey user = NKey.createUser(null);
        String userJwt = io.nats.client.support.JwtUtils.issueUserJWT(account, accountKey, new String(user.getPublicKey()));
        Path file = tmp.resolve(name);
        Files.writeString(file, String.format(io.nats.client.support.JwtUtils.NATS_USER_JWT_FORMAT, userJwt,
                new String(user.getSeed())), StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }
}
