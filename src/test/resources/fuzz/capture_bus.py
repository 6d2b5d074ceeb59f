#!/usr/bin/python3
"""Captures cluster bus frames of real redis-server 7.0 nodes for the fuzz corpus (run once; the
outputs, bus/redis-frame-t<type>-<n>.bin, are committed).

    /usr/bin/python3 src/test/resources/fuzz/capture_bus.py src/test/resources/fuzz/bus

Three nodes with cluster-announce-hostname (so PINGs carry the hostname extension); B announces
a bus port that is a recording proxy in front of its real one, so every link to B goes through
it: MEET, PING and PONG with gossip sections and extensions, and FAIL once node C is killed.
Keeps up to three frames per message type, of different lengths.
"""
import os, socket, subprocess, threading, time, tempfile, sys
import redis
SERVER="/usr/bin/redis-server"
base=int(os.environ.get("BASE_PORT", "26900"))
tmp=tempfile.mkdtemp()
procs=[]
def start(port, name, *args):
    d=os.path.join(tmp,name); os.makedirs(d)
    p=subprocess.Popen([SERVER,"--port",str(port),"--bind","127.0.0.1","--dir",d,"--save","","--logfile",os.path.join(d,"log"),
        "--cluster-enabled","yes","--cluster-node-timeout","600"]+list(args))
    procs.append(p)
    for _ in range(200):
        try: redis.Redis(port=port).ping(); return p
        except Exception: time.sleep(0.05)
streams={"up":bytearray(),"down":bytearray()}
def pipe(src,dst,key):
    try:
        while True:
            b=src.recv(65536)
            if not b: break
            streams[key].extend(b); dst.sendall(b)
    except Exception: pass
def proxy(listen, target):
    ls=socket.socket(); ls.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1); ls.bind(("127.0.0.1",listen)); ls.listen(8)
    def acc():
        while True:
            c,_=ls.accept(); t=socket.create_connection(("127.0.0.1",target))
            threading.Thread(target=pipe,args=(c,t,"up"),daemon=True).start()
            threading.Thread(target=pipe,args=(t,c,"down"),daemon=True).start()
    threading.Thread(target=acc,daemon=True).start()
pa,pb,pc=base,base+1,base+2
try:
    start(pa,"a","--cluster-announce-hostname","node-a.example")
    start(pb,"b","--cluster-announce-hostname","node-b.example","--cluster-announce-bus-port",str(pa+400))
    start(pc,"c","--cluster-announce-hostname","node-c.example")
    ra,rb,rc=[redis.Redis(port=p) for p in (pa,pb,pc)]
    rb.execute_command("CLUSTER","ADDSLOTSRANGE",0,5000)
    rc.execute_command("CLUSTER","ADDSLOTSRANGE",5001,16383)
    proxy(pa+400, pb+10000)
    rb.execute_command("CLUSTER","MEET","127.0.0.1",pc)
    time.sleep(1.5)
    ra.execute_command("CLUSTER","MEET","127.0.0.1",pb,pa+400)
    time.sleep(3)
    rb.execute_command("PUBLISH","news","hello over the bus")
    time.sleep(0.5)
    procs[2].kill()   # C dies: PFAIL, then FAIL messages
    time.sleep(4)
    rb.execute_command("CLUSTER","FORGET", [l.split()[0] for l in rb.execute_command("CLUSTER","NODES").decode().splitlines() if str(pc) in l][0])
    time.sleep(1.5)
finally:
    for p in procs: p.kill()
kinds={}
n=0
outdir=sys.argv[1]
for key in ("up","down"):
    b=bytes(streams[key]); off=0
    while off+8<=len(b) and b[off:off+4]==b"RCmb":
        ln=int.from_bytes(b[off+4:off+8],"big")
        if off+ln>len(b): break
        f=b[off:off+ln]; t=int.from_bytes(f[12:14],"big")
        kinds.setdefault(t,[]).append(f); off+=ln
print({k:len(v) for k,v in kinds.items()})
# keep up to 3 frames per type, preferring different lengths
for t,fs in sorted(kinds.items()):
    seen=set(); kept=0
    for f in fs:
        if len(f) in seen: continue
        seen.add(len(f)); open(os.path.join(outdir,"frame-t%d-%d.bin"%(t,kept)),"wb").write(f); kept+=1
        if kept==3: break
