package netdumplings.kitchen.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.framework.Bundle;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import netdumplings.api.DumplingChef;
import netdumplings.api.management.KitchenManagement;

/**
 * One kitchen per factory configuration of PID {@code netdumplings.kitchen}: runs a
 * {@link Kitchen} with the configured capture and hub, fed by every selected
 * {@link DumplingChef} service. Chefs come and go while it captures; a PROTOTYPE-scoped
 * chef gets an instance of its own in each kitchen, released when it goes away.
 * <p>
 * When capture cannot start or fails, it logs one line and shows it in
 * {@link KitchenInfo#failure()}: the failure stays in this kitchen (every packet read
 * before it is still cooked and sent), the runtime and its other kitchens go on. A
 * component never ends the process: a launcher whose only kitchen failed ends it.
 * <p>
 * A changed configuration is checked first ({@link KitchenConfigurationCheck}): an invalid
 * one is refused with an error naming the field and the kitchen keeps running with its
 * last good configuration; a valid one replaces the kitchen. While active, the component
 * registers a {@link KitchenManagement} service for the console and the Gogo commands.
 */
@Component(configurationPid = KitchenComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = KitchenConfiguration.class, factory = true)
public class KitchenComponent {

    /** The factory configuration PID. */
    public static final String PID = "netdumplings.kitchen";
    /** The sample capture bundled in this jar, replayed by {@code fallback_to_sample}. */
    static final String SAMPLE_RESOURCE = "sample-many-protocols.pcap";
    /** Longest pause honoured when replaying the sample. */
    static final Duration SAMPLE_MAX_GAP = Duration.ofSeconds(1);
    /** How long a new kitchen waits for a chef before it says it has none. */
    static final Duration NO_CHEF_GRACE = Duration.ofSeconds(5);

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
    /** Why this kitchen does not run (refused configuration, capture that cannot start), or null. */
    private String failure;
    private Path sampleCopy;
    private KitchenManagementService management;
    private ServiceRegistration<KitchenManagement> registration;

    @Activate
    synchronized void activate(BundleContext context, KitchenConfiguration config) {
        this.config = config;
        management = new KitchenManagementService(new KitchenManagementService.Owner() {
            @Override
            public Kitchen kitchen() {
                return currentKitchen();
            }

            @Override
            public KitchenConfiguration config() {
                return currentConfig();
            }

            @Override
            public Map<String, Bundle> chefBundles() {
                return fedChefBundles();
            }

            @Override
            public String failure() {
                return currentFailure();
            }
        }, new DisabledChefs(dataFile(context, "disabled-chefs.properties")));
        Optional<String> problem = KitchenConfigurationCheck.problem(config);
        if (problem.isPresent()) {
            failed("configuration refused: " + problem.get());
        } else {
            startKitchen();
        }
        registration = context.registerService(KitchenManagement.class, management, registrationProperties());
        watchForChefs();
    }

    /** @return a file of this bundle's data area, or null where the framework has none */
    private static java.nio.file.Path dataFile(BundleContext context, String name) {
        java.io.File file = context.getDataFile(name);
        return file == null ? null : file.toPath();
    }

    /**
     * The original nd-sniff exits with an error when no chef is found. Chefs are services
     * that may arrive after the kitchen (bundles in deploy/), so after a grace period a
     * kitchen cooking for nobody says so: a warning, or under a launcher, the exit.
     */
    private void watchForChefs() {
        Thread watch = new Thread(() -> {
            try {
                Thread.sleep(NO_CHEF_GRACE.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            synchronized (this) {
                if (kitchen == null || !fedChefBundles().isEmpty()) {
                    return;
                }
                String message = "no chef found (chefs: " + describe(config.chefs()) + ", chef modules: "
                        + describe(config.chef__modules()) + "); nd-sniff --chef-list lists them";
                LOG.warn("kitchen {}: {}", config.kitchen__name(), message);
            }
        }, "nd-kitchen-chef-watch");
        watch.setDaemon(true);
        watch.start();
    }

    private static String describe(String[] values) {
        return values == null || values.length == 0 ? "all" : String.join(", ", values);
    }

    /**
     * Applies a changed configuration without deactivating: checked first, refused (the
     * running kitchen keeps its configuration) when invalid.
     */
    @Modified
    synchronized void modified(KitchenConfiguration next) {
        Optional<String> problem = KitchenConfigurationCheck.problem(next);
        if (problem.isPresent()) {
            if (kitchen != null) {
                LOG.error("kitchen {}: configuration refused: {}; it keeps running with its last good configuration",
                        config.kitchen__name(), problem.get());
                return;
            }
            config = next;
            failed("configuration refused: " + problem.get());
        } else {
            stopKitchen();
            config = next;
            startKitchen();
            LOG.info("kitchen {}: configuration applied", config.kitchen__name());
        }
        if (registration != null) {
            registration.setProperties(registrationProperties());
        }
    }

    private Hashtable<String, Object> registrationProperties() {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(KitchenManagement.KITCHEN_NAME, config.kitchen__name());
        return props;
    }

    synchronized Kitchen currentKitchen() {
        return kitchen;
    }

    synchronized KitchenConfiguration currentConfig() {
        return config;
    }

    synchronized Map<String, Bundle> fedChefBundles() {
        Map<String, Bundle> result = new HashMap<>();
        for (Map.Entry<ServiceReference<DumplingChef>, BoundChef> e : bound.entrySet()) {
            DumplingChef chef = e.getValue().chef;
            if (chef != null && e.getKey().getBundle() != null) {
                result.put(chef.getClass().getName(), e.getKey().getBundle());
            }
        }
        return result;
    }

    /** Builds and starts the kitchen of the current (checked) configuration with the selected chefs. */
    private void startKitchen() {
        failure = null;
        Kitchen.Builder builder = builder(config);
        if (!config.pcap().isBlank()) {
            builder.pcapFile(Path.of(config.pcap().trim())).speed(config.speed()).loop(config.loop());
            if (config.max__gap() > 0) {
                builder.maxGap(Duration.ofNanos(Math.round(config.max__gap() * 1e9)));
            }
        }
        kitchen = builder.build();
        for (BoundChef b : bound.values()) {
            feed(b);
        }
        management.applyDisabled(kitchen);
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
                .pokeInterval(Duration.ofNanos((long) (Math.max(KitchenConfigurationCheck.MIN_POKE_SECONDS,
                        c.poke__interval()) * 1e9)))
                .snaplen(c.snaplen())
                .promiscuous(c.promiscuous())
                .hub(c.hub())
                .hubToken(c.hub__token());
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
        management.applyDisabled(kitchen);
        try {
            kitchen.start();
        } catch (RuntimeException e) {
            failed(e.getMessage());
        }
    }

    /** A kitchen that could not start: logged once, shown by {@link KitchenManagement}. */
    private void failed(String message) {
        failure = message;
        LOG.error("kitchen {}: {}", config.kitchen__name(), message);
    }

    synchronized String currentFailure() {
        return failure;
    }

    @Deactivate
    synchronized void deactivate() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException e) {
                // Already gone with the bundle.
            }
            registration = null;
        }
        stopKitchen();
    }

    /** Stops the kitchen and releases every chef instance (a new kitchen selects them again). */
    private void stopKitchen() {
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
            sampleCopy = null;
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
        for (BoundChef other : bound.values()) {
            if (other != b && other.chef != null && other.chef.name().equals(chef.name())) {
                // Typically two versions of one chef bundle in deploy/: both cook, under one name.
                ServiceReference<DumplingChef> o = other.objects.getServiceReference();
                LOG.warn("kitchen {}: two bundles offer a chef named {}: {} and {}; both are fed, and their "
                        + "dumplings carry the same chef name (remove one of the bundles)", config.kitchen__name(),
                        chef.name(), describe(reference), describe(o));
            }
        }
        b.chef = chef;
        kitchen.addChef(chef);
        management.applyDisabled(kitchen);
        LOG.info("kitchen {}: feeding chef {} ({})", config.kitchen__name(), chef.name(), chef.getClass().getName());
    }

    private static String describe(ServiceReference<?> reference) {
        org.osgi.framework.Bundle bundle = reference == null ? null : reference.getBundle();
        return bundle == null ? "a bundle gone" : bundle.getSymbolicName() + " " + bundle.getVersion();
    }

    private void release(BoundChef b) {
        DumplingChef chef = b.chef;
        if (chef == null) {
            return;
        }
        b.chef = null;
        if (kitchen != null) {
            kitchen.removeChef(chef);
            LOG.info("kitchen {}: stopped feeding chef {} ({})", config.kitchen__name(), chef.name(),
                    chef.getClass().getName());
        }
        try {
            b.objects.ungetService(chef);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // The service or this component is already gone.
        }
    }
}
