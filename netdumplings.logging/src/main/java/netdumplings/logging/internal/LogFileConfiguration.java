package netdumplings.logging.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The log file's configuration (PID {@value LogFileWriter#PID}). Where the file is comes
 * from the launcher (framework property {@value LogFileWriter#FILE_PROPERTY}:
 * {@code run/<kind>/<n>/netdumplings.log}); the levels are Log Admin's (PID
 * {@code org.osgi.service.log.admin}), which {@link #levels()} only starts.
 */
@ObjectClassDefinition(name = "netdumplings log file",
        description = "The runtime's log file: appended, rotated by size, readable by its owner only.")
public @interface LogFileConfiguration {

    /** Size past which the file is rotated. Default 10 MiB. */
    @AttributeDefinition(name = "Maximum file size", min = "1",
            description = "Bytes past which netdumplings.log is rotated to netdumplings.log.1 (default 10485760, 10 MiB).")
    long maxFileSize() default 10L * 1024 * 1024;

    /** How many files are kept, the current one included. Default 5. */
    @AttributeDefinition(name = "Files kept", min = "1",
            description = "How many files are kept, netdumplings.log included (default 5).")
    int maxFiles() default 5;

    /**
     * The levels Log Admin's configuration (PID {@code org.osgi.service.log.admin}) starts
     * with when it has none: {@code logger=LEVEL}, {@code ROOT} for every logger.
     */
    @AttributeDefinition(name = "Initial levels",
            description = "logger=LEVEL pairs written to Log Admin's configuration (org.osgi.service.log.admin) "
                    + "when it has none; change levels there afterwards (ROOT: every logger).")
    String[] initialLevels() default {"org.eclipse.jetty=WARN", "org.pcap4j=WARN",
            "org.apache.felix.webconsole=ERROR"};
}
