/**
 * Support shared by the tests of several modules and by the benchmark: the sample
 * captures, pcap concatenation and the headless browser. Not part of any runtime.
 */
package netdumplings.testing;
