package io.vermilion.server;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Regenerates {@code src/main/resources/io/vermilion/server/command-docs.resp} from a real
 * redis-server 7.0's {@code COMMAND DOCS} (RESP3). Not a test; run by hand:
 *
 * <pre>
 * redis-server --port 7777 --save "" &amp;
 * mvn -q -o test-compile
 * java -cp target/classes:target/test-classes io.vermilion.server.CommandDocsGenerator 127.0.0.1 7777 \
 *     src/main/resources/io/vermilion/server/command-docs.resp \
 *     src/test/resources/io/vermilion/server/command-info.resp
 * </pre>
 *
 * Subcommands are moved out of their container's "subcommands" field to entries of their own
 * ("client|list"), and entries are sorted by name so that the file diffs well.
 *
 * <p>The optional third file gets the reference {@code COMMAND INFO} (RESP3) that
 * CommandMetadataTest compares our command table with: a map from full name to the 10-element
 * info array, where a container's subcommand list is replaced by the sorted names of its
 * subcommands (each subcommand has its own entry).
 */
public final class CommandDocsGenerator {
    private CommandDocsGenerator() {}

    public static void main(String[] args) throws Exception {
        RespTree.Agg root = (RespTree.Agg) RespTree.parse(call(args[0], Integer.parseInt(args[1]), "DOCS"));
        Map<String, RespTree.Node> flat = new TreeMap<>();
        flatten(root, flat);
        List<RespTree.Node> items = new ArrayList<>();
        for (Map.Entry<String, RespTree.Node> e : flat.entrySet()) {
            items.add(RespTree.bulk(e.getKey()));
            items.add(e.getValue());
        }
        Files.write(Path.of(args[2]), RespTree.encode(new RespTree.Agg('%', items)));
        System.out.println("wrote " + flat.size() + " entries to " + args[2]);
        if (args.length > 3) {
            RespTree.Agg info = (RespTree.Agg) RespTree.parse(call(args[0], Integer.parseInt(args[1]), "INFO"));
            Map<String, RespTree.Node> byName = new TreeMap<>();
            for (RespTree.Node n : info.items()) flattenInfo((RespTree.Agg) n, byName);
            List<RespTree.Node> out = new ArrayList<>();
            for (Map.Entry<String, RespTree.Node> e : byName.entrySet()) {
                out.add(RespTree.bulk(e.getKey()));
                out.add(e.getValue());
            }
            Files.write(Path.of(args[3]), RespTree.encode(new RespTree.Agg('%', out)));
            System.out.println("wrote " + byName.size() + " entries to " + args[3]);
        }
    }

    private static void flattenInfo(RespTree.Agg info, Map<String, RespTree.Node> out) {
        List<RespTree.Node> fields = new ArrayList<>(info.items());
        RespTree.Agg subs = (RespTree.Agg) fields.get(9);
        List<String> names = new ArrayList<>();
        for (RespTree.Node s : subs.items()) {
            RespTree.Agg sub = (RespTree.Agg) s;
            names.add(RespTree.text(sub.items().get(0)));
            flattenInfo(sub, out);
        }
        java.util.Collections.sort(names);
        List<RespTree.Node> nameNodes = new ArrayList<>();
        for (String n : names) nameNodes.add(RespTree.bulk(n));
        fields.set(9, new RespTree.Agg(subs.type(), nameNodes));
        out.put(RespTree.text(fields.get(0)), new RespTree.Agg('*', fields));
    }

    private static byte[] call(String host, int port, String sub) throws Exception {
        try (Socket s = new Socket(host, port)) {
            OutputStream out = s.getOutputStream();
            out.write(("*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n*2\r\n$7\r\nCOMMAND\r\n$" + sub.length() + "\r\n" + sub + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return readTwoReplies(s.getInputStream());
        }
    }

    private static void flatten(RespTree.Agg map, Map<String, RespTree.Node> out) {
        for (int i = 0; i < map.items().size(); i += 2) {
            String name = RespTree.text(map.items().get(i));
            RespTree.Agg doc = (RespTree.Agg) map.items().get(i + 1);
            List<RespTree.Node> kept = new ArrayList<>();
            for (int j = 0; j < doc.items().size(); j += 2) {
                if ("subcommands".equals(RespTree.text(doc.items().get(j)))) {
                    flatten((RespTree.Agg) doc.items().get(j + 1), out);
                } else {
                    kept.add(doc.items().get(j));
                    kept.add(doc.items().get(j + 1));
                }
            }
            out.put(name, new RespTree.Agg('%', kept));
        }
    }

    /** Reads the HELLO reply, drops it, and returns the bytes of the next complete reply. */
    private static byte[] readTwoReplies(InputStream in) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[65536];
        while (true) {
            int n = in.read(chunk);
            if (n < 0) throw new IllegalStateException("connection closed");
            buf.write(chunk, 0, n);
            byte[] all = buf.toByteArray();
            int helloEnd = complete(all, 0);
            if (helloEnd < 0) continue;
            int end = complete(all, helloEnd);
            if (end == all.length) return java.util.Arrays.copyOfRange(all, helloEnd, end);
        }
    }

    /** End offset of the complete value starting at off, or -1. */
    private static int complete(byte[] d, int off) {
        int eol = off;
        while (eol + 1 < d.length && !(d[eol] == '\r' && d[eol + 1] == '\n')) eol++;
        if (eol + 1 >= d.length) return -1;
        char t = (char) d[off];
        String head = new String(d, off + 1, eol - off - 1, StandardCharsets.US_ASCII);
        int p = eol + 2;
        switch (t) {
            case '$': {
                int end = p + Integer.parseInt(head) + 2;
                return end <= d.length ? end : -1;
            }
            case '*': case '~': case '%': {
                int n = Integer.parseInt(head) * (t == '%' ? 2 : 1);
                for (int i = 0; i < n; i++) {
                    p = complete(d, p);
                    if (p < 0) return -1;
                }
                return p;
            }
            default:
                return p;
        }
    }
}
