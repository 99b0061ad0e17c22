package netdumplings.bench;

import java.io.PrintStream;
import java.util.Locale;

/** Formats the command's output: section headings, aligned figures, targets with PASS/MISS. */
final class Report {

    private final PrintStream out;

    Report(PrintStream out) {
        this.out = out;
    }

    void section(String title) {
        out.println();
        out.println("== " + title + " ==");
        out.flush();
    }

    /** One figure: label, value, unit, and an optional note. */
    void figure(String label, double value, String unit, String note) {
        out.printf(Locale.ROOT, "  %-60s %14s %-14s%s%n", label, number(value), unit,
                note == null || note.isEmpty() ? "" : " " + note);
        out.flush();
    }

    /** A figure with a target: {@code atLeast} true for "value >= target", else "value < target". */
    void target(String label, double value, String unit, double target, boolean atLeast) {
        boolean pass = atLeast ? value >= target : value < target;
        figure(label, value, unit, "target " + (atLeast ? ">= " : "< ") + number(target) + "  "
                + (pass ? "PASS" : "MISS"));
    }

    void note(String text) {
        out.println("  " + text);
        out.flush();
    }

    /** Thousands separated for big numbers, 2 decimals below 100, NaN as "n/a". */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (Math.abs(v) >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
