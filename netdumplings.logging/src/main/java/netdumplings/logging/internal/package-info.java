/**
 * The logging bundle's implementation (private, never exported): the SLF4J provider that
 * hands every record to the OSGi Log Service, and the component that writes the Log
 * Service's records to the runtime's log file.
 */
package netdumplings.logging.internal;
