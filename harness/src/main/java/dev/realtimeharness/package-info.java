/** realtime-harness: load-testing and latency gate for Supabase Realtime. */
package dev.realtimeharness;
