#!/usr/bin/env python3
"""Text summary of an async-profiler collapsed profile (bench/profile.sh): samples per thread,
the event-loop thread's call tree (inclusive share of all samples, frames >= MIN%), and the
frames with the most self samples on that thread.
   summarize.py FILE.collapsed [MIN_PCT] [DEPTH]"""
import sys, collections
f = sys.argv[1]
minpct = float(sys.argv[2]) if len(sys.argv) > 2 else 0.5
maxdepth = int(sys.argv[3]) if len(sys.argv) > 3 else 6
stacks = []
for line in open(f):
    st, _, n = line.rstrip().rpartition(' ')
    stacks.append((st.split(';'), int(n)))
total = sum(n for _, n in stacks)
threads = collections.Counter()
for fr, n in stacks:
    threads[fr[0].split(' tid=')[0].strip('[')] += n
print(f"# {f}: {total} samples (1 ms CPU each)\n\n## samples per thread")
for t, n in threads.most_common(8):
    print(f"{100 * n / total:6.2f}%  {t}")
loop = [(fr, n) for fr, n in stacks if fr[0].startswith('[vermilion')]
def tree_under(anchor, maxdepth):
    """Inclusive shares of the call paths below anchor (its first occurrence in each stack)."""
    tree = collections.Counter()
    for fr, n in loop:
        if anchor not in fr: continue
        i = fr.index(anchor)
        path = tuple(fr[i:i + maxdepth + 1])
        for d in range(1, len(path) + 1):
            tree[path[:d]] += n
    def show(prefix, depth):
        kids = sorted(((k, v) for k, v in tree.items() if len(k) == len(prefix) + 1 and k[:len(prefix)] == prefix),
                      key=lambda kv: -kv[1])
        for k, v in kids:
            if 100 * v / total < minpct: continue
            print(f"{'  ' * depth}{100 * v / total:6.2f}%  {k[-1]}")
            show(k, depth + 1)
    root = (anchor,)
    print(f"{100 * tree[root] / total:6.2f}%  {anchor}")
    show(root, 1)

# Where the loop thread goes: reads, request processing, flushes (the socket writes), epoll.
for anchor, depth, title in [
        ('io/netty/channel/epoll/EpollEventLoop.run', 3, 'event loop, top level'),
        ('io/netty/channel/unix/Socket.sendAddress', 1, 'socket writes (the flush of replies)'),
        ('io/vermilion/server/ClientHandler.process', maxdepth, 'request path (parse, dispatch, command, reply)')]:
    print(f"\n## event-loop thread: {title} (share of all samples, >= {minpct}%)")
    tree_under(anchor, depth)
selfc = collections.Counter()
for fr, n in loop: selfc[fr[-1]] += n
print("\n## event-loop thread, top self frames ([k] = kernel)")
for k, v in selfc.most_common(40):
    print(f"{100 * v / total:6.2f}%  {k}")
