/** The metrics endpoint's implementation: private, never exported. */
package netdumplings.metrics.internal;
