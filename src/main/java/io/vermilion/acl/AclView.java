package io.vermilion.acl;

import io.vermilion.protocol.Reply;
import io.vermilion.server.Client;
import java.nio.charset.StandardCharsets;

/** The replies of ACL GETUSER and ACL LOG, which show the ACL's internals. */
public final class AclView {
    private AclView() {}

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** ACL GETUSER: flags, passwords, the root selector's commands/keys/channels, then the other selectors. */
    public static void getuser(Acl acl, Client c, String name) {
        AclUser u = acl.user(name);
        Reply r = c.reply();
        if (u == null) {
            r.nullBulk();
            return;
        }
        r.map(6);
        r.bulk("flags");
        int n = 1 + (u.nopass ? 1 : 0) + (u.sanitize != 0 ? 1 : 0);
        r.set(n);
        r.bulk(u.enabled ? "on" : "off");
        if (u.nopass) r.bulk("nopass");
        if (u.sanitize == 2) r.bulk("skip-sanitize-payload");
        if (u.sanitize == 1) r.bulk("sanitize-payload");
        r.bulk("passwords");
        r.array(u.passwords.size());
        for (String p : u.passwords) r.bulk(p);
        selector(acl, r, u.root());
        r.bulk("selectors");
        r.array(u.selectors.size() - 1);
        for (int i = 1; i < u.selectors.size(); i++) {
            r.map(3);
            selector(acl, r, u.selectors.get(i));
        }
    }

    private static void selector(Acl acl, Reply r, Selector s) {
        r.bulk("commands");
        r.bulk(b(acl.describeCommands(s)));
        r.bulk("keys");
        r.bulk(b(acl.keysDescription(s)));
        r.bulk("channels");
        r.bulk(b(acl.channelsDescription(s)));
    }

    /** ACL LOG [count]: the newest entries first, 7 fields each. */
    public static void log(Acl acl, Client c, long count) {
        Reply r = c.reply();
        var log = acl.log();
        long n = Math.min(count, log.size());
        r.array(n);
        long now = System.currentTimeMillis();
        int i = 0;
        for (Acl.LogEntry le : log) {
            if (i++ >= n) break;
            r.map(7);
            r.bulk("count");
            r.integer(le.count);
            r.bulk("reason");
            r.bulk(switch (le.reason) {
                case Acl.DENIED_CMD -> "command";
                case Acl.DENIED_KEY -> "key";
                case Acl.DENIED_CHANNEL -> "channel";
                case Acl.DENIED_AUTH -> "auth";
                default -> "unknown";
            });
            r.bulk("context");
            r.bulk(le.context);
            r.bulk("object");
            r.bulk(b(le.object));
            r.bulk("username");
            r.bulk(b(le.username));
            r.bulk("age-seconds");
            r.dbl((now - le.ctimeMs) / 1000.0);
            r.bulk("client-info");
            r.bulk(b(le.clientInfo));
        }
    }

    public static void resetLog(Acl acl) {
        acl.resetLog();
    }
}
