package dev.realtimeharness.cli;

import dev.realtimeharness.pg.DbUrl;
import dev.realtimeharness.results.HistoryTable;
import dev.realtimeharness.results.RunHistory;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "history", mixinStandardHelpOptions = true,
        description = "Print the trend of the runs recorded with `harness run --history-db`: one line per run, newest"
                + " last, marking runs that FAILED their gate or REGRESSED (p99 more than --max-regression above the"
                + " previous run of the same scenario). Exit 1 when the newest run shown is marked, 0 otherwise.")
final class HistoryCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--history-db", paramLabel = "URL",
            description = "the history database, postgresql://USER:PASSWORD@HOST:PORT/DB or jdbc:postgresql://..."
                    + " (default: env HISTORY_DATABASE_URL)")
    String historyDb;

    @Option(names = "--scenario", paramLabel = "NAME", description = "only this scenario's runs (default: all)")
    String scenario;

    @Option(names = "--last", paramLabel = "N", defaultValue = "20",
            description = "how many runs to show (default: ${DEFAULT-VALUE})")
    int last;

    @Option(names = "--max-regression", paramLabel = "P", defaultValue = "10%",
            description = "the allowed increase of p99 over the previous run before it is marked REGRESSED"
                    + " (default: ${DEFAULT-VALUE})")
    String maxRegression;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String url = historyDb != null ? historyDb : System.getenv("HISTORY_DATABASE_URL");
        if (url == null || url.isBlank()) {
            err.println("harness: --history-db URL is required (or env HISTORY_DATABASE_URL)");
            return ExitCodes.BAD_INPUT;
        }
        if (last < 1) {
            err.println("harness: --last " + last + ": expected a positive number");
            return ExitCodes.BAD_INPUT;
        }
        double max;
        try {
            max = CompareCommand.parseRatio(maxRegression);
        } catch (NumberFormatException e) {
            err.println("harness: --max-regression " + maxRegression + ": expected a percentage like 10%");
            return ExitCodes.BAD_INPUT;
        }
        DbUrl db;
        try {
            db = DbUrl.parse(url);
        } catch (IllegalArgumentException e) {
            err.println("harness: --history-db: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        }
        List<RunHistory.Entry> entries;
        try {
            entries = new RunHistory(db).trend(scenario, last);
        } catch (SQLException e) {
            // The driver's messages name host and user, never the password.
            err.println("harness: --history-db " + db + ": " + e.getMessage());
            return ExitCodes.NOT_RUN;
        }
        if (entries.isEmpty()) {
            out.println("no runs recorded" + (scenario == null ? "" : " for scenario " + scenario) + " in " + db);
            out.flush();
            return ExitCodes.PASSED;
        }
        out.print(HistoryTable.format(entries, max));
        List<String> newest = HistoryTable.marks(entries.get(entries.size() - 1), max);
        out.println(newest.isEmpty() ? "newest run: no marks"
                : "newest run: " + String.join(", ", newest)
                        + (newest.contains("REGRESSED") ? " (p99 more than " + maxRegression
                                + " above the previous run)" : ""));
        out.flush();
        return newest.isEmpty() ? ExitCodes.PASSED : ExitCodes.GATE_FAILED;
    }
}
