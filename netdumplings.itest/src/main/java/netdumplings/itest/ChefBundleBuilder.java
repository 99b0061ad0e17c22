package netdumplings.itest;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;

import org.osgi.framework.Bundle;

import aQute.bnd.osgi.Builder;
import aQute.bnd.osgi.Constants;
import aQute.bnd.osgi.EmbeddedResource;
import aQute.bnd.osgi.Jar;

/**
 * Builds real chef bundles at test time with bnd (the same analyser the build uses): the
 * classes of one package of the test bundle, with their Declarative Services and Metatype
 * descriptors generated from the annotations, and a chosen Bundle-Version.
 */
final class ChefBundleBuilder {

    private final Bundle source;
    private final String packageName;

    /**
     * @param source      the bundle holding the classes (this test bundle)
     * @param packageName the package to put into the chef bundle; also its symbolic name
     */
    ChefBundleBuilder(Bundle source, String packageName) {
        this.source = requireNonNull(source, "source");
        this.packageName = requireNonNull(packageName, "packageName");
    }

    /**
     * Builds the bundle into a file of {@code dir} (not the deploy directory: callers move
     * it there in one step, so File Install never sees a half-written jar).
     *
     * @return the jar written
     */
    Path build(String version, Path dir) throws Exception {
        String folder = packageName.replace('.', '/');
        try (Builder builder = new Builder(); Jar classes = new Jar(packageName + "-classes")) {
            Enumeration<URL> entries = source.findEntries(folder, "*.class", false);
            if (entries == null) {
                throw new IllegalStateException("no classes of " + packageName + " in " + source);
            }
            while (entries.hasMoreElements()) {
                URL url = entries.nextElement();
                try (InputStream in = url.openStream()) {
                    String name = url.getPath().substring(url.getPath().indexOf(folder));
                    classes.putResource(name, new EmbeddedResource(in.readAllBytes(), 0L));
                }
            }
            builder.addClasspath(classes);
            builder.setProperty(Constants.BUNDLE_SYMBOLICNAME, packageName);
            builder.setProperty(Constants.BUNDLE_VERSION, version);
            builder.setProperty(Constants.PRIVATEPACKAGE, packageName);
            builder.setProperty(Constants.DSANNOTATIONS, "*");
            builder.setProperty(Constants.METATYPE_ANNOTATIONS, "*");
            // The API is not on this builder's classpath: import it without a range.
            builder.setProperty(Constants.NOEXTRAHEADERS, "true");
            Jar jar = builder.build();
            if (!builder.isOk()) {
                throw new IllegalStateException("bnd could not build " + packageName + " " + version
                        + ": " + builder.getErrors());
            }
            if (jar.getResource("OSGI-INF/" + packageName + ".HotChef.xml") == null
                    && jar.getDirectory("OSGI-INF") == null) {
                throw new IllegalStateException("bnd generated no component descriptor: " + jar.getResources().keySet());
            }
            Path tmp = Files.createTempFile(dir, packageName + "-" + version + "-", ".jar");
            jar.write(tmp.toFile());
            return tmp;
        }
    }

    /** Moves a built jar into place in one step (replacing an older version there). */
    static void deploy(Path built, Path target) throws IOException {
        Files.move(built, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
