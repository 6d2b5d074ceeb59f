import socket, random, sys
random.seed(int(sys.argv[2]) if len(sys.argv) > 2 else 7)
# usage: gen.py <random cases> <seed> [port]
s = socket.create_connection(("127.0.0.1", int(sys.argv[3]) if len(sys.argv) > 3 else 21999))
f = s.makefile("rb")
def enc(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        if isinstance(a, str): a = a.encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out
def read():
    line = f.readline()
    t = line[:1]
    if t == b"$":
        n = int(line[1:-2])
        if n < 0: return None
        d = f.read(n + 2)[:-2]
        return d.decode()
    if t in (b"+", b"-", b":"):
        return line[:-2].decode()
    raise Exception(line)
cases = []
def rnd_dec():
    nd = random.choice([1,1,2,3,5,8,15,16,17,18,19,20,21,25,30])
    digits = "".join(random.choice("0123456789") for _ in range(nd)).lstrip("0") or "0"
    e = random.choice([0,0,0,-1,-2,-3,-5,-10,-17,-18,-19,-20,1,2,5,10,15,17,18,19,20,25,30])
    form = random.random()
    sign = random.choice(["", "", "-"])
    if form < 0.4:
        return sign + digits + "e" + str(e)
    # place decimal point
    if e >= 0:
        return sign + digits + "0" * min(e, 20)
    p = len(digits) + e
    if p > 0:
        return sign + digits[:p] + "." + digits[p:]
    return sign + "0." + "0" * (-p) + digits
def pair():
    r = random.random()
    if r < 0.6:
        return rnd_dec(), rnd_dec()
    if r < 0.7:
        return str(random.randint(-10**19, 10**19)), rnd_dec()
    if r < 0.8:
        return rnd_dec(), "%.*f" % (random.randint(0, 20), random.uniform(-1000, 1000))
    if r < 0.9:
        # ties at the 18th fraction digit: k / 2^n
        n = random.randint(17, 70)
        k = random.randint(1, 2**20)
        v = "0x%xp-%d" % (k, n)
        return random.choice(["0", "1", "-1", "3", "1000"]), v
    return repr(random.uniform(-1e6, 1e6)), repr(random.uniform(-1, 1))
fixed = [
 ("10.5","0.1"),("0","0.1"),("0.1","0.2"),("1.1","2.2"),("3","0"),("3","-13"),("1.23456789012345678","0"),
 ("0","1e300"),("1e300","1e300"),("1e400","1"),("5","inf"),("5","-inf"),("5","nan"),("5","abc"),("5",""),
 ("5","1 "),("5"," 1"),("5","0x10"),("5","1e-320"),("1.5e3","0"),("10","3.0000000000000001"),("10",".5"),("10","5."),
 ("5","1e4932"),("1e4932","1e4932"),("-1e4932","-1e4932"),("1.18973149535723176502e4932","0"),("1.18973149535723176502e4932","1e4900"),
 ("1e-4940","0"),("1e-4951","0"),("3e-4951","0"),("3.7e-4951","3.7e-4951"),("0","1e-5000"),("0","0e-5000"),("-0","-0"),("-0","0"),("0","-0"),
 ("0x1p-16446","0"),("0x1.8p-16446","0"),("0x1p-16445","0x1p-16445"),("inf","1"),("-inf","1"),("infinity","0"),("INF","-INF"),("nan","1"),
 ("1e5000","0"),("-1e5000","0"),("0","0x"),("0","0x.8"),("0","0X1P3"),("0","1e"),("0","1e+"),("0",".") ,("0","+.5"),("0","+5"),("0","-.5e-3"),
 ("0","00001"),("0","1_0"),("0","1,5"),("0","0.000000000000000005"),("0","0.000000000000000015"),("0","0.000000000000000025"),
 ("0","-0.000000000000000005"),("0","0.0000000000000000051"),("9223372036854775807","1"),("-9223372036854775808","-1"),
 ("18446744073709551615","0"),("18446744073709551616","1"),("36893488147419103231","0"),("12345678901234567890123","0"),
 ("0.1","0"),("0.3","0"),("1e-17","0"),("1e-18","0"),("5e-18","0"),("5.000001e-18","0"),("-5e-18","0"),("1.5e-17","0"),("2.5e-17","0"),
 ("0","1e20"),("0","1e30"),("0","123456789.123456789123456789"),("1e19","0.5"),("1e20","0.5"),("1e-4951", "1"),
 ("0","1.00000000000000000000000000000000000000000000000000000000001"),("0","0x1.fffffffffffffffep0"),("0","0x1.ffffffffffffffffp0"),("0","0x1.fffffffffffffffe8p0"),
 ("0","0x1.fffffffffffffff8p0"),("1","0x1p-64"),("1","0x1p-63"),("1","0x1.8p-64"),("1","0x1p-65"),("1","0x1.0000001p-64"),
 ("nan(123)","0"),("0","-nan"),("0","infinit"),("0","infinityx"),("0", "\t1"), ("0","\n1"), ("0","1\n"), ("1 ", "0"),
 ("3.14","0"), ("-3.14","1"), ("100","-100"), ("100.5","-100.5"), ("0.1","-0.1"), ("1e-30","0"),("123e-20","0"),
]
for i in range(int(sys.argv[1])):
    fixed.append(pair())
# chains
chain = []
for incr in ["0.1", "0.01", "1.1", "-0.3", "3.3333333333333333", "0.000001"]:
    chain.append(("CHAIN", incr))
for v, inc in fixed:
    s.sendall(enc("SET", "k", v) + enc("INCRBYFLOAT", "k", inc))
    read()
    r = read()
    print("%s\t%s\t%s" % (v, inc, r) if "\t" not in v+inc and "\n" not in v+inc else "#skip")
for _, inc in chain:
    s.sendall(enc("DEL", "c"))
    read()
    prev = "0"
    for j in range(60):
        s.sendall(enc("INCRBYFLOAT", "c", inc))
        r = read()
        print("%s\t%s\t%s" % (prev, inc, r))
        prev = r
