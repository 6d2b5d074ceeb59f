package io.vermilion.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoadTest {
    private static final String BANNER = "\n*** FATAL CONFIG FILE ERROR (Vermilion 0.1.0) ***\n";

    @TempDir
    Path tmp;

    private Path write(String name, String content) throws IOException {
        Path p = tmp.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        return p;
    }

    private static String fatalAt(int line, String text, String error) {
        return BANNER + "Reading the configuration file, at line " + line + "\n>>> '" + text + "'\n" + error;
    }

    private ConfigException loadFails(Path file, String... args) {
        try {
            Config.load(file, List.of(args));
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a ConfigException");
    }

    @Test
    void defaultsAreRedis70Defaults() throws Exception {
        Config c = Config.defaults();
        assertThat(c.configFile()).isNull();
        assertThat(c.get("port")).isEqualTo("6379");
        assertThat(c.getInt("port")).isEqualTo(6379);
        assertThat(c.get("bind")).isEqualTo("* -::*");
        assertThat(c.get("save")).isEqualTo("3600 1 300 100 60 10000");
        assertThat(c.get("appendfsync")).isEqualTo("everysec");
        assertThat(c.get("enable-debug-command")).isEqualTo("no");
        assertThat(c.get("proto-max-bulk-len")).isEqualTo("536870912");
        assertThat(c.get("client-query-buffer-limit")).isEqualTo("1073741824");
        assertThat(c.get("cluster-config-file")).isEqualTo("nodes.conf");
        assertThat(c.getLong("cluster-node-timeout")).isEqualTo(15000);
        assertThat(c.getBool("protected-mode")).isTrue();
        assertThat(c.getBool("cluster-enabled")).isFalse();
        assertThat(c.get("replicaof")).isEmpty();
        assertThat(c.get("requirepass")).isEmpty();
        assertThat(c.get("dir")).isEqualTo(Path.of("").toAbsolutePath().toRealPath().toString());
        assertThat(c.get("no-such-directive")).isNull();
        // Same object for no file and no arguments.
        assertThat(Config.load(null, List.of()).getMatching("*")).isEqualTo(c.getMatching("*"));
    }

    @Test
    void seedClusterConfigLoadsUnchanged() throws Exception {
        Path f = write("7001.conf", "port 7001\ncluster-enabled yes\ncluster-config-file nodes-7001.conf\n"
                + "cluster-node-timeout 5000\nappendonly yes\npidfile /var/run/redis_7001.pid\n"
                + "dbfilename dump-7001.rdb\nenable-debug-command local\n");
        Config c = Config.load(f, List.of());
        assertThat(c.configFile()).isEqualTo(f.toAbsolutePath());
        assertThat(c.getInt("port")).isEqualTo(7001);
        assertThat(c.getBool("cluster-enabled")).isTrue();
        assertThat(c.get("cluster-config-file")).isEqualTo("nodes-7001.conf");
        assertThat(c.getLong("cluster-node-timeout")).isEqualTo(5000);
        assertThat(c.getBool("appendonly")).isTrue();
        assertThat(c.get("pidfile")).isEqualTo("/var/run/redis_7001.pid");
        assertThat(c.get("dbfilename")).isEqualTo("dump-7001.rdb");
        assertThat(c.get("enable-debug-command")).isEqualTo("local");
        // Untouched directives keep their defaults.
        assertThat(c.get("save")).isEqualTo("3600 1 300 100 60 10000");
    }

    @Test
    void commentsBlankLinesCaseAndLastValueWins() throws Exception {
        Path f = write("a.conf", "# a comment\n\n   \t\n  PORT 1000  \r\nHz 20\nport 1001\n   # indented comment\n");
        Config c = Config.load(f, List.of("--port", "1002"));
        assertThat(c.get("port")).isEqualTo("1002");
        assertThat(c.get("hz")).isEqualTo("20");
    }

    @Test
    void badDirectiveReportsLineNumberAndTrimmedLine() throws Exception {
        Path f = write("bad.conf", "port 1\n  foo bar  \n");
        ConfigException e = loadFails(f);
        assertThat(e.kind()).isEqualTo(ConfigException.Kind.FATAL);
        assertThat(e.getMessage()).isEqualTo(fatalAt(2, "foo bar", "Bad directive or wrong number of arguments"));
    }

    @Test
    void commandLineErrorsAreNumberedAfterTheFile() throws Exception {
        assertThat(loadFails(null, "--port", "abc").getMessage())
                .isEqualTo(fatalAt(2, "port \"abc\"", "argument couldn't be parsed into an integer"));
        Path withNewline = write("nl.conf", "port 1\n");
        assertThat(loadFails(withNewline, "--port", "abc").getMessage())
                .isEqualTo(fatalAt(3, "port \"abc\"", "argument couldn't be parsed into an integer"));
        Path withoutNewline = write("nonl.conf", "port 1");
        assertThat(loadFails(withoutNewline, "--port", "2", "--hz", "x").getMessage())
                .isEqualTo(fatalAt(3, "hz \"x\"", "argument couldn't be parsed into an integer"));
    }

    @Test
    void valueErrorsHaveRedisTexts() throws Exception {
        String[][] cases = {
            {"port 1 2", "wrong number of arguments"},
            {"port", "wrong number of arguments"},
            {"daemonize maybe", "argument must be 'yes' or 'no'"},
            {"port 70000", "argument must be between 0 and 65535 inclusive"},
            {"maxclients 0", "argument must be between 1 and 4294967295 inclusive"},
            {"timeout 007", "argument couldn't be parsed into an integer"},
            {"maxmemory 1.5gb", "argument must be a memory value"},
            {"maxmemory-clients 101%", "percentage argument must be less or equal to 100"},
            {"maxmemory-clients x", "argument must be a memory or percent value"},
            {"unixsocketperm 1000", "argument must be between 0 and 777 inclusive"},
            {"unixsocketperm 9", "argument couldn't be parsed as an octal number"},
            {"loglevel loud", "argument(s) must be one of the following: debug, verbose, notice, warning"},
            {"appendfsync sometimes", "argument(s) must be one of the following: everysec, always, no"},
            {"enable-debug-command maybe", "argument(s) must be one of the following: no, yes, local"},
            {"save 1", "Invalid save parameters"},
            {"save 0 1", "Invalid save parameters"},
            {"replicaof host", "wrong number of arguments"},
            {"replicaof host 70000", "Invalid master port"},
            {"dbfilename a/b", "dbfilename can't be a path, just a filename"},
            {"appendfilename \"\"", "appendfilename can't be empty"},
            {"appenddirname a/b", "appenddirname can't be a path, just a dirname"},
            {"notify-keyspace-events Q", "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."},
            {"shutdown-on-sigint save nosave", "shutdown options SAVE and NOSAVE can't be used simultaneously"},
            {"cluster-announce-hostname a_b", "Hostnames may only contain alphanumeric characters, hyphens or dots"},
            {"client-output-buffer-limit normal 1 2", "Wrong number of arguments in buffer limit configuration."},
            {"client-output-buffer-limit master 1 2 3", "Invalid client class specified in buffer limit configuration."},
            {"requirepass \"abc", "Unbalanced quotes in configuration line"},
            {"include", "Bad directive or wrong number of arguments"},
            {"dir /nonexistent-vermilion-dir", "No such file or directory"},
            {"sentinel monitor m 127.0.0.1 6379 2", "sentinel directive while not in sentinel mode"},
            {"proc-title-template {nope}", "template format is invalid or contains unknown variables"},
        };
        for (String[] c : cases) {
            Path f = write("case.conf", "# first\n" + c[0] + "\n");
            assertThat(loadFails(f).getMessage()).as(c[0]).isEqualTo(fatalAt(2, c[0], c[1]));
        }
    }

    @Test
    void memoryUnitsAndPrintingInBytes() throws Exception {
        Path f = write("m.conf", "maxmemory 1gb\nrepl-backlog-size 5k\nclient-query-buffer-limit 2MB\n"
                + "auto-aof-rewrite-min-size 1G\nmaxmemory-clients 25%\nhash-max-ziplist-value 1kb\n");
        Config c = Config.load(f, List.of());
        assertThat(c.get("maxmemory")).isEqualTo("1073741824");
        assertThat(c.get("repl-backlog-size")).isEqualTo("5000");
        assertThat(c.get("client-query-buffer-limit")).isEqualTo("2097152");
        assertThat(c.get("auto-aof-rewrite-min-size")).isEqualTo("1000000000");
        assertThat(c.get("maxmemory-clients")).isEqualTo("25%");
        assertThat(c.getLong("maxmemory-clients")).isEqualTo(-25);
        assertThat(c.get("hash-max-listpack-value")).isEqualTo("1024");
    }

    @Test
    void saveAccumulatesWithinAConfigAndEmptyDisables() throws Exception {
        Path f = write("s.conf", "save 900 1\nsave 300 10\n");
        assertThat(Config.load(f, List.of()).get("save")).isEqualTo("900 1 300 10");
        assertThat(Config.load(f, List.of("--save", "60", "5")).get("save")).isEqualTo("900 1 300 10 60 5");
        assertThat(Config.load(null, List.of("--save", "100 1 200 2")).get("save")).isEqualTo("100 1 200 2");
        assertThat(Config.load(f, List.of("--save", "")).get("save")).isEmpty();
        // A lone --save (last, or followed by another option) means save "".
        assertThat(Config.load(f, List.of("--save")).get("save")).isEmpty();
        assertThat(Config.load(f, List.of("--save", "--hz", "20")).get("hz")).isEqualTo("20");
        assertThat(Config.load(f, List.of("--save", "--hz", "20")).get("save")).isEmpty();
        assertThat(Config.load(null, List.of("--save", "", "--save", "1", "1")).get("save")).isEqualTo("1 1");
    }

    @Test
    void includeIsRelativeToTheWorkingDirectoryAndEndsSaveAccumulation() throws Exception {
        write("sub/conf.d/a.conf", "hz 33\n");
        write("sub/conf.d/b.conf", "hz 44\nsave 7 7\n");
        Path main = write("main.conf", "save 900 1\ndir " + tmp.resolve("sub") + "\ninclude conf.d/*.conf\n"
                + "save 8 8\nsave 9 9\n");
        Config c = Config.load(main, List.of());
        assertThat(c.get("dir")).isEqualTo(tmp.resolve("sub").toRealPath().toString());
        assertThat(c.get("hz")).isEqualTo("44"); // b.conf after a.conf
        // After an include Redis stops accumulating: each later save line replaces.
        assertThat(c.get("save")).isEqualTo("9 9");

        Path plain = write("plain.conf", "save 900 1\ninclude " + tmp.resolve("sub/conf.d/b.conf") + "\n");
        assertThat(Config.load(plain, List.of()).get("save")).isEqualTo("900 1 7 7");

        Path none = write("none.conf", "include " + tmp.resolve("nothing-*.conf") + "\nport 5\n");
        assertThat(Config.load(none, List.of()).get("port")).isEqualTo("5");
    }

    @Test
    void errorsInsideAnIncludeReportTheIncludedLine() throws Exception {
        write("inc/bad.conf", "save 5 5\n# x\nbogus\n");
        Path main = write("main.conf", "port 5\n\n\ninclude " + tmp.resolve("inc/bad.conf") + "\n");
        assertThat(loadFails(main).getMessage())
                .isEqualTo(fatalAt(3, "bogus", "Bad directive or wrong number of arguments"));
    }

    @Test
    void unopenableFilesGiveTheLogLine() throws Exception {
        Path missing = tmp.resolve("missing.conf");
        ConfigException e = loadFails(missing);
        assertThat(e.kind()).isEqualTo(ConfigException.Kind.LOG);
        assertThat(e.getMessage())
                .isEqualTo("Fatal error, can't open config file '" + missing + "': No such file or directory");

        Path main = write("main.conf", "dir " + tmp + "\ninclude nope.conf\n");
        e = loadFails(main);
        assertThat(e.kind()).isEqualTo(ConfigException.Kind.LOG);
        assertThat(e.getMessage()).isEqualTo("Fatal error, can't open config file 'nope.conf': No such file or directory");
    }

    @Test
    void endOfLoadChecks() throws Exception {
        assertThat(loadFails(null, "--cluster-enabled", "yes", "--replicaof", "127.0.0.1", "6380").getMessage())
                .isEqualTo(BANNER + "replicaof directive not allowed in cluster mode");
        assertThat(loadFails(null, "--logfile", tmp.resolve("no/such/dir.log").toString()).getMessage())
                .isEqualTo(BANNER + "Can't open the log file: No such file or directory");
        Config c = Config.load(null, List.of("--dir", tmp.toString(), "--logfile", "node.log"));
        assertThat(Files.exists(tmp.resolve("node.log"))).isTrue();
        assertThat(c.resolve(c.get("logfile"))).isEqualTo(tmp.toRealPath().resolve("node.log"));
    }

    @Test
    void aliasesMultiArgDirectivesAndDeprecatedOnes() throws Exception {
        Path f = write("x.conf", "slaveof 10.0.0.1 6380\nslave-read-only no\nhash-max-ziplist-entries 100\n"
                + "bind 127.0.0.1 ::1\nlist-max-ziplist-entries 5\nlua-replicate-commands yes\n"
                + "shutdown-on-sigterm \"save now\"\noom-score-adj-values \"1 2 3\"\nhz 1000\n"
                + "notify-keyspace-events Kx$\nrequirepass \"a\\x41 b\"\n");
        Config c = Config.load(f, List.of());
        assertThat(c.get("replicaof")).isEqualTo("10.0.0.1 6380");
        assertThat(c.get("SLAVEOF")).isEqualTo("10.0.0.1 6380");
        assertThat(c.get("replica-read-only")).isEqualTo("no");
        assertThat(c.get("hash-max-listpack-entries")).isEqualTo("100");
        assertThat(c.get("bind")).isEqualTo("127.0.0.1 ::1");
        assertThat(c.getList("bind")).containsExactly("127.0.0.1", "::1");
        assertThat(c.get("shutdown-on-sigterm")).isEqualTo("save now");
        assertThat(c.get("oom-score-adj-values")).isEqualTo("1 2 3");
        assertThat(c.get("hz")).isEqualTo("500"); // clamped
        assertThat(c.get("notify-keyspace-events")).isEqualTo("$xK");
        assertThat(c.get("requirepass")).isEqualTo("aA b");
        assertThat(c.canonicalName("SLAVEOF")).isEqualTo("replicaof");
    }

    @Test
    void commandLineWithFileFirst() throws Exception {
        Path f = write("c.conf", "port 7001\n");
        Config c = Config.fromCommandLine(List.of(f.toString(), "--hz", "15"));
        assertThat(c.configFile()).isEqualTo(f.toAbsolutePath());
        assertThat(c.get("port")).isEqualTo("7001");
        assertThat(c.get("hz")).isEqualTo("15");
        assertThat(Config.fromCommandLine(List.of("--port", "7002")).configFile()).isNull();
    }

    @Test
    void commandLineTextQuotesValues() {
        assertThat(Config.commandLineToConfigText(List.of("--port", "6380", "--requirepass", "a \"b")))
                .isEqualTo("port \"6380\" \nrequirepass \"a \\\"b\" ");
        assertThat(Config.commandLineToConfigText(List.of("--port 6380", "--save"))).isEqualTo("port 6380 \nsave \"\"");
    }

    @Test
    void typedGettersRefuseUnknownNames() {
        Config c = Config.defaults();
        assertThatThrownBy(() -> c.getInt("nope")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.getInt("maxmemory-policy")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not numeric");
    }
}
