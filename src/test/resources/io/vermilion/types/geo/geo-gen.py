#!/usr/bin/env python3
"""Records geo replies of a real redis-server 7.0 into geo-redis.tsv (read by GeoHashTest).

Usage: redis-server --port 2xxxx --save '' --appendonly no --daemonize yes
       python3 geo-gen.py 2xxxx > geo-redis.tsv

Record kinds (tab separated):
  P lon lat score geopos-lon geopos-lat geohash   GEOADD then ZSCORE / GEOPOS / GEOHASH
  E lon lat error                                  GEOADD rejected
  S score geopos-lon geopos-lat geohash            ZADD of an arbitrary score, then GEOPOS / GEOHASH
  D score1 score2 unit dist                        GEODIST between two stored members
  M member lon lat                                 a point of the search set (GEOADD'ed into key s)
  Q args result                                    GEOSEARCH s <args> WITHDIST: member:dist ...
  T lon lat member dist                            GEOSEARCHSTORE d s FROMLONLAT lon lat ... STOREDIST, then
                                                   ZSCORE d member: the full-precision distance in metres
"""
import random, socket, sys

s = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
f = s.makefile('rb')

def read():
    l = f.readline()[:-2]; t, v = l[:1], l[1:]
    if t in (b'+', b'-'): return v.decode()
    if t == b':': return int(v)
    if t == b'$':
        n = int(v)
        return None if n < 0 else f.read(n + 2)[:-2].decode()
    if t == b'*':
        n = int(v)
        return None if n < 0 else [read() for _ in range(n)]

def cmd(*args):
    out = b'*%d\r\n' % len(args)
    for x in args:
        x = str(x).encode()
        out += b'$%d\r\n%s\r\n' % (len(x), x)
    s.sendall(out)
    return read()

random.seed(20260101)
LAT = 85.05112878
out = []
cmd('FLUSHALL')
members = []
for i in range(2500):
    k = random.random()
    if k < 0.1:
        lon = random.choice([-180, 180, 0, 179.9999999, -179.9999999]); lat = random.uniform(-LAT, LAT)
    elif k < 0.2:
        lon = random.uniform(-180, 180); lat = random.choice([LAT, -LAT, 0, 85.05, -85.05, 85.0511287799, 85.0511288, -85.1, 90])
    elif k < 0.22:
        lon = random.choice([180.0000001, -180.0000001, 200, -1e10]); lat = random.uniform(-LAT, LAT)
    else:
        lon = random.uniform(-180, 180); lat = random.uniform(-LAT, LAT)
    if random.random() < 0.3:
        lon = round(lon, random.randint(0, 7)); lat = round(lat, random.randint(0, 7))
    r = cmd('GEOADD', 'k', repr(lon), repr(lat), 'm%d' % i)
    if isinstance(r, str):
        out.append('E\t%r\t%r\t%s' % (lon, lat, r)); continue
    sc = cmd('ZSCORE', 'k', 'm%d' % i); pos = cmd('GEOPOS', 'k', 'm%d' % i)[0]; h = cmd('GEOHASH', 'k', 'm%d' % i)[0]
    members.append(('m%d' % i, sc))
    out.append('P\t%r\t%r\t%s\t%s\t%s\t%s' % (lon, lat, sc, pos[0], pos[1], h))
for i in range(800):
    (a, sa), (b, sb) = random.choice(members), random.choice(members)
    unit = random.choice(['m', 'km', 'ft', 'mi'])
    out.append('D\t%s\t%s\t%s\t%s' % (sa, sb, unit, cmd('GEODIST', 'k', a, b, unit)))
for sc in ['-5', '-1e300', '1e300', '1e19', 'inf', '-inf', '0', '4503599627370496', '4503599627370495', '9.3e18',
           '1.5', '-0.5', '123456789.75', '18446744073709551615', '9223372036854775807', '-9223372036854775808', '3e15',
           '1e-300', '2251799813685248', '4503599627370497']:
    cmd('ZADD', 'w', sc, 'x'); pos = cmd('GEOPOS', 'w', 'x')[0]; h = cmd('GEOHASH', 'w', 'x')[0]
    out.append('S\t%s\t%s\t%s\t%s' % (sc, pos[0], pos[1], h))

# The search set: clusters (with duplicated positions, so that distances tie) near Sicily, the
# poles' latitude limits and the antimeridian, plus points spread over the world.
pts = []
def add(lon, lat):
    name = 'p%03d' % len(pts)
    if isinstance(cmd('GEOADD', 's', repr(lon), repr(lat), name), int):
        pts.append((name, lon, lat))
for centre in [(13, 38), (179.5, 10), (-179.5, -10), (0, 84.5), (100, -84.5), (-60, 70)]:
    for i in range(60):
        if i % 5 == 4:
            _, lon, lat = pts[-1]
        else:
            lon = max(-180, min(180, round(centre[0] + random.uniform(-3, 3), 5)))
            lat = max(-LAT, min(LAT, round(centre[1] + random.uniform(-2, 2), 5)))
        add(lon, lat)
for i in range(200):
    add(round(random.uniform(-180, 180), 4), round(random.uniform(-LAT, LAT), 4))
for name, lon, lat in pts:
    out.append('M\t%s\t%r\t%r' % (name, lon, lat))
def search(args):
    r = cmd('GEOSEARCH', 's', *args.split(), 'WITHDIST')
    out.append('Q\t%s\t%s' % (args, ' '.join('%s:%s' % (m, d) for m, d in r)))
for i in range(600):
    if random.random() < 0.7:
        centre = random.choice([(13, 38), (179.5, 10), (-179.5, -10), (0, 84.5), (100, -84.5), (-60, 70), (180, 0), (-180, 0)])
        lon = max(-180, min(180, round(centre[0] + random.uniform(-4, 4), 4)))
        lat = max(-LAT, min(LAT, round(centre[1] + random.uniform(-3, 3), 4)))
        frm = 'FROMLONLAT %r %r' % (lon, lat)
    else:
        frm = 'FROMMEMBER %s' % random.choice(pts)[0]
    unit = random.choice(['m', 'km', 'ft', 'mi'])
    per = {'m': 1, 'km': 1000, 'ft': 0.3048, 'mi': 1609.34}[unit]
    size = random.choice([0, 1, 50, 100, 300, 1000, 5000, 20000]) * 1000 * random.random() / per
    size = round(size, random.randint(0, 3))
    if random.random() < 0.5:
        by = 'BYRADIUS %r %s' % (size, unit)
    else:
        by = 'BYBOX %r %r %s' % (size, round(size * random.uniform(0.2, 3), 2), unit)
    opts = random.choice(['', 'ASC', 'DESC'])
    c = random.random()
    if c < 0.4:
        opts += ' COUNT %d' % random.randint(1, 80)
        if random.random() < 0.3: opts += ' ANY'
    search(' '.join((frm + ' ' + by + ' ' + opts).split()))
for i in range(12):
    lon, lat = round(random.uniform(-180, 180), 4), round(random.uniform(-LAT, LAT), 4)
    cmd('GEOSEARCHSTORE', 'd', 's', 'FROMLONLAT', repr(lon), repr(lat), 'BYRADIUS', '30000', 'km', 'STOREDIST')
    r = cmd('ZRANGE', 'd', '0', '-1', 'WITHSCORES')
    for j in range(0, len(r), 2):
        out.append('T\t%r\t%r\t%s\t%s' % (lon, lat, r[j], r[j + 1]))
print('# geo replies of redis-server 7.0.15, recorded by geo-gen.py')
print('\n'.join(out))
