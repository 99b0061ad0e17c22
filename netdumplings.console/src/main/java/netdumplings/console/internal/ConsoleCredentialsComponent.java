package netdumplings.console.internal;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * No default password: when the Web Console's configuration (PID {@value #WEB_CONSOLE_PID})
 * has no {@code password}, generates a random one at the runtime's first start, stores it
 * in Config Admin (persisted with the framework's storage, so later starts find it and
 * stay silent) with the user name ({@value #DEFAULT_USER} unless one is configured), and
 * logs both once. A password set by the user (console, {@code .cfg} file) is never touched.
 */
@Component(immediate = true)
public class ConsoleCredentialsComponent {

    /** The Web Console's configuration PID. */
    static final String WEB_CONSOLE_PID = "org.apache.felix.webconsole.internal.servlet.OsgiManager";
    /** The user name stored with a generated password when none is configured. */
    static final String DEFAULT_USER = "admin";

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleCredentialsComponent.class);

    /**
     * @param configAdmin Config Admin
     * @throws IOException if the configuration cannot be read or stored
     */
    @Activate
    public ConsoleCredentialsComponent(@Reference ConfigurationAdmin configAdmin) throws IOException {
        ensurePassword(configAdmin);
    }

    /**
     * @param configAdmin Config Admin
     * @return the generated password, or null when one was configured already
     * @throws IOException if the configuration cannot be read or stored
     */
    static String ensurePassword(ConfigurationAdmin configAdmin) throws IOException {
        // "?": bound to no single bundle, so the Web Console (whichever bundle) receives it.
        Configuration configuration = configAdmin.getConfiguration(WEB_CONSOLE_PID, "?");
        Dictionary<String, Object> properties = configuration.getProperties();
        Object password = properties == null ? null : properties.get("password");
        if (password != null && !String.valueOf(password).isEmpty()) {
            return null;
        }
        Dictionary<String, Object> next = properties == null ? new Hashtable<>() : properties;
        Object user = next.get("username");
        if (user == null || String.valueOf(user).isBlank()) {
            user = DEFAULT_USER;
            next.put("username", user);
        }
        String generated = generate();
        next.put("password", generated);
        configuration.update(next);
        LOG.warn("Web Console: no password was configured, so one was generated and stored in Config Admin "
                + "(shown only this once): user \"{}\", password \"{}\". Set your own as property \"password\" "
                + "of PID {}.", user, generated, WEB_CONSOLE_PID);
        return generated;
    }

    /** @return 20 random characters (120 bits) from the URL-safe Base64 alphabet */
    static String generate() {
        byte[] bytes = new byte[15];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
