package netdumplings.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What some processes spent over one phase: CPU time (from {@link ProcessHandle.Info}), the
 * part of it in the kernel ({@code stime} of {@code /proc/PID/stat}, in clock ticks of
 * 10 ms) and context switches (the sum over their threads of Linux's
 * {@code voluntary_ctxt_switches} and {@code nonvoluntary_ctxt_switches} in
 * {@code /proc/PID/task/TID/status}); 0 where {@code /proc} cannot tell. On a machine with few cores a pipeline of processes that each
 * wake up for every dumpling can be bound by the wake-ups rather than by the work: these
 * figures show which process took what.
 */
final class ProcessLoad {

    private final Map<String, Long> pids;
    private final Map<String, long[]> start;
    private final long startNanos = System.nanoTime();

    /** "label/thread name/tid" -> CPU ticks (user + kernel) at the start. */
    private final Map<String, Long> threadsAtStart;

    private ProcessLoad(Map<String, Long> pids) {
        this.pids = pids;
        this.start = read(pids);
        this.threadsAtStart = threadTicks(pids);
    }

    /** A process to measure, by the label the figures give it. */
    record Measured(String label, long pid) {
        /** @return this JVM, the bench's own process */
        static Measured self(String label) {
            return new Measured(label, ProcessHandle.current().pid());
        }
    }

    /** Starts measuring the processes, in the order given. */
    static ProcessLoad start(List<Measured> processes) {
        Map<String, Long> pids = new LinkedHashMap<>();
        for (Measured m : processes) {
            pids.put(m.label(), m.pid());
        }
        return new ProcessLoad(pids);
    }

    /**
     * @param dumplings dumplings that went through the pipeline meanwhile
     * @return one line: each process's cores (CPU seconds per second) and context switches
     *         per dumpling, and the total
     */
    String since(long dumplings) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        Map<String, long[]> now = read(pids);
        List<String> parts = new ArrayList<>();
        double cores = 0;
        double switches = 0;
        for (Map.Entry<String, long[]> e : now.entrySet()) {
            long[] before = start.get(e.getKey());
            if (before == null) {
                continue;
            }
            double c = (e.getValue()[0] - before[0]) / 1e9 / seconds;
            double s = (double) (e.getValue()[1] - before[1]) / Math.max(1, dumplings);
            double kernel = (e.getValue()[2] - before[2]) / TICKS_PER_SECOND / seconds;
            cores += c;
            switches += s;
            parts.add(String.format(Locale.ROOT, "%s %.2f (kernel %.2f; %.1f)", e.getKey(), c, kernel, s));
        }
        return String.format(Locale.ROOT, "cores used (in the kernel; context switches per dumpling): %s; total %.2f of %d (%.1f)",
                String.join(", ", parts), cores, Runtime.getRuntime().availableProcessors(), switches);
    }

    /**
     * @param n how many
     * @return one line: the threads of all the processes that used the most CPU since the
     *         start, each with its process and share of a core (10 ms resolution). It tells,
     *         say, a JIT compiler or a single busy thread from a load spread thin.
     */
    String busiestThreads(int n) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        Map<String, Long> now = threadTicks(pids);
        List<String> busiest = now.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - threadsAtStart.getOrDefault(e.getKey(), 0L)))
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(n)
                .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey().substring(0, e.getKey().lastIndexOf('/')),
                        e.getValue() / TICKS_PER_SECOND / seconds))
                .toList();
        return "busiest threads (cores): " + String.join(", ", busiest);
    }

    private static Map<String, Long> threadTicks(Map<String, Long> pids) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : pids.entrySet()) {
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", e.getValue().toString(), "task"))) {
                for (Path task : tasks) {
                    try {
                        String stat = Files.readString(task.resolve("stat"));
                        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                        m.put(e.getKey() + " " + name + "/" + task.getFileName(), userTicks(stat) + kernelTicks(stat));
                    } catch (IOException | RuntimeException ex) {
                        // A thread that ended meanwhile.
                    }
                }
            } catch (IOException ex) {
                // A process that ended: none of its threads.
            }
        }
        return m;
    }

    private static Map<String, long[]> read(Map<String, Long> pids) {
        Map<String, long[]> m = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : pids.entrySet()) {
            ProcessHandle.of(e.getValue()).flatMap(p -> p.info().totalCpuDuration())
                    .ifPresent(cpu -> m.put(e.getKey(),
                            new long[] {cpu.toNanos(), switches(e.getValue()), kernelTicks(e.getValue())}));
        }
        return m;
    }

    /** Linux's USER_HZ, the unit of {@code /proc/PID/stat}'s times, on every architecture it runs on today. */
    private static final double TICKS_PER_SECOND = 100;

    private static long kernelTicks(long pid) {
        try {
            return kernelTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** @return utime, field 14 of a process's or thread's {@code stat} line */
    private static long userTicks(String stat) {
        return Long.parseLong(fieldsAfterName(stat)[11]);
    }

    /** @return stime, field 15 of a process's or thread's {@code stat} line */
    private static long kernelTicks(String stat) {
        return Long.parseLong(fieldsAfterName(stat)[12]);
    }

    /**
     * @return the fields after the command name (field 2, in parentheses, which may hold
     *         spaces): index 0 is field 3, the state
     */
    private static String[] fieldsAfterName(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    private static long switches(long pid) {
        long n = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.contains("ctxt_switches:")) {
                            n += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                } catch (IOException | NumberFormatException e) {
                    // A thread that ended meanwhile: its switches are gone with it.
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return n;
    }
}
