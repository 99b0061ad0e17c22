package netdumplings.eater;

import java.time.Duration;
import java.util.List;

import netdumplings.hub.internal.HubServer;
import netdumplings.hub.internal.HubSettings;
import netdumplings.hub.internal.federation.FederationSettings;

/**
 * A federated hub in a process of its own, for tests that kill it with SIGKILL: args NATS
 * URL and hub name; prints {@code READY <kitchen port> <eater port>} once it federates,
 * then runs until killed.
 */
public final class FederatedHubMain {

    private FederatedHubMain() {
    }

    public static void main(String[] args) throws Exception {
        HubServer hub = new HubServer(HubSettings.ephemeral().withStatusInterval(Duration.ofHours(1)),
                FederationSettings.OFF.withServers(List.of(args[0])).withHubName(args[1]));
        hub.start();
        while (!hub.isFederating()) {
            Thread.sleep(10);
        }
        System.out.println("READY " + hub.kitchenPort() + " " + hub.eaterPort());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
