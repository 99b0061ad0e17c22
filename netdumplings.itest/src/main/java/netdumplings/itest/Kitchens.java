package netdumplings.itest;

import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

import netdumplings.api.management.KitchenInfo;
import netdumplings.api.management.KitchenManagement;

/** Waiting for a kitchen's management service, and for its figures, as the tests share it. */
final class Kitchens {

    private Kitchens() {
    }

    /** @return the KitchenManagement service of the kitchen of this name, awaited up to 60 s */
    static KitchenManagement awaitKitchen(BundleContext context, String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String filter = "(" + KitchenManagement.KITCHEN_NAME + "=" + name + ")";
        while (System.nanoTime() < deadline) {
            Collection<ServiceReference<KitchenManagement>> refs =
                    context.getServiceReferences(KitchenManagement.class, filter);
            if (!refs.isEmpty()) {
                return context.getService(refs.iterator().next());
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no KitchenManagement service for " + name);
    }

    /** @return the kitchen's first snapshot that is as wanted, awaited up to 60 s */
    static KitchenInfo await(KitchenManagement management, Predicate<KitchenInfo> wanted) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        KitchenInfo last = null;
        while (System.nanoTime() < deadline) {
            last = management.info();
            if (wanted.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not reached within 60 s; last: " + last);
    }
}
