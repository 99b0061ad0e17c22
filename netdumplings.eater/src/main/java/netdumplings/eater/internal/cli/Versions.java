package netdumplings.eater.internal.cli;

import picocli.CommandLine.IVersionProvider;

/** The version the tools print with {@code --version}: the bundle's, from its manifest. */
public final class Versions implements IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = Versions.class.getPackage().getImplementationVersion();
        return new String[] {"${COMMAND-NAME} (netdumplings for the JVM) "
                + (version == null ? "development build" : version)};
    }
}
