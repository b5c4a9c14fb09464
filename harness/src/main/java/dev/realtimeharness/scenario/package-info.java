/**
 * The scenario model ({@link dev.realtimeharness.scenario.Scenario} and its parts) and its loader.
 * Files are validated completely before anything starts; every error names file, line and field.
 */
package dev.realtimeharness.scenario;
