package io.vermilion.acl;

import io.vermilion.config.Config;
import io.vermilion.config.ConfigException;
import io.vermilion.server.Server;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies the config file's {@code rename-command} and {@code user} lines once the command table
 * exists, then the aclfile, as Redis 7.0 does while reading the file (renames, syntax of user
 * lines: fatal config errors) and at startup (ACLLoadUsersAtStartup: logged errors, exit).
 */
public final class SecurityConfig {
    private SecurityConfig() {}

    /** A startup failure to log before exiting (status 1), as Redis's ACL loading errors. */
    public static final class StartupException extends RuntimeException {
        private final ConfigException config;

        StartupException(String message, ConfigException config) {
            super(message, null, false, false);
            this.config = config;
        }

        /** The fatal config file error (printed to stderr), or null for a logged error. */
        public ConfigException configError() { return config; }
    }

    public static void apply(Server server, Acl acl) {
        Config config = server.config();
        List<List<String>> users = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (Config.SecurityLine l : config.securityLines()) {
            List<String> argv = l.argv();
            if (argv.get(0).equalsIgnoreCase("rename-command")) {
                String err = server.commands().rename(argv.get(1), argv.get(2));
                if (err != null) fail(l, err);
                continue;
            }
            // ACLAppendUserForLoading: duplicates and rule syntax (unknown commands wait for the load).
            if (seen.contains(argv.get(1))) {
                fail(l, "Error in user declaration '" + argv.get(1) + "': Duplicate user found. A user can only be "
                        + "defined once in config files");
            }
            int[] bad = new int[1];
            List<String> merged = Acl.mergeSelectorArgs(argv.subList(2, argv.size()), bad);
            if (merged == null) {
                fail(l, "Error in user declaration '" + argv.get(bad[0]) + "': " + "Wrong format");
            }
            AclUser fake = new AclUser("", false);
            for (int j = 0; j < merged.size(); j++) {
                try {
                    acl.setUser(fake, merged.get(j));
                } catch (Acl.RuleException e) {
                    if (!e.getMessage().equals(Acl.E_ENOENT)) {
                        // Redis names argv[j] of the whole line here (j counts the rules).
                        fail(l, "Error in user declaration '" + argv.get(j) + "': " + e.getMessage());
                    }
                }
            }
            seen.add(argv.get(1));
            List<String> u = new ArrayList<>();
            u.add(argv.get(1));
            u.addAll(merged);
            users.add(u);
        }
        String err = acl.loadAtStartup(users, config.get("aclfile"));
        if (err != null) throw new StartupException(err, null);
    }

    private static void fail(Config.SecurityLine l, String error) {
        ConfigException e = Config.fatal(l, error);
        throw new StartupException(e.getMessage(), e);
    }
}
