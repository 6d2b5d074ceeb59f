package io.vermilion.acl;

import java.util.ArrayList;
import java.util.List;

/**
 * An ACL user (Redis 7.0's struct user): name, flags (on/off, nopass, the sanitize-payload
 * pair), SHA-256 password hashes in lowercase hex, and its selectors, the root one first.
 */
public final class AclUser {
    final String name;               // one char per byte
    boolean enabled;                 // "on"; new users are "off"
    boolean nopass;
    int sanitize;                    // 0 unset, 1 sanitize-payload, 2 skip-sanitize-payload
    final List<String> passwords = new ArrayList<>();
    final List<Selector> selectors = new ArrayList<>();

    AclUser(String name, boolean allChannelsByDefault) {
        this.name = name;
        selectors.add(new Selector(true, allChannelsByDefault));
    }

    public String name() { return name; }
    public boolean enabled() { return enabled; }
    public boolean nopass() { return nopass; }

    Selector root() { return selectors.get(0); }

    /** ACLCopyUser: everything but the name. */
    void copyFrom(AclUser o) {
        enabled = o.enabled;
        nopass = o.nopass;
        sanitize = o.sanitize;
        passwords.clear();
        passwords.addAll(o.passwords);
        selectors.clear();
        for (Selector s : o.selectors) selectors.add(s.copy());
    }

    AclUser copy(String newName) {
        AclUser u = new AclUser(newName, false);
        u.copyFrom(this);
        return u;
    }

    /** True if this user can run anything on any key and channel (the fast path of every check). */
    boolean unrestricted() {
        Selector r = root();
        return r.allCommands && r.allKeys && r.allChannels;
    }
}
