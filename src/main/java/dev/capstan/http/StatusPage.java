package dev.capstan.http;

import java.util.Collection;
import java.util.Map;

/** The small HTML page at {@code /}: one row per application. Pure rendering. */
final class StatusPage {
    private StatusPage() {
    }

    static String render(Collection<? extends ApplicationView> statuses) {
        StringBuilder rows = new StringBuilder();
        for (ApplicationView s : statuses) {
            Map<String, Object> j = s.toJson();
            Object rev = j.get("revision") instanceof Map<?, ?> r ? r.get("shortSha") + " " + r.get("subject") : "";
            rows.append("<tr><td><a href=\"/api/v1/applications/").append(esc(s.name())).append("\">").append(esc(s.name()))
                    .append("</a></td><td>").append(esc(String.valueOf(j.get("syncStatus"))))
                    .append("</td><td>").append(esc(String.valueOf(j.get("phase"))))
                    .append("</td><td>").append(esc(String.valueOf(rev)))
                    .append("</td><td>").append(esc(String.valueOf(j.get("message")))).append("</td></tr>\n");
        }
        return """
                <!doctype html><html><head><meta charset="utf-8"><title>Capstan</title>
                <style>body{font-family:sans-serif;margin:2em}td,th{padding:.3em .8em;text-align:left;border-bottom:1px solid #ddd}</style>
                </head><body><h1>Capstan</h1><table><tr><th>Application</th><th>Sync</th><th>Phase</th><th>Revision</th><th>Message</th></tr>
                """ + rows + "</table><p><a href=\"/metrics\">metrics</a> · <a href=\"/api/v1/applications\">API</a></p></body></html>\n";
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
