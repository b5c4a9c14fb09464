package dev.realtimeharness.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The harness CLI. The only place that calls {@link System#exit}. */
@Command(name = "harness", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Load-testing and latency gate for Supabase Realtime.",
        subcommands = {RunCommand.class, TargetCommand.class, ValidateCommand.class, GateCommand.class,
            CompareCommand.class, ReportCommand.class, HistoryCommand.class, MergeCommand.class,
            BenchCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the run finished and every gate check passed",
            "1:the run finished and at least one gate check failed",
            "2:bad input (unknown command or flag, invalid scenario, missing credentials)",
            "3:the run could not be carried out (target unreachable, every connection refused, target failed);"
                + " gate: the run never finished",
            "4:interrupted or aborted early; partial results are written"})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final PrintStream out;
    private final PrintStream err;

    private Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(execute(args, System.out, System.err));
    }

    /** Runs the CLI on System.out and System.err and returns the exit code. */
    public static int execute(String... args) {
        return execute(args, System.out, System.err);
    }

    /**
     * Runs the CLI and returns the exit code: everything it prints, picocli's help and errors included, goes to
     * {@code out} and {@code err} (tests call this instead of {@link #main}). The streams are flushed, not closed.
     */
    public static int execute(String[] args, PrintStream out, PrintStream err) {
        return commandLine(out, err).execute(args);
    }

    static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new Main(out, err));
        // Set before anything else so that every subcommand's CommandLine inherits them.
        cl.setOut(writer(out));
        cl.setErr(writer(err));
        cl.setExitCodeExceptionMapper(t -> ExitCodes.NOT_RUN);
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("harness: " + ex.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
            return ExitCodes.BAD_INPUT;
        });
        return cl;
    }

    /** Where commands print their results; the same stream as picocli's {@code getOut()}. */
    PrintStream out() {
        return out;
    }

    /** Where commands print their errors; the same stream as picocli's {@code getErr()}. */
    PrintStream err() {
        return err;
    }

    // Hands every character to the stream as it comes, so text printed through picocli's writer and through the
    // stream keeps its order and is encoded with the stream's own charset.
    private static PrintWriter writer(PrintStream stream) {
        return new PrintWriter(new Writer() {
            @Override
            public void write(char[] chars, int offset, int length) {
                stream.print(new String(chars, offset, length));
            }

            @Override
            public void flush() {
                stream.flush();
            }

            @Override
            public void close() {
                // The caller owns the stream.
                stream.flush();
            }
        }, true);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: run, target,"
                + " validate, gate, compare, report, history or merge");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"realtime-harness " + dev.realtimeharness.results.RunInfoWriter.harnessVersion()};
        }
    }
}
