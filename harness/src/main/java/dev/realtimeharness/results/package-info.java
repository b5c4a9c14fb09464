/** The run directory and the files in it: summary.json (contract.md's schema) and run.json. */
package dev.realtimeharness.results;
