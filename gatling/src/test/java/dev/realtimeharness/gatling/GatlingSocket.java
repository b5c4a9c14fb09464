package dev.realtimeharness.gatling;

import io.gatling.javaapi.core.Session;
import java.lang.reflect.Field;

/**
 * Whether a virtual user's WebSocket is still open. Gatling 3.16 notices a close from the server (or a socket error)
 * only in its WebSocket state machine and tells the simulation nothing until the next send fails; a driver app's
 * socket (phoenix.js) hears of it at once and reconnects. So this reads the state machine's current state: the
 * socket is gone when it is WsCrashedState (closed by the server or failed) or WsClosedState.
 *
 * <p>The state is a private field of Gatling's {@code WsFsm}: pinned to the Gatling version of this module's pom;
 * {@link #check()} runs when the simulation loads, so a Gatling upgrade that renames it fails loudly at once instead of
 * silently never reconnecting. The field is written on the socket's event loop, which is also the virtual user's, so
 * reading it from the user's actions sees the latest state.
 */
final class GatlingSocket {
    /** The session attribute the simulation's WebSocket is kept under (every ws action names it). */
    static final String NAME = "driverSocket";

    private static final String FSM_CLASS = "io.gatling.http.action.ws.fsm.WsFsm";
    private static final Field STATE = stateField();

    private GatlingSocket() {
    }

    private static Field stateField() {
        try {
            Field f = Class.forName(FSM_CLASS).getDeclaredField("currentState");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("this Gatling version keeps its WebSocket state elsewhere (" + FSM_CLASS
                    + ".currentState: " + e + "); the simulation cannot see a socket close and would never reconnect",
                    e);
        }
    }

    /** Fails when this Gatling version cannot be read (see the class comment). */
    static void check() {
        if (STATE == null) {
            throw new IllegalStateException("no WebSocket state field");
        }
    }

    /** True when the user has a WebSocket and Gatling holds it as closed or crashed. */
    static boolean lost(Session session) {
        if (!session.contains(NAME)) {
            return false;
        }
        Object fsm = session.get(NAME);
        try {
            Object state = STATE.get(fsm);
            String name = state == null ? "" : state.getClass().getSimpleName();
            return name.equals("WsCrashedState") || name.equals("WsClosedState");
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read Gatling's WebSocket state", e);
        }
    }
}
