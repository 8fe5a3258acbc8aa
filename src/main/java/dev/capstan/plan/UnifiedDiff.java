package dev.capstan.plan;

import java.util.ArrayList;
import java.util.List;

/** A unified diff of two texts (line-based LCS, 3 lines of context), as {@code diff -u} prints it. */
public final class UnifiedDiff {

    private static final int CONTEXT = 3;

    private UnifiedDiff() {
    }

    /** Empty when the texts are equal. */
    public static String of(String fromName, String from, String toName, String to) {
        List<String> a = from.isEmpty() ? List.of() : List.of(from.split("\n"));
        List<String> b = to.isEmpty() ? List.of() : List.of(to.split("\n"));
        List<String[]> ops = edits(a, b);
        if (ops.stream().allMatch(op -> op[0].equals(" "))) {
            return "";
        }
        StringBuilder out = new StringBuilder("--- ").append(fromName).append("\n+++ ").append(toName).append('\n');
        int i = 0;
        while (i < ops.size()) {
            if (ops.get(i)[0].equals(" ")) {
                i++;
                continue;
            }
            int start = Math.max(0, i - CONTEXT);
            int end = i;
            int quiet = 0;
            while (end < ops.size() && quiet <= 2 * CONTEXT) {
                quiet = ops.get(end)[0].equals(" ") ? quiet + 1 : 0;
                end++;
            }
            end = Math.min(ops.size(), end - Math.max(0, quiet - CONTEXT));
            int fromLine = 1;
            int toLine = 1;
            for (int k = 0; k < start; k++) {
                fromLine += ops.get(k)[0].equals("+") ? 0 : 1;
                toLine += ops.get(k)[0].equals("-") ? 0 : 1;
            }
            int fromCount = 0;
            int toCount = 0;
            for (int k = start; k < end; k++) {
                fromCount += ops.get(k)[0].equals("+") ? 0 : 1;
                toCount += ops.get(k)[0].equals("-") ? 0 : 1;
            }
            out.append("@@ -").append(fromLine).append(',').append(fromCount).append(" +").append(toLine).append(',')
                    .append(toCount).append(" @@\n");
            for (int k = start; k < end; k++) {
                out.append(ops.get(k)[0]).append(ops.get(k)[1]).append('\n');
            }
            i = end;
        }
        return out.toString();
    }

    private static List<String[]> edits(List<String> a, List<String> b) {
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String[]> ops = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.size() && j < b.size()) {
            if (a.get(i).equals(b.get(j))) {
                ops.add(new String[] {" ", a.get(i)});
                i++;
                j++;
            } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
                ops.add(new String[] {"-", a.get(i++)});
            } else {
                ops.add(new String[] {"+", b.get(j++)});
            }
        }
        while (i < a.size()) {
            ops.add(new String[] {"-", a.get(i++)});
        }
        while (j < b.size()) {
            ops.add(new String[] {"+", b.get(j++)});
        }
        return ops;
    }
}
