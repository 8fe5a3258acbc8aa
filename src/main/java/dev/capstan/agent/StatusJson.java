package dev.capstan.agent;

import dev.capstan.apply.Change;
import dev.capstan.apply.ChangeSet;
import dev.capstan.health.ObjectHealth;
import dev.capstan.plan.DriftReport;
import dev.capstan.source.Revision;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The sections of an application's status JSON, one per method. Pure: data in, plain maps out. */
final class StatusJson {
    private StatusJson() {
    }

    static Map<String, Object> revision(Revision r) {
        if (r == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ref", r.ref());
        m.put("sha", r.sha());
        m.put("shortSha", r.shortSha());
        m.put("subject", r.subject());
        return m;
    }

    static List<Map<String, Object>> changes(ChangeSet changes) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Change c : changes.changes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("object", c.ref().toString());
            m.put("group", c.ref().group());
            m.put("kind", c.ref().kind());
            m.put("namespace", c.ref().namespace());
            m.put("name", c.ref().name());
            m.put("action", c.action().label());
            m.put("message", c.message());
            list.add(m);
        }
        return list;
    }

    static List<Map<String, Object>> objects(List<ObjectHealth> objects) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (ObjectHealth o : objects) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("object", o.ref().toString());
            m.put("kind", o.ref().kind());
            m.put("namespace", o.ref().namespace());
            m.put("name", o.ref().name());
            m.put("health", o.health().status().name());
            m.put("message", o.health().message());
            list.add(m);
        }
        return list;
    }

    static List<Map<String, Object>> drift(Collection<DriftReport> drift) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (DriftReport d : drift) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("object", d.ref().toString());
            m.put("state", d.missing() ? "Missing" : "OutOfSync");
            m.put("paths", d.paths());
            m.put("diff", d.diff());
            list.add(m);
        }
        return list;
    }

    static List<Map<String, Object>> history(Collection<SyncRecord> history) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (SyncRecord r : history) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("revision", revision(r.revision()));
            m.put("startedAt", r.startedAt() == null ? null : r.startedAt().toString());
            m.put("durationSeconds", r.duration().toMillis() / 1000.0);
            m.put("phase", r.phase().name());
            m.put("reason", r.reason() == null ? null : r.reason().name());
            m.put("message", r.message());
            m.put("summary", r.summary());
            m.put("replica", r.replica());
            list.add(m);
        }
        return list;
    }
}
