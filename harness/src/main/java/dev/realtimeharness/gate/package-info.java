/** Gate limits evaluated against a run's summary into a verdict that lists every check. No I/O. */
package dev.realtimeharness.gate;
