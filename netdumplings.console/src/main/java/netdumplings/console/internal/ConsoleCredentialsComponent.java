package netdumplings.console.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Dictionary;
import java.util.Hashtable;

import org.osgi.framework.BundleContext;
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
 * writes it to an owner-only file (framework property {@value #PASSWORD_FILE_PROPERTY},
 * set by bin/netdumplings, which shows it on its terminal; else this bundle's data area)
 * whose path it logs: never the password itself, since logs are kept and shared. A password
 * set by the user (console, {@code .cfg} file) is never touched.
 */
@Component(immediate = true)
public class ConsoleCredentialsComponent {

    /** The Web Console's configuration PID. */
    static final String WEB_CONSOLE_PID = "org.apache.felix.webconsole.internal.servlet.OsgiManager";
    /** The user name stored with a generated password when none is configured. */
    static final String DEFAULT_USER = "admin";
    /** Framework property: where a generated password is written (owner-only). */
    static final String PASSWORD_FILE_PROPERTY = "netdumplings.console.password.file";

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleCredentialsComponent.class);

    /**
     * @param configAdmin Config Admin
     * @throws IOException if the configuration cannot be read or stored
     */
    @Activate
    public ConsoleCredentialsComponent(BundleContext context, @Reference ConfigurationAdmin configAdmin)
            throws IOException {
        String file = context.getProperty(PASSWORD_FILE_PROPERTY);
        ensurePassword(configAdmin, file != null && !file.isBlank() ? Path.of(file)
                : context.getDataFile("console-password").toPath());
    }

    /**
     * @param configAdmin  Config Admin
     * @param passwordFile where a generated password is written, owner-only
     * @return the generated password, or null when one was configured already
     * @throws IOException if the configuration cannot be read or stored, or the file written
     */
    static String ensurePassword(ConfigurationAdmin configAdmin, Path passwordFile) throws IOException {
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
        writeOwnerOnly(passwordFile, generated + "\n");
        next.put("password", generated);
        configuration.update(next);
        LOG.warn("Web Console: no password was configured, so one was generated for user \"{}\" and written to {} "
                + "(readable by its owner only). Set your own as property \"password\" of PID {}.", user,
                passwordFile, WEB_CONSOLE_PID);
        return generated;
    }

    /** Written to a new file made owner-only before the secret goes in; replaces an old one. */
    private static void writeOwnerOnly(Path file, String text) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path temp = file.resolveSibling(file.getFileName() + ".new");
        Files.deleteIfExists(temp);
        if (temp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(temp);
        }
        Files.writeString(temp, text);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** @return 20 random characters (120 bits) from the URL-safe Base64 alphabet */
    static String generate() {
        byte[] bytes = new byte[15];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
