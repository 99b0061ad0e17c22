package netdumplings.kitchen.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import netdumplings.api.DumplingChef;

/**
 * One kitchen per factory configuration of PID {@code netdumplings.kitchen}: runs a
 * {@link Kitchen} with the configured capture and hub, fed by every selected
 * {@link DumplingChef} service. Chefs come and go while it captures; a PROTOTYPE-scoped
 * chef gets an instance of its own in each kitchen, released when it goes away.
 * <p>
 * When capture cannot start, it logs one line; with the framework property
 * {@code netdumplings.exit.on.failure=true} it also prints the line to stderr, prefixed
 * with {@code nd-sniff: }, and exits the JVM with status 1.
 */
@Component(configurationPid = KitchenComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = KitchenConfiguration.class, factory = true)
public class KitchenComponent {

    /** The factory configuration PID. */
    public static final String PID = "netdumplings.kitchen";
    /** Framework property: exit the JVM with status 1 when capture fails (command-line launchers). */
    public static final String EXIT_ON_FAILURE_PROPERTY = "netdumplings.exit.on.failure";
    /** The sample capture bundled in this jar, replayed by {@code fallback_to_sample}. */
    static final String SAMPLE_RESOURCE = "sample-many-protocols.pcap";
    /** Longest pause honoured when replaying the sample. */
    static final Duration SAMPLE_MAX_GAP = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(KitchenComponent.class);

    /** A chef service seen by this component, with its instance if selected. */
    private static final class BoundChef {
        final ComponentServiceObjects<DumplingChef> objects;
        DumplingChef chef;

        BoundChef(ComponentServiceObjects<DumplingChef> objects) {
            this.objects = objects;
        }
    }

    private final Map<ServiceReference<DumplingChef>, BoundChef> bound = new LinkedHashMap<>();
    private KitchenConfiguration config;
    private Kitchen kitchen;
    private boolean exitOnFailure;
    private Path sampleCopy;

    @Activate
    synchronized void activate(BundleContext context, KitchenConfiguration config) {
        this.config = config;
        this.exitOnFailure = Boolean.parseBoolean(context.getProperty(EXIT_ON_FAILURE_PROPERTY));
        Kitchen.Builder builder = builder(config);
        if (!config.pcap().isBlank()) {
            builder.pcapFile(Path.of(config.pcap().trim())).speed(config.speed()).loop(config.loop());
        }
        kitchen = builder.build();
        for (BoundChef b : bound.values()) {
            feed(b);
        }
        try {
            kitchen.start();
        } catch (Kitchen.CaptureOpenException e) {
            if (e.permissionDenied() && config.fallback__to__sample() && config.pcap().isBlank()) {
                LOG.warn("kitchen {}: {}; to capture live run as root or `setcap cap_net_raw,cap_net_admin=eip` "
                        + "on the java binary. Replaying the bundled sample capture instead.",
                        config.kitchen__name(), e.getMessage());
                startSample();
            } else {
                failed(e.getMessage());
            }
        } catch (RuntimeException e) {
            failed(String.valueOf(e.getMessage()));
        }
    }

    private Kitchen.Builder builder(KitchenConfiguration c) {
        return Kitchen.builder()
                .name(c.kitchen__name())
                .liveInterface(c.interface$())
                .filter(c.filter())
                .pokeInterval(Duration.ofNanos((long) (c.poke__interval() * 1e9)))
                .snaplen(c.snaplen())
                .promiscuous(c.promiscuous())
                .hub(c.hub())
                .onFailure(this::failed);
    }

    private void startSample() {
        try {
            sampleCopy = Files.createTempFile("netdumplings-sample-", ".pcap");
            try (InputStream in = KitchenComponent.class.getResourceAsStream(SAMPLE_RESOURCE)) {
                if (in == null) {
                    throw new IOException("resource " + SAMPLE_RESOURCE + " missing from the bundle");
                }
                Files.copy(in, sampleCopy, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            failed("cannot extract the sample capture: " + e.getMessage());
            return;
        }
        List<DumplingChef> chefs = kitchen.chefs();
        kitchen.close();
        // The sample spans years between some packets: cap the gaps so it keeps flowing.
        Kitchen.Builder b = builder(config).pcapFile(sampleCopy).speed(1.0).loop(0)
                .maxGap(SAMPLE_MAX_GAP);
        chefs.forEach(b::chef);
        kitchen = b.build();
        try {
            kitchen.start();
        } catch (RuntimeException e) {
            failed(e.getMessage());
        }
    }

    private void failed(String message) {
        LOG.error("kitchen {}: {}", config.kitchen__name(), message);
        if (exitOnFailure) {
            System.err.println("nd-sniff: " + message);
            // Not on a DS or capture thread: System.exit waits for the framework to stop.
            Thread exit = new Thread(() -> System.exit(1), "nd-sniff-exit");
            exit.start();
        }
    }

    @Deactivate
    synchronized void deactivate() {
        if (kitchen != null) {
            kitchen.close();
            kitchen = null;
        }
        for (BoundChef b : bound.values()) {
            release(b);
        }
        if (sampleCopy != null) {
            try {
                Files.deleteIfExists(sampleCopy);
            } catch (IOException e) {
                // A temporary file: harmless.
            }
        }
    }

    @Reference(service = DumplingChef.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unbindChef")
    synchronized void bindChef(ComponentServiceObjects<DumplingChef> objects) {
        BoundChef b = new BoundChef(objects);
        bound.put(objects.getServiceReference(), b);
        if (kitchen != null) {
            feed(b);
        }
    }

    synchronized void unbindChef(ComponentServiceObjects<DumplingChef> objects) {
        BoundChef b = bound.remove(objects.getServiceReference());
        if (b != null) {
            release(b);
        }
    }

    /** Gets the chef's instance and feeds it, if the configuration selects it. */
    private void feed(BoundChef b) {
        if (b.chef != null) {
            return;
        }
        DumplingChef chef = b.objects.getService();
        if (chef == null) {
            return;
        }
        ServiceReference<DumplingChef> reference = b.objects.getServiceReference();
        String bsn = reference.getBundle() == null ? null : reference.getBundle().getSymbolicName();
        if (!ChefSelection.of(config.chefs(), config.chef__modules()).selects(chef, bsn)) {
            b.objects.ungetService(chef);
            return;
        }
        b.chef = chef;
        kitchen.addChef(chef);
        LOG.info("kitchen {}: feeding chef {} ({})", config.kitchen__name(), chef.name(), chef.getClass().getName());
    }

    private void release(BoundChef b) {
        DumplingChef chef = b.chef;
        if (chef == null) {
            return;
        }
        b.chef = null;
        if (kitchen != null) {
            kitchen.removeChef(chef);
        }
        try {
            b.objects.ungetService(chef);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // The service or this component is already gone.
        }
    }
}
