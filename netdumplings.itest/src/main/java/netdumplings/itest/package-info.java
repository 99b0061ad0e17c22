/** In-framework integration tests; nothing here is exported. */
package netdumplings.itest;
