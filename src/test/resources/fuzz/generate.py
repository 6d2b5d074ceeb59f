#!/usr/bin/python3
"""Generates the fuzz seed corpus from the real redis-server 7.0 (run once; outputs are committed).

    /usr/bin/python3 src/test/resources/fuzz/generate.py

Writes, next to this script:
  resp/    client requests as redis-cli / redis-benchmark / redis-py sent them (captured by a proxy)
  reply/   the server's replies to them (RESP2 and RESP3), for the CLI reply reader
  rdb/     dump.rdb files holding every type and encoding
  dump/    DUMP payloads of every type and encoding
  aof/     an AOF directory's files (RDB-preamble base, RESP base, incr, manifest)
  nodesconf/ nodes.conf files of a 3-node Redis cluster
  redisconf/ the directives of Debian's redis.conf (comments dropped) and a small config
  bus/     cluster bus frames between two redis-servers (MEET, PING, PONG, with gossip and extensions);
           capture_bus.py adds bus/redis-frame-*.bin (PING/PONG with gossip and the hostname
           extension, FAIL) from three nodes
"""
import os, shutil, socket, subprocess, sys, tempfile, threading, time
import redis

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = "/usr/bin/redis-server"
BASE_PORT = 26400


def out(sub, name, data):
    d = os.path.join(HERE, sub)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def start(port, workdir, *args):
    os.makedirs(workdir, exist_ok=True)
    p = subprocess.Popen([SERVER, "--port", str(port), "--bind", "127.0.0.1", "--dir", workdir, "--save", "",
                          "--logfile", os.path.join(workdir, "log")] + list(args))
    for _ in range(200):
        try:
            redis.Redis(port=port).ping()
            return p
        except Exception:
            time.sleep(0.05)
    raise SystemExit("redis-server did not start")


class Proxy:
    """Forwards one port to another, recording each direction's bytes per read."""
    def __init__(self, listen, target):
        self.up, self.down = [], []
        self.srv = socket.socket()
        self.srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.srv.bind(("127.0.0.1", listen))
        self.srv.listen(16)
        self.target = target
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                c, _ = self.srv.accept()
            except OSError:
                return
            s = socket.create_connection(("127.0.0.1", self.target))
            up, down = bytearray(), bytearray()
            self.up.append(up)
            self.down.append(down)
            threading.Thread(target=self.pump, args=(c, s, up), daemon=True).start()
            threading.Thread(target=self.pump, args=(s, c, down), daemon=True).start()

    @staticmethod
    def pump(a, b, rec):
        try:
            while True:
                d = a.recv(65536)
                if not d:
                    break
                rec += d
                b.sendall(d)
        except OSError:
            pass
        try:
            b.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def fill(r):
    r.set("str", "hello")
    r.set("int", 12345)
    r.set("big", "x" * 200)  # compressible: LZF in RDB
    r.set("ttl", "v", px=10**9)
    r.rpush("list", *[str(i) for i in range(10)])
    r.rpush("biglist", *["e" * 70 + str(i) for i in range(200)])
    r.hset("hash", mapping={"f%d" % i: "v%d" % i for i in range(5)})
    r.hset("bighash", mapping={"f%d" % i: "v" * 80 for i in range(200)})
    r.sadd("intset", *range(10))
    r.sadd("set", *["m%d" % i for i in range(10)])
    r.sadd("bigset", *["m%d" % i for i in range(600)])
    r.zadd("zset", {"a": 1, "b": 2.5, "c": -3})
    r.zadd("bigzset", {"m%d" % i: i / 3 for i in range(200)})
    for i in range(5):
        r.xadd("stream", {"f": "v%d" % i})
    r.xgroup_create("stream", "g", id="0")
    r.xreadgroup("g", "c", {"stream": ">"}, count=2)
    r.pfadd("hll", *["e%d" % i for i in range(100)])
    r.setbit("bits", 100, 1)
    r.geoadd("geo", [13.361389, 38.115556, "Palermo"])


def main():
    tmp = tempfile.mkdtemp(prefix="vermilion-fuzz-corpus-")
    procs = []
    try:
        # ---- RESP requests and replies through a proxy
        port = BASE_PORT
        procs.append(start(port, os.path.join(tmp, "resp")))
        proxy = Proxy(port + 1, port)
        r = redis.Redis(port=port + 1)
        fill(r)
        for cmd in ["MGET str int nokey", "HGETALL hash", "ZRANGE zset 0 -1 WITHSCORES", "XRANGE stream - +",
                    "XINFO STREAM stream", "SMEMBERS set", "LRANGE list 0 -1", "OBJECT ENCODING big",
                    "CONFIG GET maxmemory*", "CLUSTER INFO", "TTL ttl", "INCRBYFLOAT int 0.5", "NOSUCHCMD x"]:
            subprocess.run(["redis-cli", "-p", str(port + 1)] + cmd.split(), capture_output=True)
            subprocess.run(["redis-cli", "-3", "-p", str(port + 1)] + cmd.split(), capture_output=True)
        subprocess.run(["redis-benchmark", "-p", str(port + 1), "-n", "30", "-P", "5", "-c", "1", "-q",
                        "-t", "set,get,lpush,hset,zadd,xadd,mset"], capture_output=True)
        s = socket.create_connection(("127.0.0.1", port + 1))
        s.sendall(b"PING\r\nSET inline value\r\nGET inline\r\n")
        time.sleep(0.2)
        s.close()
        time.sleep(0.5)
        n = 0
        for up, down in zip(proxy.up, proxy.down):
            if up and n < 40:
                out("resp", "req-%02d.bin" % n, bytes(up[:4096]))
                out("reply", "reply-%02d.bin" % n, bytes(down[:4096]))
                n += 1
        # ---- DUMP payloads
        raw = redis.Redis(port=port)
        for k in sorted(raw.keys()):
            out("dump", "dump-%s.bin" % k.decode().replace(":", "_"), raw.dump(k))
        # ---- RDB
        raw.save()
        shutil.copy(os.path.join(tmp, "resp", "dump.rdb"), os.path.join(HERE, "rdb", "all-types.rdb")) \
            if os.path.isdir(os.path.join(HERE, "rdb")) else (os.makedirs(os.path.join(HERE, "rdb")),
                                                                shutil.copy(os.path.join(tmp, "resp", "dump.rdb"),
                                                                            os.path.join(HERE, "rdb", "all-types.rdb")))
        raw.config_set("rdbcompression", "no")
        raw.save()
        shutil.copy(os.path.join(tmp, "resp", "dump.rdb"), os.path.join(HERE, "rdb", "uncompressed.rdb"))
        raw.flushall()
        raw.set("only", "one")
        raw.save()
        shutil.copy(os.path.join(tmp, "resp", "dump.rdb"), os.path.join(HERE, "rdb", "one-key.rdb"))
        # ---- AOF
        for preamble in ("yes", "no"):
            port += 10
            wd = os.path.join(tmp, "aof-" + preamble)
            procs.append(start(port, wd, "--appendonly", "yes", "--aof-use-rdb-preamble", preamble,
                               "--aof-timestamp-enabled", "yes" if preamble == "no" else "no"))
            a = redis.Redis(port=port)
            fill(a)
            a.bgrewriteaof()
            time.sleep(1.5)
            a.set("after", "rewrite")
            a.incr("counter")
            a.expire("str", 1000)
            with a.pipeline(transaction=True) as p:
                p.set("tx1", "a").set("tx2", "b").execute()
            time.sleep(0.3)
            d = os.path.join(wd, "appendonlydir")
            for f in os.listdir(d):
                kind = "manifest" if f.endswith("manifest") else ("base" if ".base." in f else "incr")
                with open(os.path.join(d, f), "rb") as fh:
                    out("aof", "%s-preamble-%s.%s" % (kind, preamble, "rdb" if f.endswith(".rdb") else "aof"),
                        fh.read())
        # ---- nodes.conf of a 3-node cluster
        ports = [port + 100 + i for i in range(3)]
        for p in ports:
            procs.append(start(p, os.path.join(tmp, "c%d" % p), "--cluster-enabled", "yes",
                               "--cluster-config-file", "nodes.conf"))
        c0 = redis.Redis(port=ports[0])
        for p in ports[1:]:
            c0.execute_command("CLUSTER", "MEET", "127.0.0.1", p)
        for i, p in enumerate(ports):
            redis.Redis(port=p).execute_command("CLUSTER", "ADDSLOTSRANGE", i * 5461, min(16383, i * 5461 + 5460))
        time.sleep(2)
        for p in ports:
            redis.Redis(port=p).execute_command("CLUSTER", "SAVECONFIG")
        for i, p in enumerate(ports):
            with open(os.path.join(tmp, "c%d" % p, "nodes.conf"), "rb") as fh:
                out("nodesconf", "nodes-%d.conf" % i, fh.read())
        # ---- bus frames: node A meets B through a recording proxy in front of B's bus port
        pa, pb = port + 200, port + 201
        procs.append(start(pa, os.path.join(tmp, "ba"), "--cluster-enabled", "yes"))
        procs.append(start(pb, os.path.join(tmp, "bb"), "--cluster-enabled", "yes"))
        redis.Redis(port=pb).execute_command("CLUSTER", "ADDSLOTSRANGE", 0, 100)
        bus_proxy = Proxy(pa + 300, pb + 10000)
        redis.Redis(port=pa).execute_command("CLUSTER", "MEET", "127.0.0.1", pb, pa + 300)
        time.sleep(3)
        n = 0
        for rec in bus_proxy.up + bus_proxy.down:
            b = bytes(rec)
            while len(b) >= 8 and n < 30:
                ln = int.from_bytes(b[4:8], "big")
                if b[:4] != b"RCmb" or ln > len(b):
                    break
                out("bus", "frame-%02d.bin" % n, b[:ln])
                b = b[ln:]
                n += 1
        # ---- redis.conf
        with open("/etc/redis/redis.conf", "rb") as fh:
            lines = [l for l in fh.read().splitlines() if l.strip() and not l.lstrip().startswith(b"#")]
        out("redisconf", "debian-redis.conf", b"\n".join(lines) + b"\n")
        out("redisconf", "small.conf", b'port 7001\nsave 900 1 300 10\nappendonly yes\n'
            b'client-output-buffer-limit replica 256mb 64mb 60\nrename-command "FLUSHALL" ""\n'
            b'user default on nopass ~* &* +@all\nmaxmemory 100mb\nnotify-keyspace-events "Ex"\n'
            b'dir "/tmp/x y"\nsave ""\n')
    finally:
        for p in procs:
            p.kill()
            p.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
