package dev.capstan.http;

import java.util.Collection;
import java.util.Map;

/**
 * The page at {@code /}: a shell that lists the applications as the server sees them now
 * (readable without JavaScript, and by curl), which {@code /ui/capstan.js} then keeps live
 * and turns into per-application pages. Pure rendering; every value is escaped.
 */
final class StatusPage {

    /** Same-origin scripts, styles and requests only: no inline code, no external assets, no framing. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private StatusPage() {
    }

    static String render(Collection<? extends ApplicationView> statuses) {
        StringBuilder rows = new StringBuilder();
        for (ApplicationView s : statuses) {
            Map<String, Object> j = s.toJson();
            Object rev = j.get("revision") instanceof Map<?, ?> r ? r.get("shortSha") + " " + r.get("subject") : "";
            rows.append("<tr data-app=\"").append(esc(s.name())).append("\"><td><a class=\"app-link\" href=\"#/apps/")
                    .append(esc(s.name())).append("\">").append(esc(s.name()))
                    .append("</a></td><td>").append(esc(String.valueOf(j.get("syncStatus"))))
                    .append("</td><td>").append(esc(String.valueOf(j.get("healthStatus"))))
                    .append("</td><td>").append(esc(String.valueOf(rev)))
                    .append("</td><td>").append(esc(String.valueOf(j.get("phase"))))
                    .append("</td><td class=\"msg\">").append(esc(String.valueOf(j.get("message")))).append("</td></tr>\n");
        }
        return """
                <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Capstan</title>
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <link rel="stylesheet" href="/ui/capstan.css"><script src="/ui/capstan.js" defer></script>
                </head><body><header><h1><a href="#">Capstan</a></h1><span id="live">loading…</span></header>
                <main><div id="actions"></div><div id="view"><table id="apps"><thead><tr><th>Application</th><th>Sync</th>
                <th>Health</th><th>Revision</th><th>Last sync</th><th>Message</th></tr></thead><tbody>
                """ + rows + """
                </tbody></table></div>
                <p class="none"><a href="/metrics">metrics</a> · <a href="/api/v1/applications">API</a></p></main></body></html>
                """;
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }
}
