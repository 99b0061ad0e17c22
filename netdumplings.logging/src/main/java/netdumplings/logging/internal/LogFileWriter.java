package netdumplings.logging.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Writes every record of the Log Service (ours through SLF4J, and the other bundles') to
 * the runtime's log file and, unless the launcher says otherwise, to stderr. The
 * framework's own events ({@code Events.*} loggers: "BundleEvent STARTED" and the like)
 * are written from WARN up only; Gogo's {@code log} and the Web Console show them all.
 * <p>
 * Framework properties (set by the launcher, per running instance): {@value #FILE_PROPERTY},
 * the file (none when unset), and {@value #CONSOLE_PROPERTY} {@code =false} to keep
 * records off stderr (netdumplings {@code --print}, whose terminal shows dumplings).
 */
@Component(immediate = true, service = {}, configurationPid = LogFileWriter.PID)
@Designate(ocd = LogFileConfiguration.class)
public final class LogFileWriter implements LogListener {

    static final String PID = "netdumplings.logging";
    static final String FILE_PROPERTY = "netdumplings.log.file";
    static final String CONSOLE_PROPERTY = "netdumplings.log.console";
    /** Log Admin's PID: the levels of every bundle's loggers (the root logger context). */
    static final String LOG_ADMIN_PID = "org.osgi.service.log.admin";

    private final LogReaderService reader;
    private final boolean console;
    private final LogFile file;
    private final PrintStream err = System.err;
    private boolean writeFailed;
    /** The sequence number of the last record handled (Log Service 1.4: increasing). */
    private long lastSequence = -1;
    private boolean closed;

    @Activate
    public LogFileWriter(BundleContext context, LogFileConfiguration configuration,
            @Reference LogReaderService reader,
            @Reference(cardinality = ReferenceCardinality.OPTIONAL) ConfigurationAdmin configurationAdmin)
            throws IOException {
        this.reader = reader;
        if (configurationAdmin != null) {
            initialLevels(configurationAdmin, configuration.initialLevels());
        }
        String where = context.getProperty(FILE_PROPERTY);
        file = where == null || where.isBlank() ? null
                : new LogFile(Path.of(where), configuration.maxFileSize(), configuration.maxFiles());
        console = !"false".equalsIgnoreCase(context.getProperty(CONSOLE_PROPERTY));
        reader.addLogListener(this);
    }

    /** Log Admin's configuration, when there is none yet: the initial levels. */
    private static void initialLevels(ConfigurationAdmin configurationAdmin, String[] levels) throws IOException {
        Configuration levelsConfiguration = configurationAdmin.getConfiguration(LOG_ADMIN_PID, "?");
        if (levelsConfiguration.getProperties() != null) {
            return;
        }
        Hashtable<String, Object> properties = new Hashtable<>();
        for (String level : levels) {
            int eq = level.indexOf('=');
            if (eq > 0) {
                properties.put(level.substring(0, eq).strip(), level.substring(eq + 1).strip());
            }
        }
        levelsConfiguration.update(properties);
    }

    @Modified
    void modified(LogFileConfiguration configuration) {
        if (file != null) {
            file.limits(configuration.maxFileSize(), configuration.maxFiles());
        }
    }

    /**
     * Felix Log hands records to listeners on a thread of its own, so at a stop the last
     * ones (the hub's summary) may not have come yet: they are taken from its history
     * (which keeps all but DEBUG and TRACE), after the listener is gone.
     */
    @Deactivate
    void deactivate() throws IOException {
        reader.removeLogListener(this);
        synchronized (this) {
            List<LogEntry> pending = new ArrayList<>();
            for (Enumeration<LogEntry> newestFirst = reader.getLog(); newestFirst.hasMoreElements();) {
                LogEntry entry = newestFirst.nextElement();
                if (entry.getSequence() <= lastSequence) {
                    break;
                }
                pending.add(entry);
            }
            for (int i = pending.size() - 1; i >= 0; i--) {
                logged(pending.get(i));
            }
            closed = true; // a record still on its way from the listener thread is not written
            if (file != null) {
                file.close();
            }
        }
    }

    /** Written once each, in order (the listener's and the history's at a stop). */
    @Override
    public synchronized void logged(LogEntry entry) {
        if (closed || entry.getSequence() <= lastSequence) {
            return;
        }
        lastSequence = entry.getSequence();
        String logger = entry.getLoggerName();
        if (logger != null && logger.startsWith("Events.") && !LogLevel.WARN.implies(entry.getLogLevel())) {
            return;
        }
        String text = EntryFormat.line(entry);
        if (console) {
            err.print(text);
            err.flush();
        }
        if (file != null) {
            try {
                file.write(text);
                writeFailed = false;
            } catch (IOException e) {
                if (!writeFailed) { // once per failure, not once per record
                    err.println("netdumplings: cannot write the log file: " + e.getMessage());
                    writeFailed = true;
                }
            }
        }
    }
}
