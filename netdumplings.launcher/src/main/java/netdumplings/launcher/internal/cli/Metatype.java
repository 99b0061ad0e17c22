package netdumplings.launcher.internal.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.ListResourceBundle;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The defaults and descriptions of the runtime's configuration types, read from the
 * Metatype documents of the bundles inside the exported runtime jar (what bnd generates
 * from the {@code @ObjectClassDefinition} types): the one place they are written. An
 * option names its setting with {@code descriptionKey = "<ocd>.<field>"}, e.g.
 * {@code hub.in_port}; its help text and default then come from there.
 */
final class Metatype implements IDefaultValueProvider {

    /** OCD documents by short name: {@code hub}, {@code kitchen}. */
    static final Map<String, String> DOCUMENTS = Map.of(
            "hub", "OSGI-INF/metatype/netdumplings.hub.internal.HubConfiguration.xml",
            "kitchen", "OSGI-INF/metatype/netdumplings.kitchen.internal.KitchenConfiguration.xml");

    private final Map<String, String> defaults = new HashMap<>();
    private final Map<String, String> descriptions = new HashMap<>();

    /**
     * @param runtimeJar the exported runtime (its bundles are under {@code jar/})
     * @throws IOException if it cannot be read
     */
    Metatype(Path runtimeJar) throws IOException {
        try (JarFile jar = new JarFile(runtimeJar.toFile())) {
            for (JarEntry entry : java.util.Collections.list(jar.entries())) {
                if (entry.getName().startsWith("jar/netdumplings.") && entry.getName().endsWith(".jar")) {
                    try (JarInputStream bundle = new JarInputStream(jar.getInputStream(entry))) {
                        for (JarEntry inner; (inner = bundle.getNextJarEntry()) != null;) {
                            for (Map.Entry<String, String> doc : DOCUMENTS.entrySet()) {
                                if (inner.getName().equals(doc.getValue())) {
                                    read(doc.getKey(), bundle);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private void read(String prefix, InputStream xml) throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            NodeList ads = factory.newDocumentBuilder().parse(new NonClosing(xml)).getElementsByTagName("AD");
            for (int i = 0; i < ads.getLength(); i++) {
                Element ad = (Element) ads.item(i);
                String key = prefix + "." + ad.getAttribute("id");
                // Metatype escapes spaces and commas in defaults with a backslash.
                defaults.put(key, ad.getAttribute("default").replaceAll("\\\\(.)", "$1"));
                descriptions.put(key, ad.getAttribute("description"));
            }
        } catch (javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException e) {
            throw new IOException("unreadable Metatype document: " + e.getMessage(), e);
        }
    }

    /**
     * @param key {@code <ocd>.<field>}
     * @return its default, as text; null if there is no such setting
     */
    String defaultOf(String key) {
        return defaults.get(key);
    }

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (argSpec instanceof OptionSpec option && option.descriptionKey() != null
                && !option.descriptionKey().isEmpty()) {
            String value = defaults.get(option.descriptionKey());
            // An empty default (no file, no list) is no value at all.
            return value == null || value.isEmpty() ? null : value;
        }
        return null;
    }

    /** @return the descriptions as a resource bundle for picocli, with the default appended */
    ResourceBundle descriptions() {
        Object[][] contents = descriptions.entrySet().stream()
                // Most descriptions name their default already.
                .map(e -> new Object[] {e.getKey(), e.getValue() + (defaults.get(e.getKey()).isEmpty()
                        || e.getValue().toLowerCase(java.util.Locale.ROOT).contains("default") ? ""
                        : " Default: ${DEFAULT-VALUE}.")})
                .toArray(Object[][]::new);
        return new ListResourceBundle() {
            @Override
            protected Object[][] getContents() {
                return contents;
            }
        };
    }

    /** The XML parser closes its input: not the bundle stream, which has more entries. */
    private static final class NonClosing extends java.io.FilterInputStream {
        NonClosing(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
        }
    }
}
