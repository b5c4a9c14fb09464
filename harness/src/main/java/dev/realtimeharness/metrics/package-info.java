/**
 * Measurement during a run: the probe ledger (delivered/lost/duplicate/order), HdrHistogram recorders
 * (microseconds), latency.hlog and timeline.csv writers, the hiccup meter and the CPU/heap watchdog.
 * Nothing here knows how the numbers are reported after the run.
 */
package dev.realtimeharness.metrics;
