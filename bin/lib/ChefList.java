import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * nd-sniff --chef-list: the chefs the bundles of a runtime jar and of deploy/ declare,
 * read from their Declarative Services descriptors (components that provide
 * netdumplings.api.DumplingChef), grouped by bundle. Run as a single-file program:
 * java ChefList.java RUNTIME.jar [DEPLOY_DIR].
 */
public class ChefList {
    private static final Pattern COMPONENT = Pattern.compile("<(?:\\w+:)?component\\b.*?</(?:\\w+:)?component>",
            Pattern.DOTALL);
    private static final Pattern IMPLEMENTATION = Pattern.compile("<implementation\\s+class=\"([^\"]+)\"");
    private static final Pattern PROVIDES_CHEF = Pattern
            .compile("<provide\\s+interface=\"netdumplings\\.api\\.DumplingChef\"");

    public static void main(String[] args) throws IOException {
        Map<String, TreeSet<String>> chefs = new TreeMap<>();
        try (InputStream in = Files.newInputStream(Path.of(args[0])); JarInputStream runtime = new JarInputStream(in)) {
            for (JarEntry e; (e = runtime.getNextJarEntry()) != null;) {
                if (e.getName().endsWith(".jar")) {
                    scan(new JarInputStream(runtime), e.getName(), chefs);
                }
            }
        }
        if (args.length > 1 && Files.isDirectory(Path.of(args[1]))) {
            try (DirectoryStream<Path> jars = Files.newDirectoryStream(Path.of(args[1]), "*.jar")) {
                for (Path jar : jars) {
                    try (InputStream in = Files.newInputStream(jar)) {
                        scan(new JarInputStream(in), jar.getFileName().toString(), chefs);
                    }
                }
            }
        }
        if (chefs.isEmpty()) {
            System.out.println("no chefs found");
        }
        chefs.forEach((bundle, names) -> {
            System.out.println(bundle);
            names.forEach(name -> System.out.println("  " + name));
        });
    }

    // Does not close the stream: a nested jar is read from its enclosing jar's stream.
    private static void scan(JarInputStream jar, String fallbackName, Map<String, TreeSet<String>> chefs)
            throws IOException {
        String bundle = fallbackName;
        if (jar.getManifest() != null) {
            String bsn = jar.getManifest().getMainAttributes().getValue("Bundle-SymbolicName");
            if (bsn != null) {
                bundle = bsn.split(";")[0].trim();
            }
        }
        List<String> found = new ArrayList<>();
        for (JarEntry e; (e = jar.getNextJarEntry()) != null;) {
            if (e.getName().startsWith("OSGI-INF/") && e.getName().endsWith(".xml")) {
                String xml = new String(jar.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                Matcher component = COMPONENT.matcher(xml);
                while (component.find()) {
                    Matcher impl = IMPLEMENTATION.matcher(component.group());
                    if (PROVIDES_CHEF.matcher(component.group()).find() && impl.find()) {
                        String cls = impl.group(1);
                        found.add(cls.substring(cls.lastIndexOf('.') + 1) + "  (" + cls + ")");
                    }
                }
            }
        }
        if (!found.isEmpty()) {
            chefs.computeIfAbsent(bundle, b -> new TreeSet<>()).addAll(found);
        }
    }
}
