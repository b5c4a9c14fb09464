package dev.realtimeharness.run;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which dispatcher socket joins which topic: the broadcast publisher's pool. A WebSocket broadcast needs a joined
 * topic on the socket that sends it, and a socket may join at most {@code maxChannelsPerClient} topics (the tenant's
 * limit, 100 by default), so the distinct topics the publisher sends to are packed onto the pool's sockets.
 *
 * <p>Topics are taken driver by driver, in order (a topic two drivers share is placed once, with the first), and each
 * socket is filled towards an even share of what is left. A driver's topics stay on one socket where they fit: a
 * driver that would overshoot the share goes whole to this socket or the next, whichever keeps the sockets closer to
 * even, as long as the remaining sockets can still hold the rest; otherwise it is split at the share. So one probe is
 * sent on one socket, unless its driver has more topics than a socket may join or a split was the only way to fit.
 */
final class DispatchPlan {
    private final List<List<String>> topicsOfSocket;
    private final Map<String, Integer> socketOfTopic;

    private DispatchPlan(List<List<String>> topicsOfSocket, Map<String, Integer> socketOfTopic) {
        this.topicsOfSocket = topicsOfSocket;
        this.socketOfTopic = socketOfTopic;
    }

    /** The fewest sockets that hold {@code topics} at {@code limit} topics a socket (at least 1). */
    static int fewestSockets(long topics, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("a socket must be allowed at least 1 channel, got " + limit);
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (topics + limit - 1) / limit));
    }

    /**
     * Packs the distinct topics of {@code topicsOfDriver} onto {@code sockets} sockets (null: the fewest that hold
     * them), at most {@code limit} a socket. More sockets than topics leaves the extra ones out: every socket of the
     * plan joins at least one topic.
     *
     * @throws IllegalArgumentException when {@code sockets} × {@code limit} cannot hold the topics
     */
    static DispatchPlan pack(List<List<String>> topicsOfDriver, Integer sockets, int limit) {
        Set<String> seen = new LinkedHashSet<>();
        List<List<String>> groups = new ArrayList<>(topicsOfDriver.size());
        for (List<String> topics : topicsOfDriver) {
            List<String> fresh = new ArrayList<>();
            for (String t : topics) {
                if (seen.add(t)) {
                    fresh.add(t);
                }
            }
            if (!fresh.isEmpty()) {
                groups.add(fresh);
            }
        }
        long total = seen.size();
        int k = sockets == null ? fewestSockets(total, limit) : sockets;
        if (k < 1) {
            throw new IllegalArgumentException("the pool needs at least 1 socket, got " + k);
        }
        if ((long) k * limit < total) {
            throw new IllegalArgumentException(k + " sockets of at most " + limit + " channels each cannot hold "
                    + total + " topics");
        }
        return new Packer(k, limit, total).pack(groups);
    }

    /** Sockets in the pool, each joined to at least one topic. */
    int sockets() {
        return topicsOfSocket.size();
    }

    /** The topics socket {@code socket} joins, in the order they were packed. */
    List<String> topicsOf(int socket) {
        return topicsOfSocket.get(socket);
    }

    /** The socket that joins {@code topic}, -1 when none does. */
    int socketOf(String topic) {
        Integer s = socketOfTopic.get(topic);
        return s == null ? -1 : s;
    }

    /** Distinct topics in the pool. */
    int topics() {
        return socketOfTopic.size();
    }

    // Fills socket after socket; see the class comment for the rule.
    private static final class Packer {
        private final int sockets;
        private final int limit;
        private final List<List<String>> bySocket = new ArrayList<>();
        private final Map<String, Integer> socketOf = new HashMap<>();
        private long unplaced;
        private List<String> current = new ArrayList<>();

        Packer(int sockets, int limit, long total) {
            this.sockets = sockets;
            this.limit = limit;
            this.unplaced = total;
        }

        DispatchPlan pack(List<List<String>> groups) {
            for (List<String> group : groups) {
                int i = 0;
                while (i < group.size()) {
                    int left = group.size() - i;
                    int size = current.size();
                    int remainingSockets = sockets - bySocket.size();
                    if (remainingSockets == 1) { // the last socket: it holds the rest (checked up front)
                        i = place(group, i, left);
                        continue;
                    }
                    long share = (unplaced + size + remainingSockets - 1) / remainingSockets;
                    long laterCapacity = (long) (remainingSockets - 1) * limit;
                    if (size + left <= share) {
                        i = place(group, i, left);
                    } else if (size + left <= limit && unplaced - left <= laterCapacity
                            && size + left - share <= share - size) {
                        i = place(group, i, left); // whole, a little over the share
                    } else if (size >= share || size > 0 && left <= limit && unplaced <= laterCapacity) {
                        close(); // whole, on the next socket
                    } else {
                        i = place(group, i, (int) (share - size)); // split at the share
                        close();
                    }
                }
            }
            if (!current.isEmpty()) {
                close();
            }
            return new DispatchPlan(List.copyOf(bySocket), socketOf);
        }

        private int place(List<String> group, int from, int n) {
            int socket = bySocket.size();
            for (int j = from; j < from + n; j++) {
                current.add(group.get(j));
                socketOf.put(group.get(j), socket);
            }
            unplaced -= n;
            return from + n;
        }

        private void close() {
            bySocket.add(List.copyOf(current));
            current = new ArrayList<>();
        }
    }
}
