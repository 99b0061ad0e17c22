/** The console's implementation: private, never exported. */
package netdumplings.console.internal;
