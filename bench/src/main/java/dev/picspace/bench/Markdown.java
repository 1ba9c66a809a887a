package dev.picspace.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A markdown table built row by row, printed once complete. */
final class Markdown {
    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();

    Markdown(String... header) { this.header = header; }

    Markdown row(Object... cells) {
        String[] r = new String[header.length];
        for (int i = 0; i < r.length; i++) r[i] = i < cells.length ? text(cells[i]) : "";
        rows.add(r);
        return this;
    }

    void print(PrintStream out) {
        out.println("| " + String.join(" | ", header) + " |");
        StringBuilder rule = new StringBuilder("|");
        for (int i = 0; i < header.length; i++) rule.append(" --- |");
        out.println(rule);
        for (String[] r : rows) out.println("| " + String.join(" | ", r) + " |");
        out.println();
    }

    private static String text(Object o) {
        if (o == null) return "";
        if (o instanceof Double d) return number(d);
        return o.toString().replace("|", "\\|");
    }

    /** Three significant figures, never scientific notation: what a reader compares at a glance. */
    static String number(double d) {
        if (Double.isNaN(d)) return "n/a";
        double a = Math.abs(d);
        String f = a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, f, d);
    }

    static String ratio(double numerator, double denominator) {
        return denominator == 0 || Double.isNaN(numerator) || Double.isNaN(denominator) ? "n/a"
                : String.format(Locale.ROOT, "%.2f×", numerator / denominator);
    }
}
